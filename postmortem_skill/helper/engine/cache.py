"""Remember validate's findings by content, so that unchanged postmortems cost nothing on the next run.

One JSON file in the user's cache folder (`$POSTMORTEM_CACHE_DIR`, else `$XDG_CACHE_HOME/postmortem-skill`,
else `~/.cache/postmortem-skill`), never in the project. A key is the SHA-256 of the document's bytes, the
settings that apply to it and a fingerprint of the toolkit itself, so a new rule, an edited rule or a
changed `.postmortem.yaml` can never serve stale findings. Findings are stored without the file name.
Any problem with the cache (unwritable, corrupt, concurrent writers) only makes the run slower.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

_FILE = "validate-v1.json"
_MAX_ENTRIES = 50_000


def folder() -> Path:
    explicit = os.environ.get("POSTMORTEM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "postmortem-skill"


def _toolkit_fingerprint() -> str:
    """Changes whenever the code that judges documents changes (source tree, wheel or zipapp)."""
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


class FindingsCache:
    def __init__(self, enabled: bool = True):
        self.enabled, self.path = enabled, folder() / _FILE
        self.entries: dict[str, list] = {}
        self.dirty = False
        self._salt = ""
        if enabled:
            self._salt = _toolkit_fingerprint()
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.entries = {}

    def key(self, data: bytes, settings: object) -> str:
        digest = hashlib.sha256(self._salt.encode())
        digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> list | None:
        return self.entries.get(key) if self.enabled else None

    def put(self, key: str, findings: list) -> None:
        if self.enabled:
            self.entries.pop(key, None)  # re-inserted last: the newest survive trimming
            self.entries[key] = findings
            self.dirty = True

    def save(self) -> None:
        if not (self.enabled and self.dirty):
            return
        entries = self.entries
        if len(entries) > _MAX_ENTRIES:  # keep the newest: dicts remember insertion order
            entries = dict(list(entries.items())[-_MAX_ENTRIES:])
        import tempfile

        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".validate-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entries, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
