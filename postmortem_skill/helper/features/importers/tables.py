"""Tables with a header row, CSV/TSV and Markdown alike: which column holds the time, the text, the id, the
status; a zone named in the time column's header (`time_utc`, `Time (UTC)`, `时间（北京时间）`); change
windows `A – B` as a start and an end row; metrics exports condensed to the rows and columns that change."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

from postmortem_skill.helper.features.importers import recovery
from postmortem_skill.helper.features.importers.core import Reader, with_labels
from postmortem_skill.helper.model.timeutil import match_timestamp, zone_or_none

TIME_NAMES = ("time", "timestamp", "ts", "datetime", "date time", "time utc", "created at", "created on",
              "createdat", "@timestamp", "occurred at", "event time", "started at", "start time", "starts at",
              "deployed at", "finished at", "completed at",
              "window", "change window", "maintenance window", "planned window", "scheduled", "period", "date",
              "when", "时间", "发生时间", "时间点", "告警时间", "触发时间", "开始时间", "变更时间", "变更窗口",
              "时间窗口", "计划时间", "实施时间", "执行时间", "操作时间", "窗口", "日期")
TEXT_NAMES = ("event", "message", "summary", "text", "alert", "alert name", "alertname", "description", "title",
              "details", "note", "notes", "content", "change", "action", "what", "内容", "事件", "描述", "标题",
              "告警", "告警内容", "告警名称", "消息", "说明", "变更内容", "操作", "摘要")
ID_NAMES = ("id", "alert id", "incident id", "incident number", "number", "tinyid", "tiny id", "change id",
            "change", "ticket", "key", "ref", "fingerprint", "编号", "单号", "变更单", "变更单号", "变更编号", "工单",
            "工单号", "告警id", "告警编号")
STATUS_NAMES = ("status", "state", "level", "severity", "priority", "urgency", "状态", "级别", "告警级别", "优先级")
LATER_NAMES = {"acknowledged at": "acknowledged", "acknowledged on": "acknowledged", "resolved at": "resolved",
               "resolved on": "resolved", "closed at": "closed", "ended at": "resolved", "end time": "end",
               "确认时间": "acknowledged", "恢复时间": "resolved", "结束时间": "end"}
_ZONE_SUFFIX = re.compile(r"[\s_]*(?:[(（\[]\s*(?P<p>[^)）\]]{1,20}?)\s*[)）\]]|_(?P<u>utc|gmt))\s*$", re.I)
_RANGE = re.compile(r"\s*(?:–|—|~|～|至|\bto\b|\s-\s|(?<=\d)-(?=\d{1,2}:\d{2}|\d{4}[-/]\d{1,2}[-/]\d{1,2}))\s*")


def header_name(cell: str) -> tuple[str, str | None]:
    """(normalised name, zone it names or None): `Time (UTC)` → ('time', 'UTC'); `time_utc` → ('time',
    'UTC'); `时间（北京时间）` → ('时间', '北京时间'); `@timestamp` → ('@timestamp', None)."""
    text = cell.strip().strip("*`").strip()
    zone = None
    m = _ZONE_SUFFIX.search(text)
    if m and zone_or_none((m["p"] or m["u"] or "").replace(" ", "")) is not None:
        zone, text = (m["p"] or m["u"]).replace(" ", ""), text[:m.start()]
    return re.sub(r"[\s_-]+", " ", text.strip().lower()), zone


class Columns:
    """Which column is which, from a header row; None when the header names no time column."""

    def __init__(self, cells: list[str]):
        named = [header_name(c) for c in cells]
        self.names = [n for n, _ in named]
        self.shown = [c.strip() for c in cells]
        self.time = self._pick(TIME_NAMES)
        self.zone = zone_or_none(named[self.time][1]) if self.time is not None else None
        self.date = self._pick(("date", "日期", "day"), exclude={self.time})  # a day apart from the clock
        self.text = self._pick(TEXT_NAMES, exclude={self.time, self.date})
        self.id = self._pick(ID_NAMES, exclude={self.time, self.text, self.date})
        self.milestone = self._pick(("milestone", "里程碑"))
        self.source = self._pick(("source", "来源"))
        self.status = [i for i, n in enumerate(self.names) if n in STATUS_NAMES]
        self.later = [(i, LATER_NAMES[n]) for i, n in enumerate(self.names) if n in LATER_NAMES and i != self.time]

    def _pick(self, names, exclude=frozenset()):
        for name in names:
            if name in self.names and self.names.index(name) not in exclude:
                return self.names.index(name)
        return None

    def ok(self) -> bool:
        return self.time is not None and len(self.names) >= 2


def _zone(columns: Columns, reader: Reader):
    return columns.zone or reader.zone


def _window(text: str):
    """(start, end) texts of a window `2026-10-20 13:00 – 14:00` (the end may give the time only)."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    if len(parts) != 2 or not match_timestamp(parts[0]):
        return None
    start, end = parts
    if not match_timestamp(end) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?(\s*\S{0,10})?", end.strip()):
        begun = match_timestamp(start)[0]
        hour, minute = (int(x) for x in end.strip().split(":")[:2])
        day = begun.date() + timedelta(days=1) if (hour, minute) < (begun.hour, begun.minute) else begun.date()
        end = f"{day.isoformat()} {end.strip()}"  # `23:30 – 00:30` ends the next day
    return start, end


_CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?")


def add_row(reader: Reader, line: int, cells: list[str], columns: Columns) -> None:
    time_text = cells[columns.time].strip()
    if _CLOCK_ONLY.fullmatch(time_text):  # a time of day: the date column's day, else --date's
        day = cells[columns.date].strip() if columns.date is not None else None
        if day:
            time_text = f"{day.replace('/', '-')} {time_text}"
        elif reader.day is not None:
            time_text = f"{reader.day.isoformat()} {time_text}"
    labels = {f"c{i}": cells[i] for i in columns.status}
    text = cells[columns.text].strip() if columns.text is not None else ""
    ident = cells[columns.id].strip() if columns.id is not None else None
    milestone = cells[columns.milestone] if columns.milestone is not None else None
    source = cells[columns.source].strip() if columns.source is not None else None
    zone = _zone(columns, reader)
    window = _window(time_text)
    if window:
        zh = bool(re.search(r"[\u4e00-\u9fff]", text))
        for when, which in zip(window, ("开始", "结束") if zh else ("start", "end")):
            named = (f"{ident} " if ident else "") + (f"窗口{which}" if zh else f"window {which}")
            reader.add(line, when, (f"{named}：{text}" if zh else f"{named}: {text}") if text else named, None,
                       source, ident, zone)
        return None
    if not text:
        text = ", ".join(f"{columns.shown[i]}={c.strip()}" for i, c in enumerate(cells)
                         if i not in (columns.time, columns.date, columns.milestone, columns.source) and c.strip())
    if columns.later:  # the status column says where it ended; this row is where it began
        labels = {k: v for k, v in labels.items() if columns.names[int(k[1:])] not in ("status", "state", "状态")}
        labels["start"] = "triggered"
    reader.add(line, time_text, with_labels(text, labels, tuple(labels)), milestone, source, ident, zone)
    for index, status in columns.later:
        if cells[index].strip():
            reader.add(line, cells[index].strip(), f"{text} [{status}]", None, source, ident, zone)


# --------------------------------------------------------------------------- CSV and TSV


def csv_header(line: str) -> tuple[str, Columns] | None:
    for delimiter in ("\t", ",", ";"):
        if delimiter not in line:
            continue
        columns = Columns(next(csv.reader([line], delimiter=delimiter)))
        if columns.ok():
            return delimiter, columns
    return None


