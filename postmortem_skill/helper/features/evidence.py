"""Commits in the incident window: the `git log` call to make and how to read its output. No I/O.

The command module runs `GIT_LOG_ARGS` and hands the text to `parse_log`; everything else here is
pure. Commit time (not author time) decides the window: it is when the change landed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from postmortem_skill.helper.features.importers import Event
from postmortem_skill.helper.model.timeutil import UTC, iso_z

_FIELDS = ("%H", "%ct", "%s", "%an", "%D")
# HEAD and every tagged commit (a release can be tagged off another branch); tags only in %D.
GIT_LOG_ARGS = ("log", "HEAD", "--tags", "--no-color", "--decorate-refs=refs/tags/",
                "--format=" + "%x1f".join(_FIELDS) + "%x1e")


@dataclass(frozen=True)
class Commit:
    time: datetime  # commit time, UTC
    commit: str
    subject: str
    tags: tuple[str, ...] = ()
    author: str = ""


def parse_log(text: str) -> list[Commit]:
    """Records written with GIT_LOG_ARGS' format, oldest first (ties keep git's order reversed)."""
    commits = []
    for record in text.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) != len(_FIELDS):
            continue
        sha, stamp, subject, author, refs = fields
        tags = tuple(sorted(r.strip()[5:] for r in refs.split(",") if r.strip().startswith("tag: ")))
        commits.append(Commit(datetime.fromtimestamp(int(stamp), UTC), sha, subject, tags, author))
    return sorted(reversed(commits), key=lambda c: c.time)


def shallow_cut(commits: list[Commit], boundary: list[str], since: datetime) -> datetime | None:
    """In a shallow clone, the commit time of the newest commit whose parents were not fetched, when it
    is at or after `since`: the window may then be missing commits. None when the history that was
    fetched reaches back before the window (commit times, so clock skew aside) or there is no cut.
    A boundary commit we have no time for counts as a cut at `since`."""
    times = {c.commit: c.time for c in commits}
    cuts = [times.get(sha, since) for sha in boundary if sha]
    late = [t for t in cuts if t >= since]
    return max(late) if late else None


def in_window(commits: list[Commit], since: datetime, until: datetime) -> list[Commit]:
    return [c for c in commits if since <= c.time <= until]


def to_json(commits: list[Commit], with_authors: bool = False) -> str:
    rows = []
    for c in commits:
        row = {"time": iso_z(c.time), "commit": c.commit, "subject": c.subject, "tags": list(c.tags)}
        if with_authors:
            row["author"] = c.author
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_events(commits: list[Commit], with_authors: bool = False) -> list[Event]:
    """Timeline rows: `Commit 1a2b3c4 (tag v4.12.0): subject`, the short hash as the source."""
    events = []
    for c in commits:
        tags = f" (tag {', '.join(c.tags)})" if c.tags else ""
        by = f" by {c.author}" if with_authors and c.author else ""
        events.append(Event(c.time, f"Commit {c.commit[:7]}{tags}{by}: {c.subject}", None, c.commit[:12]))
    return events
