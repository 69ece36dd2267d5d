"""A phrase family whose every match starts at one of its cue words is matched only where cues_en found those
words (lexicon._matches_at): it must find exactly what pattern.finditer finds over the whole sentence.

Sentences: every English labelled sentence (tests/helper/data/language/, written by many authors in the
shapes real postmortems use) and generated ones full of cue words, near misses and words run together.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.rules import lexicon

LABELLED = Path(__file__).parent / "data" / "language"


def _english_sentences() -> list[str]:
    out = []
    for path in sorted(LABELLED.glob("en*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            out += [row["sentence"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                    if row.get("sentence")]
    return out


def _same_matches(texts: list[str]) -> int:
    """Checks every anchored family cues_en lets run on each text; returns how many matches were compared."""
    en = lexicon.english()
    compared = 0
    for text, cues in zip(texts, lexicon.cues_en(texts)):
        low = lexicon.ascii_lower(text)
        scan = en.scanner(low, cues=cues)
        if scan is None:
            continue
        for name in en.anchored & scan.present:
            if name == "judgement_named" and not en.named_tail.search(low):
                continue
            expected = [(m.span(), m.groups()) for m in getattr(en, name).finditer(low)]
            assert [(m.span(), m.groups()) for m in scan(name)] == expected, (name, text)
            compared += len(expected)
    return compared


@pytest.fixture(params=[False, True], ids=["one document", "many documents"])
def mode(request):
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lexicon, "_MANY", [request.param])
        yield


def test_the_families_that_start_at_their_cues_are_the_common_ones():
    assert {"fault", "omission", "strong_omission", "normative", "judgement"} <= lexicon.english().anchored
    assert "responsible_object" not in lexicon.english().anchored  # "(?:the )?result of" starts before its cue


def test_labelled_sentences_match_the_same_at_their_cues(mode):
    sentences = _english_sentences()
    assert len(sentences) > 10_000
    assert _same_matches(sentences) > 1_000  # the families do match: the comparison is not empty


WORDS = ["broke", "took the db down", "did not check", "didn't", "did n't", "never", "not", "failed to", "forgot to",
         "should have", "could", "would", "careless", "sloppy", "to blame", "at fault", "if only", "fired",
         "be more careful", "pay more attention", "the fault of", "root cause", "was ", "'s", "x", "é", "_", "-",
         "notnot", "nevernever", "shoulder", " ", ", ", ".", "\n", "中文"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(WORDS) | st.text(max_size=3), max_size=10).map("".join), min_size=1,
                max_size=5))
def test_generated_sentences_match_the_same_at_their_cues(mode, texts):
    _same_matches(texts)
