"""A second opinion on one sentence: a small linear model over its words, shipped as data.

The phrase lists in lexicon.py know the forms they were written for; people blame in endless others
("the usual suspect pushed on a Friday again", 「测试同学放过了一个一启动就闪退的包」). This model scores
what a sentence says of whom from its word n-grams (characters in Chinese), with names, systems,
numbers and times replaced by their kind so that it learns "<name> forgot …", not "Bob forgot …", and
with the lexicon's own findings as features. It was trained on labelled sentences of
tests/helper/data/language/ by tools/train_language.py (multinomial logistic regression); the weights
live in rules/lexicons/model-<lang>.json. Inference is the standard library: a dictionary lookup per
feature and a softmax over five classes.

`assess(text, lang, lexicon_rules, kind)` returns the probability that the sentence blames, judges,
looks back in hindsight or is emotive, and the likeliest of those classes; `threshold(lang)` and
`veto(lang)` say what the rule does with it.
"""
from __future__ import annotations

import base64
import json
import math
import re
import sys
from array import array
from functools import cache

from postmortem_skill.helper.model.lazypattern import lazy
from postmortem_skill.helper.rules.judge_speed import (
    Rows,
    column_sums,
    en_column_sums,
    en_floor_sums,
    en_tokens,
    en_words,
    word_tokens,
)
from postmortem_skill.helper.rules.lexicon import (
    blames_nobody,
    chinese,
    english,
    explained_by_a_thing_en,
    mark_names_zh,
    packaged_text,
    reports_a_thing_en,
    thanks_for_something,
)

CLASSES = ("ok", "blame", "cause", "hindsight", "emotive")
RULE_OF_CLASS = {"blame": "PM301", "cause": "PM305", "hindsight": "PM302", "emotive": "PM304"}
CLASS_OF_RULE = {"PM301": "blame", "PM303": "blame", "PM305": "cause", "PM306": "cause", "PM302": "hindsight",
                 "PM304": "emotive"}

# a word is Latin letters with or without accents: "Dąbrowski" and "Tomás" are one word each, not "D" and
# "browski" (a class of ranges, not [^\W\d_], which costs the archive 0.2 ms a document)
_EN_TOKEN = re.compile(r"@[\w.-]+|[A-Z]\.(?:[A-Z]\.)+|[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’-]*|\d+(?:[:.,]\d+)*|[!?]")
# patterns an English document may never use are compiled when first used (model/lazypattern.py): the two
# Chinese ones, with classes as wide as [\u3400-\u9fff], cost validate of one English file ~2.5 ms at import
_ZH_TOKEN = lazy(r"@[\w.-]+|[A-Za-z][A-Za-z'’-]*|\d+(?:[:.,]\d+)*|[!?！？]|[\u3400-\u9fff]+")
_US = frozenset(("i", "we", "me", "us", "my", "our"))
_NOT_A_ROLE = frozenset(("user", "users", "customer", "customers", "everyone", "everybody")) | _US
_PRONOUNS = frozenset("i we he she they you someone somebody nobody everyone anyone".split())


def _en_tokens(text: str, kind) -> tuple[list[str], list[str | None]]:
    """Lower-cased words, with a name as <name>, a known system as <sys>, an unknown capitalised word
    inside the sentence as <cap>, a number as <num> and "didn't" as "did not"; and each word's kind."""
    out: list = []
    kinds: list = []
    for index, word in enumerate(_EN_TOKEN.findall(text)):
        tokens, whats = word_tokens(word, index == 0, kind)
        out += tokens
        kinds += whats
    return out, kinds


# "the team responsible for DNS" names the team that owns DNS; "X was responsible for the outage" is another use
_OWNER = re.compile(r"(?<=[a-z]) responsible for\b")
_NOT_OWNER = re.compile(r"\b(?:is|was|are|were|be|been|being|held|hold|holds|feel|felt|solely|directly|partly|"
                        r"fully|personally|ultimately)$", re.I)


def _owners_named(text: str) -> str:
    """The text with 'responsible for' after a noun read as 'owning': a name for the owner, not blame."""
    if " responsible for" not in text:
        return text
    return _OWNER.sub(lambda m: m.group(0) if _NOT_OWNER.search(text, 0, m.start()) else " owning", text)


