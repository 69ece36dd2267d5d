"""Compare what the targets render with what is on disk: the list of changes, and the new record."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from postmortem_skill.compiler import disk, merge
from postmortem_skill.compiler import record as records
from postmortem_skill.compiler.errors import SkillError
from postmortem_skill.compiler.rendered import Rendered


@dataclass(frozen=True)
class Change:
    path: str
    action: str               # create | update | update-block | unchanged | remove
    data: bytes | None = None
    executable: bool = False


@dataclass
class Plan:
    changes: list = field(default_factory=list)
    remove_folders: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@lru_cache(maxsize=256)
def sha(data: bytes) -> str:
    # every skill folder holds the same bundled files (the same bytes objects): each is hashed once
    return hashlib.sha256(data).hexdigest()


def collect(per_target: dict[str, list[Rendered]]) -> dict[str, tuple[Rendered, list[str]]]:
    """One entry per path with the targets that claim it; conflicting claims stop the build."""
    merged: dict[str, tuple[Rendered, list[str]]] = {}
    for tid, rendered in per_target.items():
        for item in rendered:
            if item.path in merged:
                seen, claims = merged[item.path]
                if seen != item:
                    raise SkillError(f"targets {claims[0]} and {tid} write {item.path} differently")
                claims.append(tid)
            else:
                merged[item.path] = (item, [tid])
    files = set(merged)
    for path in files:
        parts = path.split("/")
        clash = next(("/".join(parts[:i]) for i in range(1, len(parts)) if "/".join(parts[:i]) in files), None)
        if clash:
            raise SkillError(f"{clash} is both a file and the folder of {path}")
    return merged


def _changed(current: bytes | None, new: bytes, create: str = "create", update: str = "update") -> str:
    if current is None:
        return create
    return "unchanged" if current == new else update


def _install_one(tree: disk.Tree, item: Rendered, entry: dict | None) -> tuple[Change, dict]:
    root = tree.root
    current = tree.read(item.path)
    created = entry["created"] if entry else current is None
    if item.kind == "file":
        if current is not None and current != item.data and not (entry and entry.get("sha256") == sha(current)):
            raise SkillError(f"{root / item.path} exists and was not written by postmortem-skill; "
                             "remove it (or move it away) and install again")
        action = _changed(current, item.data)
        if action == "unchanged" and item.executable and not disk.is_executable(root, item.path):
            action = "update"
        return Change(item.path, action, item.data, item.executable), \
            {"kind": "file", "sha256": sha(item.data), "created": created}
    if item.kind == "block":
        new, before, after = merge.upsert_block(current, item.data, item.comment, item.path)
        if entry:
            before, after = entry["before"], entry["after"]
        return Change(item.path, _changed(current, new, update="update-block"), new), \
            {"kind": "block", "comment": item.comment, "created": created, "before": before, "after": after}
    if not entry and merge.listed(current, item.key, item.data):
        return Change(item.path, "unchanged", current), None      # the user's own line: not ours
    new, before = merge.upsert_item(current, item.key, item.data, item.path)
    if current and new != current:     # the user's YAML changed: it must still parse and list ours
        merge.check_item(new, item.key, item.data, item.path)
    if entry:
        before = entry["before"]
    return Change(item.path, _changed(current, new, update="update-block"), new), \
        {"kind": "yaml-list", "created": created, "before": before}


def _release(tree: disk.Tree, path: str, entry: dict) -> Change | None:
    """The change that takes our content at `path` out again (None when nothing is left to do)."""
    current = tree.read(path)
    if current is None:
        return None
    if entry["kind"] == "file":
        if not entry["created"]:
            return None
        if sha(current) != entry["sha256"]:
            raise SkillError(f"{tree.root / path} was changed after install; remove it by hand or restore it")
        return Change(path, "remove")
    if entry["kind"] == "block":
        new = merge.remove_block(current, entry["comment"], entry["before"], entry["after"], path)
    else:
        new = merge.remove_item(current, entry["before"])
    if entry["created"] and new in (b"", merge.BOM):
        return Change(path, "remove")
    return Change(path, _changed(current, new, update="update-block"), new)


def _finish(tree: disk.Tree, plan: Plan, record: dict, files: dict, targets: list[str], folders: list[str]):
    """Append the record change (or its removal) and decide which created folders to remove."""
    holding = {path[:i] for path in files for i, char in enumerate(path) if char == "/"}
    kept = sorted(f for f in folders if f in holding)
    plan.remove_folders = sorted(set(folders) - set(kept), key=lambda f: -f.count("/"))
    current = tree.read(records.RECORD)
    if files:
        new = dict(record, targets=sorted(targets), folders=kept, files=dict(sorted(files.items())))
        data = records.dump(new)
        plan.changes.append(Change(records.RECORD, _changed(current, data), data))
    elif current is not None:
        plan.changes.append(Change(records.RECORD, "remove"))


def install_plan(root: Path, wanted: dict[str, tuple[Rendered, list[str]]], record: dict,
                 ids: list[str]) -> Plan:
    plan, files, tree = Plan(), {}, disk.Tree(root)
    folders = set(record["folders"])
    for path, (item, claims) in sorted(wanted.items()):
        entry = record["files"].get(path)
        change, new_entry = _install_one(tree, item, entry)
        plan.changes.append(change)
        if new_entry is None:
            continue
        old_claims = set(entry["claims"]) if entry else set()
        files[path] = dict(new_entry, claims=sorted(old_claims | set(claims)))
        if change.action == "create":
            folders.update(tree.missing_folders(path))
    for path, entry in sorted(record["files"].items()):
        if path in files:
            continue
        remaining = sorted(set(entry["claims"]) - set(ids))
        if remaining:
            files[path] = dict(entry, claims=remaining)
        else:
            change = _release(tree, path, entry)
            if change:
                plan.changes.append(change)
    _finish(tree, plan, record, files, sorted(set(record["targets"]) | set(ids)), sorted(folders))
    return plan


def uninstall_plan(root: Path, record: dict, ids: list[str]) -> Plan:
    plan, files, tree = Plan(), {}, disk.Tree(root)
    for path, entry in sorted(record["files"].items()):
        remaining = sorted(set(entry["claims"]) - set(ids))
        if remaining:
            files[path] = dict(entry, claims=remaining)
            continue
        change = _release(tree, path, entry)
        if change:
            plan.changes.append(change)
    targets = sorted(set(record["targets"]) - set(ids))
    _finish(tree, plan, record, files, targets, record["folders"])
    return plan
