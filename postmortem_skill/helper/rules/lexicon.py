"""Find blame, hindsight and judgement in a sentence: predicates from the per-language word lists
(rules/lexicons/en.json, zh.json) and who they are said of (model/subjects.py).

`find_en(text, forward, people, systems)` and `find_zh(text, forward)` give (rule id, start, matched
text, hint key). Matching is on text whose code spans and quotes are already blanked. The method is
described in docs/language-eval.md: a predicate that only a person can have (careless, to blame, 都怪) is
reported wherever it stands; one that a system can have too (failed to, broke, caused, 没有检查) only when
the clause's subject is a person or a role; a counterfactual about the past (should have + participle)
is hindsight in every section when it is said of people.
"""
from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from functools import cache

from postmortem_skill.helper.model.lazypattern import lazy
from postmortem_skill.helper.model.subjects import Vocabulary, possessive_stripped

_WORD_START = re.compile(r"\b\w")  # where a cue word can start: cue_re's \b before a word character

# English patterns are compiled without re.I (several times faster to compile) and run on the text with
# ASCII capitals lowered, which keeps every offset
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def packaged_text(name: str) -> str:
    """rules/lexicons/`name`, read through this module's loader: a file on disk or a member of the zipapp
    (importlib.resources does the same, but importing it costs several milliseconds of validate's start)."""
    try:
        return __loader__.get_data(os.path.join(os.path.dirname(__file__), "lexicons", name)).decode("utf-8")
    except (AttributeError, OSError):
        from importlib import resources

        return resources.files(__package__).joinpath("lexicons", name).read_text(encoding="utf-8")


@cache
def data(lang: str) -> dict:
    """The word lists of a language, read from the package (also inside the zipapp)."""
    return json.loads(packaged_text(f"{lang}.json"))


def _alts(items) -> str:
    return "|".join(items)


def _words(items) -> str:
    """Alternatives on word boundaries."""
    return r"\b(?:" + _alts(items) + r")\b"


class _English:
    def __init__(self):
        # the scanned patterns are compiled when a sentence first has one of their cue words: most documents
        # need only some of them, and compiling is most of the start-up cost
        self._lazy: dict = {}
        d = data("en")
        roles = _alts(d["roles"])
        # both only ever fullmatch one word, where the order of the alternatives does not matter
        self.vocab = Vocabulary(_whole_word_alts(d["roles"]), d["systems"], _whole_word_alts(d["system_names"]),
                                d["stop_caps"], d["given_names"],
                                r"[,;:()\u2014\u2013]|\b(?:because|since|when|while|and|but|so|which|that|after|before|"
                                r"although|though|if|as|until|unless|where|then|due to|who|whose|by|even)\b",
                                _whole_word_alts(d["conduct"]), d["person_nouns"])
        self._lazy["judgement"] = _words(d["judgement"])
        self._lazy["judgement_named"] = d["judgement_named"].replace("ROLE", roles)
        self.negation = re.compile(_words(d["negation"]) + r"[^.]{0,25}$")
        self.disclaims = lazy(r"\b(?:" + _alts(d["disclaims"]) + r")\b", re.I)
        self._lazy["hindsight"] = _words(d["hindsight"])
        self._lazy["hindsight_if"] = _alts(d["hindsight_if"])
        self._lazy["modal"] = r"(?:" + d["modal_perfect"] + r")(?:\s+(?:not|never))?\s+(?P<verb>[a-z][a-z-]*)"
        self._lazy["modal_question"] = (r"\b(?:should|could|would)(?:n't)?\s+(?P<who>@?[\w'’-]+(?: [\w-]+)?)\s+"
                                         r"(?:not |never )?have\s+(?:simply |just )?(?P<verb>[a-z]+)")
        self._lazy["omission"] = (r"\b(?P<lead>" + _alts(d["omission_lead"]) + r")\s+(?P<verb>(?:"
                                   + _alts(d["omission_verbs"]) + r")(?:ed|d|s|es)?)\b")
        self.outcome = re.compile(_words(d["outcome_verbs"]))
        # failed / neglected / forgot to: any verb, when a person is the subject
        self._lazy["strong_omission"] = r"\b(?P<lead>" + _alts(d["omission_strong_lead"]) + r")\s+(?P<verb>[a-z-]+)"
        self._lazy["fault"] = _words(d["fault_verbs"])
        # "the canary step was skipped by Tom", "the mistake was made by the engineer on call": the agent
        # after "by" is the subject; only a person there is blamed ("skipped by the deploy script" is fine)
        self._lazy["passive"] = (r"\b(?:(?:was|were|is|are|been|being|got|get|gets)\s+(?:\w+ly\s+)?(?:"
                                 + _alts(d["passive_fault"]) + r")|(?:mistake|error|blunder|typo|bad call)s?\s+"
                                 r"(?:was|were|had been|has been)\s+made|" + _alts(d["fault_by"]) + r")\s+(?:\w+ly\s+)?by\s+")
        # verbs only people have: with one of them, an unknown capitalised subject ("Bea") is a person
        self.person_only = re.compile(r"(?:" + _alts(d["person_only_verbs"]) + r")\b")
        self.system_verbs = re.compile(_words(d["system_verbs"]))
        self.person_nouns = frozenset(d["person_nouns"] + d["role_words"])
        self.honorifics = frozenset(d["honorifics"])
        self.role_acronyms = frozenset(d["role_acronyms"])
        self._lazy["responsible"] = _words(d["responsible"])
        self._lazy["responsible_object"] = _words(d["responsible_object"]) + r"\s+"
        self._lazy["root"] = r"\b(?:" + _alts(d["root_lead"]) + r")\s*(?:that\s+)?"
        self._lazy["normative"] = _words(d["normative"])
        self.conduct = re.compile(r"\s+" + _words(d["conduct"]))
        self.participles = frozenset(d["participles"])
        self.manual_cues = d["cues"]
        self.human_acts = lazy(_words(d["human_acts"]), re.I)
        self.pointed = lazy(_words(d["pointed"]), re.I)
        self.person_only_faults = lazy(r"(?:" + _alts(d["person_only_faults"]) + r")", re.I)
        self.affected = frozenset(d["affected"])
        self.unforeseeable = lazy(r"\b(?:" + _alts(d["unforeseeable"]) + r")", re.I)
        self.worse = lazy(r"\b(?:" + _alts(d["worse_than_happened"]) + r")\b", re.I)
        self.emphatic = lazy(r"\b(?:who|what|why|how)\s+" + _words(d["angry_intensifiers"]), re.I)
        # what find_en looks for before it tries the pattern (" on earth", " the hell" …): the data's own words
        self.intensifiers = tuple(" " + words for words in d["angry_intensifiers"])
        for name in ("careful", "emotive", "punitive"):
            self._lazy[name] = _words(d[name]) + ("|!!+" if name == "emotive" else "")  # "!!" is its cue

    def __getattr__(self, name):
        if name == "cue_re" and "_cue_words" in self.__dict__:
            self.cue_re = re.compile(r"\b(?=(" + _starts_any(self._cue_words) + "))")
            return self.cue_re
        if name == "cue_after" and "_cue_words" in self.__dict__:
            # cue_re after the start of a text: every cue word starts with a word character, so "\b here" is
            # "a non-word character before"; a pattern that starts with a character class lets re test the
            # class in its scanning loop and try the cues only at those places (cue_re tries every place)
            self.cue_after = re.compile(r"\W(?=(" + _starts_any(self._cue_words) + "))")
            return self.cue_after
        lazy = self.__dict__.get("_lazy", {})
        if name not in lazy:
            raise AttributeError(name)
        pattern = re.compile(by_first_letter(lazy[name]) if _MANY[0] else lazy[name])
        setattr(self, name, pattern)
        return pattern

    @property
    def named_tail(self):
        """What every match of judgement_named ends with: "['’]s? (?:mistake|error|…)", the text after its
        leading group."""
        if "_named_tail" not in self.__dict__:
            source = self._lazy["judgement_named"]
            tail = source[_group_end(source, 0) + 1:] if source.startswith("(") else source
            self._named_tail = re.compile(tail if tail[:1] not in ("?", "*", "+", "{", "") else source)
        return self._named_tail

    def gate(self):
        """One search per sentence finds the cue words present; each names the families that may match.
        Cues are derived from the patterns themselves (see _cues), so a new word in the data file brings
        its cue along; a family without a derivable cue always runs."""
        self.always, cue_families = set(), {}
        self.anchored = set()  # families whose every match starts where one of their cue words does
        for name in _SCANNED + _PLAIN:
            source = self._lazy[name]
            # en.json "cues" names them by hand where the first word of a pattern is a common one
            cues = set(self.manual_cues[name]) if name in self.manual_cues else _cues(source)
            if cues is None:
                self.always.add(name)
                continue
            if name not in self.manual_cues and _starts_at_cue(source):
                self.anchored.add(name)
            for cue in cues:
                cue_families.setdefault(cue, set()).add(name)
        words = sorted(c for c in cue_families if c[:1].isalnum())
        self.others = {c: f for c, f in cue_families.items() if not c[:1].isalnum()}
        # in a look-ahead, so that a cue inside a longer one counts ("bothered to" in "never bothered to");
        # compiled only for many documents (cue_at reads one document without it: compiling it costs more)
        self._cue_words = words
        self.cue_heads: dict = {}  # the first two characters of a cue -> the cues, longest first
        for cue in sorted(words, key=len, reverse=True):
            self.cue_heads.setdefault(cue[:2], []).append(cue)
        # the search finds the longest cue at a place; the shorter cues it starts with count too
        self.cue_families = {cue: frozenset().union(*(cue_families.get(cue[:i], ()) for i in range(2, len(cue) + 1)))
                             for cue in words}
        self.families_of = {**self.cue_families, **self.others}  # what cues_en finds -> the families it cues

    def cue_at(self, low: str, at: int = 0):
        """The first place from `at` where a cue word starts, and the longest cue there; (-1, None) when there
        is none. cue_re.search(low, at) as a lookup of each word's first two characters, for one document."""
        heads = self.cue_heads
        for m in _WORD_START.finditer(low, at):
            place = m.start()
            for cue in heads.get(low[place:place + 2], ()):
                if low.startswith(cue, place):
                    return place, cue
        return -1, None

    def cues_in(self, low: str) -> set:
        """The longest cue at each place where one starts: set(cue_re.findall(low))."""
        if _MANY[0]:
            return set(self.cue_re.findall(low))
        found = set()
        place, cue = self.cue_at(low)
        while cue is not None:
            found.add(cue)
            place, cue = self.cue_at(low, place + 1)
        return found

    def scanner(self, low: str, everything: bool = False, cues=None):
        """`cues`: the cue words of `low` when the caller has them already (cues_en), else they are found here."""
        present = set(self.always) | (set(_SCANNED + _PLAIN) if everything else set())
        if cues is None:
            for cue in self.cues_in(low):
                present |= self.cue_families[cue]
            for cue, names in self.others.items():
                if cue in low:
                    present |= names
        else:
            families = self.families_of
            for cue in cues:
                present |= families[cue]
        if present <= self.always and self.always <= {"emotive"}:
            return None

        places = getattr(cues, "places", None)

        def scan(name):
            if name not in present:
                return ()
            if name == "judgement_named" and not self.named_tail.search(low):
                return ()  # the pattern tries every word as a name before its "'s": first see if a "'s mistake" is there
            if places is not None and name in self.anchored:
                return _matches_at(getattr(self, name), low, [at for at, names in places if name in names])
            return getattr(self, name).finditer(low)
        scan.present = present  # the families that may match, so that callers can skip the others' code
        return scan


