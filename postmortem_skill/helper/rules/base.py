"""What every check is made of: Rule, Finding and the `rule` decorator. No I/O.

Ids: PM1xx structure, PM2xx metadata, PM3xx language, PM4xx timeline, PM5xx action-items, PM6xx security.
An id never changes meaning; a retired rule keeps its number unused. Each Rule has a category, a default
severity (config may override it), a one-line summary, a doc paragraph and a bad and a good example, and
`check(doc, ctx)` that yields Findings. A finding may carry its own severity when the rule's doc says so
(PM503: TBD is info in a draft, an error once the document is Final).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from postmortem_skill.helper.rules.finding import CATEGORIES, SEVERITIES, Finding

__all__ = ["CATEGORIES", "SEVERITIES", "Finding", "Rule", "found", "rule", "say"]


@dataclass(frozen=True)
class Rule:
    """One check: what it is (id, name, category, default severity), how it is explained (summary, doc,
    a bad and a good example) and `check(doc, ctx)`, which yields Findings."""
    id: str
    name: str
    category: str
    severity: str
    summary: str
    doc: str
    bad: str
    good: str
    check: Callable = field(repr=False, compare=False)

    def __post_init__(self):
        if self.category not in CATEGORIES or self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown category {self.category!r} or severity {self.severity!r}")

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
