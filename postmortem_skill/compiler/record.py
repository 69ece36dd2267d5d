"""The install record `.postmortem-skill.json` in the project: what install wrote, and for whom."""
from __future__ import annotations

import json
from pathlib import Path

from postmortem_skill.compiler import disk
from postmortem_skill.compiler.errors import SkillError

RECORD = ".postmortem-skill.json"
ABOUT = "Written by build-skill install (postmortem-skill); build-skill uninstall reads it. Do not edit."


def empty() -> dict:
    return {"about": ABOUT, "version": 1, "targets": [], "folders": [], "files": {}}


def load(root: Path) -> dict:
    data = disk.read(root, RECORD)
    if data is None:
        return empty()
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SkillError(f"{root / RECORD} is damaged (not JSON); restore it from version control") from None
    if not isinstance(record, dict) or record.get("version") != 1 or not isinstance(record.get("files"), dict):
        raise SkillError(f"{root / RECORD} is not an install record this version understands")
    return record


def dump(record: dict) -> bytes:
    return (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
