"""Judge one document: run every rule, apply configuration and inline suppressions. No I/O."""
from __future__ import annotations

from postmortem_skill.helper.engine.config import Config
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.suppressions import silenced
from postmortem_skill.helper.rules.base import Finding
from postmortem_skill.helper.rules.registry import BY_ID, REGISTRY

_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_text(text: str, config: Config | None = None, file: str = "") -> list[Finding]:
    """Findings for a document's text, each with its Rule and final severity, sorted by position."""
    config = config or Config()
    doc = parse_document(text)
    quiet = silenced(doc.lines)
    out = []
    for rule in REGISTRY:
        severity = config.severity_for(rule)
        if severity is None:
            continue
        for finding in rule.check(doc, config):
            if (finding.rule, finding.line) in quiet:
                continue
            if finding.severity is None or config.overridden(rule):
                finding.severity = severity
            finding.source = rule if finding.rule == rule.id else BY_ID[finding.rule]
            finding.file = file
            out.append(finding)
    out.sort(key=lambda f: (f.line, f.column, _ORDER[f.severity], f.rule))
    return out


def from_row(row, file: str) -> Finding | None:
    """A Finding again from `Finding.row()` (the cache's and the worker processes' form); None when the
    row is not one (a damaged cache entry), so that the document is checked again instead."""
    try:
        rule_id, line, column, severity, message, suggestion = row
        rule = BY_ID[rule_id]
    except (TypeError, ValueError, KeyError):
        return None
    if not (type(line) is int and type(column) is int and severity in _ORDER and isinstance(message, str)
            and (suggestion is None or isinstance(suggestion, str))):
        return None
    return Finding(rule_id, line, column, message, suggestion, severity, rule, file)