def _number(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        return None


def _turns(vs: list[float | None], span: float, share: float = 0.2) -> set[int]:
    """Rows where a series leaves its baseline or comes back to it, makes a sharp step (a jump of `share`
    of its range that at least doubles or halves it), or turns (a peak or a trough after a move of `share`
    of its range): the rows a reader needs to see impact start and end.

    The baseline is the median of the first rows; a value has left it when it is further from it than
    twice the baseline's own spread (and 1% of the range): a lag of 2,400 after a quiet 105-140 has left,
    however small it is next to a later peak of 212,000."""
    known = [v for v in vs[:5] if v is not None]
    if not known or not span:
        return set()
    base, out, away, turn, rising = sorted(known)[len(known) // 2], set(), False, None, None
    tolerance = max(2 * (max(known) - min(known)), 0.01 * span)
    for n, v in enumerate(vs):
        if v is None:
            continue
        if (abs(v - base) > tolerance) != away:
            away = not away
            out.add(n)
        before = next((vs[k] for k in range(n - 1, -1, -1) if vs[k] is not None), None)
        if before is not None and abs(v - before) >= share * span and (
                min(abs(v), abs(before)) * 2 <= max(abs(v), abs(before))):
            out.add(n)
        if before is not None and v != before:
            up = v > before
            if rising is not None and up != rising and turn is not None and abs(before - turn) >= share * span:
                out.add(n - 1 if vs[n - 1] is not None else n)
            if rising is None or up != rising:
                turn, rising = before, up
    return out


def _crossings(vs: list[float | None], thresholds) -> set[int]:
    """The first row at or past each threshold (an alert's `above 20000`) that a series crosses."""
    out = set()
    for limit in thresholds:
        before = None
        for n, v in enumerate(vs):
            if v is None:
                continue
            if before is not None and (before < limit <= v or before > limit >= v):
                out.add(n)
                break
            before = v
    return out


def _shown(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _s(count: int) -> str:
    return "s" * (count != 1)


def metric_milestones(rows: list[tuple[int, list[str]]], columns: Columns) -> dict[int, tuple[str, str]]:
    """Guesses, by line, as (milestone, what it rests on): impact starts at the first sample of the
    earliest material rise of a series (`recovery`: a small shift before it is named, not marked); every
    material, sustained move back of a series (`recovery.analyse`) is a mitigation candidate
    (`guess.milestones` prefers the first after a rollback, restart or failover, else takes the first);
    resolved at the first sample from which every series that left stays at its
    baseline. Only guesses: `new` says so and the writer checks them."""
    found = {}
    for i in range(len(columns.names)):
        if i not in (columns.time, columns.date):
            excursion = recovery.analyse([_number(r[i]) for _, r in rows])
            if excursion is not None:
                found[columns.shown[i]] = (i, excursion)
    if not found:
        return {}
    name, (i, first) = min(found.items(), key=lambda item: (item[1][1].onset, item[1][1].start))
    why = (f"the first sample of {name}'s material rise ({_shown(_number(rows[first.onset][1][i]))} against "
           f"its baseline {_shown(first.level)})")
    earliest = min(e.start for _, e in found.values())
    if earliest < first.onset:
        shifted = next(n for n, (_, e) in found.items() if e.start == earliest)
        when = f"{rows[earliest][1][columns.time].strip()}, " if columns.time is not None else ""
        why += (f"; {shifted} first left its baseline earlier, by less ({when}line {rows[earliest][0]}): check "
                "whether users felt that")
    out = {rows[first.onset][0]: ("impact_start", why)}
    candidates = {}
    for name, (i, excursion) in found.items():
        for move in excursion.recoveries:
            worst, held = (_number(rows[n][1][i]) for n in (move.worst, move.confirmed))
            share = round(100 * abs(worst - held) / max(abs(worst - excursion.level), 1e-9))
            later = move.confirmed - move.onset
            how_far = f"{share}% of the way back to" if share <= 100 else "past"
            why = (f"{name} starts moving back here: from {_shown(worst)} at its worst to {_shown(held)} "
                   f"{f'{later} sample{_s(later)} on' if later else 'at once'}, {how_far} its baseline "
                   f"{_shown(excursion.level)}, and stays there")
            candidates.setdefault(move.onset, why)
    backs = [e.back for _, e in found.values()]
    resolved = max(backs) if None not in backs else None
    for n in sorted(candidates):
        if resolved is None or n <= resolved:
            out.setdefault(rows[n][0], ("mitigated", candidates[n]))
    if resolved is not None and rows[resolved][0] not in out:
        out[rows[resolved][0]] = ("resolved", "the first sample from which every series that left its "
                                  "baseline stays there (" + ", ".join(found) + ")")
    return out


def condense(rows: list[tuple[int, list[str]]], columns: Columns, step: float = 0.5, thresholds=(),
             marked=frozenset()):
    """A metrics export: keep the columns whose values change, and the rows where one of them leaves or
    returns to its baseline, jumps, turns (`_turns`), first crosses one of `thresholds` (numbers the
    alerts name), moved by `step` of its range since the last kept row, reaches its peak or low, or (a
    column of a few values, such as a state or a count of errors) takes another value; the first and last
    rows too, and the lines in `marked` (the milestone guesses)."""
    keep = [i for i in range(len(columns.names))
            if i not in (columns.time, columns.date) and len({r[i].strip() for _, r in rows}) > 1]
    values = {i: [_number(r[i]) for _, r in rows] for i in keep}
    span = {i: (max(v for v in vs if v is not None) - min(v for v in vs if v is not None))
            if any(v is not None for v in vs) else 0 for i, vs in values.items()}
    peaks = set()
    for i, vs in values.items():
        known = [(v, n) for n, v in enumerate(vs) if v is not None]
        if known:
            peaks.update({max(known)[1], min(known)[1]})
            peaks.update(_turns(vs, span[i]))
            peaks.update(_crossings(vs, thresholds))
    few = [i for i in keep if len({r[i].strip() for _, r in rows}) <= 5]
    kept, last = [], None
    for n, (line, cells) in enumerate(rows):
        switched = n and any(cells[i].strip() != rows[n - 1][1][i].strip() for i in few)
        moved = last is None or n == len(rows) - 1 or n in peaks or switched or line in marked or any(
            (values[i][n] is None and cells[i] != rows[last][1][i]) or (
                values[i][n] is not None and values[i][last] is not None and span[i]
                and abs(values[i][n] - values[i][last]) >= step * span[i]) for i in keep)
        if moved:
            kept.append((line, [c if i in keep or i in (columns.time, columns.date) else ""
                                for i, c in enumerate(cells)]))
            last = n
    return kept


def read_csv(text: str, delimiter: str, columns: Columns, reader: Reader) -> None:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(cells for cells in rows if any(c.strip() for c in cells))  # the header
    good: list[tuple[int, list[str]]] = []
    try:
        for cells in rows:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns.names):
                reader.problem(rows.line_num, f"{len(cells)} cells where the header has {len(columns.names)}")
                continue
            good.append((rows.line_num, cells))
    except csv.Error as exc:
        reader.problem(rows.line_num, f"unreadable CSV ({exc})")
    if columns.text is None and columns.id is None and len(good) > 12:
        return add_metrics(good, columns, reader)
    for line, cells in good:
        add_row(reader, line, cells, columns)


def add_metrics(rows: list[tuple[int, list[str]]], columns: Columns, reader: Reader) -> None:
    """A metrics export's samples: the milestone guesses as hints, the rows `condense` keeps as events."""
    reader.metrics = True
    reader.hints.update(metric_milestones(rows, columns))
    kept = condense(rows, columns, thresholds=reader.thresholds, marked=set(reader.hints))
    if len(kept) < len(rows):
        taken = {line for line, _ in kept}
        reader.dropped = [line for line, _ in rows if line not in taken]
    for line, cells in kept:
        add_row(reader, line, cells, columns)


def is_series_export(whole) -> bool:
    """A metrics API answer with its points (Datadog's `/api/v1/query`: `series[].pointlist` of
    `[epoch ms, value]`)."""
    series = whole.get("series") if isinstance(whole, dict) else None
    return isinstance(series, list) and bool(series) and all(
        isinstance(s, dict) and isinstance(s.get("pointlist"), list) for s in series)


def read_series(text: str, whole: dict, reader: Reader) -> None:
    """The series as a metrics table, one column a series (its display name, else metric and scope), one
    row a time; a row's line is where its time first appears in the text (pretty-printed: its own line),
    else its number in time order."""
    names, points = [], {}
    for index, series in enumerate(whole["series"]):
        name = str(series.get("display_name") or series.get("metric") or series.get("expression") or
                   f"series {index + 1}")
        names.append(name if name not in names else f"{name} ({series.get('scope', index + 1)})")
        for point in series["pointlist"]:
            if isinstance(point, list) and len(point) == 2 and isinstance(point[0], (int, float)):
                points.setdefault(point[0], {})[index] = point[1]
    if not points:
        return reader.problem(1, "a metrics series export with no points")
    times = sorted(points)
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for m in re.finditer(r"\d{9,}(?:\.\d+)?", line):
            first_line.setdefault(m[0], number)
    lines = [first_line.get(_number_text(t)) for t in times]
    if None in lines or len(set(lines)) < len(lines):
        lines = list(range(1, len(times) + 1))
    columns = Columns(["time", *names])
    rows = [(line, [_iso(t), *(_cell(points[t].get(i)) for i in range(len(names)))]) for line, t in zip(lines, times)]
    if len(rows) > 12:
        return add_metrics(rows, columns, reader)
    for line, cells in rows:
        add_row(reader, line, cells, columns)
    return None


def _cell(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _number_text(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _iso(epoch_ms) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, timezone.utc).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------- Markdown tables

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def read_markdown(text: str, reader: Reader) -> bool:
    """Rows of every Markdown table whose header names a time column; False when there is none. A zone
    in the heading above a table (`## Changes (UTC+8)`) applies to its naive times."""
    lines, found, heading_zone = text.splitlines(), False, None
    i = 0
    while i < len(lines) - 1:
        line = lines[i]
        if line.lstrip().startswith("#"):
            m = re.search(r"[(（]\s*([^)）]{1,20}?)\s*[)）]", line)
            heading_zone = zone_or_none(m[1].replace(" ", "")) if m else None
        if line.strip().startswith("|") and _SEPARATOR.match(lines[i + 1]):
            columns = Columns(_cells(line))
            if columns.zone is None and heading_zone is not None:
                columns.zone = heading_zone
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = _cells(lines[i])
                if columns.ok() and len(cells) == len(columns.names):
                    found = True
                    add_row(reader, i + 1, cells, columns)
                i += 1
            continue
        i += 1
    return found

