"""Timeline rows: read them from exports, mark milestones, write Markdown / JSON / Mermaid. No I/O.

Inputs (`parse`): a JSON array (or an object holding one under `messages`, `events`, `items`, `entries`
or `timeline`, as chat exports do), JSON Lines, CSV with a header row, or log lines that start with an
ISO-8601 timestamp. Every row that cannot be used becomes a `Problem` with its 1-based line number;
the other rows are kept.

Milestones use the metric names: impact_start, detected, acknowledged, mitigated, resolved. Inputs
mark them with a `milestone` field/column or a leading marker in the text (`**DETECTED**`, `[RESOLVED]`,
`【恢复】`); the marker is taken off the text and written back by the Markdown renderer.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from skill.toolkit.timeutil import UTC, from_epoch, iso_z, match_timestamp, parse_timestamp, to_utc

MILESTONES = ("impact_start", "detected", "acknowledged", "mitigated", "resolved")
MARKERS = {  # milestone -> (English marker, Chinese marker), as docs/document-format.md defines them
    "impact_start": ("IMPACT STARTS", "影响开始"),
    "detected": ("DETECTED", "发现"),
    "acknowledged": ("ACKNOWLEDGED", "响应"),
    "mitigated": ("MITIGATED", "缓解"),
    "resolved": ("RESOLVED", "恢复"),
}
_ALIASES = {
    "impact_start": ("impact start", "impact started", "impact", "start", "started", "outage begins", "故障开始"),
    "detected": ("detect", "detection", "alert", "alerted", "告警"),
    "acknowledged": ("ack", "acked", "acknowledge", "确认", "接手"),
    "mitigated": ("mitigate", "mitigation", "止损"),
    "resolved": ("resolve", "resolution", "recovered", "recovery", "outage ends", "impact ends", "解决"),
}
TIME_KEYS = ("time", "timestamp", "created_at", "ts")
LABEL_KEYS = ("level", "severity", "priority", "status")
TEXT_KEYS = ("event", "message", "summary", "text")
LIST_KEYS = ("messages", "events", "items", "entries", "timeline")
_SKIPPED_SUBTYPES = {"channel_join", "channel_leave"}  # chat noise, not incident events


@dataclass(frozen=True)
class Event:
    time: datetime  # aware, UTC
    event: str
    milestone: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


class _BadJson(ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


_LOOKUP = {_key(m): m for m in MILESTONES}
_LOOKUP.update({_key(m): name for name, (en, zh) in MARKERS.items() for m in (en, zh)})
_LOOKUP.update({_key(m): name for name, words in _ALIASES.items() for m in words})


def milestone_name(value: str) -> str | None:
    """`impact_start`, `Impact starts`, `DETECTED`, `ack`, `恢复` → the milestone name; None if unknown."""
    return _LOOKUP.get(_key(value))


_LEADING = re.compile(r"^\s*(?:\*\*(?P<b>[^*]{1,30}?):?\*\*|\[(?P<s>[^\]]{1,30})\]|【(?P<c>[^】]{1,10})】)\s*:?\s*")


_MARKER_LOOKUP = {k: v for k, v in _LOOKUP.items() if k not in {_key(w) for ws in _ALIASES.values() for w in ws}}


def split_marker(text: str) -> tuple[str | None, str]:
    """(milestone, the rest) when `text` starts with a milestone marker, else (None, text).

    Only the document markers and milestone names count here (`[ALERT]` in a log line is not one)."""
    m = _LEADING.match(text)
    if m:
        name = _MARKER_LOOKUP.get(_key(m["b"] or m["s"] or m["c"]))
        if name:
            return name, text[m.end():]
    return None, text


def make_event(when: datetime, text: str, milestone: str | None = None, source: str | None = None) -> Event:
    marked, rest = split_marker(text)
    return Event(when, rest.strip(), milestone or marked, source or None)


# --------------------------------------------------------------------------- reading


class _Reader:
    """Collects events and problems; naive times are read in `zone`, each after the previous one."""

    def __init__(self, zone: tzinfo):
        self.zone, self.events, self.problems, self._last = zone, [], [], None

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(Problem(line, reason))

    def add(self, line: int, raw_time, text, milestone=None, source=None) -> None:
        when = from_epoch(raw_time) if not isinstance(raw_time, str) else None
        if isinstance(raw_time, str):
            when = parse_timestamp(raw_time) or from_epoch(raw_time)
        if when is None:
            return self.problem(line, f"unreadable time {str(raw_time)[:40]!r} (want ISO-8601 or epoch seconds)")
        if not isinstance(text, str) or not text.strip():
            return self.problem(line, f"no event text (expected one of {', '.join(TEXT_KEYS)})")
        try:
            when = to_utc(when, self.zone, self._last)
        except ValueError as exc:
            return self.problem(line, str(exc))
        name = None
        if isinstance(milestone, (list, tuple)):
            self.problem(line, "one milestone per event: for two milestones at the same moment, give two "
                               "events with the same time")
        elif milestone not in (None, ""):
            name = milestone_name(str(milestone))
            if name is None:
                self.problem(line, f"unknown milestone {str(milestone)[:30]!r} (known: {', '.join(MILESTONES)})")
        self._last = when
        self.events.append(make_event(when, text, name, source if isinstance(source, str) else None))

    def add_record(self, line: int, record) -> None:
        if not isinstance(record, dict):
            return self.problem(line, "not an object")
        if record.get("subtype") in _SKIPPED_SUBTYPES:
            return None
        raw_time = next((record[k] for k in TIME_KEYS if record.get(k) not in (None, "")), None)
        if raw_time is None:
            return self.problem(line, f"no time (expected one of {', '.join(TIME_KEYS)})")
        text = next((record[k] for k in TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
        self.add(line, raw_time, with_labels(text, record), record.get("milestone"), record.get("source"))


def from_records(records: list, zone: tzinfo = UTC) -> tuple[list[Event], list[Problem]]:
    """Events from already-parsed objects (a facts file's `events`); problems count items from 1."""
    reader = _Reader(zone)
    for number, record in enumerate(records, 1):
        reader.add_record(number, record)
    return sorted(reader.events, key=lambda e: e.time), reader.problems


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _json_array_items(text: str, start: int):
    """(line, value) for each element of the JSON array whose `[` is at `start`."""
    decoder, i = json.JSONDecoder(), start + 1
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text):
            raise _BadJson(_line_of(text, i), "the JSON array is not closed")
        if text[i] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise _BadJson(_line_of(text, exc.pos), f"invalid JSON ({exc.msg}); the rest is not read") from None
        yield _line_of(text, i), value
        i = end


