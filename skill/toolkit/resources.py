"""Files the toolkit reads besides its code (the postmortem templates), wherever it runs from.

Looked up in order: `skill/toolkit/templates/` inside the package or the scripts/postmortem zipapp,
the installed wheel's bundle (`skill/_bundle/prompts/templates/`), the source checkout's
`prompts/templates/`. Standard library only.
"""
from __future__ import annotations

import pkgutil
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def template_text(name: str) -> str:
    """The text of template `name` (e.g. "standard" or "standard.md"); FileNotFoundError if absent."""
    filename = name if name.endswith(".md") else f"{name}.md"
    if "/" in filename or "\\" in filename or filename.startswith("."):
        raise FileNotFoundError(filename)
    try:
        data = pkgutil.get_data("skill.toolkit", f"templates/{filename}")
    except OSError:
        data = None
    if data is not None:
        return data.decode("utf-8")
    for folder in (_PACKAGE.parent / "_bundle" / "prompts" / "templates",
                   _PACKAGE.parents[1] / "prompts" / "templates"):
        if (folder / filename).is_file():
            return (folder / filename).read_text(encoding="utf-8")
    raise FileNotFoundError(filename)