_PLAIN = ("careful", "emotive", "punitive")
_RESPONSIBILITY = ("responsible", "responsible_object", "root")  # what _responsibility_en scans
_OMISSION = ("strong_omission", "omission")
_HINDSIGHT = ("modal", "modal_question", "hindsight", "hindsight_if")  # what _hindsight_en scans
_SCANNED = ("judgement", "judgement_named", "fault", "strong_omission", "omission", "normative", "responsible",
            "responsible_object", "root", "modal", "modal_question", "hindsight", "hindsight_if")


_PLAIN_GROUP = re.compile(r"\(\?:([a-z0-9'’ |-]+)\)(\?(?![?+])|(?![?*+{]))")


def _matches_at(pattern, low: str, places: list[int]):
    """pattern.finditer(low) for a pattern whose matches can start only at `places` (in order): a match
    tried at each place instead of a search that tries every character."""
    end = 0
    for place in places:
        if place >= end:
            m = pattern.match(low, place)
            if m is not None:
                yield m
                end = m.end()


_OPENING = re.compile(r"\((?:\?:|\?P<\w+>)?")


def _starts_at_cue(source: str) -> bool:
    """Whether every match of `source` starts with a literal word of two or more letters at a word boundary
    (`\\b(?:broke|took (?:\\w+ ){0,2}down|(?<=to )blame|(?:did not|never) …)…`): so where one of the cue
    words _cues derives from those literals starts. Stricter than _cues, which also lets a match start
    before its cue ("(?:the )?result of")."""
    return all(alternative.startswith("\\b") and _literal_first(alternative[2:])
               for alternative in _split_top(source))


def _literal_first(source: str) -> bool:
    while source.startswith(("(?=", "(?!", "(?<=", "(?<!")):  # zero-width: the match starts after it
        source = source[_group_end(source, 0) + 1:]
    if source.startswith("("):
        opening = _OPENING.match(source)
        end = _group_end(source, 0)
        return source[end + 1:end + 2] not in ("?", "*", "+", "{") and \
            all(_literal_first(alternative) for alternative in _split_top(source[opening.end():end]))
    literal = _literal(source)
    return len(literal.rstrip()) >= 2 and literal[0].isalnum()


def _spelled_out(alternative: str) -> list[str]:
    """A leading group of plain words as that many alternatives, in the order re tries them:
    "(?:deleted|dropped)\\b…" -> ["deleted\\b…", "dropped\\b…"]; "(?:the )?result" -> ["the result", "result"]."""
    plain = _PLAIN_GROUP.match(alternative)
    if not plain:
        return [alternative]
    tails = _spelled_out(alternative[plain.end():])
    out = [word + tail for word in plain.group(1).split("|") for tail in tails]
    return out + tails if plain.group(2) == "?" else out


_LOOKBEHIND = lazy(r"\(\?<=([a-z0-9'’ |-]+)\)")


def by_first_letter(source: str) -> str:
    """`source` with the alternatives of its leading \\b(?:…) group sorted into one branch per first letter
    ("\\b(?:b(?:roke|otched)|c(?:aused|…)|…)"): the same matches, found the same way (at any place only the
    alternatives that start with its letter can match, and they keep their order), but re tries a few
    branches at each word instead of all. A pattern of another shape, or with an alternative whose first
    letter cannot be told, or that would grow to more than 2.5 times its size, is returned as it is."""
    if not source.startswith("\\b(?:"):
        return source
    end = _group_end(source, 2)
    inner = source[5:end]
    if re.search(r"\((?!\?)|\(\?P", inner):  # capturing groups: repeating them would renumber them
        return source
    groups: dict = {}
    for alternative in _split_top(inner):
        behind = _LOOKBEHIND.match(alternative)
        lead = alternative[behind.end():] if behind else alternative
        plain = _PLAIN_GROUP.match(lead)
        if plain and plain.group(2) != "?" and not behind and "" not in plain.group(1).split("|"):
            # "(?:deleted|dropped|ran)…" as "d(?:eleted|ropped)…" and "r(?:an)…": what follows the group is
            # written once per first letter, not once per word (compiling it is part of start-up)
            by_letter: dict = {}
            for word in plain.group(1).split("|"):
                by_letter.setdefault(word[0], []).append(word[1:])
            if not all(re.match(r"[a-z0-9'’]", first) for first in by_letter):
                return source
            for first, rests in by_letter.items():
                groups.setdefault(first, []).append("(?:" + "|".join(rests) + ")" + lead[plain.end():])
            continue
        for alone in _spelled_out(lead):
            if not re.match(r"[a-z0-9'’][^?*+{]", alone + " "):
                return source
            first, rest = alone[0], alone[1:]
            if behind:  # "(?<=is )asleep" is "a(?<=is a)sleep"
                before = behind.group(1).split("|")
                if len({len(b) for b in before}) != 1:
                    return source
                rest = "(?<=" + "|".join(b + first for b in before) + ")" + rest
            groups.setdefault(first, []).append(rest)
    body = "|".join(first + "(?:" + "|".join(rests) + ")" for first, rests in groups.items())
    # a pattern that grows much (one alternative written out for each of its first words) costs more to
    # compile at start-up than it saves: passive, responsible
    return "\\b(?:" + body + ")" + source[end + 1:] if len(body) <= 2.5 * len(inner) else source