def _read_json(text: str, reader: _Reader) -> None:
    start = len(text) - len(text.lstrip())
    if text[start] == "{":
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # JSON Lines
        if isinstance(whole, dict):
            key = next((k for k in LIST_KEYS if isinstance(whole.get(k), list)), None)
            if key is None:
                return reader.add_record(_line_of(text, start), whole)
            start = re.search(r'"%s"\s*:\s*\[' % key, text).end() - 1
        else:
            return _read_json_lines(text, reader)
    try:
        for line, value in _json_array_items(text, start):
            reader.add_record(line, value)
    except _BadJson as exc:
        reader.problem(exc.line, str(exc))


def _read_json_lines(text: str, reader: _Reader) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            reader.add_record(number, json.loads(line))
        except json.JSONDecodeError as exc:
            reader.problem(number, f"invalid JSON ({exc.msg})")


def _csv_header(line: str) -> tuple[str, list[str]] | None:
    for delimiter in (",", ";", "\t"):
        cells = [_key(c).replace(" ", "_") for c in next(csv.reader([line], delimiter=delimiter))]
        if any(k in cells for k in TIME_KEYS) and len(cells) >= 2:
            return delimiter, cells
    return None


def _read_csv(text: str, delimiter: str, reader: _Reader) -> None:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_key(c).replace(" ", "_") for c in next(rows)]
    time_col = next(k for k in TIME_KEYS if k in header)
    text_col = next((k for k in TEXT_KEYS if k in header), None)
    try:
        for cells in rows:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                reader.problem(rows.line_num, f"{len(cells)} cells where the header has {len(header)}")
                continue
            row = dict(zip(header, cells))
            text = with_labels(row[text_col], row) if text_col else _measurements(row, time_col)
            reader.add(rows.line_num, row[time_col], text, row.get("milestone"), row.get("source"))
    except csv.Error as exc:
        reader.problem(rows.line_num, f"unreadable CSV ({exc})")