def _en_reading(text: str, kind):
    """What the English features are made of: (tokens, kinds, whether a role is named, the subject and the
    words after it or None)."""
    text = _owners_named(text)
    tokens, kinds = en_tokens(_EN_TOKEN.findall(text), kind, _en_tokens, text)
    # users, customers and "everyone visiting the site" are almost always the people affected, and the
    # writers themselves ("we had to …") are blamed only in hindsight, which assess() reads from the words
    role = any(what == "role" and token not in _NOT_A_ROLE for token, what in zip(tokens, kinds))
    return tokens, kinds, role, _subject(tokens, kinds)


def _subject(tokens, kinds):
    """(<name>, <cap>, <sys>, <role> or <pron>; the plain words among the next eight) of the first person or
    thing among the first six tokens, or None."""
    for i, token in enumerate(tokens[:6]):
        if token in ("<name>", "<cap>", "<sys>") or token in _PRONOUNS or kinds[i] == "role":
            # English compounds end in their head: "the account exec", "Dana's IT liaison", "the DNS team"
            if token[0] == "<":
                following = kinds[i + 1:i + 3]
                if following[:1] == ["role"]:
                    i += 1
                elif following[1:] == ["role"] and tokens[i + 1][:1] == "<":
                    i += 2
                token = tokens[i]
            who = token if token[0] == "<" else ("<role>" if kinds[i] == "role" else "<pron>")
            return who, [t for t in tokens[i + 1:i + 9] if t[:1] != "<"]
    return None


def _en_strings(reading) -> list[str]:
    tokens, _, role, subject = reading
    feats = ["w:" + t for t in tokens]
    feats += ["p:" + t[:5] for t in tokens if len(t) > 6]
    padded = ["^", *tokens, "$"]
    feats += ["b:" + a + " " + b for a, b in zip(padded, padded[1:])]
    feats += ["t:" + a + " " + b + " " + c for a, b, c in zip(padded, padded[1:], padded[2:])]
    if role:
        feats.append("r:role")
    if subject:
        who, after = subject
        feats.append("s:" + who)
        feats += ["sv:" + who + " " + t for t in after]
    return feats


def _en_features(text: str, kind) -> list[str]:
    reading = _en_reading(text, kind)
    return _en_strings(reading) + _en_structure(reading, text)


# words that make what follows the cause: "because the on-call …", "down to the producer", "courtesy of Mo"
_CAUSE_LEADS = frozenset(("because", "due", "owing", "down", "thanks", "courtesy", "stemmed", "attributable",
                          "by", "blame", "points", "lies", "rests", "whose"))


def _en_structure(reading, text: str, flags: int | None = None) -> list[str]:
    """Features of who stands where in a sentence, so that one way of blaming teaches the others: a person
    or role right after a word that makes it the cause ("because the night-shift tech …", "down to the
    producer", "courtesy of Mo"), and a counterfactual about the past, told apart when the sentence names
    someone.
    (The words after every person, not only the first subject, were tried as well: no gain on the
    development sets, and the real blameless postmortems raised one more finding.) `flags`: _word_flags of
    the tokens, when known."""
    tokens, kinds, _, _ = reading
    if flags is None:
        flags = _word_flags(tokens, kinds)
    feats = []
    if flags & _ACTOR and flags & _CAUSE:
        for i, token in enumerate(tokens):
            if (token in _OTHERS or (kinds[i] == "role" and token not in _NOT_A_ROLE)) and \
                    any(t in _CAUSE_LEADS for t in tokens[max(0, i - 3):i]):
                feats.append("x:caused-by-person")
                break
    if (flags & _BACK or (("'" in text or "’" in text) and _BACK_CONTRACTED.search(text))) and \
            _LOOKS_BACK.search(text):
        feats.append("x:looks-back-person" if flags & _ACTOR else "x:looks-back")
    return feats


