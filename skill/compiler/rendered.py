"""What rendering produces, shared by the renderer, the prerendered outputs and the planner."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rendered:
    path: str                 # relative POSIX path of the file (for a block: the shared file)
    kind: str                 # "file" (owned bytes), "block" (marked block), "yaml-list" (list item)
    data: bytes | str         # file: bytes; block: inner text with LF; yaml-list: the item
    executable: bool = False
    comment: str = "html"     # block marker style
    key: str | None = None    # yaml-list key
