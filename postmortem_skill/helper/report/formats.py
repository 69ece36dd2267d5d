"""Reporters for validate: text, json, sarif (2.1.0, GitHub code scanning), github (workflow commands).

Each takes the Findings as the engine left them (with their file, final severity and Rule)."""
from __future__ import annotations

import json

from postmortem_skill.helper.rules.finding import Finding

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def render(findings: list[Finding], fmt: str, files: int, version: str) -> str:
    return {"text": _text, "json": _json, "sarif": _sarif, "github": _github}[fmt](findings, files, version)


def _text(findings, files, version):
    lines = []
    for f in findings:
        lines.append(f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}")
        if f.suggestion:
            lines.append(f"    suggestion: {f.suggestion}")
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    open_slots = sum(f.rule == "PM103" for f in findings)
    lines.append(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info in {files} "
                 f"file{'s' if files != 1 else ''}"
                 + (f" ({open_slots} of the errors are placeholders still to fill)" if open_slots else ""))
    return "\n".join(lines)


def _json(findings, files, version):
    return json.dumps({"findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2)


def _sarif(findings, files, version):
    from postmortem_skill.helper.rules.registry import REGISTRY

    index = {r.id: i for i, r in enumerate(REGISTRY)}
    rules = [{
        "id": r.id, "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.doc},
        "help": {"text": f"{r.doc}\nBad: {r.bad}\nGood: {r.good}"},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        "properties": {"tags": [r.category, "postmortem"]},
    } for r in REGISTRY]
    results = []
    for f in findings:
        text = f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")
        results.append({
            "ruleId": f.rule, "ruleIndex": index[f.rule], "level": _SARIF_LEVEL[f.severity],
            "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.file.replace("\\", "/")},
                "region": {"startLine": f.line, "startColumn": f.column}}}],
        })
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        # No helpUri/informationUri: the project has no canonical public URL to promise; help.text
        # carries each rule's full doc instead.
        "runs": [{"tool": {"driver": {"name": "postmortem", "version": version, "rules": rules}},
                  "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(findings, files, version):
    lines = []
    for f in findings:
        message = f.message + (f" — {f.suggestion}" if f.suggestion else "")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} file={_escape_property(f.file)},line={f.line},"
                     f"col={f.column},title={_escape_property(f.rule)}::{_escape_data(message)}")
    return "\n".join(lines)
