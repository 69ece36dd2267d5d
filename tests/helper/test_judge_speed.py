"""judge_speed does the judge's work faster: it must give exactly what judge.py's definitions give."""
from __future__ import annotations

import base64
import json
import sys
from array import array
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


_NAMES = ["Dana", "Quinn", "Vault", "Priya", "Grafana", "Sam", "Blake"]


@settings(max_examples=200, deadline=None)
@given(documents=st.lists(st.tuples(st.sets(st.sampled_from(_NAMES)), st.sets(st.sampled_from(_NAMES)),
                          st.lists(st.lists(st.sampled_from([*_NAMES, "Dana's", "quinn", "Vault’s", "The", "engineer",
                                                             "won't", "@kim", "12:30"]), min_size=1, max_size=8)
                                   .map(" ".join), min_size=1, max_size=3)), min_size=2, max_size=5))
def test_tokens_shared_by_the_documents_of_a_process_are_each_documents_own(documents):
    """With many documents a word's tokens are kept for the next documents only when no document's people
    or systems decide them: "Quinn" is a person in one document, a product in the next, a word in a third."""
    lexicon._MANY[0], was = True, lexicon._MANY[0]
    shared = judge_speed._SHARED
    judge_speed._SHARED = ({}, {})
    try:
        for people, systems, sentences in documents:
            kind, reference = lexicon.word_kind(people, systems), lexicon.word_kind(people, systems)
            for sentence in sentences:
                words = judge._EN_TOKEN.findall(sentence)
                assert judge_speed.en_tokens(words, kind, judge._en_tokens, sentence) == \
                    judge._en_tokens(sentence, reference)
    finally:
        lexicon._MANY[0], judge_speed._SHARED = was, shared


@settings(max_examples=300, deadline=None)
@given(people=st.sets(st.sampled_from(["Dana", "Dana'", "Ana's", "s", "'", ""]) | st.text("as'’S", max_size=4)),
       systems=st.sets(st.sampled_from(["Quinn", "Vault’s"]) | st.text("as'’S", max_size=4)),
       words=st.lists(st.text("as'’SDn", max_size=6) | st.sampled_from(["Dana's", "Dana’", "Quinn's", "Vault’s’"])))
def test_the_words_a_document_decides_are_those_whose_bare_form_is_its_own(people, systems, words):
    from postmortem_skill.helper.model.subjects import possessive_stripped

    decided = lexicon.word_kind(people, systems).dependent()
    suffixed = [name + end for name in people | systems for end in ("", "'", "’", "'s", "’s", "s", "''")]
    for word in words + suffixed + sorted(decided):
        assert (word in decided) == (possessive_stripped(word) in people | systems)


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


def _features_as_defined(text, kind):
    """judge._en_strings as it was written before en_column_sums (session 7, round 4): the reference."""
    tokens, kinds = judge._en_tokens(judge._owners_named(text), kind)  # "the team responsible for X": owning
    feats = ["w:" + t for t in tokens]
    feats += ["p:" + t[:5] for t in tokens if len(t) > 6]
    padded = ["^", *tokens, "$"]
    feats += ["b:" + a + " " + b for a, b in zip(padded, padded[1:])]
    feats += ["t:" + a + " " + b + " " + c for a, b, c in zip(padded, padded[1:], padded[2:])]
    if any(what == "role" and token not in judge._NOT_A_ROLE for token, what in zip(tokens, kinds)):
        feats.append("r:role")
    subject = judge._subject(tokens, kinds)  # who the subject is: tests/helper/test_judge_people.py
    if subject:
        who, after = subject
        feats.append("s:" + who)
        feats += ["sv:" + who + " " + t for t in after]
    return feats


def _same_sums(sentences, weights):
    kind = lexicon.word_kind(PEOPLE, SYSTEMS)
    for sentence in sentences:
        feats = judge._en_strings(judge._en_reading(sentence, kind))
        assert feats == _features_as_defined(sentence, kind)
        extra = judge._lexicon_features(("PM301", "PM302"))
        assert judge_speed.en_column_sums(judge._en_reading(sentence, kind), extra, weights) == \
            judge_speed.column_sums(feats + extra, weights)


