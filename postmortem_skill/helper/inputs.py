"""Reading postmortem files for validate and metrics: the I/O edge. Bad input raises UsageError."""
from __future__ import annotations

import os
from pathlib import Path

from postmortem_skill.helper.errors import UsageError

MAX_BYTES = 5 * 1024 * 1024
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def expand(paths: list[str]) -> list[Path]:
    """Files to check: each file as given, every *.md under each folder (sorted, hidden folders skipped).

    In a folder, README.md is the archive index (`postmortem index`), not a postmortem: it is skipped."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                found.extend(Path(root, f) for f in sorted(files)
                             if f.lower().endswith(".md") and f.lower() != "readme.md")
            if not found:
                raise UsageError(f"{raw}: no Markdown (*.md) files in this folder")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        elif path.exists():
            raise UsageError(f"{raw}: not a regular file or folder")
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return out


def read_text(path: Path | str, limit: int = MAX_BYTES, what: str = "a postmortem",
              fallback: str | None = None) -> str:
    """UTF-8 text of a file, or of standard input for '-'; UsageError for one that is larger than `limit`
    bytes (standard input too: never cut silently), binary or not UTF-8. `what` names the expected
    content in the messages; `fallback` is an encoding tried when UTF-8 fails (gb18030 for exports
    saved by a Chinese Excel)."""
    mib = f"{limit / 2**20:g} MB"
    try:
        if str(path) == "-":
            import sys

            data = sys.stdin.buffer.read(limit + 1)
            if len(data) > limit:
                raise UsageError(f"-: standard input is larger than {mib}, too large for {what}")
        else:
            path = Path(path)
            if not path.is_file():
                raise UsageError(f"{path}: no such file")
            size = path.stat().st_size
            if size > limit:
                raise UsageError(f"{path}: {size / 2**20:.1f} MB is too large for {what} (limit {mib})")
            data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"\0" in data[:8192]:
        raise UsageError(f"{path}: binary file, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if fallback:
            try:
                return data.decode(fallback)
            except UnicodeDecodeError:
                pass
        raise UsageError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def walk(paths: list[str]) -> list[str]:
    """Every file named or under a named folder (recursive, sorted, hidden and tool folders skipped), each
    as the path given joined with its place in the folder; UsageError for a path that does not exist."""
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw == "-" or path.is_file():
            out.append(raw)
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        elif path.exists():
            raise UsageError(f"{raw}: not a regular file or folder")
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return out
