"""Build scripts/postmortem: a deterministic zipapp of the stdlib-only helper and its templates."""
from __future__ import annotations

from pathlib import Path

SHEBANG = b"#!/usr/bin/env python3\n"
EPOCH = (1980, 1, 1, 0, 0, 0)
DATA_SUFFIXES = {".py", ".json", ".txt", ".yaml", ".yml", ".md", ".csv", ".toml"}
MAIN = b"""import sys

from postmortem_skill.helper.cli import main

sys.exit(main())
"""


def entries(source_root: Path, templates: Path) -> dict[str, bytes]:
    """Archive name -> bytes: the toolkit's code and data, and the postmortem templates."""
    found = {"__main__.py": MAIN,
             "postmortem_skill/__init__.py": (source_root / "postmortem_skill/__init__.py").read_bytes()}
    helper = source_root / "postmortem_skill" / "helper"
    for path in helper.rglob("*"):
        rel = path.relative_to(source_root).as_posix()
        if path.is_file() and path.suffix in DATA_SUFFIXES and "__pycache__" not in rel:
            found[rel] = path.read_bytes()
    if templates.is_dir():
        for path in templates.glob("*.md"):
            found[f"postmortem_skill/helper/templates/{path.name}"] = path.read_bytes()
    return found


def build(source_root: Path, templates: Path) -> bytes:
    """Zipapp bytes: same inputs, same bytes (sorted entries, fixed times, no compression)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    buffer.write(SHEBANG)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in sorted(entries(source_root, templates).items()):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
