"""Compare what the targets render with what is on disk: the list of changes, and the new record."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from postmortem_skill import __version__
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
    tree: disk.Tree | None = None        # the files as planning read them (the journal keeps those bytes)


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


def _edited(where: Path) -> SkillError:
    return SkillError(f"{where} was changed after install; move your changes elsewhere (or delete the file) "
                      "and run again")


def _block_edited(where: Path) -> SkillError:
    return SkillError(f"{where}: the text between the postmortem-skill markers was changed after install; "
                      "move your lines out of the block (or delete the whole block) and run again")


def _check_block(current: bytes, comment: str, entry: dict | None, where: Path) -> tuple[int, int] | None:
    """Where our block is in a shared file, refusing damage and a block the user edited."""
    merge.check_encoding(current, str(where))
    span = merge.find_block(current, comment, str(where))
    if span and entry and entry.get("sha256") and merge.block_digest(current, span) != entry["sha256"]:
        raise _block_edited(where)
    return span


def _install_one(tree: disk.Tree, item: Rendered, entry: dict | None) -> tuple[Change, dict | None]:
    root = tree.root
    where = root / item.path
    current = tree.read(item.path)
    created = entry["created"] if entry else current is None
    if item.kind == "file":
        if current is not None and current != item.data and not (entry and entry.get("sha256") == sha(current)):
            if entry:
                raise _edited(where)
            raise SkillError(f"{where} exists and was not written by postmortem-skill; "
                             "remove it (or move it away) and install again")
        action = _changed(current, item.data)
        if action == "unchanged" and item.executable and not disk.is_executable(root, item.path):
            action = "update"
        return Change(item.path, action, item.data, item.executable), \
            {"kind": "file", "sha256": sha(item.data), "created": created}
    if item.kind == "block":
        span = _check_block(current, item.comment, entry, where) if current else None
        new, before, after = merge.upsert_block(current, item.data, item.comment, str(where))
        if span and not entry:
            if new == current:       # the same block, written by another install (--global in the home folder)
                return Change(item.path, "unchanged", current), None
            raise SkillError(f"{where} holds a postmortem-skill block that this project's record does not list; "
                             "delete the block (markers included) and install again")
        if entry and span:
            before, after = entry["before"], entry["after"]
        digest = merge.block_digest(new, merge.find_block(new, item.comment, str(where)))
        return Change(item.path, _changed(current, new, update="update-block"), new), \
            {"kind": "block", "comment": item.comment, "created": created, "before": before, "after": after,
             "sha256": digest}
    merge.check_encoding(current, str(where))
    if not entry and merge.listed(current, item.key, item.data):
        return Change(item.path, "unchanged", current), None      # the user's own line: not ours
    new, before = merge.upsert_item(current, item.key, item.data, str(where))
    if current and new != current:     # the user's YAML changed: it must still parse and list ours
        merge.check_item(new, item.key, item.data, str(where))
    if entry:
        before = entry["before"]
    return Change(item.path, _changed(current, new, update="update-block"), new), \
        {"kind": "yaml-list", "created": created, "before": before}


def _release(tree: disk.Tree, path: str, entry: dict) -> Change | None:
    """The change that takes our content at `path` out again (None when nothing is left to do)."""
    current = tree.read(path)
    where = tree.root / path
    if current is None:
        return None
    if entry["kind"] == "file":
        if not entry["created"]:
            return None
        if sha(current) != entry["sha256"]:
            raise _edited(where)
        return Change(path, "remove")
    if entry["kind"] == "block":
        _check_block(current, entry["comment"], entry, where)
        new = merge.remove_block(current, entry["comment"], entry["before"], entry["after"], str(where))
    else:
        merge.check_encoding(current, str(where))
        new = merge.remove_item(current, entry["before"])
    if entry["created"] and new in (b"", merge.BOM):
        return Change(path, "remove")
    return Change(path, _changed(current, new, update="update-block"), new)


def modified(root: Path, record: dict) -> list[str]:
    """Recorded paths whose content is no longer what install wrote (edited, damaged or gone)."""
    tree, found = disk.Tree(root), []
    for path, entry in sorted(record["files"].items()):
        current = tree.read(path)
        if current is None:
            edited = True
        elif entry["kind"] == "file":
            edited = sha(current) != entry["sha256"]
        elif entry["kind"] == "block":
            try:
                edited = _check_block(current, entry["comment"], entry, root / path) is None
            except SkillError:
                edited = True
        else:
            edited = merge.ITEM_MARK.encode() not in current
        if edited:
            found.append(path)
    return found


class _Problems:
    """Every refusal of one plan, reported together (each names its file and the way out)."""

    def __init__(self):
        self.found: list[str] = []

    def __call__(self, work, *args):
        try:
            return work(*args)
        except SkillError as exc:
            self.found.append(str(exc))
            return None

    def raise_any(self):
        if len(self.found) == 1:
            raise SkillError(self.found[0])
        if self.found:
            raise SkillError(f"{len(self.found)} problems: " + " | ".join(self.found))


def _finish(tree: disk.Tree, plan: Plan, record: dict, files: dict, targets: list[str], folders: list[str],
            name: str, version: str | None):
    """Append the record change (or its removal) and decide which created folders to remove."""
    plan.tree = tree
    holding = {path[:i] for path in files for i, char in enumerate(path) if char == "/"}
    kept = sorted(f for f in folders if f in holding)
    plan.remove_folders = sorted(set(folders) - set(kept), key=lambda f: -f.count("/"))
    current = tree.read(name)
    if files:
        new = dict(record, targets=sorted(targets), folders=kept, files=dict(sorted(files.items())),
                   package_version=version)
        data = records.dump(new)
        plan.changes.append(Change(name, _changed(current, data), data))
    elif current is not None:
        plan.changes.append(Change(name, "remove"))


def install_plan(root: Path, wanted: dict[str, tuple[Rendered, list[str]]], record: dict,
                 ids: list[str], name: str = records.RECORD) -> Plan:
    """Install (or update) `ids`; the record's version becomes the packaged one when every recorded
    target is among them (a partial install leaves the older ones as they were)."""
    plan, files, tree, problems = Plan(), {}, disk.Tree(root), _Problems()
    folders = set(record["folders"])
    for path, (item, claims) in sorted(wanted.items()):
        entry = record["files"].get(path)
        done = problems(_install_one, tree, item, entry)
        if done is None:
            continue
        change, new_entry = done
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
            change = problems(_release, tree, path, entry)
            if change:
                plan.changes.append(change)
    problems.raise_any()
    covered = set(record["targets"]) <= set(ids)
    version = __version__ if covered else records.installed_version(record)
    _finish(tree, plan, record, files, sorted(set(record["targets"]) | set(ids)), sorted(folders), name, version)
    return plan


def uninstall_plan(root: Path, record: dict, ids: list[str], name: str = records.RECORD) -> Plan:
    plan, files, tree, problems = Plan(), {}, disk.Tree(root), _Problems()
    for path, entry in sorted(record["files"].items()):
        remaining = sorted(set(entry["claims"]) - set(ids))
        if remaining:
            files[path] = dict(entry, claims=remaining)
            continue
        change = problems(_release, tree, path, entry)
        if change:
            plan.changes.append(change)
    problems.raise_any()
    targets = sorted(set(record["targets"]) - set(ids))
    _finish(tree, plan, record, files, targets, record["folders"], name, records.installed_version(record))
    return plan
