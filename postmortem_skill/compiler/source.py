"""Read the skill once: SKILL.md frontmatter and body, prompts/**, LICENSE and the helper."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from postmortem_skill import __version__
from postmortem_skill.compiler.errors import SkillError

PACKAGE_DIR = Path(__file__).resolve().parents[1]          # .../postmortem_skill
HELPER_CODE = Path(PACKAGE_DIR.name) / "helper"          # the helper's code, relative to a checkout
BUNDLE_DIR = PACKAGE_DIR / "_bundle"                        # filled at wheel build (setup.py)
HELPER = "scripts/postmortem"
SPEC_KEYS = ("name", "description", "license", "compatibility", "metadata", "allowed-tools")


@dataclass(frozen=True)
class Skill:
    name: str
    description: str                     # one line
    frontmatter: dict                    # canonical keys, description normalised to one line
    body: str
    files: tuple = ()                    # ((relative path, bytes), ...) copied into every skill folder
    helper: bytes = b""                  # scripts/postmortem
    version: str = __version__


def skill_files(root: Path) -> list[tuple[str, bytes]]:
    found = []
    prompts = root / "prompts"
    if prompts.is_dir():
        for path in sorted(prompts.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and "__pycache__" not in rel and not path.name.startswith("."):
                found.append((rel, path.read_bytes()))
    if (root / "LICENSE").is_file():
        found.append(("LICENSE", (root / "LICENSE").read_bytes()))
    return found


def with_version(text: str, version: str) -> str:
    """SKILL.md's text with `metadata.version` set to `version` (added when missing); every other
    line as it was. The spec's `metadata` maps strings to strings, so the version is a string."""
    from postmortem_skill.compiler.frontmatter import FENCE

    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return text                                         # read_skill reports the missing frontmatter
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        return text
    plain = re.fullmatch(r"\d+\.\d+\.\d+[0-9A-Za-z.+-]*", version)     # YAML reads 1.2.3 as a string
    value = f"version: {version if plain else json.dumps(version)}"
    head = next((i for i in range(1, end) if lines[i].rstrip() == "metadata:"), None)
    if head is None:
        if any(lines[i].startswith("metadata:") for i in range(1, end)):
            raise SkillError("SKILL.md: write 'metadata:' as a block mapping (one key per line) so that "
                             "build-skill can keep metadata.version")
        return "\n".join(lines[:end] + ["metadata:", f"  {value}"] + lines[end:])
    children = [i for i in range(head + 1, end) if lines[i][:1] in (" ", "\t")]
    block = children[:next((n for n, i in enumerate(children) if i != head + 1 + n), len(children))]
    indent = lines[block[0]][:len(lines[block[0]]) - len(lines[block[0]].lstrip())] if block else "  "
    found = next((i for i in block if lines[i].strip().startswith("version:")), None)
    if found is None:
        return "\n".join(lines[:head + 1] + [indent + value] + lines[head + 1:])
    lines[found] = indent + value
    return "\n".join(lines)


def versioned_skill_md(repo: Path) -> bytes:
    """The package's SKILL.md with metadata.version set to this package's version."""
    data = (repo / "SKILL.md").read_bytes()
    try:
        return with_version(data.decode("utf-8"), __version__).encode("utf-8")
    except UnicodeDecodeError:
        raise SkillError(f"{repo / 'SKILL.md'}: not UTF-8") from None


def read_skill(root: Path, helper: bytes, version: str | None = None) -> Skill:
    """Read the skill source tree at `root` (SKILL.md, prompts/, LICENSE); `helper` is the zipapp.
    With `version` (this package's own skill), metadata.version is that version whatever the file says."""
    from postmortem_skill.compiler import frontmatter

    skill_md = root / "SKILL.md"
    if not skill_md.is_file():
        raise SkillError(f"no SKILL.md in {root}: run build-skill in the skill's source tree")
    try:
        text = skill_md.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise SkillError(f"{skill_md}: not UTF-8") from None
    if version:
        text = with_version(text, version)
    meta, body = frontmatter.split(text, "SKILL.md")
    name, description = meta.get("name"), meta.get("description")
    if not isinstance(name, str) or not name:
        raise SkillError("SKILL.md: frontmatter needs a 'name'")
    if not isinstance(description, str) or not description.strip():
        raise SkillError("SKILL.md: frontmatter needs a 'description'")
    meta = dict(meta, description=frontmatter.one_line(description))
    return Skill(name=name, description=meta["description"], frontmatter=meta, body=body,
                 files=tuple(skill_files(root)), helper=helper)


def installed_source() -> Path:
    """The skill that ships with the installed package: the wheel's bundle, else the checkout."""
    for candidate in (BUNDLE_DIR, PACKAGE_DIR.parent):
        if (candidate / "SKILL.md").is_file() and (candidate / "prompts").is_dir():
            return candidate
    raise SkillError("this installation carries no skill (SKILL.md); reinstall postmortem-skill")


def installed_skill() -> Skill:
    from postmortem_skill.compiler import zipapp

    root = installed_source()
    helper_path = root / HELPER
    if (root / HELPER_CODE).is_dir():   # a checkout: build the helper from its code as it is now
        helper = zipapp.build(root, root / "prompts" / "templates")
    elif helper_path.is_file():
        helper = helper_path.read_bytes()
    else:
        helper = zipapp.build(PACKAGE_DIR.parent, root / "prompts" / "templates")
    return read_skill(root, helper, __version__)
