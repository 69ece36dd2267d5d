"""Argo CD applications as deploy rows: the Application resource as `argocd app get APP -o json` prints it (or
`kubectl get applications -o json`, `{"items": [...]}`), and a bare `status.history` list. No I/O.

Each `status.history[]` entry (a RevisionHistory: `id`, `revision` or multi-source `revisions`,
`deployStartedAt`, `deployedAt`, `source.targetRevision` or `sources[]`, `initiatedBy`) is one sync that
completed: a row at `deployedAt`, "Argo CD deployed booking-service v2.14.1 (revision 5526e8e, sync 42)",
and one at `deployStartedAt` when the sync took time. A sync back to the revision of an earlier one, after a
different one, says so (a rollback). `status.operationState` (the latest operation: `startedAt`, `finishedAt`,
`phase`, `message`, `syncResult.revision`) is a row of its own only when no history entry is the same sync,
as a failed or running sync is not: its start, and its end with the phase. Who started a sync
(`initiatedBy.username`) is left out, as the other change readers leave out a change's assignee or author:
a postmortem names changes, not people; an automated sync says so.
"""
from __future__ import annotations

import re

from postmortem_skill.helper.features.importers.core import Reader, mapping, time_locator

_SHA = re.compile(r"[0-9a-f]{40}")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def is_history_entry(record: dict) -> bool:
    """One RevisionHistory entry: an id, a deployedAt and the revision(s) it synced."""
    return "deployedAt" in record and "id" in record and ("revision" in record or "revisions" in record)


def is_application(record: dict) -> bool:
    """An Argo CD Application (the CLI's JSON may carry no apiVersion and kind) with a sync history or an
    operation state."""
    status = mapping(record, "status")
    history = status.get("history")
    synced = isinstance(history, list) and any(isinstance(h, dict) and is_history_entry(h) for h in history)
    operated = bool(_text(mapping(status, "operationState").get("startedAt")))
    kind = record.get("kind") in (None, "Application") and "spec" in record or \
        _text(record.get("apiVersion")).startswith("argoproj.io/")
    return kind and (synced or operated)


def _short(revision: str) -> str:
    return revision[:7] if _SHA.fullmatch(revision) else revision  # a Helm chart's revision is its version


def _revisions(entry: dict) -> tuple[str, ...]:
    listed = entry.get("revisions")
    found = [_text(r) for r in listed] if isinstance(listed, list) else [_text(entry.get("revision"))]
    return tuple(r for r in found if r)


def _sources(entry: dict) -> list[dict]:
    listed = entry.get("sources")
    return [x for x in listed if isinstance(x, dict)] if isinstance(listed, list) else [mapping(entry, "source")]


def _what(app: str, entry: dict, revisions: tuple[str, ...]) -> tuple[str, str]:
    """(`booking-service v2.14.1`, `revision 5526e8e`): what the sync was asked for, each source's
    targetRevision (a tag, a branch, HEAD; a Helm chart's name and version), and the revisions it got,
    those that only repeat a target left out."""
    sources = _sources(entry)
    targets = []
    for source in sources:
        target, chart = _text(source.get("targetRevision")), _text(source.get("chart"))
        targets.append(f"{chart} {target}" if chart and target else target)
    asked = {_text(source.get("targetRevision")) for source in sources}
    shown = [_short(r) for r in revisions if r not in asked]
    named = " + ".join(dict.fromkeys(t for t in targets if t))
    revision = f"revision{'s' * (len(shown) > 1)} {', '.join(shown)}" if shown else ""
    return (f"{app} {named}" if named else app), revision


def _details(*parts: str) -> str:
    kept = [p for p in parts if p]
    return f" ({', '.join(kept)})" if kept else ""


def _automated(entry: dict) -> str:
    return "automated" if mapping(entry, "initiatedBy").get("automated") is True else ""


def _history(reader: Reader, line, app: str, history: list, locate) -> set:
    """The rows of the history, oldest sync first; the (revisions, start, end) of each, to tell the
    operation state's sync apart."""
    entries = sorted((h for h in history if isinstance(h, dict) and is_history_entry(h)),
                     key=lambda h: (h["id"] if isinstance(h["id"], int) else 0))
    seen, previous, synced = {}, None, set()
    for entry in entries:
        revisions, number = _revisions(entry), entry.get("id")
        sync = f"sync {number}" if isinstance(number, (int, str)) and not isinstance(number, bool) else ""
        what, revision = _what(app, entry, revisions)
        back = seen.get(revisions) if revisions and previous is not None and revisions != previous else None
        rollback = f"rollback to the revision of sync {back}" if back is not None else ""
        started, deployed = entry.get("deployStartedAt"), entry.get("deployedAt")
        if _text(started) and started != deployed:
            reader.add(locate(started, line), started,
                       f"Argo CD started deploying {what}{_details(revision, sync, rollback, _automated(entry))}",
                       ident=sync or None)
        reader.add(locate(deployed, line), deployed,
                   f"Argo CD deployed {what}{_details(revision, sync, rollback, _automated(entry))}",
                   ident=sync or None)
        synced.add((revisions, _text(started), _text(deployed)))
        seen.setdefault(revisions, number)
        previous = revisions
    return synced


def _operation(reader: Reader, line, app: str, state: dict, synced: set, locate) -> None:
    """The latest operation, unless a history entry is the same sync (same revisions, and its start or
    end): a failed, erroring or running sync is in no history."""
    result, operation = mapping(state, "syncResult"), mapping(state, "operation")
    revisions = _revisions(result) or _revisions(mapping(operation, "sync"))
    started, finished = _text(state.get("startedAt")), _text(state.get("finishedAt"))
    if any(r == revisions and (s == started or d == finished) for r, s, d in synced) or not started:
        return
    what, revision = _what(app, {"sources": result.get("sources"), "source": mapping(result, "source")}, revisions)
    automated = _automated(operation)
    phase, message = _text(state.get("phase")), " ".join(_text(state.get("message")).split())
    if not finished:  # still running (or the export does not say when it ended)
        said = f", phase {phase}" if phase else ""
        reader.add(locate(started, line), started,
                   f"Argo CD started deploying {what}{_details(revision, automated)}{said}")
        return
    reader.add(locate(started, line), started, f"Argo CD started deploying {what}{_details(revision, automated)}")
    reader.add(locate(finished, line), finished, f"Argo CD deploy of {what} ended, phase {phase or 'unknown'}"
               f"{_details(revision, automated, _shortened(message))}")


def _shortened(message: str, most: int = 160) -> str:
    """A sync's message, cut at a word when long (a failed apply quotes the whole invalid object)."""
    if len(message) <= most:
        return message
    return message[:most].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def add_application(reader: Reader, line: int, record: dict, text: str = "") -> None:
    """The rows of one Application. `text`, the whole file when the Application is all of it, lets each
    row cite the line of its own time; otherwise every row cites `line`."""
    app = _text(mapping(record, "metadata").get("name")) or "the application"
    status = mapping(record, "status")
    history = status.get("history") if isinstance(status.get("history"), list) else []
    locate = time_locator(text)
    synced = _history(reader, line, app, history, locate)
    _operation(reader, line, app, mapping(status, "operationState"), synced, locate)


def add_history_entry(reader: Reader, line: int, record: dict) -> None:
    """One entry of a bare `status.history` list (`kubectl get application APP -o jsonpath=…`)."""
    _history(reader, line, "the application", [record], lambda _when, at: at)
