"""The judge's work done faster with the same results (judge.py keeps the definitions):

* `word_tokens`, what the judge makes of one word, and `en_tokens`: judge._en_tokens with each distinct
  word of a document worked out once (a word's tokens depend only on the word, its kind, fixed for the
  document, and whether it comes first);
* `column_sums`: when a process checks many documents, a sentence's weights summed as one integer per
  feature, the 16-bit weights of the classes packed side by side in one Python int, so that the scores are
  one sum() instead of a tuple per class;
* with many documents, a word's tokens kept for the process when no document decides its kind (en_tokens,
  lexicon.word_kind's `dependent()`): each document then works out only its own people and systems and the
  words new to the process.

tests/helper/test_judge_speed.py holds them to judge.py's definitions.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import chain, repeat

from postmortem_skill.helper.rules.lexicon import for_many_documents

_FIELD = 32  # bits per class: room for the sum of 65,535 weights of 16 bits
_MASK = (1 << _FIELD) - 1
_OFFSET = 1 << 15  # each weight stored as weight + _OFFSET, never negative
_MOST = (1 << (_FIELD - 16)) - 1  # rows one sum may add before a field could overflow
class Rows(Mapping):
    """{feature: row of weights} of a model file, each row cut from the model's array when asked for: making
    all 40,000 rows at load cost a single validate ~5 ms, and one document asks for a few thousand."""

    __slots__ = ("index", "numbers", "width")

    def __init__(self, names, numbers, width: int):
        self.index = dict(zip(names, range(0, len(numbers), width)))  # feature -> where its row starts
        self.numbers, self.width = numbers, width

    def __getitem__(self, feature):
        at = self.index[feature]
        return self.numbers[at:at + self.width]

    def get(self, feature, default=None):
        at = self.index.get(feature)
        return default if at is None else self.numbers[at:at + self.width]

    def __contains__(self, feature) -> bool:
        return feature in self.index

    def __iter__(self):
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def rows(self):
        numbers, width = self.numbers, self.width
        return ((feature, numbers[at:at + width]) for feature, at in self.index.items())


_PACKED: dict = {}  # id(weights) -> (weights, {feature: packed row}, classes)


def _packed(weights: Mapping):
    entry = _PACKED.get(id(weights))
    if entry is not None and entry[0] is weights:
        return entry
    rows = iter(weights.values())
    first = next(rows, None)
    if first is None or not all(isinstance(w, int) for w in first):
        return None  # the training's float weights: summed the plain way
    width = len(first)
    packed = _packed_rows(weights, width) if isinstance(weights, Rows) else None
    if packed is None:
        count = 1 << (_FIELD * width)  # a last field counts the rows found
        packed = {}
        for feature, row in weights.rows() if isinstance(weights, Rows) else weights.items():
            value = count
            for column, weight in enumerate(row):
                value |= (weight + _OFFSET) << (_FIELD * column)
            packed[feature] = value
    entry = _PACKED[id(weights)] = (weights, packed, width)
    return entry


_FLIP_SIGN = bytes(range(128, 256)) + bytes(range(128))  # a 16-bit weight's high byte, weight + _OFFSET's


def _packed_rows(weights: Rows, width: int) -> dict | None:
    """_packed's rows of a model file made by byte slices instead of a loop per weight (the 40 ms of a
    folder's first document): each row as the little-endian bytes of its packed int, one 32-bit field per
    class (the weight's two bytes, the high one sign-flipped: weight + _OFFSET) and a last field of 1. None
    where the rows are not the array's, one after another, in native little-endian order."""
    import sys

    numbers, rows = weights.numbers, len(weights.index)
    if sys.byteorder != "little" or numbers.itemsize != 2 or rows * width != len(numbers):
        return None
    raw = numbers.tobytes()
    stride = 4 * (width + 1)
    out = bytearray(rows * stride)
    for column in range(width):
        out[4 * column::stride] = raw[2 * column::2 * width]
        out[4 * column + 1::stride] = raw[2 * column + 1::2 * width].translate(_FLIP_SIGN)
    out[4 * width::stride] = b"\x01" * rows
    data = bytes(out)
    cuts = map(slice, range(0, len(data), stride), range(stride, len(data) + 1, stride))
    return dict(zip(weights.index, map(int.from_bytes, map(data.__getitem__, cuts), repeat("little"))))


def column_sums(feats, weights: dict) -> list[int] | None:
    """Per class, the sum of the integer weights of the features found in `weights` (as judge.probabilities
    adds them); None where the plain way applies: one document (packing the model costs more than it saves),
    float weights, or so many features that a packed field could overflow."""
    if not for_many_documents() or len(feats) > _MOST:
        return None
    entry = _packed(weights)
    if entry is None:
        return None
    _, packed, width = entry
    return _unpacked(sum(map(packed.get, feats, repeat(0))), width)


def _unpacked(total: int, width: int) -> list[int]:
    found = total >> (_FIELD * width)
    base = found * _OFFSET
    return [((total >> (_FIELD * column)) & _MASK) - base for column in range(width)]


_TABLES: dict = {}  # id(weights) -> (weights, tables)


def _tables(weights: dict):
    """The packed rows of the English n-gram features keyed by their words instead of their names, so that
    a sentence's features need not be spelled out to be looked up: {token: w: and p: rows}, {token: p: row},
    {(a, b): b: row}, {(a, b, c): t: row}, {(who, word): sv: row} and the packed rows by name. A model
    feature whose words could not come from tokens (which hold no space) is left out."""
    entry = _TABLES.get(id(weights))
    if entry is not None and entry[0] is weights:
        return entry[1]
    packed_entry = _packed(weights)
    if packed_entry is None:
        return None
    _, packed, width = packed_entry
    words, prefixes, pairs, triples, subjects = {}, {}, {}, {}, {}
    canonical = {"^": "^", "$": "$"}  # each word of the keys as one string object (see en_words)
    same = canonical.setdefault
    by_kind = {"b": (pairs, 2), "t": (triples, 3), "sv": (subjects, 2)}
    for feature, value in packed.items():
        kind, _, rest = feature.partition(":")
        if kind == "w":
            words[rest] = value
        elif kind == "p":
            prefixes[rest] = value
        elif kind in by_kind:
            parts = rest.split(" ")
            parts = tuple(map(same, parts, parts))
            table, arity = by_kind[kind]
            if len(parts) == arity:
                table[parts] = value
    unigrams = {word: value + (prefixes.get(word[:5], 0) if len(word) > 6 else 0) for word, value in words.items()}
    ngrams = {**pairs, **triples}  # a pair and a triple are never the same key: one lookup for both
    tables = (unigrams, prefixes, pairs, triples, subjects, packed, width, ngrams, canonical)
    _TABLES[id(weights)] = (weights, tables)
    return tables


def en_column_sums(reading, extra: list[str], weights: dict) -> list[int] | None:
    """column_sums of judge._en_strings(reading) + extra, the English features of a sentence, found by their
    words without being spelled out; None where column_sums would be None."""
    tokens, _, role, subject = reading
    if not for_many_documents() or 5 * len(tokens) + len(extra) + 12 > _MOST:
        return None
    tables = _tables(weights)
    if tables is None:
        return None
    return _unpacked(_words_sum(tokens, tables) + _beyond_words(tokens, role, subject, extra, tables), tables[6])


def _words_sum(tokens, tables) -> int:
    """The packed sum of the w: rows of `tokens`, a long token unknown as a word read by its p: prefix."""
    unigrams, prefixes = tables[0], tables[1]
    total = 0
    get = unigrams.get
    for token in tokens:
        value = get(token)
        if value is None:
            value = prefixes.get(token[:5], 0) if len(token) > 6 else 0
        total += value
    return total


def _beyond_words(tokens, role, subject, extra, tables) -> int:
    """The packed sum of a sentence's features other than its w: and p: ones."""
    _, _, _, _, subjects, packed, _, ngrams, canonical = tables
    padded = ["^", *tokens, "$"]
    total = sum(map(ngrams.get, chain(zip(padded, padded[1:]), zip(padded, padded[1:], padded[2:])), repeat(0)))
    if role:
        total += packed.get("r:role", 0)
    if subject:
        who, after = subject
        total += packed.get("s:" + who, 0) + sum(map(subjects.get, zip(repeat(canonical.get(who, who)), after),
                                                     repeat(0)))
    return total + sum(map(packed.get, extra, repeat(0)))


def en_words(words: list[str], kind, weights: dict, flags_of):
    """For the judge's floor test, with many documents: (tokens and kinds as en_tokens gives them, the packed
    sum of their w: and p: rows, and flags_of(tokens, kinds) of each word OR'ed together). Each word's part is
    worked out once per document, or once per process for a word no document decides (as en_tokens keeps its
    tokens). None where en_column_sums gives None (one document, float weights) or `kind` is not a
    document's (lexicon.word_kind)."""
    memo = getattr(kind, "words", None)
    if memo is None or memo[4] is not weights:
        dependent = getattr(kind, "dependent", None)
        tables = _tables(weights) if for_many_documents() and dependent is not None else None
        if tables is None:
            return None
        shared = _WORDS.get(id(weights))
        if shared is None or shared[0] is not weights:
            shared = _WORDS[id(weights)] = (weights, ({}, {}))
        memo = kind.words = ({}, {}, shared[1], dependent(), weights, tables, flags_of)
    first, later = memo[0], memo[1]
    shared_first, shared_later = memo[2]
    dependent = memo[3]
    out: list = []
    kinds: list = []
    total = flags = 0
    # a sentence's first word reads as a sentence opens ("They"), the others as they stand; a word no document
    # decides is read from the process's entries (the same entry _word_entry would give), the others from the
    # document's own
    table, shared = first, shared_first
    for word in words:
        entry = shared.get(word)
        if entry is None or word in dependent:
            entry = table.get(word)
            if entry is None:
                entry = table[word] = _word_entry(word, table is first, kind, memo)
        out += entry[0]
        kinds += entry[1]
        total += entry[2]
        flags |= entry[3]
        table, shared = later, shared_later
    return out, kinds, total, flags


# id(weights) -> (weights, (first word, later word)): en_words' entries of the words no document decides
_WORDS: dict = {}


def _word_entry(word: str, first: bool, kind, memo):
    shared, dependent, tables, flags_of = memo[2][not first], memo[3], memo[5], memo[6]
    if word not in dependent:
        entry = shared.get(word)
        if entry is not None:
            return entry
    tokens, kinds = word_tokens(word, first, kind)
    # the tokens as the n-gram keys' own string objects: a key found is then compared by identity, without
    # reading its strings (the tables are megabytes, and a sentence's lookups mostly miss the CPU's caches)
    canonical = tables[8]
    tokens = tuple(canonical.get(token, token) for token in tokens)
    entry = (tokens, kinds, _words_sum(tokens, tables), flags_of(tokens, kinds))
    if word not in dependent and len(shared) < _SHARED_MOST:
        shared[word] = entry
    return entry


def en_floor_sums(tokens, unigram_total: int, role, subject, extra: list[str], weights: dict) -> list[int] | None:
    """en_column_sums((tokens, _, role, subject), extra, weights) when en_words gave the tokens and the sum of
    their w: and p: rows."""
    if 5 * len(tokens) + len(extra) + 12 > _MOST:
        return None
    tables = _tables(weights)
    return _unpacked(unigram_total + _beyond_words(tokens, role, subject, extra, tables), tables[6])


_TIME = re.compile(r"\d{1,2}:\d{2}")
_NOT = {"can": "can", "won": "will", "shan": "shall"}


def word_tokens(word: str, first: bool, kind) -> tuple[tuple, tuple]:
    """(tokens, kinds) of one word of a sentence for the judge (judge._en_tokens): a handle or initials
    ("R.S.") as <name>, a number as <num> or <time>, a name, system or unknown capitalised word (not the
    first: it is as often a verb or a noun) by its kind, "didn't" as "did not", a possessive without 's."""
    if word[0] == "@" or word[1:2] == ".":
        return ("<name>",), (None,)
    if word[0].isdigit():
        return ("<time>" if _TIME.fullmatch(word) else "<num>",), (None,)
    what = kind(word)
    low = word.lower().replace("’", "'")
    if what == "name":
        return ("<name>",), (what,)
    if what == "system":
        return ("<sys>",), (what,)
    if what == "proper" and not first:
        return ("<cap>",), (what,)
    if low.endswith("n't"):
        return (_NOT.get(low[:-3], low[:-3]), "not"), (None, what)
    return (low[:-2] if low.endswith("'s") and len(low) > 3 else low,), (what,)


def en_tokens(words: list[str], kind, reference, text: str):
    """reference(text, kind) for `words`, the judge's tokens of `text`: from a per-document memo kept on
    `kind` (made by lexicon.word_kind, which remembers each word's kind for the document); without one,
    the reference itself."""
    memo = getattr(kind, "tokens", None)
    if memo is None:
        if getattr(kind, "memo", None) is None:
            return reference(text, kind)
        # with many documents, what the process knows of the words this document does not decide
        dependent = getattr(kind, "dependent", None)
        shared = _SHARED if dependent is not None and for_many_documents() else None
        # first word, later word: word -> (tokens, kinds); the process's tables; the document's own words
        memo = kind.tokens = ({}, {}, shared, dependent() if shared is not None else None)
    out: list = []
    kinds: list = []
    first, later, shared, dependent = memo
    if words:
        head = words[0]
        entry = first.get(head)
        if entry is None:
            entry = first[head] = _shared_tokens(head, True, kind, shared, dependent)
        out += entry[0]
        kinds += entry[1]
        get = later.get
        for word in words[1:]:
            entry = get(word)
            if entry is None:
                entry = later[word] = _shared_tokens(word, False, kind, shared, dependent)
            out += entry[0]
            kinds += entry[1]
    return out, kinds


# word -> word_tokens(word, first, kind) for the words whose kind no document decides (not in kind.dependent()),
# when a process checks many documents: what such a word is does not change from one document to the next
# (its sentences' verdicts are still worked out in each). Bounded, so that a long run cannot grow it without end.
_SHARED: tuple = ({}, {})  # first word, later word
_SHARED_MOST = 25_000  # ~180 bytes a word: at most ~9 MB for both positions


def _shared_tokens(word: str, first: bool, kind, shared, dependent):
    if shared is None or word in dependent:
        return word_tokens(word, first, kind)
    table = shared[not first]
    entry = table.get(word)
    if entry is None:
        entry = word_tokens(word, first, kind)
        if len(table) < _SHARED_MOST:
            table[word] = entry
    return entry
