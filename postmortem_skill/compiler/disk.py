"""The I/O end: safe paths inside a root, and one all-or-nothing transaction of writes and deletes."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from postmortem_skill.compiler.errors import SkillError

# a new file is created in one call, and only if nothing (not even a dangling symlink) is at its path
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _check(rel: str, root: Path):
    if any(part in ("", ".", "..") or "\\" in part for part in rel.split("/")):
        raise SkillError(f"refusing path {rel!r}: it would leave {root}")


def _refuse_link(path: Path, info: os.stat_result):
    if stat.S_ISLNK(info.st_mode):
        raise SkillError(f"refusing to write through the symlink {path}; replace it with a regular file")


class Tree:
    """The files and folders under `root` as install sees them: each folder is looked at once, and a
    symlink, or a file where a folder belongs, anywhere on the way is refused."""

    def __init__(self, root: Path):
        self.root = root
        self.folders = {"": True}     # relative folder -> exists (a real folder, not a link)

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
        return path, info

    def read(self, rel: str) -> bytes | None:
        path, info = self.file(rel)
        if info is None:
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SkillError(f"cannot read {path}: {exc.strerror}") from None

    def missing_folders(self, rel: str) -> list[str]:
        """Ancestor folders of the file rel (relative, shallowest first) that do not exist yet."""
        parts = rel.split("/")[:-1]
        ancestors = ("/".join(parts[:i + 1]) for i in range(len(parts)))
        return [folder for folder in ancestors if not self.folder_exists(folder)]


def read(root: Path, rel: str) -> bytes | None:
    return Tree(root).read(rel)


def is_executable(root: Path, rel: str) -> bool:
    return os.access(root / rel, os.X_OK)


def _write_all(fd: int, data: bytes):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Transaction(Tree):
    """Writes and deletes that either all happen or none: the old bytes are kept until commit."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.undo: list[tuple] = []
        self.umask: int | None = None     # read when a file that exists becomes executable

    def _exec_bits(self) -> int:
        if self.umask is None:
            self.umask = os.umask(0)
            os.umask(self.umask)
        return 0o111 & ~self.umask

    def _make_folder(self, rel: str):
        if self.folder_exists(rel):
            return
        self._make_folder(rel.rpartition("/")[0])
        path = self.root / rel
        try:
            os.mkdir(path)
            self.undo.append(("rmdir", path))
        except FileExistsError:       # made meanwhile: fine if it is a real folder
            self._is_folder(rel)
        self.folders[rel] = True

    def write(self, rel: str, data: bytes, executable: bool = False):
        _check(rel, self.root)
        self._make_folder(rel.rpartition("/")[0])
        path = self.root / rel
        try:
            fd = os.open(path, _CREATE, 0o777 if executable else 0o666)   # less the umask, as for any new file
        except FileExistsError:
            self._replace(rel, data, executable)
            return
        self.undo.append(("restore", path, None, 0))
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)

    def _replace(self, rel: str, data: bytes, executable: bool):
        """An existing file: write a temporary file beside it and rename it over, so that the old
        bytes stay whole until the new ones are."""
        import tempfile

        path, info = self.file(rel)
        old, mode = path.read_bytes(), stat.S_IMODE(info.st_mode)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.chmod(temp, mode | (self._exec_bits() if executable else 0))
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        self.undo.append(("restore", path, old, mode))

    def delete(self, rel: str):
        path, info = self.file(rel)
        if info is None:
            return
        old = path.read_bytes()
        path.unlink()
        self.undo.append(("restore", path, old, stat.S_IMODE(info.st_mode)))

    def remove_dir_if_empty(self, rel: str):
        _check(rel, self.root)
        path = self.root / rel
        if self.folder_exists(rel) and not any(path.iterdir()):
            path.rmdir()
            self.folders[rel] = False
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
