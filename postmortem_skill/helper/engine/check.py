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
    quiet = silenced(doc.lines) if "postmortem-ignore" in text else set()  # what a suppression must hold
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
            finding.source = source = rule if finding.rule == rule.id else BY_ID[finding.rule]
            finding.category, finding.file = source.category, file
            out.append(finding)
    out.sort(key=lambda f: (f.line, f.column, _ORDER[f.severity], f.rule))
    doc.untangle()  # the findings hold none of it
    return out