def _whole_word_alts(alternatives) -> str:
    """The alternatives, grouped by first letter where it can be told ("e(?:ngineers?|mployees?)|…"): for a
    pattern only used with fullmatch, which asks whether any alternative matches, so their order is free."""
    groups: dict = {}
    others = []
    for alternative in alternatives:
        for alone in _spelled_out(alternative):
            if re.match(r"[a-z0-9'’][^?*+{]", alone + " "):
                groups.setdefault(alone[0], []).append(alone[1:])
            else:
                others.append(alone)
    return _alts([first + "(?:" + _alts(rests) + ")" for first, rests in groups.items()] + others)


def _starts_any(words) -> str:
    """A regex for 'one of these words starts here', factored by shared prefixes so that re tries a few
    branches per position instead of every word. It matches the longest word it can."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and "" not in node else "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body
    return emit(tree)


# an escaped character, a [class] (its first "]" from the second character on closes it) or a group or
# alternation mark: the only characters of a regular expression that _scan reports
_STRUCTURE = re.compile(r"\\[\s\S]|\[[\s\S][^\]]*\]|[()|]")


def _scan(source: str, start: int = 0):
    """(index, character, depth after it) for each "(", ")" and "|" of a regular expression that is not
    escaped and not inside a [class]; depth counts the open groups."""
    depth = 0
    for m in _STRUCTURE.finditer(source, start):
        char = m.group()
        if len(char) == 1:
            depth += (char == "(") - (char == ")")
            yield m.start(), char, depth


def _split_top(source: str) -> list[str]:
    """The top-level alternatives of a regular expression."""
    parts, start = [], 0
    for i, char, depth in _scan(source):
        if char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    return parts + [source[start:]]


def _group_end(source: str, start: int) -> int:
    """The index of the `)` that closes the group opened at `start`."""
    for i, char, depth in _scan(source, start):
        if char == ")" and depth == 0:
            return i
    raise ValueError(source)


def _cues(source: str):
    """Words one of which every match of `source` starts a word with, or None when that cannot be told."""
    out: set = set()
    for alternative in _split_top(source):
        cues = _alternative_cues(alternative)
        if cues is None:
            return None
        out |= cues
    return out


_LITERAL = re.compile(r"[a-z0-9'’@! -]*")


def _literal(source: str) -> str:
    """The literal text every match of `source` starts with ("errors?": "error")."""
    literal = _LITERAL.match(source).group(0)
    if literal and source[len(literal):len(literal) + 1] in ("?", "*", "{"):
        literal = literal[:-1]
    return literal


_CHARS = re.compile(r"\[([a-z'’]+)\](?![?*+{])")


def _heads(source: str) -> set:
    """Literal texts one of which every match of `source` starts with, as far as they can be told: a plain
    group runs on into what follows it ("(?:a|total) (?:mess|joke)": "a mess", "total joke", ...)."""
    literal = _literal(source)
    after = source[len(literal):]
    if literal != _LITERAL.match(source).group(0):
        return {literal}
    chars = _CHARS.match(after)
    if chars:  # "['’]s": each character of a plain class in turn
        return {literal + char + head for char in chars.group(1) for head in _heads(after[chars.end():])}
    if not after.startswith("(") or after.startswith(("(?=", "(?!", "(?<")):
        return {literal}
    end = _group_end(after, 0)
    rest = after[end + 1:]
    alternatives = _split_top(re.sub(r"^\(\?(?:P<\w+>|:)?", "", after[:end]))
    if rest[:1] in ("?", "*", "+", "{") or not all(_LITERAL.fullmatch(a) for a in alternatives):
        return {literal}
    return {literal + a + head for a in alternatives for head in _heads(rest)}


def _alternative_cues(source: str):
    while source.startswith(("\\b", "^", "\\s*", "\\s+")):
        source = source[1:] if source[0] == "^" else source[2 + (source[1] == "s"):]
    if not source.startswith("("):
        words = _heads(source)
    else:
        end = _group_end(source, 0)
        rest = source[end + 1:]
        if source.startswith(("(?=", "(?!", "(?<")) or rest[:1] in ("?", "*"):
            return _alternative_cues(rest.lstrip("?*"))
        inner = re.sub(r"^\(\?(?:P<\w+>|:)?", "", source[:end])
        if rest[:1] == "{":
            return _cues(inner)
        words = set()
        for alternative in _split_top(inner):  # a plain one runs on into what follows: "(?:not|un)qualified"
            cues = ({alternative + head for head in _heads(rest)} if _LITERAL.fullmatch(alternative) and rest[:1] != "+"
                    else _alternative_cues(alternative))
            if cues is None:
                return None
            words |= cues
    # the whole literal ("the fault of", not "the"); a cue that starts with a space or one letter tells nothing
    return words if all(len(word.rstrip()) >= 2 and word[:1] != " " for word in words) else None


# Set when one process checks many documents (validate of a folder): then the patterns are compiled for speed
# per sentence (by_first_letter, judge's gate) at a cost at start-up that one document would not earn back.
_MANY = [False]


def many_documents() -> None:
    """Called before a process checks many documents; findings are the same either way."""
    _MANY[0] = True


def for_many_documents() -> bool:
    return _MANY[0]


@cache
def english() -> _English:
    en = _English()
    en.gate()
    return en


def ascii_lower(text: str) -> str:
    """ASCII capitals lowered, every other character kept (so offsets stay): str.lower() where it is the same."""
    if text.isascii():
        return text.lower()
    # bytes.lower() changes only the bytes A-Z, and UTF-8 writes every other character with bytes above 0x7f:
    # ~1 us for a sentence, where str.translate walks a non-ASCII text at ~0.15 us a character
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def cued_en(texts: list[str]) -> list[bool]:
    """For each text, whether find_en(text) may find anything: False only for a text with no cue word, where
    find_en yields nothing (no family runs on every sentence)."""
    return [cues is None or bool(cues) for cues in cues_en(texts)]


_NO_CUES = frozenset()


def cues_en(texts: list[str]) -> list:
    """For each text, the cues find_en's gate looks for in it (the longest cue word at each place one starts,
    and each other cue it holds), found in one search over all of a document's sentences instead of one per
    sentence; an empty set for a text without any, where find_en yields nothing. None for every text when
    some family has no cue (then find_en looks for itself)."""
    en = english()
    if en.always or not texts:
        return [None] * len(texts)
    low = ascii_lower("\n".join(texts))  # no cue holds a line break: none runs from one text into the next
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text) + 1)
    found: dict = {}  # index of a text -> its cues
    families = en.cue_families

    def add(at: int, cue: str, word: bool = True) -> int:
        index = bisect_right(starts, at) - 1
        cues = found.get(index)
        if cues is None:
            cues = found[index] = _Cues()
        cues.add(cue)
        if word:  # where a cue word starts in the text, and the families it cues (for _matches_at)
            cues.places.append((at - starts[index], families[cue]))
        return index

    if _MANY[0]:
        m = en.cue_re.match(low)
        if m is not None:
            add(0, m.group(1))
        for m in en.cue_after.finditer(low):
            add(m.start(1), m.group(1))
    else:
        place, cue = en.cue_at(low)
        while place != -1:
            add(place, cue)
            place, cue = en.cue_at(low, place + 1)
    for cue in en.others:  # "'", "!!": where it first stands in a text, then on from the next text
        at = low.find(cue)
        while at != -1:
            at = low.find(cue, starts[add(at, cue, False) + 1])
    return [found.get(index, _NO_CUES) for index in range(len(texts))]


class _Cues(set):
    """The cues of a text, and `places`: (offset, families cued) of each cue word, in order."""

    __slots__ = ("places",)

    def __init__(self):
        super().__init__()
        self.places: list = []


def find_en(text: str, forward: bool, people=(), systems=(), gated: bool = True, cues=None) -> list:
    """[(rule, start, matched, hint)] for an English sentence; `gated=False` runs every pattern (the tests
    check that the cue gate never hides a hit). `cues`: the text's cues from cues_en, if known. A sentence
    that says no one is at fault keeps only its hindsight ("it would be easy to blame the operator, but …")."""
    found = list(_find_en(text, forward, people, systems, gated, cues))
    if not forward and not found and ("doing" in text or any(words in text for words in english().intensifiers)):
        found = _asked_in_anger(text, people, systems)
    if found and english().disclaims.search(text):
        found = [hit for hit in found if hit[3] == "hindsight"]
    if found and _unforeseeable(text, "en"):  # "it's easy to say in hindsight that the alert was obvious"
        found = [hit for hit in found if hit[3] != "hindsight"]
    if found and thanks_for_something(text):  # "Thanks to Sergeant Cole and the control room team for running …"
        return [hit for hit in found if hit[3] != "root"]
    if any(hit[3] in _ACTS for hit in found) and explained_by_a_thing_en(text, people, systems):
        return [hit for hit in found if hit[3] not in _ACTS]  # "did not notice the warning because the
        # console truncated it to a single line"
    return found


_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _of_the_affected(en, text: str, end: int) -> bool:
    """Whether the person a predicate at `end` is said of is one of the people the incident happened to:
    the nearest noun for people before it, or the one a "who" stands for ("patients who missed a dose")."""
    words = _WORD.findall(text, 0, end)[-8:]
    for at in range(len(words) - 1, -1, -1):
        word = words[at].lower()
        if word == "who" and at:
            return words[at - 1].lower() in en.affected
        if en.vocab.kind(words[at]) == "person":
            return word in en.affected
    return False


_ACTS = ("omission", "fault")  # what the lists read as something a person did or left undone

# a sentence that opens by thanking someone (judge.assess reads it as gratitude unless sure it is sarcasm)
THANKS = lazy(r"\W*(?:first(?: and foremost)?,?\s+|and\s+)?(?:(?:huge|many|special|big|a big|sincere)\s+)?"
              r"(?:thanks|thank you|kudos)\b", re.I)
_FOR = re.compile(r"[^.]*\bfor\b", re.I)
_CLAUSE_START = re.compile(r"^|[;:]")


# "Thanks to the DevOps team, we now have per-service routing": what thanks to them brought is good
_THANKS_TO_GAIN = lazy(r"\W*thanks to\b[^,;.]{1,60},\s*(?:we|the team|our [\w-]+)\s+(?:now |quickly |still |already )?"
                       r"(?:have|had|can|could|were able|are able|caught|recovered|restored|kept|avoided|managed|"
                       r"detected|noticed|got back)\b", re.I)


def thanks_for_something(text: str) -> bool:
    """A thank-you for something: its "thanks to X" is a credit, not a cause (the judge still reads sarcasm)."""
    for clause in _CLAUSE_START.finditer(text):  # "The new runbook was a big help; thanks to Ana for writing it."
        m = THANKS.match(text, clause.end())
        if m is not None and _FOR.match(text, m.end()) is not None:
            return True
    return _THANKS_TO_GAIN.match(text) is not None


def _find_en(text: str, forward: bool, people, systems, gated: bool, cues):
    en = english()
    vocab = en.vocab
    low = ascii_lower(text)

    def subject(pos, first=False):
        return vocab.subject(text, pos, people, systems, first)

    scan = en.scanner(low, everything=not gated, cues=cues)
    if scan is None:  # no cue word: only the always-run patterns (emotive, when it has no cue) can match
        for m in en.emotive.finditer(low) if "emotive" in en.always else ():
            yield "PM304", m.start(), text[m.start():m.end()], "emotive"
        return
    present = scan.present
    # (each family is scanned only when its cue is present: most sentences hold one or two of them)
    if "judgement" in present or "judgement_named" in present:
        for m in [*scan("judgement"), *scan("judgement_named")]:
            if not _negated_en(en, low, m.start()):
                yield "PM301", m.start(), text[m.start():m.end()], "blame"
    if not present.isdisjoint(_PLAIN):
        for family, rule_id in (("careful", "PM303"), ("emotive", "PM304"), ("punitive", "PM306")):
            for m in scan(family):
                if family != "punitive" or not _negated_en(en, low, m.start()):  # "as hygiene, not as punishment"
                    yield rule_id, m.start(), text[m.start():m.end()], family
    if not present.isdisjoint(_RESPONSIBILITY):
        yield from _responsibility_en(en, text, low, scan, people, systems)
    if not forward:
        for m in scan("fault") if "fault" in present else ():
            kind = subject(m.start(), first=m.group(0).lower().startswith("without"))
            if kind == "person" and _of_the_affected(en, text, m.start()):
                continue  # "viewers who missed coverage": what happened to them
            if kind == "person" or (kind == "proper" and en.person_only.match(low, m.start())):
                if not re.match(r"(?:ignored|overlooked|missed)\b", m.group(0)) or \
                        not re.search(r"\b(?:is|are|was|were|be|been|being|get|gets|got)\s+$", text[:m.start()]):
                    yield "PM301", m.start(), text[m.start():m.end()], "fault"
                    break
        if "?" in low:
            yield from _rhetorical_en(text, low, vocab, people, systems)
        if " by " in low:
            for m in en.passive.finditer(low):
                if vocab.object(text, m.end(), people, systems) == "person":
                    yield "PM301", m.start(), text[m.start():m.end()].strip(), "fault"
                    break
        for m in [*scan("strong_omission"), *scan("omission")] if not present.isdisjoint(_OMISSION) else ():
            verb = m.group("verb")
            if en.outcome.fullmatch(verb) or (m.group("lead").lower() == "not" and not verb.lower().endswith("ing")):
                continue  # "we failed to meet the SLO" owns an outcome; "could not see" is no omission
            kind = subject(m.start())
            if kind == "person" and _of_the_affected(en, text, m.start()):
                continue
            if kind == "person" or (kind == "proper" and not en.system_verbs.fullmatch(verb)):
                yield "PM301", m.start(), text[m.start():m.end()], "omission"
                break
    if not present.isdisjoint(_HINDSIGHT):
        yield from _hindsight_en(en, text, low, scan, forward, subject, people, systems)
    if not forward and "normative" in present:
        for m in scan("normative"):
            if _normative_about_person(en, low, m, subject):
                yield "PM303", m.start(), text[m.start():m.end()], "normative"
                break


# "Who thought it was a good idea to …?", "Why didn't the on-call check …?": a question asked about a person's
# choice or omission is an accusation; the same question about a system ("why didn't the alert fire?") is not
# a question asked in anger: "who on earth approved …", "what exactly was the release manager doing …?"
# (an intensifier makes it one: "what was the on-call doing when the page fired?" may be a plain question)
_DOING = re.compile(r"\bwhat\s+(?:(?P<a>exactly|else|on earth)\s+)?(?:was|were|is|are)\s+(?P<who>[^?,;]{1,40}?)\s+"
                    r"(?:(?P<b>even|actually|really)\s+)?doing\b", re.I)


def _asked_in_anger(text: str, people, systems) -> list:
    m = english().emphatic.search(text)
    if m is None:
        m = _DOING.search(text)
        if m is None or not (m.group("a") or m.group("b")) or not names_someone(m.group("who"), people, systems):
            return []
    return [("PM301", m.start(), m.group(0), "question")]


def names_someone(words: str, people=(), systems=()) -> bool:
    """Whether a noun phrase ends in a person: a name, a role, a noun for a person ('the mirror maintainers')."""
    en = english()
    last = words.split()[-1]
    low = possessive_stripped(last).lower()
    return en.vocab.kind(last, people, systems) == "person" or _person_noun(en, low)


def _person_noun(en, low: str) -> bool:
    """A lower-cased noun for a person or its plural ('maintainer', 'editors')."""
    return low in en.person_nouns or (low[-1:] == "s" and low[:-1] in en.person_nouns)


_WHO_THOUGHT = re.compile(r"(?:^|[,;:]\s*)who\s+(?:thought|figured|believed|decided|let|allowed)\s+"
                          r"(?:it\s+was|it'?d\s+be|it\s+would\s+be|that|this|them|him|her|the)\b")
_WHY_NOT = re.compile(r"(?:^|[,;:]\s*)why\s+(?:(?:didn[’']t|did\s+not|wasn[’']t|weren[’']t|hadn[’']t|couldn[’']t|"
                      r"wouldn[’']t)\s+|did\s+(?=no\s?one\b|nobody\b))")


def _rhetorical_en(text, low, vocab, people, systems):
    m = _WHO_THOUGHT.search(low)
    if m:
        yield "PM301", m.start(), text[m.start():m.end()].lstrip(",;: "), "blame"
        return
    m = _WHY_NOT.search(low)
    if m and (re.match(r"no\s?one\b|nobody\b", low[m.end():])
              or vocab.object(text, m.end(), people, systems) == "person"):
        yield "PM301", m.start(), text[m.start():m.end()].lstrip(",;: ").strip(), "blame"


def _negated_en(en, low: str, end: int) -> bool:
    """A negation shortly before `end` in its clause, read to the last comma, colon or semicolon rather than
    to the subject's start: "the outage was not caused by carelessness" (the subject clause starts at "by")."""
    start = max(low.rfind(mark, 0, end) for mark in ",;:(") + 1
    return bool(en.negation.search(low, start, end))