# A number in digits reads as a number word: 「响了17分钟后才开」 is 「响了几分钟后才开」. Digits split a Chinese run
# into pieces whose edges look like a timeline row's ("^分钟", "了$"), which pulled blame in prose with
# numbers towards a plain account (issue #11, sessions 8-9).
_ZH_DIGITS = lazy(r"\d[\d,.:：%]*")


def _zh_features(text: str, kind) -> list[str]:
    feats = []
    text = mark_names_zh(_ZH_DIGITS.sub("几", text))
    for m in _ZH_TOKEN.finditer(text):
        piece = m.group()
        if piece[0] == "@":
            feats.append("w:<name>")
        elif piece[0].isascii():
            what = kind(piece)
            feats.append("w:" + ("<name>" if what == "name" else piece.lower()))
        elif piece in "!?！？":
            feats.append("w:!")
        else:
            padded = "^" + piece + "$"
            feats += ["c:" + ch for ch in piece]
            feats += ["b:" + padded[i:i + 2] for i in range(len(padded) - 1)]
            feats += ["t:" + padded[i:i + 3] for i in range(len(padded) - 2)]
    return feats


def features(text: str, lang: str, lexicon_rules=(), kind=None) -> list[str]:
    """The model's features of a sentence; `lexicon_rules` are the rule ids the phrase lists found in it,
    `kind(word)` says whether a word is a 'name', 'role', 'system' or 'proper' (None: unknown)."""
    kind = kind or _no_kind
    feats = _zh_features(text, kind) if lang == "zh" else _en_features(text, kind)
    return feats + _lexicon_features(lexicon_rules)


def _no_kind(word: str):
    return None


def _lexicon_features(lexicon_rules) -> list[str]:
    return ["lex:" + CLASS_OF_RULE.get(rule_id, "blame") for rule_id in lexicon_rules] + ["bias"]


@cache
def model(lang: str) -> tuple[Rows, float, float, int]:
    """({feature: [weight per class, times scale]} (a judge_speed.Rows), threshold, veto, scale) of a
    language, read once from the package (also inside the zipapp). The file keeps the feature names as one
    string and the weights as little-endian 16-bit integers in base64: a tenth of the time json takes over a
    dictionary of lists."""
    raw = json.loads(packaged_text(f"model-{'zh' if lang == 'zh' else 'en'}.json"))
    numbers = array("h", base64.b64decode(raw["weights"]))
    if sys.byteorder == "big":
        numbers.byteswap()
    rows = Rows(raw["features"].split("\n"), numbers, len(raw["classes"]))
    return rows, raw["threshold"], raw["veto"], raw["scale"]


def threshold(lang: str) -> float:
    """The probability from which the judge reports a sentence the phrase lists let pass."""
    return model(lang)[1]


def veto(lang: str) -> float:
    """The probability below which a phrase-list match is dropped: the sentence as a whole blames nobody."""
    return model(lang)[2]


def probabilities(feats, weights: dict, scale: float = 1.0) -> list[float]:
    sums = column_sums(feats, weights)
    if sums is not None:
        return _softmax([total / scale for total in sums])
    rows = [row for row in map(weights.get, feats) if row is not None]
    return _softmax([sum(column) / scale for column in zip(*rows)] if rows else [0.0] * len(CLASSES))


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    total = sum(exp)
    return [e / total for e in exp]


_PEOPLE_EN = frozenset(("<name>", "who", "whoever", "whose", "nobody", "people", "staff", "folks", "guys", "me",
                        "us", "them", "him", "her", "my", "our", "their", "his")) | _PRONOUNS
_PEOPLE_EN_NOT_US = _PEOPLE_EN - _NOT_A_ROLE
# who can be the one that acted, for _en_structure: those words less the possessives and "guys" (the shipped
# model was trained on this set)
_OTHERS = _PEOPLE_EN_NOT_US - {"his", "their", "guys", "whose"}
# what _en_reading and _en_structure ask of a sentence's tokens, as bits that the words' parts OR together
# (judge_speed.en_words): a role that is not the people affected (r:role); that or one of _OTHERS (someone who
# can have acted); one of _BACK_WORDS; one of _CAUSE_LEADS
_ROLE, _ACTOR, _BACK, _CAUSE = 1, 2, 4, 8


