from pathlib import Path

import pytest
from corpus_support import corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st
from mdcompare import blank_frontmatter, mistune_shapes, our_shapes

from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.document import parse_document

mistune = pytest.importorskip("mistune")

# Written for these tests and committed, so the comparison runs in every clone; the shared corpus of real
# postmortems (not ours to commit) is added when it is there.
OWN_CORPUS = sorted((Path(__file__).parent / "markdown_corpus").glob("*.md"))


def test_the_committed_corpus_is_there():
    assert len(OWN_CORPUS) >= 12


@pytest.mark.parametrize("path", OWN_CORPUS + corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_headings_and_tables_as_mistune(path):
    text = blank_frontmatter(path.read_text(encoding="utf-8"))
    assert our_shapes(text) == mistune_shapes(text)


SAMPLES = [
    "# T\n\nPara *x* and `a|b`\n\n| A | B |\n|---|:-:|\n| 1 | 2 \\| 3 |\n",
    "Title\n=====\n\nSub\n---\n\ntext\n---\n",
    "- a\n  - b\n\n    continued\n- c\n\n1. x\n2) y\n\n> # quoted heading\n> lazy\n",
    "```python\n# not a heading\n\n| a | b |\n|---|---|\n",
    "    indented code\n# h\n<div>\n# still html\n</div>\n\n<!-- a\n# comment\n-->\n## after\n",
    "para\n| a | b |\n|---|---|\n| 1 | 2 |\n\n* * *\n#no heading\n#\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_match_mistune(text):
    assert our_shapes(text) == mistune_shapes(text)


def test_escaped_pipes_in_code_and_tables_in_quotes_follow_gfm_not_mistune():
    # GFM unescapes `\|` inside a code span in a table cell and reads tables inside block quotes;
    # mistune keeps the backslash and finds no table in a quote.
    _, tables = our_shapes("| Command | Meaning |\n|---|---|\n| `grep a\\|b` | either |\n")
    assert tables == [[["Command", "Meaning"], ["grep a|b", "either"]]]
    _, tables = our_shapes("> | Time | Event |\n> |---|---|\n> | 09:12 | quoted |\n")
    assert tables == [[["Time", "Event"], ["09:12", "quoted"]]]


def test_ragged_rows_follow_gfm_not_mistune():
    # mistune drops a whole table when one row has a different cell count; GFM (and we) pad or cut it,
    # so one bad timeline row does not hide the others.
    _, tables = our_shapes("| A | B |\n|---|---|\n| 1 | 2 | 3 |\n| only |\n")
    assert tables == [[["A", "B"], ["1", "2"], ["only", ""]]]


def test_positions_and_unbalanced_fence():
    blocks = markdown.parse("# Title\n\n| Time | Event |\n|---|---|\n| 09:12 | **DETECTED** x |\n\n```\ncode\n")
    table = next(b for b in blocks if b.kind == "table")
    cell = table.rows[1][1]
    assert (cell.number, cell.column, cell.text) == (5, 11, "**DETECTED** x")
    fence = blocks[-1]
    assert fence.kind == "fence" and not fence.closed and fence.end == 8


def test_mask_keeps_columns():
    text = "See `rm -rf` and [the doc](https://x.y/z) **now**"
    masked = markdown.mask(text)
    assert len(masked) == len(text)
    assert "rm" not in masked and "https" not in masked and masked.index("now") == text.index("now")
    assert markdown.plain(text) == "See rm -rf and the doc now"


def test_document_model():
    doc = parse_document(
        "# Postmortem: Checkout errors\n<!-- postmortem-template: quick -->\n\n**Date**: 2026-03-04\n"
        "**Status:** Draft\n\n## Summary\n\nThe deploy failed. It was rolled back.\n\n"
        "## Timeline (All times UTC)\n\n| Time | Event |\n|---|---|\n| 09:12 | **IMPACT STARTS** errors |\n"
        "| 2026-03-04 10:00 | **RESOLVED** ok |\n\n## Action Items\n\n"
        "| Priority | Action | Owner | Due Date | Ticket |\n|---|---|---|---|---|\n"
        "| P1 | Add a check | SRE | TBD | OPS-1 |\n"
    )
    assert doc.title == "Checkout errors" and doc.template == "quick" and doc.template_declared
    assert doc.field("date").value == "2026-03-04" and doc.field("status").value == "Draft"
    assert [s.key for s in doc.all_sections] == ["summary", "timeline", "action items"]
    assert doc.section("Timeline").line == 11
    rows = doc.timeline.rows
    assert doc.timeline.zone == "UTC" and [r.milestone for r in rows] == ["impact_start", "resolved"]
    assert rows[0].utc.isoformat() == "2026-03-04T09:12:00+00:00"
    assert doc.action_items[0].text("due") == "TBD"
    summary = [s for s in doc.sentences if s.section and s.section.key == "summary" and "heading" not in s.flags]
    assert [(s.display, s.line, s.column) for s in summary] == [("The deploy failed.", 9, 1),
                                                                ("It was rolled back.", 9, 20)]
    assert doc.section("action items").forward_looking


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("#|-*>`~ \n:ab1<!_[]()\t=") + ["```", "| a |", "\n|---|", "**DETECTED**", "09:1"]),
                max_size=80).map("".join))
def test_parse_never_raises(text):
    doc = parse_document(text)
    doc.sentences, doc.timeline, doc.action_items  # noqa: B018
