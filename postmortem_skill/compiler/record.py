"""The install record in the project: what install wrote, for whom, and at which package version.

A project install keeps it in `.postmortem-skill.json`; a --global install keeps its own in the home
folder (`.postmortem-skill-global.json`), so that a project install in the home folder never removes
what a global install wrote. Format 1 (written by 0.1.0) has no package version and no block hashes;
it is read as it is and rewritten as format 2 by the next install, update or uninstall.
"""
from __future__ import annotations

import json
from pathlib import Path

from postmortem_skill.compiler import disk
from postmortem_skill.compiler.errors import SkillError

RECORD = ".postmortem-skill.json"
GLOBAL_RECORD = ".postmortem-skill-global.json"
FORMAT = 2
ABOUT = "Written by build-skill install (postmortem-skill); build-skill uninstall reads it. Do not edit."
KINDS = {"file": {"sha256": str}, "block": {"comment": str, "before": str, "after": str},
         "yaml-list": {"before": str}}


def name_for(use_home: bool) -> str:
    return GLOBAL_RECORD if use_home else RECORD


def empty() -> dict:
    return {"about": ABOUT, "version": FORMAT, "package_version": None, "targets": [], "folders": [], "files": {}}


def installed_version(record: dict) -> str | None:
    return record.get("package_version")


def load(root: Path, name: str = RECORD) -> dict:
    where = root / name
    data = disk.read(root, name)
    if data is None:
        return empty()
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SkillError(f"{where} is damaged (not JSON); restore it from version control") from None
    problem = check(record)
    if problem:
        raise SkillError(f"{where} is not an install record this version understands ({problem}); "
                         "restore it from version control")
    return record


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _safe(rel) -> bool:
    return isinstance(rel, str) and bool(rel) and not rel.startswith("/") and \
        all(part not in ("", ".", "..") and "\\" not in part for part in rel.split("/"))


def check(record) -> str | None:
    """What is wrong with a parsed record, or None."""
    if not isinstance(record, dict):
        return "not a JSON object"
    version = record.get("version")
    if type(version) is not int or version not in (1, FORMAT):
        return f"format {version!r}"
    if record.get("package_version") is not None and not isinstance(record["package_version"], str):
        return "'package_version' is not a string"
    for key in ("targets", "folders"):
        if not _strings(record.get(key)):
            return f"'{key}' is not a list of strings"
    if not all(_safe(folder) for folder in record["folders"]):
        return "a folder leaves the project"
    files = record.get("files")
    if not isinstance(files, dict):
        return "'files' is not an object"
    for path, entry in files.items():
        problem = _check_entry(path, entry)
        if problem:
            return f"{path!r}: {problem}"
    return None


def _check_entry(path: str, entry) -> str | None:
    if not _safe(path):
        return "the path leaves the project"
    if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str) or entry["kind"] not in KINDS:
        return "no known 'kind'"
    if not _strings(entry.get("claims")) or not isinstance(entry.get("created"), bool):
        return "'claims' or 'created' is missing or of the wrong type"
    for key, kind in KINDS[entry["kind"]].items():
        if not isinstance(entry.get(key), kind):
            return f"'{key}' is missing or of the wrong type"
    if entry["kind"] == "block" and (entry["comment"] not in ("html", "hash") or
                                     not isinstance(entry.get("sha256", ""), str)):
        return "'comment' or 'sha256' is wrong"
    return None


def dump(record: dict) -> bytes:
    record = dict(record, version=FORMAT, about=ABOUT)
    return (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