def _word_flags(tokens, kinds) -> int:
    flags = 0
    for token, what in zip(tokens, kinds):
        if what == "role" and token not in _NOT_A_ROLE:
            flags |= _ROLE | _ACTOR
        elif token in _OTHERS:
            flags |= _ACTOR
        if token in _BACK_WORDS:
            flags |= _BACK
        if token in _CAUSE_LEADS:
            flags |= _CAUSE
    return flags


_PEOPLE_ZH = lazy(r"[我你他她谁人囗]|大家|同学|同事|团队|小组|部门|领导|老板")


# _LOOKS_BACK needs one of these words or contractions: a set lookup first spares most sentences the search
_BACK_WORDS = frozenset(("should", "could", "would", "might", "must", "ought", "only", "had"))
_BACK_CONTRACTED = re.compile(r"['’](?:ve|d have)", re.I)
# (…and Chinese hindsight needs one of zh.json's looks_back words: 「这是权限模型的问题，而不是人的问题」 looks back at
# nothing)
# English hindsight is about a past that did not happen: a modal perfect, "if only", a pluperfect. Without
# one a sentence is not hindsight, whatever the words around it ("X should be able to …" is a plan): assess()
# then weighs it as the likeliest of the other classes
_LOOKS_BACK = lazy(r"\b(?:should|could|would|might|must|ought to)(?:n['’]t)?(?: \w+){0,2} have\b|"
                   r"['’](?:ve|d have)\b|\bif only\b|\bhad(?:n['’]t| not)\b|"
                   r"\bhad (?!to\b)(?:[@\w.-]+ ){0,3}\w+(?:ed|en|wn)\b", re.I)


# A verdict this sure stands without a person in the sentence: Chinese drops the subject (「没按流程走就直接
# 上线了」 blames someone it never names) and English blames groups no word list knows ("leadership",
# "networking", "procurement"). Not for short fragments (chat lines score high on little evidence).
# Leave-one-writer-out over the training files (docs/language-eval.md, session 6): zh recall 0.77 -> 0.90,
# en 0.75 -> 0.80, precision about the same.
_SURE = {"zh": 0.9, "en": 0.9}
_SURE_MIN_HAN, _SURE_MIN_WORDS = 8, 6
_HAN = lazy(r"[\u4e00-\u9fff]")


def _is_sure(text: str, lang: str, ok: float, best: str, words, proper: bool = False) -> bool:
    """Whether a verdict stands without a person the word lists know; `proper`: the sentence opens with a
    capitalised word nobody could place ("FinOps decided …")."""
    if ok > 1.0 - _SURE[lang]:
        return False
    # a cause laid on a named system is an analysis: 「归咎于缓存配置」, "the root cause was the release pipeline"
    if lang == "zh":
        return len(_HAN.findall(text)) >= _SURE_MIN_HAN and (best != "cause" or not chinese().system.search(text))
    # …unless someone is named too: "the data loss was caused by Oleksandr running the migration". Strong
    # words need at least a name that could be a group's ("when Billing Engineering treats …"); without
    # one they are about the outage: "this transformed a load issue into complete service unavailability"
    named = proper or "<name>" in words or "<cap>" in words
    return len(text.split()) >= _SURE_MIN_WORDS and (best != "emotive" or named) and (
        best != "cause" or "<sys>" not in words or named)


# a sentence that thanks someone for something is gratitude, even where the model would otherwise be sure of its
# verdict, unless it is all but certain of sarcasm: emotive or blame ("Kudos to the IT department for turning a
# normal commute into a free-ride day"). 0.9 flagged plain thanks after the held-out 27-32 retraining ("Thanks,
# Ravi, for catching the expired certificate"). What "thanks to" credits without a "for" reads as a cause
# ("Thanks to Lucy's typo, every user got the beta checkout")
_SARCASM, _SARCASTIC = 0.95, ("emotive", "blame")


_A_CAUSE_NAMED_ZH = re.compile(r"(?:原因|根因|根源)(?:是|在于|为|：|:)")
_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?![A-Za-z])")