_NOT_AFTER = re.compile(r"\s*(?:was|is|were)?\s*(?:not|never)\b")


def _responsibility_en(en, text, low, scan, people, systems):
    vocab = en.vocab
    for m in scan("responsible"):
        clause = low[vocab.clause_start(text, m.start()):m.start()]
        if vocab.subject(text, m.start(), people, systems) == "person" and not en.negation.search(clause):
            yield "PM305", m.start(), text[m.start():m.end()], "root"
            return
    for family in ("responsible_object", "root"):
        for m in scan(family):
            clause = low[vocab.clause_start(text, m.start()):m.start()]
            if en.negation.search(clause) or _NOT_AFTER.match(low, m.end()):
                continue  # "the root cause was not the operator but the missing interlock"
            if vocab.object(text, m.end(), people, systems) == "person":
                yield "PM305", m.start(), text[m.start():m.end()], "root"
                return


# "the link was not obvious from the flag's name" says what a system hid, not what someone should have seen
_CANNOT_HAVE = re.compile(r"(?:could|would|might)(?:n't| not| never) have\b")
_NOT_JUST_BEFORE = re.compile(r"(?:\bnot|n't|\bnever|\bhardly)\s+(?:\w+\s+)?$")


def _hindsight_en(en, text, low, scan, forward, subject, people, systems):
    """Counterfactuals about the past: 'should have caught' said of people, in every section; the other
    hindsight wording ('if X had …', 'obviously') outside forward-looking sections."""
    for m in scan("modal"):
        verb = m.group("verb")
        if verb == "been":
            after = low[m.end():m.end() + 30]
            if re.match(r"\s+(?:worse|better|much|far|a lot|larger|bigger|smaller|able|possible|avoided|"
                        r"prevented|caught)", after) and subject(m.start()) != "person":
                continue
        elif not verb.endswith("ed") and verb not in en.participles:
            continue
        if subject(m.start()) in ("person", "proper") or verb in ("known",):
            yield "PM302", m.start(), text[m.start():m.end()], "hindsight"
            return
    for m in scan("modal_question"):
        if en.vocab.object(text, m.start("who"), people, systems) == "person":
            yield "PM302", m.start(), text[m.start():m.end()], "hindsight"
            return
    if forward:
        return
    for m in scan("hindsight"):
        if _NOT_JUST_BEFORE.search(low, max(0, m.start() - 25), m.start()):
            continue
        if _CANNOT_HAVE.match(low, m.start()) and subject(m.start()) == "system":
            continue  # "the staging test could not have caught it": what a check cannot do is no alternate past
        yield "PM302", m.start(), text[m.start():m.end()], "hindsight"
        return
    for m in scan("hindsight_if"):
        # "if the team had followed …" judges people; "had the dashboard existed, it would have …" does not
        had = re.search(r"\bhad\b", m.group(0))
        if had and had.start() == m.group(0).lower().find("had") and m.group(0).lstrip().lower().startswith("had"):
            kind = en.vocab.object(text, m.start() + had.end(), people, systems)
        else:
            kind = subject(m.start() + had.start()) if had else "person"
        if kind in ("person", "proper"):
            yield "PM302", m.start(), text[m.start():m.end()], "hindsight"
            return


