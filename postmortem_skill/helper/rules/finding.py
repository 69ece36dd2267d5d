"""Finding: one problem in one document, the one shape from rule to report. No I/O.

Kept apart from rules.base (the Rule dataclass and the registry decorator) so that a warm validate run,
which only turns cached rows back into Findings, loads neither the rules nor dataclasses.
"""
from __future__ import annotations

CATEGORIES = ("structure", "metadata", "timeline", "action-items", "language", "security")
SEVERITIES = ("error", "warning", "info")


class Finding:
    """One problem in one document, the same object from the rule that finds it to the report.

    A rule gives `rule` (its id), the position, the message and a suggestion, and a severity only when
    its doc says so; the engine then sets `source` (the Rule), `category` (the Rule's), the final
    `severity` and `file`. `as_dict` is the contract's JSON shape. `row()` is the compact form the findings
    cache and validate's worker processes carry, and `from_row` reads it back without importing the
    rules (a warm run never loads them): such a Finding has its category but no `source`."""
    __slots__ = ("rule", "line", "column", "message", "suggestion", "severity", "source", "category", "file")

    def __init__(self, rule: str, line: int, column: int, message: str, suggestion: str | None = None,
                 severity: str | None = None, source=None, file: str = ""):
        self.rule, self.line, self.column = rule, max(1, line), max(1, column)
        self.message, self.suggestion, self.severity = message, suggestion, severity
        self.source, self.file = source, file
        self.category = source.category if source is not None else None

    def as_dict(self) -> dict:
        item = {"file": self.file, "line": self.line, "column": self.column, "rule": self.rule,
                "category": self.category, "severity": self.severity, "message": self.message}
        if self.suggestion:
            item["suggestion"] = self.suggestion
        return item

    def row(self) -> list:
        return [self.rule, self.line, self.column, self.severity, self.category, self.message, self.suggestion]

    @classmethod
    def from_row(cls, row, file: str) -> Finding | None:
        """A Finding again from `row()`; None when `row` is not one (a damaged cache entry), so that the
        document is checked again instead."""
        try:
            rule_id, line, column, severity, category, message, suggestion = row
        except (TypeError, ValueError):
            return None
        if not (isinstance(rule_id, str) and type(line) is int and type(column) is int and severity in SEVERITIES
                and category in CATEGORIES and isinstance(message, str)
                and (suggestion is None or isinstance(suggestion, str))):
            return None
        finding = cls(rule_id, line, column, message, suggestion, severity, None, file)
        finding.category = category
        return finding

    def __repr__(self):
        return f"Finding({self.rule} {self.line}:{self.column} {self.message!r})"