def with_labels(text, record: dict):
    """Keep an alert's level or status with its text: "P2, no page" is often a finding of its own."""
    labels = [str(record[k]).strip() for k in LABEL_KEYS if isinstance(record.get(k), (str, int)) and str(record[k]).strip()]
    if not isinstance(text, str) or not text.strip() or not labels:
        return text
    return f"{text.strip()} [{', '.join(labels)}]"


def _measurements(row: dict, time_col: str) -> str:
    """A metrics export has no event column: the row's other values become the event text."""
    return ", ".join(f"{k}={v.strip()}" for k, v in row.items()
                     if k not in (time_col, "milestone", "source") and v.strip())


def _read_log(text: str, reader: _Reader) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):  # blank or a comment from the exporter
            continue
        body = line.lstrip()
        bracketed = body.startswith("[")
        found = match_timestamp(body[1:] if bracketed else body)
        if not found:
            reader.problem(number, "no ISO-8601 timestamp at the start of the line")
            continue
        when, end = found
        rest = body[end + 1:] if bracketed else body[end:]
        if bracketed:
            rest = rest[1:] if rest.startswith("]") else rest
        reader.add(number, iso_z(when) if when.tzinfo else when.isoformat(sep=" "), rest.strip(" \t-|:"))


def parse(text: str, zone: tzinfo = UTC) -> tuple[list[Event], list[Problem]]:
    """Events sorted by time (stable: equal times keep the input order) and the problems met."""
    reader = _Reader(zone)
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = _csv_header(first) if first and not match_timestamp(first.lstrip("[ ")) else None
    if not first:
        reader.problem(1, "empty input")
    elif first.lstrip()[0] in "[{" and not match_timestamp(first.lstrip()[1:]):
        _read_json(text, reader)
    elif header:
        _read_csv(text, header[0], reader)
    else:
        _read_log(text, reader)
    return sorted(reader.events, key=lambda e: e.time), reader.problems


# --------------------------------------------------------------------------- writing


def to_json(events: list[Event]) -> str:
    rows = [{"time": iso_z(e.time), "event": e.event, "milestone": e.milestone} for e in events]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def table_cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def time_cells(events: list[Event]) -> list[str]:
    """`HH:MM` (or `HH:MM:SS` when any row has seconds), dated `YYYY-MM-DD HH:MM` when rows span days."""
    seconds = any(e.time.second for e in events)
    dated = len({e.time.astimezone(UTC).date() for e in events}) > 1
    form = ("%Y-%m-%d " if dated else "") + ("%H:%M:%S" if seconds else "%H:%M")
    return [e.time.astimezone(UTC).strftime(form) for e in events]


def event_cell(event: Event, lang: str = "en") -> str:
    marker = MARKERS[event.milestone][lang == "zh"] if event.milestone else ""
    return (f"**{marker}** " if marker else "") + table_cell(event.event)


HEADERS = {"en": ("Time (UTC)", "Event", "Source"), "zh": ("时间（UTC）", "事件", "来源")}


def to_markdown(events: list[Event], lang: str = "en") -> str:
    """A table ready to paste under the Timeline heading; a Source column when any row has one."""
    with_source = any(e.source for e in events)
    columns = HEADERS[lang][: 3 if with_source else 2]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for when, e in zip(time_cells(events), events):
        cells = [when, event_cell(e, lang)] + ([table_cell(e.source or "")] if with_source else [])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_MERMAID_CODES = {"#": "#35;", ":": "#58;", ";": "#59;"}  # Mermaid entity codes: `:` separates events


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_CODES.get(c, c) for c in " ".join(text.split()))


def to_mermaid(events: list[Event]) -> str:
    """A fenced Mermaid `timeline` (GitHub renders it): one section per UTC day, one period per row."""
    lines = ["```mermaid", "timeline", "    title Incident timeline (UTC)"]
    day = None
    for e in events:
        utc = e.time.astimezone(UTC)
        if utc.date() != day:
            day = utc.date()
            lines.append(f"    section {day.isoformat()}")
        label = f"{MARKERS[e.milestone][0]} - " if e.milestone else ""
        lines.append(f"        {_mermaid_text(utc.strftime('%H:%M'))} : {_mermaid_text(label + e.event)}")
    return "\n".join(lines + ["```"]) + "\n"