def test_english_sums_by_words_are_the_sums_of_the_features(monkeypatch):
    monkeypatch.setattr(lexicon, "_MANY", [True])
    _same_sums(_labelled("en") + ["", "!!!", "x", "Dana n't the on-call's"], judge.model("en")[0])


_WORDS = st.sampled_from(["Dana", "dana's", "Quinn's", "Vault", "The", "won't", "n't", "12:30", "@kim", "engineer",
                          "SRE", "He", "users", "we", "forgot", "restarted", "deployment", "configuration", "!"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_WORDS | st.text(alphabet="abdeinostwAIT '’-@3:.!", max_size=12), min_size=1, max_size=14)
                .map(" ".join), min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_every_feature_counts_as_often_by_words(sentences, random):
    """A model with a weight for each feature these sentences have (and a few it cannot match): equal sums,
    with weights drawn at random, mean the same features as often."""
    kind = lexicon.word_kind(PEOPLE, SYSTEMS)
    names = {feature for sentence in sentences for feature in judge._en_features(sentence, kind)}
    names |= {"lex:blame", "bias", "r:role", "b:a b c", "t:a b", "sv:<pron>"}
    weights = {name: [random.randint(-30000, 30000) for _ in judge.CLASSES] for name in sorted(names)}
    lexicon._MANY[0], was = True, lexicon._MANY[0]
    try:
        _same_sums(sentences, weights)
    finally:
        lexicon._MANY[0] = was


def test_english_sums_by_words_only_with_many_documents():
    reading = judge._en_reading("Dana forgot the deploy", lexicon.word_kind())
    assert judge_speed.en_column_sums(reading, ["bias"], judge.model("en")[0]) is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rows_cut_when_asked_for_are_the_models_rows(lang):
    raw = json.loads(lexicon.packaged_text(f"model-{lang}.json"))
    numbers = array("h", base64.b64decode(raw["weights"]))
    if sys.byteorder == "big":
        numbers.byteswap()
    names = raw["features"].split("\n")
    rows = judge.model(lang)[0]
    assert isinstance(rows, judge_speed.Rows) and len(rows) == len(names) and list(rows) == names
    width = len(judge.CLASSES)
    for i in [0, 1, len(names) // 2, len(names) - 1]:
        assert rows[names[i]] == rows.get(names[i]) == numbers[i * width:(i + 1) * width]
        assert names[i] in rows
    assert rows.get("no such feature") is None and "no such feature" not in rows
    assert dict(rows.rows()) == dict(rows.items())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_floor_spares_only_verdicts_below_it(lang):
    """assess(…, floor=…) as language.hits calls it: the same probability, and the same verdict from the floor
    up (below it the rule drops the verdict anyway)."""
    kind = lexicon.word_kind(PEOPLE, SYSTEMS)
    floor = judge.threshold(lang)
    for sentence in _labelled(lang)[:600]:
        probability, verdict = judge.assess(sentence, lang, ("PM301",), kind)
        assert judge.assess(sentence, lang, ("PM301",), kind, floor=floor) == \
            (probability, verdict if probability >= floor else None)


def _same_probability(sentences, kind, reference):
    weights, scale = judge.model("en")[0], judge.model("en")[3]
    for sentence in sentences:
        for rules in ((), ("PM301", "PM302")):
            expected = judge.assess(sentence, "en", rules, reference)[0]  # no floor: read the defined way
            assert judge._en_probability(sentence, rules, kind, weights, scale) == expected


def test_the_probability_by_words_is_the_judges(monkeypatch):
    """assess(…, floor=…) reads an English sentence through judge_speed.en_words with many documents: the
    same probability as the features give."""
    monkeypatch.setattr(lexicon, "_MANY", [True])
    monkeypatch.setattr(judge_speed, "_WORDS", {})
    _same_probability(_labelled("en") + ["", "!!!", "x", "Dana n't the on-call's"],
                      lexicon.word_kind(PEOPLE, SYSTEMS), lexicon.word_kind(PEOPLE, SYSTEMS))
    assert judge._en_probability("Dana forgot", (), lexicon.word_kind(), {"bias": [0.5] * 5}, 1.0) is None


@settings(max_examples=200, deadline=None)
@given(documents=st.lists(st.tuples(st.sets(st.sampled_from(_NAMES)), st.sets(st.sampled_from(_NAMES)),
                          st.lists(st.lists(st.sampled_from([*_NAMES, "Dana's", "the", "engineer", "users", "we",
                                                             "should", "have", "because", "he", "won't", "@kim",
                                                             "12:30", "responsible", "for", "!"])
                                            | st.text(alphabet="abdeinostwAIT '’-@3:.!", max_size=10),
                                            min_size=1, max_size=12).map(" ".join), min_size=1, max_size=3)),
                          min_size=2, max_size=4))
def test_the_probability_by_words_is_each_documents_own(documents):
    """Each word's tokens, weights and flags are kept for the process when no document decides them: every
    document still gets the probability its own people and systems give."""
    lexicon._MANY[0], was = True, lexicon._MANY[0]
    shared = judge_speed._WORDS
    judge_speed._WORDS = {}
    try:
        for people, systems, sentences in documents:
            _same_probability(sentences, lexicon.word_kind(people, systems), lexicon.word_kind(people, systems))
    finally:
        lexicon._MANY[0], judge_speed._WORDS = was, shared


def _structure_as_written(reading, text):
    """judge._en_structure before its word flags (session 11): the reference."""
    tokens, kinds, _, _ = reading
    feats = []
    person = False
    for i, token in enumerate(tokens if "role" in kinds or not judge._OTHERS.isdisjoint(tokens) else ()):
        if token in judge._OTHERS or (kinds[i] == "role" and token not in judge._NOT_A_ROLE):
            person = True
            if any(t in judge._CAUSE_LEADS for t in tokens[max(0, i - 3):i]):
                feats.append("x:caused-by-person")
                break
    if (not judge._BACK_WORDS.isdisjoint(tokens) or judge._BACK_CONTRACTED.search(text)) and \
            judge._LOOKS_BACK.search(text):
        feats.append("x:looks-back-person" if person else "x:looks-back")
    return feats


def _same_structure(sentences):
    kind = lexicon.word_kind(PEOPLE, SYSTEMS)
    for sentence in sentences:
        reading = judge._en_reading(sentence, kind)
        assert judge._en_structure(reading, sentence) == _structure_as_written(reading, sentence)


def test_structure_by_word_flags_is_as_written():
    _same_structure(_labelled("en"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["Dana", "the", "engineer", "users", "we", "he", "should", "have", "had",
                                          "because", "due", "to", "by", "the", "deploy", "failed", "only", "'d",
                                          "Quinn", "someone", "whose", "on-call", "SRE", "customers"]),
                         min_size=1, max_size=12).map(" ".join), min_size=1, max_size=4))
def test_structure_of_free_text_is_as_written(sentences):
    _same_structure(sentences)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rows_packed_by_bytes_are_the_rows_packed_one_by_one(lang):
    weights = judge.model(lang)[0]
    count = 1 << (judge_speed._FIELD * weights.width)
    expected = {}
    for feature, row in weights.rows():
        value = count
        for column, weight in enumerate(row):
            value |= (weight + judge_speed._OFFSET) << (judge_speed._FIELD * column)
        expected[feature] = value
    packed = judge_speed._packed_rows(weights, weights.width)
    if sys.byteorder == "little":
        assert list(packed.items()) == list(expected.items())
    extremes = judge_speed.Rows(["low", "high", "zero"], array("h", [-32768] * 5 + [32767] * 5 + [0] * 5), 5)
    if sys.byteorder == "little":
        assert judge_speed._packed_rows(extremes, 5) == {
            name: count | sum((w + judge_speed._OFFSET) << (judge_speed._FIELD * c) for c in range(5))
            for name, w in (("low", -32768), ("high", 32767), ("zero", 0))}
    duplicated = judge_speed.Rows(["a", "a"], array("h", [1] * 10), 5)  # rows not one after another
    assert judge_speed._packed_rows(duplicated, 5) is None