def _cause_named_is_a_thing(text: str) -> bool:
    """A Chinese sentence that names its cause (原因是, 根因在于) with no one in what follows."""
    named = _A_CAUSE_NAMED_ZH.search(text)
    if named is None:
        return False
    zh = chinese()
    after = text[named.end():]
    names = english().vocab.given_names  # 「根因：Helen 写的告警规则…」: an English name among Chinese words
    return not (zh.person.search(after) or _PEOPLE_ZH.search(after) or zh.human_acts.search(after)
                or any(word.lower() in names for word in _LATIN_WORD.findall(after)))


def _names_people(text: str, words, role: bool, lang: str, verdict: str | None = None) -> bool:
    """Does the sentence speak of a person or group of people at all? Blame needs someone to blame. `words`
    are the sentence's w: features without the prefix, `role` whether it has r:role. In English the writers
    themselves ("we had to enable flexible SSL") count only for hindsight ("we should have caught this")."""
    if lang == "zh":
        zh = chinese()
        return bool(_PEOPLE_ZH.search(text) or zh.person.search(text) or "<name>" in words
                    or zh.human_acts.search(text))
    people = _PEOPLE_EN if verdict == "hindsight" else _PEOPLE_EN_NOT_US
    return role or not people.isdisjoint(words) or bool(english().human_acts.search(text))


def _word_names_people(word: str, kind) -> bool:
    """Whether _en_tokens makes of `word` a token that _names_people counts: <name>, a role or one of
    _PEOPLE_EN (read as a sentence's first word, where a capitalised word stays a plain word: "They")."""
    tokens, kinds = word_tokens(word, True, kind)
    return "role" in kinds or not _PEOPLE_EN.isdisjoint(tokens)


def may_name_people(text: str, lang: str, kind) -> bool:
    """False only when assess() would give an English sentence no verdict: too short for a sure one, and
    naming nobody, so the judge need not run. Chinese sentences are always judged. Each word's answer is
    kept for the document in `kind.memo` (lexicon.word_kind)."""
    memo = getattr(kind, "memo", None)
    if lang == "zh" or memo is None or len(text.split()) >= _SURE_MIN_WORDS:
        return True
    for word in _EN_TOKEN.findall(text):
        answer = memo.get(word)
        if answer is None:
            answer = memo[word] = _word_names_people(word, kind)
        if answer:
            return True
    return False


# who someone is, not what they did: "Ee Durbin is the Director of Infrastructure at the Python Software Foundation"
_IDENTITY = lazy(r"[\W_]*(?:[A-Z][\w.'’-]*\s+){1,4}(?:is|was|has been|serves as)\s+(?:the|a|an|our)\s+"
                 r"(?:[A-Z][\w&’'-]*\s+){1,5}(?:at|of|for|on|in)\b")


def _reason_names_no_one(text: str, verdict: str) -> bool:
    """An English cause verdict for a sentence that closes on a reason naming no one (explained_by_a_thing_en),
    or a hindsight verdict whose only look back is inside that reason: "the maintainer chose to forward-fix
    because reverting would have re-introduced the CVE"."""
    if verdict not in ("cause", "hindsight") or not explained_by_a_thing_en(text):
        return False
    if verdict == "cause":
        return True
    because = text.lower().find("because")  # a consequence ("would have"), not a duty ("should have")
    return all(m.start() > because and not m.group(0).lower().startswith(("should", "ought", "must"))
               for m in _LOOKS_BACK.finditer(text))


