"""What rendering produces, shared by the renderer, the prerendered outputs and the planner."""
from __future__ import annotations

from dataclasses import dataclass

from postmortem_skill.compiler.source import HELPER


@dataclass(frozen=True)
class Rendered:
    path: str                 # relative POSIX path of the file (for a block: the shared file)
    kind: str                 # "file" (owned bytes), "block" (marked block), "yaml-list" (list item)
    data: bytes | str         # file: bytes; block: inner text with LF; yaml-list: the item
    executable: bool = False
    comment: str = "html"     # block marker style
    key: str | None = None    # yaml-list key


def folder_items(folder: str, skill_md: bytes, files, helper: bytes) -> list[Rendered]:
    """A whole skill folder: its SKILL.md, the bundled files ((relative path, bytes), ...), the helper."""
    found = [Rendered(f"{folder}/SKILL.md", "file", skill_md)]
    found += [Rendered(f"{folder}/{rel}", "file", data) for rel, data in files]
    found.append(Rendered(f"{folder}/{HELPER}", "file", helper, executable=True))
    return found