def _normative_about_person(en, text, m, subject) -> bool:
    if subject(m.start()) != "person" and subject(m.start(), first=True) != "person":
        return False
    word = m.group(0).lower()
    adjective = not word.endswith("ly") and not word.startswith("mis") and word != "rushed"
    if not adjective and re.search(r"\b(?:a|an|the|this|that|its|their|our|some|any|no)\s+$", text[:m.start()]):
        return False  # "a poorly documented restore", "a rushed deploy": about a thing
    after = text[m.end():]
    if adjective and re.match(r"\s+[a-z]", after):
        # an adjective before a noun: about people only when the noun is conduct ("a hasty decision")
        return bool(en.conduct.match(after)) and subject(m.start()) == "person"
    return subject(m.start(), first=True) == "person"


# --- Chinese ----------------------------------------------------------------------------------
class _Chinese:
    def __init__(self):
        d = data("zh")
        system = _alts(d["systems"])
        # a name stands where a clause or a particle (是, 由, 让, 和 …) puts it, not inside a word ("进程存活")
        names = (r"(?:(?<![\u4e00-\u9fff])|(?<=[是由让被和跟与给怪请叫找都但而]))"
                 r"(?:[小老](?!" + system + r")[" + d["surnames"] + r"]|(?!" + system + r"|" + _alts(d["common_words"])
                 + r")[" + d["surnames"] + r"][\u4e00-\u9fff]{1,2}?(?=" + d["name_follow"] + r")"
                 r"|[" + d["surnames"] + r"](?:工|总|经理|老师|姐|哥))"
                 # 李某, 张某某: how formal reports write a name, after a title too (现场指挥李某)
                 r"|[" + d["surnames"] + r"]某某?(?![个项些种次位天时一类处段条台家方人件样])"
                 r"|(?<![\u4e00-\u9fff])[小老][A-Z](?![A-Za-z])"  # 小K
                 # after 的 only the forms no word holds: 审批的陈总, 值班的小王
                 r"|(?<=的)(?:[小老][" + d["surnames"] + r"]|[" + d["surnames"] + r"](?:工|总|经理|老师|姐|哥))")
        self.person = re.compile(r"(?:" + _alts(d["roles"]) + r")|" + names)
        self.name = re.compile(names)
        self.system = re.compile(system)
        self.boundary = re.compile(r"[，,；;。：:、（(）)]|因为|由于|导致|而且|但是|所以|并且|然后")
        self.judgement = re.compile(_alts(d["judgement"]))
        self.person_fault = re.compile(_alts(d["person_fault"]))
        self.responsible = re.compile(_alts(d["responsible"]).replace("PERSON", r"[\u4e00-\u9fffA-Z]{1,8}"))
        self.omission_any = re.compile(d["person_omission_any"])
        self.root = re.compile(_alts(d["root_person"]))
        self.negation = re.compile(d["negation"])
        self.negation_after = re.compile(d["negation_after"])
        # …and "it is not the ops team's fault" with any word for people: 「不是运维的锅，也不是开发的锅」
        self.disclaims = re.compile(d["disclaims"] + r"|(?:不是|并非)(?:" + _alts(d["roles"]) + r")的(?:锅|错|责任)"
                                    r"|(?:不在于?|并非)(?:" + _alts(d["roles"]) + r")(?:本人|个人|身上)")
        self.hindsight = re.compile(_alts(d["hindsight"]))
        self.person_hindsight = re.compile(_alts(d["person_hindsight"]))
        self.future = re.compile(d["future"])
        self.plain = {name: re.compile(_alts(d[name])) for name in ("normative", "careful", "emotive", "punitive")}
        self.looks_back = lazy(_alts(d["looks_back"]))
        self.human_acts = lazy(_alts(d["human_acts"]))
        self.thanks = lazy(_alts(d["thanks"]))
        self.pointed = lazy(_alts(d["pointed"]))
        self.unforeseeable = lazy(_alts(d["unforeseeable"]))
        self.worse = lazy(_alts(d["worse_than_happened"]))


@cache
def chinese() -> _Chinese:
    return _Chinese()


def _person_near(zh, text: str, m) -> bool:
    """After '根因是' a person within four characters; before '是…根源' a person in the clause."""
    if m.group(0).endswith(("根源", "根因", "原因")):
        return subject_zh(text, m.start() + 1) == "person"
    return any(p.start() <= m.end() + 4 for p in zh.person.finditer(text, m.end(), m.end() + 12))


_REPORTED_ZH = lazy(r"发现|看到|注意到|确认|指出|提到|反馈|表示|说|称|怀疑|判断|认为|查到|定位到")
_AFTER_ZH = lazy(r"(?:之?后|以后|时|的时候)\s*$|(?:之?后|以后|时|的时候)(?=[^，。；]{0,3}$)")


