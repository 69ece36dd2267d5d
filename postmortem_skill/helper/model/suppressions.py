"""Inline suppressions: `<!-- postmortem-ignore PM301[, PM302]: reason -->`. No I/O.

A suppression silences the named rules on its own line and on the next line. Without a reason it is
ignored (and rule PM106 reports it).
"""
from __future__ import annotations

import re

from postmortem_skill.helper.model.lazypattern import lazy

_IGNORE = lazy(r"<!--\s*postmortem-ignore\b\s*(?P<rules>[A-Z]{2}\d{3}(?:[\s,]+[A-Z]{2}\d{3})*)?"
                     r"\s*(?:[:：]\s*(?P<reason>.*?))?\s*-->")


class Suppression:
    __slots__ = ("line", "column", "rules", "reason")

    def __init__(self, line, column, rules, reason):
        self.line, self.column, self.rules, self.reason = line, column, rules, reason


def suppressions(lines: list[str]) -> list[Suppression]:
    out = []
    for number, text in enumerate(lines, 1):
        if "postmortem-ignore" not in text:
            continue
        for m in _IGNORE.finditer(text):
            rules = tuple(re.findall(r"[A-Z]{2}\d{3}", m["rules"] or ""))
            out.append(Suppression(number, m.start() + 1, rules, (m["reason"] or "").strip()))
    return out


def silenced(lines: list[str]) -> set[tuple[str, int]]:
    """(rule id, line) pairs that valid suppressions silence."""
    out = set()
    for item in suppressions(lines):
        if item.reason:
            for rule_id in item.rules:
                out.add((rule_id, item.line))
                out.add((rule_id, item.line + 1))
    return out
