"""Timeline rows: read them from exports, mark milestones, write Markdown / JSON / Mermaid. No I/O.

Inputs (`parse`): a JSON array (or an object holding one under `messages`, `events`, `items`, `entries`
or `timeline`, as chat exports do), JSON Lines, CSV with a header row, or log lines that start with an
ISO-8601 timestamp. Records of alert tools (Alertmanager, Grafana, Opsgenie, Elastic) are read by their
own keys. Chat lines that start with a time of day only (`[01:45]`) take their day from a date line
above them or from the caller. Every row that cannot be used becomes a `Problem` with its 1-based line
number; the other rows are kept.

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
from datetime import date, datetime, time, timedelta, tzinfo

from postmortem_skill.helper.model.timeutil import (
    UTC,
    from_epoch,
    iso_z,
    match_timestamp,
    parse_date,
    parse_timestamp,
    time_of_day,
    to_utc,
)
from postmortem_skill.helper.model.vocabulary import MARKERS, MILESTONES

_ALIASES = {
    "impact_start": ("impact start", "impact started", "impact", "start", "started", "outage begins", "故障开始"),
    "detected": ("detect", "detection", "alert", "alerted", "告警"),
    "acknowledged": ("ack", "acked", "acknowledge", "确认", "接手"),
    "mitigated": ("mitigate", "mitigation", "止损"),
    "resolved": ("resolve", "resolution", "recovered", "recovery", "outage ends", "impact ends", "解决"),
}
TIME_KEYS = ("time", "timestamp", "created_at", "ts")
ALERT_TIME_KEYS = ("startsAt", "createdAt", "@timestamp")  # Alertmanager and Grafana, Opsgenie, Elastic (ECS)
LABEL_KEYS = ("level", "severity", "priority", "status")
TEXT_KEYS = ("event", "message", "summary", "text")
LIST_KEYS = ("messages", "events", "items", "entries", "timeline")
WRAPPER_KEYS = ("alerts", "data")  # an Alertmanager or Grafana webhook payload, an Opsgenie API answer
NO_DAY = ("a time without a date: give the day with --date YYYY-MM-DD or a date line above it "
          "(and the exporter's zone with --tz)")
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
    """Collects events and problems; naive times are read in `zone`, each after the previous one, and
    times of day alone on `day` (which date lines change and midnight moves on)."""

    def __init__(self, zone: tzinfo, day: date | None = None):
        self.zone, self.events, self.problems, self._last = zone, [], [], None
        self.day, self._clock = day, None
        self._alert_rows: set[tuple[str, str]] = set()

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
        raw_time, text = _first(record, TIME_KEYS), _first_text(record, TEXT_KEYS)
        alert = raw_time is None  # timed by an alert tool's own keys
        if raw_time is None or text is None:  # not a plain record: perhaps an alert tool's
            text, record = text or _alert_text(record), _alert_labels(record)
        moments = _alert_moments(record) if alert else [(raw_time, record)]
        if moments[0][0] is None:
            return self.problem(line, f"no time (expected one of {', '.join(TIME_KEYS + ALERT_TIME_KEYS)})")
        for when, labelled in moments:
            row = (str(when), with_labels(text, labelled))
            if alert:  # the same alert may be in two snapshots (firing, then resolved): one row
                if row in self._alert_rows:
                    continue
                self._alert_rows.add(row)
            self.add(line, when, row[1], labelled.get("milestone"), labelled.get("source"))

    def set_day(self, line: int, text: str) -> None:
        try:
            self.day, self._clock = parse_date(text), None
        except ValueError as exc:
            self.problem(line, str(exc))

    def add_clock(self, line: int, clock: time, text: str) -> None:
        """A time of day alone: on the current day, or the next one when the clock went back by more
        than 12 hours (the chat crossed midnight; a smaller step back is left to the clock change logic)."""
        if self.day is None:
            return self.problem(line, NO_DAY)
        when = datetime.combine(self.day, clock)
        if self._clock is not None and when < self._clock - timedelta(hours=12):
            self.day, when = self.day + timedelta(days=1), when + timedelta(days=1)
        self._clock = when
        self.add(line, when.isoformat(sep=" "), text)


def _first(record: dict, keys):
    return next((record[k] for k in keys if record.get(k) not in (None, "")), None)


def _first_text(record: dict, keys):
    return next((record[k] for k in keys if isinstance(record.get(k), str) and record[k].strip()), None)


def _mapping(record: dict, key: str) -> dict:
    return record[key] if isinstance(record.get(key), dict) else {}


def _alert_moments(record: dict) -> list[tuple]:
    """(time, record as it stood then): when the alert started, and for a resolved alert (Alertmanager,
    Grafana) also when it ended; an export taken after the incident holds only resolved alerts, and both
    moments belong in the timeline. Alertmanager writes `endsAt: 0001-01-01T00:00:00Z` for an alert
    still firing: that is never a time."""
    started, ends = _first(record, ALERT_TIME_KEYS), record.get("endsAt")
    ended = isinstance(ends, str) and ends.strip() and not ends.strip().startswith("0001-")
    if not (ended and str(record.get("status")).lower() == "resolved"):
        return [(started, record)]
    return ([(started, {**record, "status": "firing"})] if started else []) + [(ends, record)]


def _alert_text(record: dict):
    """`ThumbnailErrorRateHigh: thumbnail 404 rate 7.9%`: the alert name from `labels` and the summary
    (else the description) from `annotations`."""
    name = _label(_mapping(record, "labels"), "alertname")
    body = _first_text(_mapping(record, "annotations"), ("summary", "description"))
    if name and body and name not in body:
        return f"{name}: {body.strip()}"
    return body or name


def _alert_labels(record: dict) -> dict:
    """The record with the level, severity or priority from its `labels` where it has none of its own."""
    nested = _mapping(record, "labels")
    return {**record, **{k: nested[k] for k in LABEL_KEYS if _label(record, k) is None and _label(nested, k)}}


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
            if key is None and _first(whole, TIME_KEYS + ALERT_TIME_KEYS) is None:
                key = next((k for k in WRAPPER_KEYS if isinstance(whole.get(k), list)), None)
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


def _label(record: dict, key: str) -> str | None:
    value = record.get(key)
    return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None


def with_labels(text, record: dict):
    """Keep an alert's level or status with its text: "P2, no page" is often a finding of its own."""
    labels = [label for label in (_label(record, k) for k in LABEL_KEYS) if label]
    if not isinstance(text, str) or not text.strip() or not labels:
        return text
    return f"{text.strip()} [{', '.join(labels)}]"


