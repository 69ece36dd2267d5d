"""Build scripts/postmortem: a deterministic zipapp of the stdlib-only helper and its templates.

Next to every module's source the archive holds its bytecode (`name.pyc`, which zipimport looks for
before `name.py`), compiled by the interpreter that runs `build-skill`: zipimport never caches
bytecode, so without it every run of the helper compiles each module it imports (about 60 ms of a
160 ms `validate`). The bytecode is hash-checked against the source beside it, so a .pyc that does
not match its .py is never used; under another Python version (another magic number) zipimport
skips the .pyc and compiles the source as before. Only the bytecode depends on the interpreter that
built the archive, so comparisons (`build-skill --check`, the prerendered key) look at the sources
alone (`sources_digest`).
"""
from __future__ import annotations

from pathlib import Path

SHEBANG = b"#!/usr/bin/env python3\n"
EPOCH = (1980, 1, 1, 0, 0, 0)
DATA_SUFFIXES = {".py", ".json", ".txt", ".yaml", ".yml", ".md", ".csv", ".toml"}
MAIN = b"""import sys

from postmortem_skill.helper.cli import main

sys.exit(main())
"""
_CHECKED_HASH = 0b11  # PEP 552 flags: hash-based, checked against the source


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


def bytecode(name: str, source: bytes) -> bytes | None:
    """A hash-checked .pyc for `source` (PEP 552) for the running interpreter, or None when this
    interpreter cannot write one (then the archive carries the source alone)."""
    import _imp
    import marshal
    from importlib.util import MAGIC_NUMBER

    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=0)
        source_hash = _imp.source_hash(int.from_bytes(MAGIC_NUMBER, "little"), source)
    except (AttributeError, SyntaxError, ValueError):
        return None
    return MAGIC_NUMBER + _CHECKED_HASH.to_bytes(4, "little") + source_hash + marshal.dumps(code, 2)


def build(source_root: Path, templates: Path, with_bytecode: bool = True) -> bytes:
    """Zipapp bytes: same inputs and interpreter, same bytes (sorted entries, fixed times; only large data
    files compressed: code is read on every run and stays stored)."""
    import io
    import zipfile

    files = entries(source_root, templates)
    if with_bytecode:
        for name, data in list(files.items()):
            if name.endswith(".py") and name != "__main__.py":  # runpy reads __main__ itself; it is 5 lines
                pyc = bytecode(name, data)
                if pyc is not None:
                    files[name + "c"] = pyc
    buffer = io.BytesIO()
    buffer.write(SHEBANG)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if len(data) > 64_000 and not name.endswith((".py", ".pyc")):
                # the language data (rules/lexicons/model-*.json, en.json): a fifth of the size, read once per run
                info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def is_zipapp(data: bytes) -> bool:
    return data.startswith(SHEBANG + b"PK")


def sources_digest(data: bytes) -> bytes:
    """What a zipapp says independently of the interpreter that built it: its entries without the
    bytecode, by name, CRC-32 and size. Bytes that are not a zipapp we wrote stand for themselves."""
    import hashlib

    entries = _central_directory(data) if is_zipapp(data) else None
    if entries is None:
        return data
    listing = "\n".join(f"{name}\0{crc:08x}\0{size}" for name, crc, size in entries if not name.endswith(".pyc"))
    return b"zipapp-sources:" + hashlib.sha256(listing.encode("utf-8")).hexdigest().encode()


def _central_directory(data: bytes) -> list[tuple[str, int, int]] | None:
    """(name, CRC-32, size) of every entry, from the zip's central directory: no zipfile import and no
    reading of entries, since `install` computes this on every run. None when `data` is not a zip as
    `build` writes them."""
    import struct

    end = len(data) - 22  # `build` writes no archive comment: the end record is the last 22 bytes
    if end < 0 or data[end:end + 4] != b"PK\x05\x06":
        return None
    count, size = struct.unpack_from("<10xHI", data, end)
    pos, found = end - size, []
    try:
        for _ in range(count):
            if pos < 0 or data[pos:pos + 4] != b"PK\x01\x02":
                return None
            crc, _packed, unpacked, name_len, extra_len, comment_len = struct.unpack_from("<IIIHHH", data, pos + 16)
            found.append((data[pos + 46:pos + 46 + name_len].decode("utf-8"), crc, unpacked))
            pos += 46 + name_len + extra_len + comment_len
    except (struct.error, UnicodeDecodeError):
        return None
    return found


def has_bytecode(data: bytes) -> bool:
    entries = _central_directory(data) if is_zipapp(data) else None
    return bool(entries) and any(name.endswith(".pyc") for name, _crc, _size in entries)


def same_sources(a: bytes, b: bytes) -> bool:
    """Two zipapps built from the same sources, each with bytecode (maybe by different Python versions):
    neither `build-skill --check` nor `build-skill` should churn 22 copies of the helper because the
    last build ran on another Python."""
    if a == b:
        return True
    return is_zipapp(a) and is_zipapp(b) and sources_digest(a) == sources_digest(b) \
        and has_bytecode(a) and has_bytecode(b)
