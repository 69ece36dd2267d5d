"""What every check is made of: Rule, Finding and the `rule` decorator. No I/O.

Ids: PM1xx structure, PM2xx metadata, PM3xx language, PM4xx timeline, PM5xx action-items, PM6xx security.
An id never changes meaning; a retired rule keeps its number unused. Each Rule has a category, a default
severity (config may override it), a one-line summary, a doc paragraph and a bad and a good example, and
`check(doc, ctx)` that yields Findings. A finding may carry its own severity when the rule's doc says so
(PM503: TBD is info in a draft, an error once the document is Final).
"""
from __future__ import annotations

from postmortem_skill.helper.rules.finding import CATEGORIES, SEVERITIES, Finding

__all__ = ["CATEGORIES", "SEVERITIES", "Finding", "Rule", "found", "rule", "say"]

_FIELDS = ("id", "name", "category", "severity", "summary", "doc", "bad", "good")


class Rule:
    """One check: what it is (id, name, category, default severity), how it is explained (summary, doc,
    a bad and a good example) and `check(doc, ctx)`, which yields Findings. Immutable; equal when every
    field but `check` is. (A plain class: `dataclasses` would import `inspect`, ~7 ms of every run.)"""
    __slots__ = (*_FIELDS, "check")

    def __init__(self, id: str, name: str, category: str, severity: str, summary: str, doc: str, bad: str,
                 good: str, check):
        if category not in CATEGORIES or severity not in SEVERITIES:
            raise ValueError(f"{id}: unknown category {category!r} or severity {severity!r}")
        for key, value in zip((*_FIELDS, "check"), (id, name, category, severity, summary, doc, bad, good, check)):
            object.__setattr__(self, key, value)

    def __setattr__(self, key, value):
        raise AttributeError(f"cannot assign to field {key!r}: a Rule is immutable")

    def __delattr__(self, key):
        raise AttributeError(f"cannot delete field {key!r}: a Rule is immutable")

    def __reduce__(self):  # copy and pickle (as a frozen dataclass could) go through __init__, not setattr
        return (Rule, (*self._key(), self.check))

    def _key(self) -> tuple:
        return tuple(getattr(self, key) for key in _FIELDS)

    def __eq__(self, other):
        return self._key() == other._key() if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return "Rule(" + ", ".join(f"{key}={getattr(self, key)!r}" for key in _FIELDS) + ")"

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "category": self.category, "severity": self.severity,
                "summary": self.summary}


def rule(registry: list, *, id: str, name: str, category: str, severity: str, summary: str, doc: str,
         bad: str, good: str):
    """Decorator: register `check(doc, ctx)` as a Rule in `registry`, every field named."""
    def wrap(check):
        registry.append(Rule(id=id, name=name, category=category, severity=severity, summary=summary, doc=doc,
                             bad=bad, good=good, check=check))
        return check
    return wrap


def say(lang: str, en: str, zh: str) -> str:
    """The message in the document's language."""
    return zh if lang == "zh" else en


def found(lang: str, rule_id: str, line: int, column: int, message: tuple[str, str], hint: tuple[str, str],
          severity: str | None = None) -> Finding:
    """A Finding whose message and hint, each an (English, Chinese) pair, are said in `lang`."""
    return Finding(rule_id, line, column, say(lang, *message), say(lang, *hint), severity)