def subject_zh(text: str, end: int) -> str:
    zh = chinese()
    start = 0
    for m in zh.boundary.finditer(text, 0, end):
        if m.end() <= end:
            start = m.end()
    # "王磊发现索引没有建": what 王磊 found is a clause of its own, whose subject is the index, not 王磊
    reported = None
    for m in _REPORTED_ZH.finditer(text, start, end):
        reported = m
    if reported is not None and _AFTER_ZH.search(text, reported.end(), end):
        reported = None  # "发现告警后没有上报": a time clause, the subject is still the finder
    if reported is not None:
        clause = text[reported.end():]
        if not any(m.end() <= end - reported.end() for pattern in (zh.person, zh.system)
                   for m in pattern.finditer(clause)):
            return "unknown"
        start = reported.end()
    # in "X把Y改错了" and "X对Y视而不见" the subject is X: what follows 把 / 对 is the object
    cut = max(text.rfind("把", start, end), text.rfind("对", start, end))
    limit = (cut if cut > start else end) - start
    clause = text[start:]  # to the end, so that a name's look-ahead (张伟没…) sees the verb
    best, kind = -1, "unknown"
    for pattern, label in ((zh.person, "person"), (zh.system, "system")):
        for m in pattern.finditer(clause):
            if m.end() <= limit and (m.end() > best or (m.end() == best and label == "system")):
                best, kind = m.end(), label
    if kind == "unknown" and start > 0:  # "张伟粗心，把配置改错了": the subject carries over the comma
        return subject_zh(text, start - 1)
    return kind


# 谁让…？ / 为什么<person>不… / 难道<person>…吗: a question that accuses a person; about a system it is not
_WHO_LET_ZH = lazy(r"(?:^|[，,；;：:])\s*谁让")
_WHY_NOT_ZH = lazy(r"(?:为什么|为啥|怎么)(?P<rest>[^，。？?！]{1,12}?)(?:不|没有?|未)")
_SURELY_ZH = lazy(r"难道(?P<rest>[^，。？?！]{1,12})")


# 归咎于<person> / 责任在(值班的)<person>: the fault is laid on a person
_LAID_ON_ZH = lazy(r"归咎(?:于|给)|责任在于?")
# 「reviewer 到底看没看 diff？」: asked in anger of a person (到底是哪个服务超时？ asks of a thing)
_AT_ALL_ZH = lazy(r"(?:到底|究竟)[^，。？?！]{0,6}?([\u4e00-\u9fff])没\1")
# 「小K，下次改配置前能不能先 nginx -t 一下？」: next time, asked of someone, is a reproach for this time
_NEXT_TIME_ZH = lazy(r"(?:下次|以后|下回)[^。？?]{0,24}(?:能不能|可不可以|能否|就不能)[^。？?]*[？?]")


def _person_from(zh, text, start, end) -> bool:
    """A person named from `start` (the name's look-ahead may read past `end`, where it must begin)."""
    m = zh.person.search(text[start:])  # cut, so that a name reads as the start of a phrase
    return bool(m) and m.start() < end - start


def _rhetorical_zh(zh, text):
    m = _WHO_LET_ZH.search(text)
    if m:
        return m.start(), "谁让"
    for pattern in (_WHY_NOT_ZH, _SURELY_ZH):
        m = pattern.search(text)
        if m and _person_from(zh, text, m.start("rest"), m.end("rest")):
            return m.start(), m.group(0)
    m = _AT_ALL_ZH.search(text)
    if m and ("？" in text or "?" in text) and subject_zh(text, m.start()) == "person":
        return m.start(), m.group(0)
    m = _NEXT_TIME_ZH.search(text)
    if m and zh.person.search(text, 0, m.start()):
        return m.start(), m.group(0)
    return None


# a recommendation's conditions are not what anyone did: 「建议审批人未打开附件时无法提交意见」
_RECOMMENDS_ZH = re.compile(r"\s*(?:建议|改进建议|整改措施|措施|要求|规定)[：:，,]?")


_INSTEAD_ZH = re.compile(r"[^。；;]{0,20}?[，,]\s*而是")
_BUT_ZH = re.compile(r"[，,；;]\s*(?:但是?|不过|可是)")


def find_zh(text: str, forward: bool):
    zh = chinese()
    # a sentence that says outright that no person is at fault (「这不是谁的锅」「失误不在个人」「而不是某个人粗心」)
    # blames nobody, whatever fault words it quotes to say so; its hindsight still counts
    disclaims = zh.disclaims.search(text)

    def negated(m) -> bool:
        return bool(zh.negation.search(text[:m.start()]) or zh.negation_after.search(text[m.end():]))

    if disclaims:
        but = _BUT_ZH.search(text, disclaims.end())
        if but:  # 「不是针对个人，但小王这次确实没有按流程走」: the part after the "but" is read on its own
            for rule_id, start, matched, hint in find_zh(text[but.end():], forward):
                yield rule_id, start + but.end(), matched, hint
        yield from _hindsight_zh(zh, text[:but.start()] if but else text, forward)
        return
    for m in zh.judgement.finditer(text):
        if not negated(m):
            yield "PM301", m.start(), m.group(0), "blame"
    cause = False  # a sentence that makes a person the cause is reported once, as that
    for m in zh.responsible.finditer(text):
        because = m.group(0).startswith(("因为", "由于"))
        after = m.start() + (2 if because else len(m.group(0).split("是")[0]) + 1)
        if (because or m.group(0).startswith(("就是", "是", "又是"))) and not zh.person.match(text, after):
            continue  # "就是 / 是 … 造成的", "是因为 …" name a cause: only a person there is blame
        if not zh.negation.search(text[:m.start()]):
            cause = True
            yield "PM305", m.start(), m.group(0), "root"
    for m in _LAID_ON_ZH.finditer(text):
        if _person_from(zh, text, m.end(), m.end() + 4) and not zh.negation.search(text[:m.start()]):
            cause = True
            yield "PM305", m.start(), m.group(0), "root"
    for m in zh.root.finditer(text):
        if m.group(0) != "人员原因" and not _person_near(zh, text, m):
            continue
        if not negated(m):
            cause = True
            yield "PM305", m.start(), m.group(0), "root"
    for family, rule_id in (("careful", "PM303"), ("emotive", "PM304"), ("punitive", "PM306")):
        for m in zh.plain[family].finditer(text):
            if family != "punitive" or not negated(m):
                yield rule_id, m.start(), m.group(0), family
    if not forward and not cause and ("谁" in text or "为" in text or "难道" in text or "为啥" in text
                                      or "到底" in text or "究竟" in text or "下次" in text or "下回" in text
                                      or "以后" in text):
        m = _rhetorical_zh(zh, text)
        if m:
            cause = True  # reported once
            yield "PM301", m[0], m[1], "blame"
    if not forward and not cause and not _RECOMMENDS_ZH.match(text):
        for m in [*zh.person_fault.finditer(text), *zh.omission_any.finditer(text)]:
            if _INSTEAD_ZH.match(text, m.end()):
                continue  # 「值班同学没有重启服务，而是先把流量降到了 50%」: what was done instead
            if subject_zh(text, m.start()) == "person":
                yield "PM301", m.start(), m.group(0) or text[m.start():m.start() + 4], "omission"
                break
    found = list(_hindsight_zh(zh, text, forward))
    yield from found
    if found or forward:
        return
    for m in zh.plain["normative"].finditer(text):
        if subject_zh(text, m.start()) == "person":
            yield "PM303", m.start(), m.group(0), "normative"
            return


def _hindsight_zh(zh, text: str, forward: bool):
    """The first hindsight in a Chinese sentence that is not about a thing (_of_a_thing_zh). A dropped subject
    still counts: 「要是早点扩容就好了」 looks back at what people did."""
    for m in zh.person_hindsight.finditer(text):
        if subject_zh(text, m.start()) == "person" and not zh.future.search(text[:m.start()]):
            yield "PM302", m.start(), m.group(0), "hindsight"
            return
    if forward or lucky(text, "zh"):
        return
    for m in zh.hindsight.finditer(text):
        if not _of_a_thing_zh(zh, text, m):
            yield "PM302", m.start(), m.group(0), "hindsight"
            return


_PROVIDED_ZH = re.compile(r"前提是(?:我们|当时)?(?:有|能有|具备|配置了)")
_IF_ZH = re.compile(r"(?:如果|要是|假如|若是?)(?:当时|当初|之前|事先|提前|早先)?")
_THERE_WAS_ZH = re.compile(r"有(?!人|谁|同学|同事|关)")  # 有关人员 are "the people concerned"
_CLAUSE_MARKS_ZH = "，,；;。"
_CLAUSE_END_ZH = re.compile(f"[{_CLAUSE_MARKS_ZH}]")
_PERSON_SUFFIX_ZH = "人者方组员"
_SHOULD_ZH = ("本应", "本该", "理应", "本来应该")


