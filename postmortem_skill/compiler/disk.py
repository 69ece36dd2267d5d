"""The I/O end: safe paths inside a root, seen once (transaction.py changes them)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from postmortem_skill.compiler.errors import SkillError


def _check(rel: str, root: Path):
    if any(part in ("", ".", "..") or "\\" in part for part in rel.split("/")):
        raise SkillError(f"refusing path {rel!r}: it would leave {root}")


def _refuse_link(path: Path, info: os.stat_result):
    if stat.S_ISLNK(info.st_mode):
        raise SkillError(f"refusing to write through the symlink {path}; replace it with a regular file")


def refuse_special(path: Path, info: os.stat_result):
    """A FIFO, socket or device where a file belongs would block or mislead a read: refused unopened."""
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        raise SkillError(f"{path} is not a regular file (a FIFO, socket or device); move it away and run again")


def read_regular(path: Path) -> bytes:
    """Read a file that lstat showed regular; opened without following a link or blocking on a FIFO
    that replaced it meanwhile."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise SkillError(f"{path} is not a regular file; move it away and run again")
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        raise SkillError(f"cannot read {path}: {exc.strerror or exc}") from None


class Tree:
    """The files and folders under `root` as install sees them: each folder is looked at once, and a
    symlink, or a file where a folder belongs, anywhere on the way is refused."""

    def __init__(self, root: Path):
        self.root = root
        self.folders = {"": True}     # relative folder -> exists (a real folder, not a link)
        self.seen: dict[str, tuple[bytes | None, int]] = {}    # relative file -> (bytes, mode) as read

    def folder_exists(self, rel: str) -> bool:
        if rel not in self.folders:
            parent = rel.rpartition("/")[0]
            self.folders[rel] = self.folder_exists(parent) and self._is_folder(rel)
        return self.folders[rel]

    def _is_folder(self, rel: str) -> bool:
        path = self.root / rel
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return False
        _refuse_link(path, info)
        if not stat.S_ISDIR(info.st_mode):
            raise SkillError(f"{path} is a file where a folder is needed")
        return True

    def file(self, rel: str) -> tuple[Path, os.stat_result | None]:
        """root/rel and its lstat (None when missing); a symlink or a folder there is refused."""
        _check(rel, self.root)
        path = self.root / rel
        if not self.folder_exists(rel.rpartition("/")[0]):
            return path, None
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return path, None
        _refuse_link(path, info)
        if stat.S_ISDIR(info.st_mode):
            raise SkillError(f"{path} is a folder where a file is needed; remove it first")
        refuse_special(path, info)
        return path, info

    def read(self, rel: str) -> bytes | None:
        """The file's bytes (None when missing), read once per run: the journal reuses them."""
        if rel not in self.seen:
            path, info = self.file(rel)
            self.seen[rel] = (read_regular(path), stat.S_IMODE(info.st_mode)) if info else (None, 0)
        return self.seen[rel][0]

    def mode(self, rel: str) -> int:
        self.read(rel)
        return self.seen[rel][1]

    def missing_folders(self, rel: str) -> list[str]:
        """Ancestor folders of the file rel (relative, shallowest first) that do not exist yet."""
        parts = rel.split("/")[:-1]
        ancestors = ("/".join(parts[:i + 1]) for i in range(len(parts)))
        return [folder for folder in ancestors if not self.folder_exists(folder)]


def read(root: Path, rel: str) -> bytes | None:
    return Tree(root).read(rel)


def is_executable(root: Path, rel: str) -> bool:
    return os.access(root / rel, os.X_OK)