def _measurements(row: dict, time_col: str) -> str:
    """A metrics export has no event column: the row's other values become the event text."""
    return ", ".join(f"{k}={v.strip()}" for k, v in row.items()
                     if k not in (time_col, "milestone", "source") and v.strip())


# A line that only gives the day (`2026-03-08`, `--- 2026-03-08 ---`, `# 2026-03-08`), and a chat line that
# starts with a time of day alone (`[01:45]`, `[01:45:09]`, `01:45`, `1:45 PM`).
_DATE_LINE = re.compile(r"[\W_]*(\d{4}-\d{2}-\d{2})[\W_]*")
_CLOCK = re.compile(r"\[?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?"
                    r"(?:\s?(?P<half>[AaPp])\.?[Mm]\.?)?(?:\]|(?=\s|$))")


def _clock(m: re.Match) -> time | None:
    hms = time_of_day(int(m["h"]), int(m["mi"]), int(m["s"] or 0), m["half"])
    return time(*hms, int((m["frac"] or "0")[:6].ljust(6, "0"))) if hms else None


def _starts_with_day_or_clock(line: str) -> bool:
    return bool(_DATE_LINE.fullmatch(line.strip()) or _CLOCK.match(line.strip()))


def _read_clock_line(number: int, body: str, reader: _Reader) -> None:
    found = _CLOCK.match(body)
    clock = _clock(found) if found else None
    if found and clock is None:
        reader.problem(number, f"not a time of day: {found[0].strip('[]')!r}")
    elif found:
        reader.add_clock(number, clock, body[found.end():].strip(" \t-|:"))
    else:
        reader.problem(number, "no ISO-8601 timestamp at the start of the line")


def _read_log(text: str, reader: _Reader) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        day = _DATE_LINE.fullmatch(line.strip())
        if day:
            reader.set_day(number, day[1])
            continue
        if not line.strip() or line.lstrip().startswith("#"):  # blank or a comment from the exporter
            continue
        body = line.lstrip()
        bracketed = body.startswith("[")
        found = match_timestamp(body[1:] if bracketed else body)
        if not found:
            _read_clock_line(number, body, reader)
            continue
        when, end = found
        rest = body[end + 1:] if bracketed else body[end:]
        if bracketed:
            rest = rest[1:] if rest.startswith("]") else rest
        reader.add(number, iso_z(when) if when.tzinfo else when.isoformat(sep=" "), rest.strip(" \t-|:"))


def parse(text: str, zone: tzinfo = UTC, day: date | None = None) -> tuple[list[Event], list[Problem]]:
    """Events sorted by time (stable: equal times keep the input order) and the problems met.

    `day` is the date of chat lines that give a time of day only, until a date line in the text says
    otherwise."""
    reader = _Reader(zone, day)
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    log = bool(first) and (bool(match_timestamp(first.lstrip("[ "))) or _starts_with_day_or_clock(first))
    header = _csv_header(first) if first and not log else None
    if not first:
        reader.problem(1, "empty input")
    elif first.lstrip()[0] in "[{" and not match_timestamp(first.lstrip()[1:]) and not log:
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


def time_cells(events: list[Event], zone: tzinfo = UTC) -> list[str]:
    """`HH:MM` (or `HH:MM:SS` when any row has seconds) in `zone`, dated `YYYY-MM-DD HH:MM` when rows
    span days."""
    seconds = any(e.time.second for e in events)
    dated = len({e.time.astimezone(zone).date() for e in events}) > 1
    form = ("%Y-%m-%d " if dated else "") + ("%H:%M:%S" if seconds else "%H:%M")
    return [e.time.astimezone(zone).strftime(form) for e in events]


def event_cell(event: Event, lang: str = "en") -> str:
    marker = MARKERS[event.milestone][lang == "zh"] if event.milestone else ""
    return (f"**{marker}** " if marker else "") + table_cell(event.event)


def headers(lang: str, label: str = "UTC") -> tuple[str, str, str]:
    """The table's column names; `label` names the zone of the time column."""
    return (f"Time ({label})", "Event", "Source") if lang != "zh" else (f"时间（{label}）", "事件", "来源")


def to_markdown(events: list[Event], lang: str = "en", zone: tzinfo = UTC, label: str = "UTC") -> str:
    """A table ready to paste under the Timeline heading, its times in `zone` (named `label`; UTC unless
    the document's timeline says otherwise); a Source column when any row has one."""
    with_source = any(e.source for e in events)
    columns = headers(lang, label)[: 3 if with_source else 2]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for when, e in zip(time_cells(events, zone), events):
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
