"""`build-skill` and `--check`: the repository's generated files (adapters/, scripts/postmortem,
distribution manifests) as a fresh build would write them, compared with or written to disk."""
from __future__ import annotations

import os
from pathlib import Path

from postmortem_skill import __version__
from postmortem_skill.compiler import merge, prerendered, source, zipapp
from postmortem_skill.compiler.errors import SkillError
from postmortem_skill.compiler.render import render_target
from postmortem_skill.compiler.rendered import Rendered
from postmortem_skill.compiler.targets import PACKAGE_TARGETS, load_distribution, parse_targets, read_targets

ADAPTERS = "adapters"


def fresh_bytes(item: Rendered) -> bytes:
    """The file as `install` leaves it in a fresh project."""
    if item.kind == "block":
        return merge.upsert_block(None, item.data, item.comment, item.path)[0]
    if item.kind == "yaml-list":
        return merge.upsert_item(None, item.key, item.data, item.path)[0]
    return item.data


def targets_folder(repo: Path) -> Path:
    local = repo / source.PACKAGE_DIR.name / "targets"
    return local if local.is_dir() and any(local.glob("*.yaml")) else PACKAGE_TARGETS


def expected(repo: Path) -> dict[str, tuple[bytes, bool]]:
    """Every generated path (relative to `repo`) -> (bytes, executable)."""
    code_root = repo if (repo / source.HELPER_CODE).is_dir() else source.PACKAGE_DIR.parent
    helper = zipapp.build(code_root, repo / "prompts" / "templates")
    package = prerendered.is_package_tree(repo)
    skill = source.read_skill(repo, helper, __version__ if package else None)
    folder = targets_folder(repo)
    tree = {source.HELPER: (helper, True)}
    owners: dict[str, str] = {}
    raw = read_targets(folder)
    everything = parse_targets(raw, folder)
    if package:     # SKILL.md's metadata.version is this package's version: build-skill keeps them equal
        tree["SKILL.md"] = (source.versioned_skill_md(repo), False)
        tree[prerendered.RELATIVE] = (prerendered.build(repo, skill, raw, helper), False)
    extra = load_distribution(folder)
    for target in everything + ([extra] if extra else []):
        for item in render_target(skill, target, "project", folder / "templates"):
            tree[f"{ADAPTERS}/{target.id}/{item.path}"] = (fresh_bytes(item), item.executable)
        for item in render_target(skill, target, "distribution", folder / "templates"):
            value = (fresh_bytes(item), item.executable)
            if item.path in tree and (item.path not in owners or tree[item.path] != value):
                raise SkillError(f"distribution file {item.path} is written by {owners.get(item.path)} "
                                 f"and {target.id} differently")
            tree[item.path], owners[item.path] = value, target.id
    return tree


def _on_disk(repo: Path) -> set[str]:
    base = repo / ADAPTERS
    return {p.relative_to(repo).as_posix() for p in base.rglob("*") if p.is_file() or p.is_symlink()} \
        if base.is_dir() else set()


def _same(on_disk: bytes, fresh: bytes) -> bool:
    """Equal bytes, or the helper zipapp built from the same sources by another Python version (only its
    bytecode differs; see zipapp)."""
    return on_disk == fresh or zipapp.same_sources(on_disk, fresh)


def differences(repo: Path, tree: dict[str, tuple[bytes, bool]]) -> list[tuple[str, str]]:
    """[(status, path)] with status differs / missing / extra, sorted by path."""
    found = []
    for rel, (data, executable) in tree.items():
        path = repo / rel
        if not path.is_file() or path.is_symlink():
            found.append(("missing", rel))
        elif not _same(path.read_bytes(), data) or (executable and not os.access(path, os.X_OK)):
            found.append(("differs", rel))
    found += [("extra", rel) for rel in _on_disk(repo) - set(tree)]
    return sorted(found, key=lambda pair: pair[1])


def write(repo: Path, tree: dict[str, tuple[bytes, bool]]) -> list[tuple[str, str]]:
    """Make the disk match the tree; returns the differences that were fixed."""
    fixed = differences(repo, tree)
    for status, rel in fixed:
        path = repo / rel
        if status == "extra":
            path.unlink()
            continue
        data, executable = tree[rel]
        if path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, 0o755 if executable else 0o644)
    for folder in sorted((repo / ADAPTERS).rglob("*"), key=lambda p: -len(p.parts)) \
            if (repo / ADAPTERS).is_dir() else []:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return fixed


def summarise(found: list[tuple[str, str]]) -> dict[str, int]:
    """Changed files counted per adapter folder (adapters/<id>/) or per top-level path."""
    groups: dict[str, int] = {}
    for _, rel in found:
        parts = rel.split("/")
        group = "/".join(parts[:2]) + "/" if parts[0] == ADAPTERS and len(parts) > 2 else parts[0]
        groups[group] = groups.get(group, 0) + 1
    return groups
