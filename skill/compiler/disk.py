"""The I/O end: safe paths inside a root, and one all-or-nothing transaction of writes and deletes."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from skill.compiler.errors import SkillError


def safe_path(root: Path, rel: str, folder: bool = False) -> Path:
    """root/rel, refusing symlinks and non-folders on the way, and a symlink or folder at the end
    (or a non-folder when `folder`)."""
    current = root
    parts = rel.split("/")
    for i, part in enumerate(parts):
        if part in ("", ".", "..") or "\\" in part:
            raise SkillError(f"refusing path {rel!r}: it would leave {root}")
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return root.joinpath(*parts)
        if stat.S_ISLNK(info.st_mode):
            raise SkillError(f"refusing to write through the symlink {current}; replace it with a regular file")
        last = i == len(parts) - 1
        if not last and not stat.S_ISDIR(info.st_mode):
            raise SkillError(f"{current} is a file where a folder is needed for {rel}")
        if last and folder and not stat.S_ISDIR(info.st_mode):
            raise SkillError(f"{current} is a file where a folder is expected")
        if last and not folder and stat.S_ISDIR(info.st_mode):
            raise SkillError(f"{current} is a folder where a file is needed; remove it first")
    return current


def read(root: Path, rel: str) -> bytes | None:
    path = safe_path(root, rel)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SkillError(f"cannot read {path}: {exc.strerror}") from None


def is_executable(root: Path, rel: str) -> bool:
    return os.access(root / rel, os.X_OK)


def missing_dirs(root: Path, rel: str) -> list[str]:
    """Ancestor folders of rel (relative, shallowest first) that do not exist yet."""
    parts = rel.split("/")[:-1]
    return [p for p in ("/".join(parts[:i + 1]) for i in range(len(parts))) if not (root / p).exists()]


def _replace(temp: str, path: Path):
    os.replace(temp, path)


class Transaction:
    """Writes and deletes that either all happen or none: the old bytes are kept until commit."""

    def __init__(self, root: Path):
        self.root = root
        self.undo: list[tuple] = []

    def _mkdirs(self, rel: str):
        for folder in missing_dirs(self.root, rel):
            os.mkdir(safe_path(self.root, folder, folder=True))
            self.undo.append(("rmdir", self.root / folder))

    def write(self, rel: str, data: bytes, executable: bool = False):
        path = safe_path(self.root, rel)
        self._mkdirs(rel)
        old = path.read_bytes() if path.exists() else None
        mode = stat.S_IMODE(os.stat(path).st_mode) if old is not None else 0o666 & ~_umask()
        if executable:
            mode |= 0o111 & ~_umask()
        import tempfile

        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temp, mode)
            _replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        self.undo.append(("restore", path, old, mode))

    def delete(self, rel: str):
        path = safe_path(self.root, rel)
        if not path.exists():
            return
        old, mode = path.read_bytes(), stat.S_IMODE(os.stat(path).st_mode)
        path.unlink()
        self.undo.append(("restore", path, old, mode))

    def remove_dir_if_empty(self, rel: str):
        path = safe_path(self.root, rel, folder=True)
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            self.undo.append(("mkdir", path))

    def rollback(self):
        for step in reversed(self.undo):
            try:
                if step[0] == "rmdir":
                    step[1].rmdir()
                elif step[0] == "mkdir":
                    step[1].mkdir()
                elif step[2] is None:
                    step[1].unlink(missing_ok=True)
                else:
                    step[1].write_bytes(step[2])
                    os.chmod(step[1], step[3])
            except OSError:
                pass
        self.undo.clear()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
