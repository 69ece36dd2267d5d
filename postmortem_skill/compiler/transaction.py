"""Crash-safe changes to a project, the way SQLite and git make them.

One hidden folder in the project (WORK) holds, for the length of one run, everything a run needs
besides the files it changes: the lock (the holder's pid; linked into place, so it exists only whole),
the journal and every temporary file. The run

  1. takes the lock (a lock whose process is gone is taken over; a live one is exit 2 at once),
  2. rolls back what a run killed earlier left half done (its journal says what), and removes its temps,
  3. plans, then writes and fsyncs the journal: the old bytes and mode of every path it will change
     ("absent" for new ones), the folders it will make and remove,
  4. replaces each file by writing a temp and renaming it into place,
  5. syncs the file system once (every temp's bytes and every rename are on disk: the same guarantee
     as an fsync per file, at the cost of one; until then the fsynced journal can undo them all),
  6. commits by deleting the journal, then removes the lock and the folder.

SIGINT and SIGTERM roll back and exit 130/143. A kill -9 leaves the journal: the next run finishes the
rollback (step 2) and says so. For the crash tests, POSTMORTEM_SKILL_CRASH_AT=N makes the Nth change
to the disk (every mkdir, temp, rename, unlink, rmdir; the lock and journal included) exit at once.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import stat
import sys
from pathlib import Path

from postmortem_skill.compiler import disk
from postmortem_skill.compiler.errors import Interrupted, SkillError

WORK = ".postmortem-skill.tmp"
LOCK = "lock"
JOURNAL = "journal.json"
CRASH_AT = "POSTMORTEM_SKILL_CRASH_AT"
_BINARY = getattr(os, "O_BINARY", 0)


class _Steps:
    """Counts changes to the disk; the test hook exits at the chosen one as a kill -9 would."""

    def __init__(self):
        self.count = 0
        value = os.environ.get(CRASH_AT, "")
        self.crash_at = int(value) if value.isdigit() else 0

    def __call__(self):
        self.count += 1
        if self.count == self.crash_at:
            os._exit(99)


step = _Steps()


def _fsync_folder(path: Path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass                        # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def _sync_filesystem(path: Path):
    """Flush the file system that holds `path` (Linux syncfs; elsewhere os.sync)."""
    syncfs = _syncfs()
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _syncfs():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _unlink_if_there(path: Path):
    """Remove a temp of another run; a run still trying for the lock may remove its own first."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def pending(root: Path) -> bool:
    """A journal a killed run left: its changes still wait to be rolled back."""
    return (root / WORK / JOURNAL).exists()


def refuse_pending(root: Path):
    if pending(root):
        raise SkillError(f"an interrupted install left unfinished changes in {root}; "
                         "run build-skill install or uninstall to roll them back first")


