"""Targets are data: one YAML file per assistant in postmortem_skill/targets/
(schema: postmortem_skill/targets/README.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from postmortem_skill.compiler.errors import SkillError

PACKAGE_TARGETS = Path(__file__).resolve().parents[1] / "targets"
DISTRIBUTION_FILE = "_distribution.yaml"
KINDS = ("skill", "file", "block", "yaml-list")
COMMENTS = ("html", "hash")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_OUTPUT_KEYS = {"kind", "path", "global", "frontmatter", "template", "vars", "comment", "key", "item",
                "max_chars", "max_bytes"}
_TARGET_KEYS = {"id", "name", "detect", "outputs", "distribution"}


@dataclass(frozen=True)
class Output:
    kind: str
    path: str | None                 # project-relative (or repository-relative for distribution)
    global_path: str | None = None   # home-relative
    frontmatter: dict = field(default_factory=dict)
    template: str | None = None
    vars: dict = field(default_factory=dict)
    comment: str = "html"
    key: str | None = None
    item: str | None = None
    max_chars: int | None = None
    max_bytes: int | None = None


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    detect: tuple = ()
    outputs: tuple = ()
    distribution: tuple = ()

    @property
    def supports_global(self) -> bool:
        return any(o.global_path for o in self.outputs)

    def paths(self, mode: str = "project") -> list[str]:
        chosen = [o.global_path if mode == "global" else o.path for o in self.outputs]
        return [p for p in chosen if p]


def check_relative(path, where: str) -> str:
    """A clean relative POSIX path inside its root, or SkillError."""
    if not isinstance(path, str) or not path.strip():
        raise SkillError(f"{where}: path must be a non-empty string")
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or any(p in ("..", ".", "") for p in path.split("/")):
        raise SkillError(f"{where}: path {path!r} must be relative, without '..' or '.'")
    return pure.as_posix()


def _output(raw, where: str, templates: Path) -> Output:
    if not isinstance(raw, dict):
        raise SkillError(f"{where}: each output must be a mapping")
    unknown = set(raw) - _OUTPUT_KEYS
    if unknown:
        raise SkillError(f"{where}: unknown output field(s) {', '.join(sorted(unknown))}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SkillError(f"{where}: kind must be one of {', '.join(KINDS)}")
    path = check_relative(raw["path"], where) if raw.get("path") is not None else None
    global_path = check_relative(raw["global"], where) if raw.get("global") else None
    if not path and not global_path:
        raise SkillError(f"{where}: an output needs a path, a global path or both")
    if kind in ("file", "block"):
        if not raw.get("template") or not (templates / raw["template"]).is_file():
            raise SkillError(f"{where}: template {raw.get('template')!r} not found in {templates}")
    if kind == "yaml-list" and not (isinstance(raw.get("key"), str) and isinstance(raw.get("item"), str)):
        raise SkillError(f"{where}: a yaml-list output needs a string 'key' and 'item'")
    if raw.get("comment", "html") not in COMMENTS:
        raise SkillError(f"{where}: comment must be one of {', '.join(COMMENTS)}")
    for name in ("frontmatter", "vars"):
        if not isinstance(raw.get(name, {}), dict):
            raise SkillError(f"{where}: {name} must be a mapping")
    return Output(kind=kind, path=path, global_path=global_path,
                  frontmatter=dict(raw.get("frontmatter") or {}), template=raw.get("template"),
                  vars=dict(raw.get("vars") or {}), comment=raw.get("comment", "html"),
                  key=raw.get("key"), item=raw.get("item"),
                  max_chars=raw.get("max_chars"), max_bytes=raw.get("max_bytes"))


def parse_target(raw, where: str, templates: Path, expected_id: str | None = None) -> Target:
    if not isinstance(raw, dict):
        raise SkillError(f"{where}: a target file must be a YAML mapping")
    unknown = set(raw) - _TARGET_KEYS
    if unknown:
        raise SkillError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    tid, name = raw.get("id"), raw.get("name")
    if not isinstance(tid, str) or not _ID.match(tid) or (expected_id and tid != expected_id):
        raise SkillError(f"{where}: id must be lowercase-kebab and equal the file name")
    if not isinstance(name, str) or not name:
        raise SkillError(f"{where}: name is required")
    detect = raw.get("detect") or []
    if not isinstance(detect, list) or not all(isinstance(d, str) for d in detect):
        raise SkillError(f"{where}: detect must be a list of paths")
    sections = {}
    for section in ("outputs", "distribution"):
        items = raw.get(section) or []
        if not isinstance(items, list):
            raise SkillError(f"{where}: {section} must be a list")
        sections[section] = tuple(_output(o, f"{where} {section}[{i}]", templates) for i, o in enumerate(items))
    if not sections["outputs"]:
        raise SkillError(f"{where}: outputs must list at least one output")
    return Target(id=tid, name=name, detect=tuple(detect), **sections)


def _read_yaml(path: Path):
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        fast = getattr(yaml, "CSafeLoader", None)   # libyaml: ~10x faster on the 22 target files
        if fast is not None:
            try:
                return yaml.load(text, Loader=fast)
            except yaml.YAMLError:
                pass                                 # the pure loader below gives the usual message
        return yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SkillError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None


def load_distribution(folder: Path = PACKAGE_TARGETS) -> Target | None:
    """`_distribution.yaml`: repository-root files that belong to no single assistant (not a target)."""
    path = folder / DISTRIBUTION_FILE
    if not path.is_file():
        return None
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or set(raw) != {"distribution"} or not isinstance(raw["distribution"], list):
        raise SkillError(f"{path.name}: must hold only a 'distribution:' list")
    items = tuple(_output(o, f"{path.name} distribution[{i}]", folder / "templates")
                  for i, o in enumerate(raw["distribution"]))
    return Target(id="distribution", name="repository distribution", distribution=items)


def read_targets(folder: Path = PACKAGE_TARGETS) -> dict[str, object]:
    """id -> the parsed YAML of every <id>.yaml in `folder` (files starting with _ are not targets)."""
    found = {path.stem: _read_yaml(path) for path in sorted(folder.glob("*.yaml")) if not path.name.startswith("_")}
    if not found:
        raise SkillError(f"no target files (*.yaml) in {folder}")
    return found


def parse_targets(raw: dict[str, object], folder: Path = PACKAGE_TARGETS) -> list[Target]:
    return [parse_target(data, f"{tid}.yaml", folder / "templates", expected_id=tid) for tid, data in raw.items()]


def load_targets(folder: Path = PACKAGE_TARGETS) -> list[Target]:
    """Every target in `folder`, sorted by id."""
    return parse_targets(read_targets(folder), folder)


def select(targets: list[Target], ids) -> list[Target]:
    by_id = {t.id: t for t in targets}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise SkillError(f"unknown assistant {unknown[0]!r}; known: {' '.join(sorted(by_id))}")
    return [by_id[i] for i in dict.fromkeys(ids)]
