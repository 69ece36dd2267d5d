"""Reading and writing the user's files: the I/O edge. Bad input raises UsageError, one line that names
the path.

Special files (FIFOs, devices, sockets) are refused before they are opened, so that no command waits
forever on a pipe; a folder or file that cannot be read is an error that says which, never skipped; a
file is written by replacing it whole (never through a symbolic link, never half-written).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from postmortem_skill.helper.errors import UsageError

MAX_BYTES = 5 * 1024 * 1024
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _cannot(path, exc: OSError, what: str = "read") -> UsageError:
    return UsageError(f"{path}: cannot {what} ({exc.strerror or exc})")


def markdown_files(folder: Path) -> list[Path]:
    """Every *.md below `folder`, sorted, hidden and tool folders skipped; README.md files are archive
    indexes (`postmortem index`), not postmortems, and are left out. UsageError naming the first
    subfolder that cannot be read: a run that silently skipped one would say all is well."""
    def refuse(exc: OSError):
        raise UsageError(f"{exc.filename or folder}: cannot read this folder ({exc.strerror or exc})")

    found = []
    for root, dirs, files in os.walk(folder, onerror=refuse):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        found.extend(Path(root, f) for f in sorted(files) if f.lower().endswith(".md") and f.lower() != "readme.md")
    return found


def expand(paths: list[str]) -> list[Path]:
    """Files to check: each file as given, every *.md under each folder (see `markdown_files`)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise UsageError(f"{raw}: no such file or folder") from None
            raise _cannot(raw, exc) from None
        if stat.S_ISDIR(mode):
            found = markdown_files(path)
            if not found:
                raise UsageError(f"{raw}: no Markdown (*.md) files in this folder")
            out.extend(found)
        elif stat.S_ISREG(mode):
            out.append(path)
        else:
            raise UsageError(f"{raw}: {_kind(mode)}, not a file or folder; not read")
    return out


def _read_up_to(fd: int, size: int) -> bytes:
    """`size` bytes from `fd`, fewer at its end (os.read may return less than asked before the end)."""
    data = os.read(fd, size)
    if 0 < len(data) < size:
        parts = [data]
        while size > 0 and data:
            size -= len(data)
            data = os.read(fd, size) if size else b""
            parts.append(data)
        data = b"".join(parts)
    return data


def read_bytes(path: Path | str, limit: int = MAX_BYTES, what: str = "a postmortem") -> bytes:
    """The bytes of a regular file of at most `limit` bytes. The file is checked before it is opened
    and again once open (it may have been replaced in between), and opened without waiting, so that a
    FIFO can never block the command."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise UsageError(f"{path}: {_kind(mode)}, not a regular file; not read")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:  # the descriptor read directly: a buffered file object costs a folder of 2,000 files ~7 ms
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UsageError(f"{path}: {_kind(info.st_mode)}, not a regular file; not read")
            if info.st_size > limit:
                raise UsageError(f"{path}: {info.st_size // (1024 * 1024)} MB is too large for {what} "
                                 f"(limit {limit // (1024 * 1024)} MB)")
            # the size it has now and one byte more (asking for limit + 1 at once would allocate megabytes
            # for every small file); a file that grew meanwhile is read on, up to one byte past the limit
            data = _read_up_to(fd, info.st_size + 1)
            if len(data) > info.st_size:
                data += _read_up_to(fd, limit + 1 - len(data))
        finally:
            os.close(fd)
    except OSError as exc:
        raise _cannot(path, exc) from None
    if len(data) > limit:  # it grew while we read it
        raise UsageError(f"{path}: too large for {what} (limit {limit // (1024 * 1024)} MB)")
    return data


def _text_bytes(path: Path | str, limit: int, what: str) -> bytes:
    """The bytes of a file or of standard input ('-'), refused when too large or binary."""
    if str(path) == "-":
        import sys

        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise UsageError(f"-: standard input is larger than {limit / 2**20:g} MB, too large for {what}")
    else:
        data = read_bytes(path, limit, what)
    if b"\0" in data[:8192]:
        raise UsageError(f"{path}: binary file, not {what}")
    return data


def read_utf8(path: Path | str, limit: int = MAX_BYTES, what: str = "a postmortem") -> bytes:
    """What read_text reads, as UTF-8 bytes without a byte order mark (their `decode()` is read_text's
    text) and with the same refusals: for a caller that hashes or hands on the text before reading it."""
    data = _text_bytes(path, limit, what)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def read_text(path: Path | str, limit: int = MAX_BYTES, what: str = "a postmortem",
              fallback: str | None = None) -> str:
    """UTF-8 text of a file, or of standard input for '-'; UsageError for a special, unreadable or binary
    file, one larger than `limit` bytes (standard input too: never cut silently) or not UTF-8. `what` names
    the expected content in the messages; `fallback` is an encoding tried when UTF-8 fails (gb18030 for
    exports saved by a Chinese Excel)."""
    data = _text_bytes(path, limit, what)
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
    as the path given joined with its place in the folder; UsageError for a path that does not exist or a
    folder that cannot be read."""
    def refuse(exc: OSError):
        raise UsageError(f"{exc.filename}: cannot read this folder ({exc.strerror or exc})")

    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw == "-" or path.is_file():
            out.append(raw)
        elif path.is_dir():
            for root, dirs, files in os.walk(path, onerror=refuse):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        elif path.exists():
            raise UsageError(f"{raw}: not a regular file or folder")
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return out


def writable(path: Path) -> bool:
    """True when `path` may be (re)written: absent, or a regular file that is not a symbolic link.
    UsageError otherwise, saying why: writing through a link would change a file outside the folder."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise _cannot(path, exc, "inspect") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{path}: is a symbolic link; not written through it (replace the link with a file)")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path}: {_kind(info.st_mode)}, not a regular file; not written")
    return True


def write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole: written to a temporary file beside it, flushed to disk, then
    renamed over it, so a crash leaves the old file or the new one, never half of it. The file keeps
    its permissions. Refuses symbolic links and special files (see `writable`)."""
    writable(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, mode)
            writable(path)  # still no link where the file goes
            os.replace(temp, path)
        finally:
            if os.path.lexists(temp):
                os.unlink(temp)
    except OSError as exc:
        raise _cannot(path, exc, "write") from None