def assess(text: str, lang: str, lexicon_rules=(), kind=None, weights=None,
           floor: float = 0.0) -> tuple[float, str | None]:
    """(probability that the sentence blames, judges, looks back in hindsight or is emotive; its likeliest
    such class, or None when the sentence names nobody that blame or hindsight could be about and the
    model is not sure). `floor`: a caller that drops verdicts below it (None) spares their reading."""
    weights, scale = (weights, 1.0) if weights is not None else (model(lang)[0], model(lang)[3])
    if lang == "zh":
        feats = features(text, lang, lexicon_rules, kind)
        probs = probabilities(feats, weights, scale)
        words, role, proper = [f[2:] for f in feats if f[:2] == "w:"], "r:role" in feats, False
    else:
        if floor > 0.0 and weights is model(lang)[0]:
            probability = _en_probability(text, lexicon_rules, kind, weights, scale)
            if probability is not None and probability < floor:
                return probability, None
        reading = _en_reading(text, kind or _no_kind)
        extra = _en_structure(reading, text) + _lexicon_features(lexicon_rules)
        sums = en_column_sums(reading, extra, weights)
        probs = (_softmax([total / scale for total in sums]) if sums is not None else
                 probabilities(_en_strings(reading) + extra, weights, scale))
        words, role = reading[0], reading[2]
        # a first word the model never learned as a word: "FinOps decided …", not "Another type of …"
        proper = bool(reading[1]) and reading[1][0] == "proper" and "w:" + words[0] not in weights
    if 1.0 - probs[0] < floor:
        return 1.0 - probs[0], None
    best = CLASSES[max(range(1, len(CLASSES)), key=probs.__getitem__)]
    if best == "hindsight" and not (_LOOKS_BACK if lang == "en" else chinese().looks_back).search(text):
        # not a counterfactual ("Raj was supposed to hand off the pager and just didn't"): what it says of
        # someone is still judged, as the likeliest of the other classes
        best = max(("blame", "cause", "emotive"), key=lambda c: probs[CLASSES.index(c)])
    if blames_nobody(text, lang, best) or (lang == "en" and (_reason_names_no_one(text, best) or _IDENTITY.match(text)
                                                            or reports_a_thing_en(text))):
        return 1.0 - probs[0], None
    sure = _is_sure(text, lang, probs[0], best, words, proper)
    words_of = english() if lang == "en" else chinese()
    thanks = thanks_for_something(text) if lang == "en" else words_of.thanks.search(text)
    grateful = thanks and (best not in _SARCASTIC or probs[0] > 1.0 - _SARCASM) and not words_of.pointed.search(text)
    if best == "cause" and lang == "zh" and _cause_named_is_a_thing(text):
        best = None  # 「值班人员无法登录，原因是令牌服务同时故障」: the cause it names is no one
    if grateful or not (sure or _names_people(text, words, role, lang, best)):
        best = None
    return 1.0 - probs[0], best


def _en_probability(text: str, lexicon_rules, kind, weights, scale) -> float | None:
    """assess()'s probability of an English sentence, read through judge_speed.en_words (each word's tokens,
    weights and flags kept for the document or the process); None where en_words does not apply."""
    text = _owners_named(text)
    words = en_words(_EN_TOKEN.findall(text), kind, weights, _word_flags)
    if words is None:
        return None
    tokens, kinds, unigrams, flags = words
    role = bool(flags & _ROLE)
    subject = _subject(tokens, kinds)
    extra = _en_structure((tokens, kinds, role, subject), text, flags) + _lexicon_features(lexicon_rules)
    sums = en_floor_sums(tokens, unigrams, role, subject, extra, weights)
    if sums is None:
        return None
    # 1.0 - _softmax(scores)[0], the same operations without the other classes' shares
    scores = [total / scale for total in sums]
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    return 1.0 - exp[0] / sum(exp)


def cues(text: str, lang: str, verdict: str, kind=None, count: int = 2) -> list[str]:
    """The words that weighed most towards `verdict`, as they read in the sentence ("sat on", "all weekend"),
    so that a finding says what to rewrite."""
    weights, scale = model(lang)[0], model(lang)[3]
    target = CLASSES.index(verdict)
    scored = []
    for feat in features(text, lang, (), kind):
        row = weights.get(feat)
        if row is not None and feat[:2] in ("w:", "b:", "t:"):
            words = feat[2:].strip("^$ ")
            if len(words) > 1 and "<" not in words and (lang != "zh" or words in text):  # 几 stands for digits
                scored.append(((row[target] - row[0]) / scale, words))
    picked: list[str] = []
    for weight, words in sorted(scored, reverse=True):
        if weight <= 0 or len(picked) == count:
            break
        if not any(words in p or p in words for p in picked):
            picked.append(words)
    return sorted(picked, key=lambda words: text.lower().find(words.split(" ")[0]))
