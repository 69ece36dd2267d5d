"""Who a clause is about: a person, a role or group of people, or a system. No I/O.

The language rules find a predicate (an evaluation, an omission, a fault, a counterfactual) and ask what
its subject is; the answer decides whether the sentence judges a person ("the on-call engineer failed to
escalate") or describes a system ("the alert failed to fire"). The words come from a Vocabulary built by
rules/lexicon.py from the per-language data files.

Kinds, strongest first: 'person' (a role, a pronoun for people, an @handle, a known given name or one of
the document's own people), 'proper' (a capitalised word we cannot place: "Turnstile", "Quinn"),
'system' (a thing: the deploy tool, the CDN, it, which), 'unknown'.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"@?[\w'’.-]+@?")
# Words between a subject and its verb that say nothing about who the subject is.
_FILLER = frozenset(
    "did does do had has have was were is are be been being should could would might must will can may also then "
    "just simply never not again even still already accidentally apparently really only clearly then later first "
    "once so too all both entirely squarely completely totally who that fully partly".split())


_SUBJECT_SPAN = 4
ANNOTATION = re.compile(r"@[A-Z][a-z0-9]+[A-Z]")  # `@RefreshScope`: Java code, not a person's handle
_PHRASE_SPAN = 4  # words of a prepositional phrase's noun ("in | the Billing Operations | did not act")
_PREPOSITIONS = frozenset("in at from of on inside within across".split())
_WHO_BEFORE = re.compile(r"\bwho\s*$", re.I)
# a token ending in ['’]s? (a possessive) without a regex per token
_APOSTROPHES = ("'", "’")
# "he's caused enough damage": after these 's is "is" or "has", not a possessive
_NOT_OWNERS = frozenset(("he", "she", "who", "it", "that", "there", "what"))
_POSSESSIVES = ("'s", "’s")


def possessive_stripped(token: str) -> str:
    """re.sub(r"['’]s?$", "", token)"""
    if token[-1:] in _APOSTROPHES:
        return token[:-1]
    if token[-2:] in _POSSESSIVES:
        return token[:-2]
    return token


class Vocabulary:
    """Compiled word knowledge for one language's subject analysis."""

    def __init__(self, roles: str, systems, system_names: str, stop_caps, given_names, boundary: str,
                 conduct: str = r"(?!)", person_nouns=()):
        self.role = re.compile(r"(?:" + roles + r")")  # matched on the lower-cased word
        self.person_nouns = frozenset(person_nouns)  # 'pharmacist', 'dispatcher' (lower-cased, singular)
        self.conduct = re.compile(r"(?:" + conduct + r")")  # what a person does: 'decision', 'call' (lower-cased)
        self.systems = frozenset(w.lower() for w in systems)
        self.system_name = re.compile(r"(?:" + system_names + r")")
        self.stop_caps = frozenset(stop_caps)
        self.given_names = frozenset(n.lower() for n in given_names)
        self.boundary = re.compile(boundary, re.I)

    def kind(self, token: str, people=(), systems=()) -> str | None:
        bare = possessive_stripped(token).strip(".")
        if not bare:
            return None
        low = bare.lower()
        if (bare.startswith("@") and not ANNOTATION.match(bare)) or (bare.endswith("@") and bare[:1].isalpha()) \
                or bare in people:
            return "person"
        if bare in systems or self.system_name.fullmatch(low):
            return "system"
        if low in self.systems or (low.endswith("s") and low[:-1] in self.systems) or \
                (low.endswith("es") and low[:-2] in self.systems):
            return "system"
        if self.role.fullmatch(low) or low in self.person_nouns or (low[-1:] == "s" and low[:-1] in self.person_nouns):
            return "person"
        if low in self.given_names and bare[:1].isupper():
            return "person"
        if bare[:1].isupper() and bare[1:].islower() and bare.replace("-", "").isalpha() and len(bare) > 1 \
                and bare not in self.stop_caps:
            return "proper"
        return None

    def clause_start(self, text: str, end: int) -> int:
        start = 0
        for m in self.boundary.finditer(text, 0, end):
            if m.end() <= end:
                start = m.end()
        return start

    def subject(self, text: str, end: int, people=(), systems=(), first: bool = False) -> str:
        """The kind of the subject of the clause whose predicate starts at `end`.

        By default the nearest classifiable word before `end` decides ("the on-call engineer failed to");
        with `first`, the clause's first one, skipping possessives ("the engineers handled the alerts
        poorly": the subject is at the start, not the object next to the adverb)."""
        start = self.clause_start(text, end)
        if _WHO_BEFORE.search(text[max(0, start - 5):start]):
            return "person"  # "our junior engineer, who should never have …": 'who' stands for people
        clause = text[start:end]
        tokens = _TOKEN.findall(clause)
        if first:
            owner = [(t[-1:] in _APOSTROPHES or t[-2:] in _POSSESSIVES) and len(t) > 2 for t in tokens] + [False]
            # the subject is the clause's first noun phrase: a person word further on is its object
            # ("the range assignor pauses all members")
            order = [t for i, t in enumerate(tokens[:_SUBJECT_SPAN]) if not owner[i] and not owner[i + 1]]
        else:
            order = [t for t in reversed(tokens) if t.lower() not in _FILLER]
        for at, token in enumerate(order):
            if not first and token[-2:] in _POSSESSIVES and token[:-2].lower() not in _NOT_OWNERS:
                continue  # "Dana's runbook failed": what Dana owns is the subject, not Dana
            kind = self.kind(token, people, systems)
            if kind:
                head = None if first else self._head_before_phrase(order[at + 1:], kind, people, systems)
                return head or kind
        return "unknown"

    def _head_before_phrase(self, before: list[str], kind: str, people, systems) -> str | None:
        """When the word found stands in a prepositional phrase ("the analyst in Billing Operations did not
        act"), the kind of the noun the phrase hangs on (the analyst); None when it does not. `before` are
        the clause's words before the one found, nearest first."""
        for at, token in enumerate(before[:_PHRASE_SPAN]):
            if token.lower() in _PREPOSITIONS:
                return next((k for t in before[at + 1:at + 1 + _SUBJECT_SPAN]
                             if t[-2:] not in _POSSESSIVES and (k := self.kind(t, people, systems))), None)
            other = self.kind(token, people, systems)
            if other and other != kind:
                return None  # another noun first: the word found is not inside a phrase
        return None

    def object(self, text: str, start: int, people=(), systems=()) -> str:
        """The kind of the noun phrase that starts at `start` ("caused by | the new engineer"). A possessive
        ("Dana's runbook") names what the person owns, a thing, unless that is people too ("the vendor's
        support staff")."""
        found = list(_TOKEN.finditer(text, start, start + 60))
        tokens = [m.group(0) for m in found]
        for index, token in enumerate(tokens[:5]):
            if token.lower() in ("the", "a", "an", "our", "their", "his", "her", "my", "your", "one", "of", "some",
                                 "new", "junior", "senior", "same", "this", "that"):
                continue
            if (token[-1:] in _APOSTROPHES or token[-2:] in _POSSESSIVES) and len(token) > 2:
                owned = self.object(text, found[index].end(), people, systems)
                # a person's own conduct is the person: "thanks to Olu's decision to skip the job"
                conduct = index + 1 < len(tokens) and self.conduct.fullmatch(tokens[index + 1].lower()) and \
                    self.kind(token, people, systems) == "person"
                return "person" if owned == "person" or conduct else "system"
            kind = self.kind(token, people, systems)
            following = self.kind(tokens[index + 1], people, systems) if index + 1 < len(tokens) else None
            if kind and following in ("person", "system"):
                return following  # a compound names its last noun: "the network engineer", "the engineer runbook"
            if kind:
                return kind
        return "unknown"
