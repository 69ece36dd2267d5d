"""judge_speed does the judge's work faster: it must give exactly what judge.py's definitions give."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.rules import judge, judge_speed, lexicon

PEOPLE = frozenset({"Dana Whitfield", "Dana", "dana", "@kim", "Priya"})
SYSTEMS = frozenset({"Quinn", "Vault"})
LABELLED = Path(__file__).parent / "data" / "language"


def _labelled(lang: str) -> list[str]:
    rows = (LABELLED / f"{lang}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[2] for row in rows if row.count("\t") == 2]


def _same_tokens(sentences):
    kind = lexicon.word_kind(PEOPLE, SYSTEMS)  # one document: its memo fills as the sentences go
    for sentence in sentences:
        words = judge._EN_TOKEN.findall(sentence)
        for _ in range(2):  # worked out, then from the memo
            assert judge_speed.en_tokens(words, kind, judge._en_tokens, sentence) == judge._en_tokens(sentence, kind)


def test_tokens_of_the_labelled_sentences_are_the_judges():
    _same_tokens(_labelled("en"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["Dana", "dana's", "Quinn's", "Vault", "The", "Grafana", "won't", "can’t",
                                          "shan't", "isn't", "12:30", "3.5", "@kim", "engineer", "SRE", "it's",
                                          "He's", "Users", "X", "a's", "on-call", "!", "?", "Priya"])
                         | st.text(alphabet="abdeinostwAIT '’-@3:.!", max_size=10), min_size=1, max_size=8)
                .map(" ".join), min_size=1, max_size=4))
def test_tokens_of_free_text_are_the_judges(sentences):
    _same_tokens(sentences)


def test_without_a_document_kind_the_tokens_are_the_reference():
    sentence = "Dana didn't restart the Vault job"
    kind = lambda word: None  # noqa: E731 - features()'s default
    words = judge._EN_TOKEN.findall(sentence)
    assert judge_speed.en_tokens(words, kind, judge._en_tokens, sentence) == judge._en_tokens(sentence, kind)
    assert not hasattr(kind, "tokens")


def _plain_sums(feats, weights):
    rows = [row for row in map(weights.get, feats) if row is not None]
    return [sum(column) for column in zip(*rows)] if rows else [0] * len(judge.CLASSES)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_packed_sums_are_the_plain_sums(lang, monkeypatch):
    weights = judge.model(lang)[0]
    assert judge_speed.column_sums(["bias"], weights) is None  # one document: the plain way
    monkeypatch.setattr(lexicon, "_MANY", [True])
    kind = lexicon.word_kind(PEOPLE, SYSTEMS)
    for sentence in _labelled(lang)[:400] + ["", "!!!", "x"]:
        feats = judge.features(sentence, lang, ("PM301",), kind)
        assert judge_speed.column_sums(feats, weights) == _plain_sums(feats, weights)
    heaviest = sorted(weights, key=lambda feature: -max(map(abs, weights[feature])))[:50]
    assert judge_speed.column_sums(heaviest * 20, weights) == _plain_sums(heaviest * 20, weights)
    assert judge_speed.column_sums(["no such feature"], weights) == [0] * len(judge.CLASSES)


def test_float_weights_are_summed_the_plain_way(monkeypatch):
    monkeypatch.setattr(lexicon, "_MANY", [True])
    assert judge_speed.column_sums(["bias"], {"bias": [0.5, -0.5, 0.0, 0.0, 0.0]}) is None