class Session:
    """`with Session(root, say) as session:` holds the lock; session.apply(plan) changes the disk."""

    def __init__(self, root: Path, say):
        self.root, self.say = root, say
        self.work = root / WORK
        self.temps = 0
        self.handlers: dict = {}

    # -- lock ---------------------------------------------------------------------------------

    def __enter__(self) -> Session:
        self._signals()
        try:
            self._lock()
            self._recover()
        except BaseException:
            self._restore_signals()
            raise
        return self

    def __exit__(self, kind, value, tb):
        try:
            if kind is None or not pending(self.root):
                self._unlock()
        finally:
            self._restore_signals()

    def _work_folder(self):
        try:
            step()
            os.mkdir(self.work)
        except FileExistsError:
            info = os.lstat(self.work)
            if not stat.S_ISDIR(info.st_mode):
                raise SkillError(f"{self.work} is in the way (not a folder build-skill made); remove it") from None
        except OSError as exc:
            raise SkillError(f"cannot write in {self.root}: {exc.strerror or exc}") from None

    def _lock(self):
        for _ in range(50):
            self._work_folder()
            temp = self._temp_path()
            try:
                self._write_file(temp, f"{os.getpid()}\n".encode(), 0o644)
                step()
                os.link(temp, self.work / LOCK)       # atomic, and fails when a lock exists
                return
            except FileExistsError:
                self._stale_lock()
            except FileNotFoundError:
                continue                               # the folder went away with its last holder
            except OSError as exc:
                raise SkillError(f"cannot take the lock in {self.work}: {exc.strerror or exc}") from None
            finally:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
        raise SkillError(f"could not take the lock {self.work / LOCK}; remove it if no build-skill is running")

    def _holder(self, path: Path) -> int:
        try:
            return int(_read_own(path).split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def _stale_lock(self):
        lock = self.work / LOCK
        pid = self._holder(lock)
        if _alive(pid) and pid != os.getpid():
            raise SkillError(f"another install is running in {self.root} (pid {pid}); "
                             "wait for it to finish and run again")
        moved = self._temp_path()
        try:
            step()
            os.rename(lock, moved)                      # take it over: only one taker gets it
        except FileNotFoundError:
            return
        if self._holder(moved) != pid:                  # a live holder locked meanwhile: give it back
            try:
                os.link(moved, lock)
            except OSError:
                pass
            os.unlink(moved)
            raise SkillError(f"another install is running in {self.root}; wait for it to finish and run again")
        os.unlink(moved)

    def _unlock(self):
        for entry in sorted(os.listdir(self.work)) if self.work.is_dir() else []:
            if entry not in (LOCK, JOURNAL):
                step()
                _unlink_if_there(self.work / entry)
        step()
        os.unlink(self.work / LOCK)
        try:
            step()
            os.rmdir(self.work)
        except OSError:
            pass                                        # another run took the lock meanwhile

    # -- signals ------------------------------------------------------------------------------

    def _signals(self):
        def interrupt(signum, frame):
            raise Interrupted(128 + signum)

        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self.handlers[signum] = signal.signal(signum, interrupt)
            except ValueError:                          # not the main thread: leave signals alone
                return

    def _restore_signals(self):
        for signum, handler in self.handlers.items():
            signal.signal(signum, handler)
        self.handlers.clear()

    def _quiet(self):
        for signum in self.handlers:
            signal.signal(signum, signal.SIG_IGN)

    # -- files --------------------------------------------------------------------------------

    def _temp_path(self) -> Path:
        self.temps += 1
        return self.work / f"{os.getpid()}.{self.temps}.tmp"

    def _write_file(self, path: Path, data: bytes, mode: int, sync: bool = True):
        step()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)

    def _replace(self, path: Path, data: bytes, mode: int, keep_mode: bool, sync: bool = False):
        """Write data to a temp in WORK, rename it over path (mode: as created, less the umask;
        keep_mode: exactly this mode, as the file had). sync: fsync the temp first (the journal)."""
        temp = self._temp_path()
        try:
            self._write_file(temp, data, mode, sync)
            if keep_mode:
                os.chmod(temp, mode)
            step()
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise

    # -- journal ------------------------------------------------------------------------------

    def _write_journal(self, journal: dict):
        data = json.dumps(journal).encode("utf-8")
        self._replace(self.work / JOURNAL, data, 0o600, keep_mode=False, sync=True)
        _fsync_folder(self.work)

    def _recover(self):
        mine = f"{os.getpid()}."
        for entry in os.listdir(self.work):      # temps of a run that was killed
            if entry not in (LOCK, JOURNAL) and not entry.startswith(mine):
                step()
                _unlink_if_there(self.work / entry)
        path = self.work / JOURNAL
        if not path.exists():
            return
        try:
            journal = json.loads(_read_own(path))
            entries = [(e["path"], None if e["old"] is None else base64.b64decode(e["old"]), int(e["mode"]))
                       for e in journal["files"]]
            made, removed = list(journal["made"]), list(journal["removed"])
        except (OSError, ValueError, KeyError, TypeError):
            raise SkillError(f"{path} is damaged; check the files it lists by hand, then delete it") from None
        self._rollback(entries, made, removed)
        self.say(f"rolled back an interrupted {journal.get('command', 'install')}: "
                 f"{len(entries)} file(s) restored in {self.root}")

    def _rollback(self, entries: list, made: list[str], removed: list[str]):
        """Put every journaled path back as it was. Safe to repeat: a kill in here is finished next run."""
        self._quiet()
        tree = disk.Tree(self.root)
        for folder in sorted(removed, key=lambda f: f.count("/")):
            os.makedirs(self.root / folder, exist_ok=True)
        for rel, old, mode in reversed(entries):
            path, info = tree.file(rel)
            if old is None:
                if info is not None:
                    step()
                    os.unlink(path)
            else:
                self._replace(path, old, mode, keep_mode=True)
        for folder in sorted(made, key=lambda f: -f.count("/")):
            try:
                step()
                os.rmdir(self.root / folder)
            except OSError:
                pass
        _sync_filesystem(self.root)
        step()
        os.unlink(self.work / JOURNAL)

    # -- apply --------------------------------------------------------------------------------

    def apply(self, plan, command: str):
        """Carry out the plan as one transaction: on any failure or signal, restore everything."""
        tree: disk.Tree = plan.tree
        changes = [c for c in plan.changes if c.action != "unchanged"]
        if not changes and not plan.remove_folders:
            return
        made: list[str] = []
        for change in changes:
            if change.action != "remove":
                made += [f for f in tree.missing_folders(change.path) if f not in made]
        entries = [(c.path, tree.read(c.path), tree.mode(c.path)) for c in changes]
        journal = {"command": command, "made": made, "removed": list(plan.remove_folders),
                   "files": [{"path": rel, "old": None if old is None else base64.b64encode(old).decode(),
                              "mode": mode} for rel, old, mode in entries]}
        self._write_journal(journal)
        current = None
        try:
            for folder in made:
                current = folder
                step()
                os.mkdir(self.root / folder)
            for change, (_, old, mode) in zip(changes, entries):
                current = change.path
                path = self.root / change.path
                if change.action == "remove":
                    step()
                    os.unlink(path)
                elif old is None:
                    self._replace(path, change.data, 0o777 if change.executable else 0o666, keep_mode=False)
                else:
                    self._replace(path, change.data, mode | (_exec_bits() if change.executable else 0),
                                  keep_mode=True)
            for folder in plan.remove_folders:
                current = folder
                if tree.folder_exists(folder) and not any((self.root / folder).iterdir()):
                    step()
                    os.rmdir(self.root / folder)
            _sync_filesystem(self.root)
            step()
            os.unlink(self.work / JOURNAL)                 # the commit
        except BaseException as exc:
            try:
                self._rollback(entries, made, list(plan.remove_folders))
            except OSError as again:
                raise SkillError(f"could not write {self.root / current} ({exc}) nor roll back ({again}); "
                                 f"{self.work / JOURNAL} keeps the old bytes: free the disk and run "
                                 f"build-skill {command} again to finish the rollback") from None
            if isinstance(exc, (Interrupted, KeyboardInterrupt)):
                raise Interrupted(getattr(exc, "code", 130)) from None
            if isinstance(exc, SkillError):
                raise SkillError(f"{exc}; nothing was changed") from None
            if isinstance(exc, OSError):
                raise SkillError(f"could not write {self.root / current}: {exc.strerror or exc}; "
                                 "nothing was changed") from None
            raise


def _read_own(path: Path) -> bytes:
    """A file of ours in WORK, refused unopened when something else (a FIFO, a link) took its place."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise SkillError(f"{path} is not a regular file; remove {path.parent} and run again")
    return disk.read_regular(path)


def _exec_bits() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o111 & ~umask
