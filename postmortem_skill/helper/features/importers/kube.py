"""Kubernetes events as `kubectl get events -o json` (core v1: `involvedObject`, `firstTimestamp`,
`lastTimestamp`, `count`) or events.k8s.io/v1 (`regarding`, `note`, `eventTime`, `series`,
`deprecatedFirstTimestamp`) export them, and as event exporters archive them. No I/O.

One row at the first time an event was seen, `Warning Pod/name: Reason: message`; an event repeated
(`count` > 1, or a series) gets a second row at its last time, saying how often it happened: an OOM kill
seen 41 times from 09:04 to 09:45 is where the impact started and how long it lasted."""
from __future__ import annotations

from postmortem_skill.helper.features.importers.core import Reader


def _mapping(record: dict, name: str) -> dict:
    return record[name] if isinstance(record.get(name), dict) else {}


def is_kube_event(record: dict) -> bool:
    return record.get("kind") == "Event" and ("involvedObject" in record or "regarding" in record)


def _first_time(record: dict):
    for key in ("firstTimestamp", "deprecatedFirstTimestamp", "eventTime"):
        if isinstance(record.get(key), str) and record[key].strip():
            return record[key]
    return _mapping(record, "metadata").get("creationTimestamp")


def _last_time(record: dict):
    series = _mapping(record, "series")
    for value in (series.get("lastObservedTime"), record.get("lastTimestamp"), record.get("deprecatedLastTimestamp")):
        if isinstance(value, str) and value.strip():
            return value
    return None


def _count(record: dict) -> int:
    for value in (_mapping(record, "series").get("count"), record.get("count"), record.get("deprecatedCount")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 1


def add_kube_event(reader: Reader, line: int, record: dict) -> None:
    target = _mapping(record, "involvedObject") or _mapping(record, "regarding")
    what = "/".join(str(target[k]) for k in ("kind", "name") if isinstance(target.get(k), str) and target[k])
    message = record.get("message") if isinstance(record.get("message"), str) else record.get("note")
    reason = record.get("reason") if isinstance(record.get("reason"), str) else ""
    parts = [p.strip() for p in (what, reason, message if isinstance(message, str) else "") if p and p.strip()]
    level = record.get("type") if isinstance(record.get("type"), str) else ""
    text = f"{level} {': '.join(parts)}".strip() if parts else None
    first, last, count = _first_time(record), _last_time(record), _count(record)
    reader.add(line, first, text)
    if text and count > 1 and last and last != first:
        reader.add(line, last, f"{text} (last of {count}, since {str(first)[11:19]})")
