"""check_text leaves nothing for the garbage collector: a document's objects go when check_text returns.

validate's workers check thousands of documents; a reference cycle anywhere in one (a section and its
parent, a closure that refers to itself) keeps all of that document's objects until a collection finds
them, and the collections then cost ~0.2 ms a document. The documents are the repository's worked example
(the shape of a real postmortem) and generated ones with nested sections, people and blaming sentences, so
that the language rules' per-document tables (lexicon.word_kind) are made too.
"""
from __future__ import annotations

import gc
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.rules import lexicon

EXAMPLE = Path(__file__).resolve().parents[2] / "prompts" / "examples" / "worked-example.md"


def _ours(thing) -> bool:
    module = thing.__module__ if isinstance(thing, types.FunctionType) else type(thing).__module__
    return (module or "").startswith("postmortem_skill")


def _left_for_the_collector(work) -> list:
    """Our objects that only a garbage collection would free after work()."""
    gc.collect()
    debug = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        work()
        gc.collect()
        return [thing for thing in gc.garbage if _ours(thing)]
    finally:
        gc.set_debug(debug)
        gc.garbage.clear()


@pytest.fixture(params=[False, True], ids=["one document", "many documents"])
def mode(request):
    was = lexicon._MANY[0]
    lexicon._MANY[0] = request.param
    yield
    lexicon._MANY[0] = was


def test_the_worked_example_leaves_no_cycles(mode):
    text = EXAMPLE.read_text(encoding="utf-8")
    check_text(text)  # patterns compiled, models loaded: kept for the process, not garbage
    assert _left_for_the_collector(lambda: check_text(text)) == []


_SENTENCES = ["Dana failed to renew the certificate.", "The on-call engineer ignored the page for an hour.",
              "Quinn restarted the pool at 09:14.", "We should have caught this in staging.",
              "The deploy was approved by the release manager.", "Kudos to the DBA team, really.",
              "Pools saturate at about 65% of peak."]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["Summary", "Timeline", "Root Cause", "Lessons Learned",
                                                              "Action Items", "What Happened", "Details"]),
                          st.lists(st.sampled_from(_SENTENCES), max_size=3)), min_size=1, max_size=8))
def test_nested_sections_leave_no_cycles(mode, sections):
    text = "\n\n".join("#" * (level + 1) + f" {title}\n\n" + " ".join(body) for level, title, body in sections) + "\n"
    check_text(text)
    assert _left_for_the_collector(lambda: check_text(text)) == []


def test_untangled_sections_keep_their_place_but_not_their_parent():
    doc = parse_document("# T\n\n## A\n\n### B\n\ntext\n\n## C\n")
    spans = [(s.title, s.line, s.end, [c.title for c in s.children]) for s in doc.all_sections]
    assert doc.all_sections[1].parent is doc.all_sections[0]
    doc.untangle()
    assert [(s.title, s.line, s.end, [c.title for c in s.children]) for s in doc.all_sections] == spans
    assert all(s.parent is None for s in doc.all_sections)
