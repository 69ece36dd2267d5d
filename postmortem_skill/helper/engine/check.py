"""Judge one document: run every rule, apply configuration and inline suppressions. No I/O."""
from __future__ import annotations

from postmortem_skill.helper.engine.config import Config
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.suppressions import silenced
from postmortem_skill.helper.rules.base import Finding
from postmortem_skill.helper.rules.registry import BY_ID, REGISTRY

_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_text(text: str, config: Config | None = None) -> list[Finding]:
    """Findings for a document's text, each with its final severity, sorted by position."""
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
            out.append(finding)
    config.memo.clear()
    out.sort(key=lambda f: (f.line, f.column, _ORDER[f.severity], f.rule))
    return out


def as_dict(finding: Finding, file: str) -> dict:
    rule = BY_ID[finding.rule]
    item = {"file": file, "line": finding.line, "column": finding.column, "rule": finding.rule,
            "category": rule.category, "severity": finding.severity, "message": finding.message}
    if finding.suggestion:
        item["suggestion"] = finding.suggestion
    return item
