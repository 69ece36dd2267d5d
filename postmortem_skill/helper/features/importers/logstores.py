"""Log lines as log stores answer a query: Grafana Loki (`/loki/api/v1/query_range`: streams of
`[nanoseconds, line]` pairs under their labels) and Elasticsearch or OpenSearch (`_search`: `hits.hits[]`,
each document in `_source`). Each line becomes a record the JSON reader knows: a JSON log line as it is, a
logfmt line (`level=error msg="…" err="…"`) as its fields, any other line as its message; a stream's
`level` label stands in for a line that gives none. No I/O."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from postmortem_skill.helper.features.importers.core import json_object

_LOGFMT = re.compile(r'([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)')


def is_loki_stream(record: dict) -> bool:
    return isinstance(record.get("stream"), dict) and isinstance(record.get("values"), list)


def _logfmt(line: str) -> dict | None:
    """`level=error msg="batch failed" err="…"` → its fields; None for a line that is not logfmt."""
    pairs = _LOGFMT.findall(line)
    if len(pairs) < 2 or not any(key in ("msg", "message") for key, _ in pairs):
        return None
    return {key: value[1:-1].replace('\\"', '"') if value.startswith('"') else value for key, value in pairs}


def line_record(line: str) -> dict:
    """A log line as a record: JSON as it is, logfmt as its fields, any other line as its message."""
    parsed = json_object(line)
    if parsed is not None:
        return parsed
    return _logfmt(line) or {"msg": line.strip()}  # a log line, read as one (not an alert with a level)


def loki_records(stream: dict) -> list[dict]:
    """A Loki stream's lines as records: each timed by its own nanoseconds (the line's own time, if any, is
    the same moment written again), with the stream's level where the line has none."""
    labels = stream["stream"]
    level = next((labels[k] for k in ("level", "detected_level", "severity") if isinstance(labels.get(k), str)), None)
    out = []
    for pair in stream["values"]:
        if not (isinstance(pair, list) and len(pair) >= 2 and isinstance(pair[1], str)):
            continue
        try:
            when = datetime.fromtimestamp(int(pair[0]) / 1e9, timezone.utc).isoformat()
        except (TypeError, ValueError, OverflowError, OSError):
            when = None
        record = line_record(pair[1])
        record = {k: v for k, v in record.items() if k not in ("ts", "time", "timestamp", "@timestamp")}
        record["time"] = when
        if level and not any(k in record for k in ("level", "lvl", "log.level", "severity")):
            record["level"] = level
        out.append(record)
    return out


def elastic_source(record: dict) -> dict | None:
    """An Elasticsearch hit's document (`_source`), else None."""
    source = record.get("_source")
    return source if isinstance(source, dict) and ("_index" in record or "_id" in record) else None
