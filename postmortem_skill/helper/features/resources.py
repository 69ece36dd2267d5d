"""Files the toolkit reads besides its code (the postmortem templates), wherever it runs from.

Looked up in order: `postmortem_skill/helper/templates/` inside the package or the scripts/postmortem zipapp,
the installed wheel's bundle (`postmortem_skill/_bundle/prompts/templates/`), the source checkout's
`prompts/templates/`. Standard library only.
"""
from __future__ import annotations

import pkgutil
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[2]  # postmortem_skill/


def template_text(name: str) -> str:
    """The text of template `name` (e.g. "standard" or "standard.md"); FileNotFoundError if absent."""
    filename = name if name.endswith(".md") else f"{name}.md"
    if "/" in filename or "\\" in filename or filename.startswith("."):
        raise FileNotFoundError(filename)
    try:
        data = pkgutil.get_data("postmortem_skill.helper", f"templates/{filename}")
    except OSError:
        data = None
    if data is not None:
        return data.decode("utf-8")
    for folder in (_PACKAGE / "_bundle" / "prompts" / "templates",
                   _PACKAGE.parent / "prompts" / "templates"):
        if (folder / filename).is_file():
            return (folder / filename).read_text(encoding="utf-8")
    raise FileNotFoundError(filename)
