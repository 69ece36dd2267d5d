"""Remember validate's findings by content, so that unchanged postmortems cost nothing on the next run.

One SQLite database (standard library `sqlite3`) in the user's cache folder (`$POSTMORTEM_CACHE_DIR`, else
`$XDG_CACHE_HOME/postmortem-skill`, else `~/.cache/postmortem-skill`), never in the project, read one key
at a time and written once at the end of a run. A key is the SHA-256 of the document's bytes, the
settings that apply to it and a fingerprint of the toolkit itself, so a new rule, an edited rule or a
changed `.postmortem.yaml` can never serve stale findings. An entry is the document's findings as
`Finding.row()` lists in JSON, without the file name. At most _MAX_ROWS entries are kept (the oldest
written go first) and an entry above _MAX_ENTRY_BYTES is not kept. Any problem with the cache
(unwritable, locked by another run) only makes the run slower; a file that is not our database is
replaced, and an entry that is not a list of findings is ignored and written again.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

FILE = "validate-v2.sqlite3"
_OLD_FILES = ("validate-v1.json",)  # the whole-file JSON cache of earlier versions
_MAX_ROWS = 50_000
_MAX_ENTRY_BYTES = 256 * 1024
_SCHEMA = "CREATE TABLE IF NOT EXISTS findings (key TEXT PRIMARY KEY, rows TEXT NOT NULL)"


def folder() -> Path:
    explicit = os.environ.get("POSTMORTEM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "postmortem-skill"


def _toolkit_fingerprint() -> str:
    """Changes whenever the code that judges documents changes (source tree, wheel or zipapp)."""
    import hashlib

    from postmortem_skill import __version__

    here = Path(__file__).resolve().parent
    parts = [__version__]
    if here.is_dir():
        for path in sorted(here.rglob("*.py")):
            stat = path.stat()
            parts.append(f"{path.relative_to(here)}:{stat.st_size}:{stat.st_mtime_ns}")
    else:  # inside a zipapp: the archive itself stands for its contents
        archive = Path(sys.argv[0]).resolve()
        stat = archive.stat() if archive.is_file() else None
        parts.append(f"{archive}:{stat.st_size}:{stat.st_mtime_ns}" if stat else "zip")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _sqlite():
    """The sqlite3 module's C core (the same connect() and errors without sqlite3.dbapi2, whose datetime
    adapters cost a warm run ~5 ms of imports it does not need), else sqlite3; None when Python has none."""
    try:
        import _sqlite3 as sqlite3
    except ImportError:
        try:
            import sqlite3
        except ImportError:
            return None
    return sqlite3


class FindingsCache:
    def __init__(self, enabled: bool = True):
        self.enabled, self.path = enabled, folder() / FILE
        self._db = None
        self._pending: dict[str, str] = {}
        self._salt = ""
        self._prefixes: dict = {}  # id(settings) -> (settings, sha256 of the salt and the settings)
        if enabled:
            self._salt = _toolkit_fingerprint()
            self._db = self._open()
            self.enabled = self._db is not None

    def _open(self):
        sqlite3 = _sqlite()
        if sqlite3 is None:  # a Python built without sqlite3: validate runs without a cache
            return None

        for attempt in (1, 2):
            db = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=2)
                db.execute("PRAGMA synchronous = OFF")  # a cache: losing the last write costs only time
                db.execute(_SCHEMA)
                db.execute("SELECT key, rows FROM findings LIMIT 0")  # a table of another shape fails here
                return db
            except sqlite3.DatabaseError as exc:
                if db is not None:
                    db.close()
                if attempt == 2 or "locked" in str(exc) or "busy" in str(exc):
                    return None
                try:  # not our database (corrupt, another program's, another schema): start a new one
                    self.path.unlink()
                except OSError:
                    return None
            except (OSError, sqlite3.Error):
                if db is not None:
                    db.close()
                return None
        return None

    def key(self, data: bytes, settings: object) -> str:
        """The key of a document's bytes under `settings` (JSON-able, never changed once passed here: it is
        hashed once per object)."""
        from hashlib import sha256  # here: a run over one file never hashes, and hashlib costs ~3 ms to import

        made = self._prefixes.get(id(settings))
        if made is None or made[0] is not settings:  # the salt and the settings are hashed once per settings
            prefix = sha256(self._salt.encode())
            prefix.update(json.dumps(settings, sort_keys=True, default=str).encode())
            prefix.update(b"\0")
            made = self._prefixes[id(settings)] = (settings, prefix)
        digest = made[1].copy()
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> list | None:
        """The rows stored under `key`, or None (absent, unreadable or not a list)."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, list]:
        """{key: rows} for those of `keys` that are stored and readable; one query for all of them."""
        if self._db is None or not keys:
            return {}
        sqlite3 = _sqlite()

        try:
            hits = self._db.execute(f"SELECT key, rows FROM findings WHERE key IN ({','.join('?' * len(keys))})",
                                    keys).fetchall()
        except sqlite3.DatabaseError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):  # damaged: the next run starts anew
                self._db.close()
                self._db = None
                self.path.unlink(missing_ok=True)
            return {}
        except sqlite3.Error:
            return {}
        found = {}
        for key, data in hits:
            try:
                rows = json.loads(data)
            except (TypeError, ValueError):
                continue
            if isinstance(rows, list):
                found[key] = rows
        return found

    def put(self, key: str, rows: list) -> None:
        if self._db is not None:
            data = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
            if len(data) <= _MAX_ENTRY_BYTES:
                self._pending[key] = data

    def save(self) -> None:
        """Write this run's new entries in one transaction, trim to _MAX_ROWS, close."""
        if self._db is None:
            return
        sqlite3 = _sqlite()

        db, self._db = self._db, None
        try:
            if self._pending:
                db.executemany("INSERT OR REPLACE INTO findings (key, rows) VALUES (?, ?)", self._pending.items())
                (count,) = db.execute("SELECT count(*) FROM findings").fetchone()
                if count > _MAX_ROWS:  # a replaced entry gets a new rowid, so the oldest written go first
                    db.execute("DELETE FROM findings WHERE rowid IN "
                               "(SELECT rowid FROM findings ORDER BY rowid LIMIT ?)", (count - _MAX_ROWS,))
                db.commit()
                for name in _OLD_FILES:
                    (self.path.parent / name).unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            pass
        finally:
            db.close()