def _of_a_thing_zh(zh, text: str, m) -> bool:
    """A counterfactual about a thing: what should have happened to it (「本应触发的熔断」, 本应 before a
    modifier), a condition whose subject is a system (「如果监控覆盖了这个接口」) or that something had existed
    (「如果当时有证书到期检查」)."""
    if m.group(0) in _SHOULD_ZH:  # …or said of a system: 「告警本该在 80% 就响」
        return bool(_MODIFIER_ZH.match(text, m.end())) or (
            subject_zh(text, m.start()) == "system" and not zh.person.search(text, m.end(), m.end() + 4))
    if _PROVIDED_ZH.search(text, m.end()):  # 「本可以更早发现，前提是我们有针对队列长度的告警」
        return True
    cond = _IF_ZH.match(text, m.start())
    if cond is None:  # 「如果监控覆盖了这个接口，我们本可以…」: the condition before 本可以 says what it is about
        cond = _IF_ZH.search(text, 0, m.start())
        if cond is None or _CLAUSE_END_ZH.search(text, cond.end(), m.start()) is None:
            return False
    at = cond.end()
    while text[at:at + 1] == " ":  # 「如果 SDK 的默认超时…」
        at += 1
    if _THERE_WAS_ZH.match(text, at):
        return True
    # the condition's whole clause names no one (its subject often comes first: 「运维那边要是早点看告警」), read as
    # cuts of their own, the clause and the condition, since a name's look-behind wants no character before it
    # (「如果李明提前检查了证书」); and it opens on a thing (「如果平台组当初肯花…」「要是提交人…」 are people, though
    # their first words are a system's)
    comma = _CLAUSE_END_ZH.search(text, at)
    before = max(text.rfind(mark, 0, m.start()) for mark in _CLAUSE_MARKS_ZH) + 1
    end = comma.start() if comma else len(text)
    if zh.person.search(text[before:end]) or zh.person.search(text[at:end]):
        return False
    system = zh.system.match(text, at)  # a condition that opens on a system (names are not always known)
    return bool(system) and text[system.end():system.end() + 1] not in _PERSON_SUFFIX_ZH


_MODIFIER_ZH = re.compile(r"[\u4e00-\u9fff]{1,4}的(?=[\u4e00-\u9fff])")  # not a closing 的: 「本应双人复核的」


_EXCEPT = re.compile(r"\W*(?:\w+\W+){0,3}?(?:except|but|apart from|除了|除非)", re.I)


def _unforeseeable(text: str, lang: str) -> bool:
    """'Nobody could reasonably have predicted …', unless it goes on 'except everyone who read the design'."""
    m = (chinese() if lang == "zh" else english()).unforeseeable.search(text)
    return m is not None and not _EXCEPT.match(text, m.end())


def lucky(text: str, lang: str) -> bool:
    """Whether a sentence looks back only to say how much worse it could have been."""
    return bool((chinese() if lang == "zh" else english()).worse.search(text))


_WHY_ZH = re.compile(r"(?:为什么|为何)[^。？?]{1,40}[？?]")
_ANGRY_ZH = re.compile(r"到底|究竟|凭什么|怎么能|居然|竟然|难道|好意思|每次")


def blames_nobody(text: str, lang: str, verdict: str) -> bool:
    """Whether a sentence the judge reads as `verdict` says outright that no person is at fault ("this was
    not any one person's fault", 「这不是谁的锅」), or, in Chinese, looks back only at things: the judge's
    verdict then stands for nothing the sentence says."""
    if _unforeseeable(text, lang) or (verdict == "hindsight" and lucky(text, lang)):
        return True  # (what no one could have foreseen is no one's fault either)
    if lang == "en":
        return verdict != "hindsight" and bool(english().disclaims.search(text))
    zh = chinese()
    if _WHY_ZH.search(text) and not _ANGRY_ZH.search(text) and not zh.person.search(text) \
            and not zh.pointed.search(text):
        return True  # a why asked of things (5 whys, a review's question): 「为什么重启一个节点会导致脑裂？」
    if verdict == "hindsight":  # every counterfactual in it, in the lists' words or only opened (如果, 本应)
        found = [*zh.hindsight.finditer(text), *_IF_ZH.finditer(text)]
        return bool(found) and all(_of_a_thing_zh(zh, text, m) for m in found)
    return bool(zh.disclaims.search(text))


# the reason closes the sentence ("…, and never re-enabled it" says more of the person after it), and is
# not the act itself ("checkout went down because of it")
_BECAUSE_EN = re.compile(r"\bbecause\b(?!(?:\s+of)?\s+(?:it|this|that)\W*$)(?:\s+of\b)?([^,;:]*)\W*$", re.I)
_WORD_EN = re.compile(r"@?[A-Za-z][\w'’.-]*")
_OBJECT_PRONOUNS = frozenset(("him", "them", "me", "us"))
_POSSESSIVES = frozenset(("his", "her", "their", "my", "your"))
_PARTICLES = frozenset("out off in into to from at on for about with up down back over".split())


# someone saying what a thing did: "The IC noted that lag was still about 14 minutes at that point"
_SAID_EN = re.compile(r"\b(?:noted|said|says|reported|confirmed|mentioned|explained|announced|posted|wrote|stated|"
                      r"clarified)\s*(?:that\b|:)(?P<said>[^;]+)$", re.I)


def reports_a_thing_en(text: str, people=(), systems=()) -> bool:
    """Whether the sentence reports what someone said and what was said names no one: the verdict would be
    about the speaker, who only spoke (the English twin of the Chinese 「王磊发现…没有索引」)."""
    m = _SAID_EN.search(text)
    return m is not None and not _names_anyone(m.group("said"), people, systems)


def explained_by_a_thing_en(text: str, people=(), systems=()) -> bool:
    """Whether the sentence says why someone acted and the reason names no one: "Branch staff overrode the
    fraud holds because the override reason field was optional" makes a thing the cause of what a person
    did, the account a blameless postmortem asks for; "… because the on-call was asleep" does not."""
    m = _BECAUSE_EN.search(text)
    return m is not None and not _names_anyone(m.group(1), people, systems)


def _names_anyone(clause: str, people=(), systems=()) -> bool:
    """Whether a clause names a person: a name, a role, a noun for a person, a capitalised word, a pronoun for
    people that is not the object of a verb."""
    en = english()
    words = _WORD_EN.findall(clause)
    for i, word in enumerate(words):
        low = possessive_stripped(word).lower()
        # "because an OS update had logged her out of the paging app": the update acted; but "because their
        # OKR was due" gives the people's own reason
        of = i > 0 and words[i - 1].lower() == "of"  # "because none of them checked the queue"
        if not of and (low in _OBJECT_PRONOUNS or (low == "her" and (i + 1 == len(words) or
                                                                      words[i + 1].lower() in _PARTICLES))):
            continue
        if low in _POSSESSIVES:
            if i < 2:  # the reason's own subject: "because their OKR was due"
                return True
            continue  # an object's owner: "because the portal did not support his tablet"
        if en.vocab.kind(word, people, systems) in ("person", "proper") or word in en.role_acronyms or \
                _person_noun(en, low):
            return True
    return False


# words the role list holds that incident prose mostly uses for things: a consumer group, a security group
_NOT_ROLES_HERE = frozenset(("group", "groups"))


_UNKNOWN = object()  # not the function itself: it would refer to itself, a cycle only the garbage collector frees


