"""Every target's install outputs (project and global), rendered ahead of time by `build-skill` into
prerendered.json next to this module. install and uninstall use them while the key still matches the
inputs on disk, so they import neither PyYAML nor Jinja2 and render nothing; otherwise they render.

A skill folder is stored as its path and SKILL.md: the bundled files it also holds (prompts/, LICENSE,
scripts/postmortem) are read from the package, as rendering does. Every text is stored once."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from postmortem_skill import __version__
from postmortem_skill.compiler import source
from postmortem_skill.compiler import targets as catalogue
from postmortem_skill.compiler.errors import SkillError
from postmortem_skill.compiler.rendered import Rendered, folder_items

NAME = "prerendered.json"
FILE = Path(__file__).with_name(NAME)
RELATIVE = f"postmortem_skill/compiler/{NAME}"        # where build-skill writes it, from the repository root
MODES = ("project", "global")
ABOUT = "Written by build-skill from the files its key hashes; install reads it. Do not edit."


def _digest(named) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(named):
        digest.update(b"%s\0%d\0" % (name.encode(), len(data)))
        digest.update(data)
    return digest.hexdigest()


def _code_and_targets(compiler: Path, targets: Path) -> list[tuple[str, bytes]]:
    named = [(f"compiler/{p.name}", p.read_bytes()) for p in compiler.glob("*.py")]
    named += [(f"targets/{p.name}", p.read_bytes()) for p in targets.glob("*.yaml")]
    named += [(f"targets/templates/{p.name}", p.read_bytes()) for p in (targets / "templates").glob("*")
              if p.is_file() and not p.name.startswith(".")]
    return named


def key(skill_md: bytes, sources: dict[str, bytes], compiler: Path, targets: Path) -> str:
    """SHA-256 of everything the outputs depend on: the version, SKILL.md, the bundled files
    (`sources`: prompts/, LICENSE, the helper), the compiler's code, the targets and their templates."""
    from postmortem_skill.compiler import zipapp

    # the helper by its sources: its bytecode depends on the Python that built it (see zipapp)
    named = [("version", __version__.encode()), ("SKILL.md", skill_md),
             *((name, zipapp.sources_digest(data) if name == source.HELPER else data)
               for name, data in sources.items())]
    return _digest(named + _code_and_targets(compiler, targets))


def helper_sources(code_root: Path) -> str:
    """Digest of what the helper zipapp is built from in a checkout (see zipapp.build)."""
    from postmortem_skill.compiler import zipapp

    return _digest(zipapp.entries(code_root, code_root / "prompts" / "templates").items())


def is_package_tree(repo: Path) -> bool:
    """A checkout of this package (not only a skill's SKILL.md + prompts/): it carries prerendered.json."""
    package = repo / source.PACKAGE_DIR.name
    return (package / "compiler").is_dir() and (repo / source.HELPER_CODE).is_dir() \
        and any((package / "targets").glob("*.yaml"))


def _encode(output, items: list[Rendered], texts: dict[str, int]) -> list[dict]:
    def text(data) -> int:
        return texts.setdefault(data.decode("utf-8") if isinstance(data, bytes) else data, len(texts))

    if output.kind == "skill":     # SKILL.md, then the bundled files and the helper, as rendered.folder_items
        return [{"path": items[0].path.rsplit("/", 1)[0], "kind": "skill", "text": text(items[0].data)}] \
            if items else []
    found = []
    for item in items:
        entry = {"path": item.path, "kind": item.kind, "text": text(item.data)}
        if item.kind == "block":
            entry["comment"] = item.comment
        if item.kind == "yaml-list":
            entry["key"] = item.key
        found.append(entry)
    return found


def build(repo: Path, skill, raw_targets: dict, helper: bytes) -> bytes:
    """prerendered.json for the package's source tree `repo` (see is_package_tree)."""
    from postmortem_skill.compiler.render import render_outputs

    folder = repo / source.PACKAGE_DIR.name / "targets"
    texts: dict[str, int] = {}
    found = {}
    for target in catalogue.parse_targets(raw_targets, folder):
        found[target.id] = {"target": raw_targets[target.id]}
        for mode in MODES:
            rendered = render_outputs(skill, target, mode, folder / "templates")
            found[target.id][mode] = [entry for output, items in rendered for entry in _encode(output, items, texts)]
    sources = {**dict(skill.files), source.HELPER: helper}
    data = {"about": ABOUT,
            "key": key(source.versioned_skill_md(repo), sources, repo / source.PACKAGE_DIR.name / "compiler", folder),
            "helper_sources": helper_sources(repo), "targets": found, "texts": list(texts)}
    try:
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    except TypeError as exc:
        raise SkillError(f"a target file holds a value JSON cannot (quote it): {exc}") from None


class Prerendered:
    """The loaded file: the target catalogue and each target's outputs per mode."""

    def __init__(self, data: dict, files: list[tuple[str, bytes]], helper: bytes):
        self.data, self.files, self.helper = data, files, helper
        self.targets = catalogue.parse_targets({tid: t["target"] for tid, t in data["targets"].items()})

    def outputs(self, tid: str, mode: str) -> list[Rendered]:
        texts = self.data["texts"]
        found = []
        for entry in self.data["targets"][tid][mode]:
            text = texts[entry["text"]]
            if entry["kind"] == "skill":
                found += folder_items(entry["path"], text.encode("utf-8"), self.files, self.helper)
            elif entry["kind"] == "file":
                found.append(Rendered(entry["path"], "file", text.encode("utf-8")))
            else:
                found.append(Rendered(entry["path"], entry["kind"], text, comment=entry.get("comment", "html"),
                                      key=entry.get("key")))
        return found


def _helper(root: Path, stored_sources: str) -> bytes | None:
    """The helper install copies: the bundled scripts/postmortem; in a checkout (where rendering
    rebuilds it from postmortem_skill/helper/) only while that code is still what built it."""
    if (root / source.HELPER_CODE).is_dir() and helper_sources(root) != stored_sources:
        return None
    try:
        return (root / source.HELPER).read_bytes()
    except FileNotFoundError:
        return None


def load() -> Prerendered | None:
    """The prerendered outputs, or None when missing or out of date (then the caller renders)."""
    try:
        data = json.loads(FILE.read_bytes())
        root = source.installed_source()
        helper = _helper(root, data["helper_sources"])
        if helper is None:
            return None
        files = source.skill_files(root)
        sources = {**dict(files), source.HELPER: helper}
        if key((root / "SKILL.md").read_bytes(), sources, FILE.parent, catalogue.PACKAGE_TARGETS) != data["key"]:
            return None
        return Prerendered(data, files, helper)
    except (OSError, ValueError, KeyError, SkillError):
        return None