def word_kind(people=(), systems=()):
    """kind(word) for the judge's features: 'name' (a given name or one of the document's people), 'role',
    'system', 'proper' (a capitalised word we cannot place) or None. Remembered per word."""
    lexicon = english()
    vocab, honorifics, role_acronyms = lexicon.vocab, lexicon.honorifics, lexicon.role_acronyms
    table, role_rest, system_rest = _kind_table(_MANY[0])
    known: dict = {}
    own: list = []  # (people, systems) as plain sets, made on the first word asked about

    def kind(word: str):
        what = known.get(word, _UNKNOWN)
        if what is not _UNKNOWN:
            return what
        if not own:
            own.extend(group.resolved() if hasattr(group, "resolved") else group for group in (people, systems))
        doc_people, doc_systems = own
        bare = possessive_stripped(word)
        low = bare.lower()
        if bare in doc_systems:  # the document's (or .postmortem.yaml's) own things first: a product named Quinn
            what = "system"
        elif bare in doc_people or (bare[:1].isupper() and low in vocab.given_names) or \
                (low in honorifics and bare.istitle()):
            what = "name"  # a title reads as the surname after it: "Dr. Lindqvist" (but "MR" is a merge request)
        elif bare in role_acronyms:  # "someone in IT did that": not the pronoun
            what = "role"
        else:
            # a role word, else a system's, else a noun for people ("role" before "system" before "noun")
            what = table.get(low)
            if what != "role" and role_rest is not None and low not in _NOT_ROLES_HERE and role_rest.fullmatch(low):
                what = "role"
            elif what in (None, "noun") and system_rest is not None and system_rest.fullmatch(low):
                what = "system"
            if what == "noun":
                what = "role"
            elif what is None and bare[:1].isupper() and bare[1:].islower() and bare.isalpha() and \
                    bare not in vocab.stop_caps:
                what = "proper"
        known[word] = what
        return what

    decided: list = []  # dependent(), made when first asked for

    def dependent() -> frozenset:
        """The words whose kind this document decides: its people and systems, possessives included (a word
        is one when possessive_stripped(word) is). Every other word's kind is the same in every document."""
        if not own:
            own.extend(group.resolved() if hasattr(group, "resolved") else group for group in (people, systems))
        if not decided:
            names = set(own[0]) | set(own[1])
            decided.append(frozenset(word for name in names for word in (name, name + "'", name + "’", name + "'s",
                                                                           name + "’s") if possessive_stripped(word) in names))
        return decided[0]

    kind.memo = {}  # what callers conclude from a word, for this document (judge.may_name_people)
    kind.dependent = dependent
    return kind


@cache
def _kind_table(many: bool):
    """The part of a word's kind that does not depend on the document, by its lower-cased form: 'role' (the
    role list, less _NOT_ROLES_HERE), else 'system' (systems and system names), else 'noun' (a noun for
    people or its plural); with the patterns of the role and system-name lists for the words the table does
    not settle. With many documents the alternatives of those lists that spell out finite sets of words are
    in the table (a lookup instead of two fullmatch calls per word); for one, spelling them out would cost
    more than it saves, and the lists stay patterns."""
    en = english()
    d = data("en")
    if many:
        role_words, role_rest = _finite_words(d["roles"])
        system_words, system_rest = _finite_words(d["system_names"])
        role = re.compile("(?:" + _alts(role_rest) + ")") if role_rest else None
        system_name = re.compile("(?:" + _alts(system_rest) + ")") if system_rest else None
    else:
        role_words, system_words, role, system_name = set(), set(), en.vocab.role, en.vocab.system_name
    table = {word: "noun" for noun in en.person_nouns for word in (noun, noun + "s")}
    table.update((word, "system") for word in en.vocab.systems | system_words)
    table.update((word, "role") for word in role_words - _NOT_ROLES_HERE)
    return table, role, system_name


def _finite_words(alternatives) -> tuple[set, list]:
    """(the words the alternatives that are plain text, '?' and (?:…|…) groups fully match, the others)."""
    words, rest = set(), []
    for alternative in alternatives:
        spelled = _spell(alternative)
        if spelled is None:
            rest.append(alternative)
        else:
            words.update(spelled)
    return words, rest


def _spell(source: str):
    """Every string `source` fully matches, when it is plain characters, '?' after one and (?:…|…) groups;
    None for anything else (a class, an escape, a repeat) or more than 10,000 strings."""
    out, i = [""], 0
    while i < len(source):
        if source.startswith("(?:", i):
            end = _group_end(source, i)
            options = []
            for alternative in _split_top(source[i + 3:end]):
                spelled = _spell(alternative)
                if spelled is None:
                    return None
                options += spelled
            i = end + 1
        elif source[i] in "\\[](){}*+.^$|?":
            return None
        else:
            options, i = [source[i]], i + 1
        if source[i:i + 1] == "?":
            options, i = options + [""], i + 1
        if source[i:i + 1] in ("?", "*", "+", "{"):
            return None
        out = [head + tail for head in out for tail in options]
        if len(out) > 10_000:
            return None
    return out


def mark_names_zh(text: str) -> str:
    """Chinese names (张伟没…, 小王, 刘工) as 囗, a character no sentence uses, so the judge sees a name's place."""
    return chinese().name.sub("囗", text)


_PERSON_CUES_EN = re.compile(r"@[\w.-]+|\b(?:unfamiliar|inexperienced|didn't know|did not know|lack of training|"
                             r"not trained|forgot|careless|did not follow|didn't follow|failed to follow)\b", re.I)
_LEAD_EN = re.compile(r"^\W*(?:because|since|as|answer:?)\s+", re.I)


def answer_about_person(text: str, lang: str, names=frozenset()) -> bool:
    """Does a 5-whys answer stop at a person: a person or role as the subject of its first clause, or a
    failing only people have (unfamiliar, forgot, 不熟悉)? "Nothing required it, a condition the team can
    change" names a team, but as who can act, not as the cause."""
    answer = text.rsplit("?", 1)[-1].rsplit("？", 1)[-1].strip() or text
    if any(re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", answer) for name in names if len(name) > 1):
        return True
    if lang == "zh":
        first = re.split(r"[，,；;。：:]", re.sub(r"^(?:因为|由于)", "", answer), maxsplit=1)[0]
        return bool(chinese().person.search(first) or re.search(r"不熟悉|经验不足|人为|培训不足|没有按", answer))
    if _PERSON_CUES_EN.search(answer):
        return True
    vocab = english().vocab
    first = _LEAD_EN.sub("", answer)
    boundary = vocab.boundary.search(first, 1)
    first = first[:boundary.start()] if boundary else first
    return vocab.subject(first, len(first), names, (), first=True) == "person"


# --- rewrites: the flagged sentence with the system as subject, where the sentence itself allows it ------
_IRREGULAR = {"run": "run", "ran": "run", "read": "read", "write": "written", "wrote": "written", "do": "done",
              "did": "done", "see": "seen", "saw": "seen", "tell": "told", "told": "told", "think": "thought",
              "catch": "caught", "take": "taken", "give": "given", "back up": "backed up", "roll back": "rolled back",
              "hand over": "handed over", "pay attention": "paid attention to", "stop": "stopped", "plan": "planned"}
_OMISSION_EN = lazy(r"\b(?:did not|didn't|never|failed to|forgot to|neglected to|omitted to)(?: even)?"
                          r"(?: bother(?:ed)? to)?\s+(?P<verb>back up|roll back|hand over|pay attention|[a-z-]+)"
                          r"\s+(?P<object>[^,;.!?]{2,80})", re.I)
_MODAL_EN = lazy(r"\b(?:should|could|ought to)(?: not| never|n't)? have\s+(?P<verb>[a-z-]+)"
                       r"\s+(?P<object>[^,;.!?]{2,80})", re.I)


def _participle(verb: str) -> str:
    verb = verb.lower()
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("ed") or verb in english().participles:
        return verb
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _object(phrase: str) -> str:
    phrase = re.split(r"\s+\b(?:before|after|when|while|because|until|so|and|but|on|at|in|during|in time)\b", phrase)[0]
    return phrase.strip()


def _was(thing: str) -> str:
    last = thing.split()[-1].lower()
    return "were" if last.endswith("s") and not last.endswith("ss") and last not in ("this", "its", "was") else "was"


def rewrite(text: str, lang: str, hint: str) -> str | None:
    """A suggested sentence with the system as subject, or None when the sentence does not allow one."""
    if lang == "zh":
        m = re.search(r"(?:没有|没|未能|未|忘记|忘了)(?P<what>[^，。；！？,;]{2,24}?)(?=导致|就|才|，|。|；|$)", text)
        if hint in ("omission", "fault") and m:
            what = m.group("what").strip()
            return f"「{what}」这一步没有发生：流程或工具中哪一步本应要求或提示它？"
        return None
    if hint in ("omission", "fault"):
        m = _OMISSION_EN.search(text)
        if m:
            thing = _object(m.group("object"))
            if thing:
                said = f"{thing[:1].upper() + thing[1:]} {_was(thing)} not {_participle(m.group('verb'))}"
                return f"'{said}; what in the process or tooling would have required or prompted it?'"
    if hint == "hindsight":
        m = _MODAL_EN.search(text)
        if m:
            thing = _object(m.group("object"))
            if thing:
                said = f"{thing[:1].upper() + thing[1:]} {_was(thing)} not {_participle(m.group('verb'))} at the time"
                return f"'{said}; what did the people involved see then, and what would have prompted it?'"
    return None
