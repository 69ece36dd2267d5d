"""Tables with a header row, CSV/TSV and Markdown alike: which column holds the time, the text, the id, the
status; a zone named in the time column's header (`time_utc`, `Time (UTC)`, `时间（北京时间）`); change
windows `A – B` as a start and an end row; metrics exports condensed to the rows and columns that change."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

from postmortem_skill.helper.features.importers import recovery
from postmortem_skill.helper.features.importers.columns import Columns, is_capacity, is_load, is_resource, is_volume
from postmortem_skill.helper.features.importers.core import LABEL_KEYS, Reader, not_done, with_labels
from postmortem_skill.helper.features.importers.jsonlogs import log_text
from postmortem_skill.helper.features.importers.logquery import is_log_table, log_record
from postmortem_skill.helper.features.importers.services import names
from postmortem_skill.helper.model.timeutil import match_timestamp, zone_or_none

_RANGE = re.compile(r"\s*(?:–|—|~|～|至|\bto\b|\s-\s|(?<=\d)-(?=\d{1,2}:\d{2}|\d{4}[-/]\d{1,2}[-/]\d{1,2}))\s*")


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


def _dated(time_text: str, cells: list[str], columns: Columns, reader: Reader) -> str:
    """A time of day alone gets the date column's day, else --date's."""
    if _CLOCK_ONLY.fullmatch(time_text):
        day = cells[columns.date].strip() if columns.date is not None else None
        if day:
            return f"{day.replace('/', '-')} {time_text}"
        if reader.day is not None:
            return f"{reader.day.isoformat()} {time_text}"
    return time_text


def _change_window(start: str, cells: list[str], columns: Columns, planned: bool):
    """(start, end or None) of a change list's row with start and end columns (实际开始, 实际结束)."""
    if not columns.change:
        return None
    ends = [columns.planned_end] if planned else [i for i, kind in columns.later if kind == "end"]
    if not ends or ends[0] is None:
        return None
    return start, cells[ends[0]].strip() or None


def add_window(reader, line, window, text, ident, source, zone, planned: bool, skipped: str | None) -> None:
    """A start and an end row; a change that never ran (`skipped`, its status word) one row at its start,
    saying so first: `cancelled: CHG-7 window start (planned): …`. A change with no start at all is a problem
    of its line, never left out in silence."""
    if not (window[0] or "").strip():
        return reader.problem(line, f"{ident or 'a change'} has no start time (actual or planned): left out")
    zh = bool(re.search(r"[\u4e00-\u9fff]", text))
    for when, which in zip(window[:1] if skipped else window, ("开始", "结束") if zh else ("start", "end")):
        if not when:
            continue
        named = (f"{ident} " if ident else "") + (f"窗口{which}" if zh else f"window {which}")
        named += ("（计划）" if zh else " (planned)") if planned else ""
        named = (f"{named}：{text}" if zh else f"{named}: {text}") if text else named
        reader.add(line, when, said(skipped, named), None, source, ident, zone)


def on_target(text: str, target: str) -> str:
    """A change's text with the configuration item it is on when the text does not name it: `Patch hosts -
    checkout-db`."""
    if not target or not text or names(text, target.lower()):
        return text
    return f"{text} - {target}"


def said(skipped: str | None, text: str) -> str:
    if not skipped:
        return text
    return f"{skipped}：{text}" if re.match(r"[\u4e00-\u9fff]", skipped) else f"{skipped}: {text}"


def _never_ran(cells: list[str], columns: Columns) -> str | None:
    """The status word of a change whose status says it never ran (Cancelled, Rejected, 已取消 …), unless an
    actual start is given beside its planned one (it started, whatever its status says now)."""
    if columns.planned is not None and cells[columns.time].strip():
        return None
    return next((word for i in columns.status if columns.is_status(i) and (word := not_done(cells[i]))), None)


def add_row(reader: Reader, line: int, cells: list[str], columns: Columns) -> None:
    time_text = _dated(cells[columns.time].strip(), cells, columns, reader)
    planned = not time_text and columns.planned is not None and bool(cells[columns.planned].strip())
    if planned:  # a change that has no actual start (cancelled, not yet done): its planned window
        time_text = _dated(cells[columns.planned].strip(), cells, columns, reader)
    planned = planned or columns.only_planned
    labels = {f"c{i}": cells[i] for i in columns.status}
    text = cells[columns.text].strip() if columns.text is not None else ""
    ident = cells[columns.id].strip() if columns.id is not None else None
    milestone = cells[columns.milestone] if columns.milestone is not None else None
    source = cells[columns.source].strip() if columns.source is not None else None
    text = on_target(text, cells[columns.target].strip() if columns.target is not None else "")
    zone = columns.zone  # else the reader's, and counted as naive when the time names no zone
    skipped = _never_ran(cells, columns)
    window = _window(time_text) or _change_window(time_text, cells, columns, planned)
    if window:
        return add_window(reader, line, window, text, ident, source, zone, planned, skipped)
    if skipped:
        labels = {k: v for k, v in labels.items() if not columns.is_status(int(k[1:]))}
        return reader.add(line, time_text, said(skipped, with_labels(text or "change", labels, tuple(labels))),
                          milestone, source, ident, zone)
    if not text:
        text = ", ".join(f"{columns.shown[i]}={c.strip()}" for i, c in enumerate(cells)
                         if i not in (columns.time, columns.date, columns.milestone, columns.source) and c.strip())
    if columns.later:  # the status column says where it ended; this row is where it began
        labels = {k: v for k, v in labels.items() if not columns.is_status(int(k[1:]))}
        labels["start"] = "triggered"
    reader.add(line, time_text, with_labels(text, labels, tuple(labels)), milestone, source, ident, zone)
    who = cells[columns.who_acked].strip() if columns.who_acked is not None else ""
    for index, status in columns.later:
        if cells[index].strip():
            by = f" ({columns.shown[columns.who_acked]} {who})" if who and status == "acknowledged" else ""
            reader.add(line, cells[index].strip(), f"{text}{by} [{status}]", None, source, ident, zone)
    return None


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
    baseline. Load series (`columns.is_load`: qps, connected clients, 请求量) and capacity (pods, replicas)
    are left out, and so is a rise of business volume (`columns.is_volume`: orders, 订单量): a rise in traffic
    or a scale-out is not impact; a file with load series only counts their
    falls. Resources (memory, heap, CPU) count only when no series users see (errors, latency) moved.
    Only guesses: `new` says so and the writer checks them."""
    found = {}
    for i in range(len(columns.names)):
        if i not in (columns.time, columns.date):
            excursion = recovery.analyse([_number(r[i]) for _, r in rows])
            if excursion is not None:
                found[columns.shown[i]] = (i, excursion)
    found = {name: item for name, item in found.items() if not is_capacity(name)}
    impact = {name: (i, e) for name, (i, e) in found.items() if not is_load(name)
              and not (is_volume(name) and _number(rows[e.start][1][i]) > e.level)}  # more orders: traffic
    seen = {name: item for name, item in impact.items() if not is_resource(name)}  # what users see, first
    found = seen or impact or {name: (i, e) for name, (i, e) in found.items()  # load alone: only its fall
                               if _number(rows[e.start][1][i]) < e.level}
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
        if n > first.onset and (resolved is None or n <= resolved):
            out.setdefault(rows[n][0], ("mitigated", candidates[n]))
    if resolved is not None and resolved > first.onset and rows[resolved][0] not in out:
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
    if is_log_table(columns.shown):
        return add_log_rows(good, columns, reader)
    if columns.text is None and columns.id is None and len(good) > 12:
        return add_metrics(good, columns, reader)
    for line, cells in good:
        add_row(reader, line, cells, columns)


def add_log_rows(rows: list[tuple[int, list[str]]], columns: Columns, reader: Reader) -> None:
    """A log query's results, one log line a row, read as a structured log line is (`log_text`): its level
    leads the text, never a label an alert's state would be read from."""
    for line, cells in rows:
        record = log_record({columns.shown[i]: cell.strip() for i, cell in enumerate(cells)
                             if i not in (columns.time, columns.date) and cell.strip()})
        labels = {k: v for k, v in record.items() if k in LABEL_KEYS and k != "level"}
        text = with_labels(log_text(record), labels) or ", ".join(f"{k}={v}" for k, v in record.items())
        reader.add(line, _dated(cells[columns.time].strip(), cells, columns, reader), text, None, None, None,
                   columns.zone)


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


def prometheus_series(whole) -> dict | None:
    """A Prometheus range query's answer (`/api/v1/query_range`: `data.result[]` of `metric` labels and
    `values` `[epoch s, "value"]`) as series like Datadog's (`display_name`, `pointlist` in epoch ms), the
    name with the labels that tell the series apart: `lag_seconds{pod=a}`; None for any other JSON."""
    data = whole.get("data") if isinstance(whole, dict) else None
    result = data.get("result") if isinstance(data, dict) and data.get("resultType") == "matrix" else None
    if not isinstance(result, list) or not result or not all(
            isinstance(r, dict) and isinstance(r.get("metric"), dict) and isinstance(r.get("values"), list)
            for r in result):
        return None
    labels = [{k: str(v) for k, v in r["metric"].items() if k != "__name__"} for r in result]
    varying = sorted({k for ls in labels for k in ls if len({other.get(k) for other in labels}) > 1})
    series = []
    for r, ls in zip(result, labels):
        scope = ",".join(f"{k}={ls[k]}" for k in varying if k in ls)
        name = str(r["metric"].get("__name__") or "value") + (f"{{{scope}}}" if scope else "")
        points = []
        for point in r["values"]:
            try:
                points.append([float(point[0]) * 1000, float(point[1])])
            except (TypeError, ValueError, IndexError):
                continue
        series.append({"display_name": name, "pointlist": points})
    return {"series": series}


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
    lines = [first_line.get(_number_text(t)) or first_line.get(_number_text(t / 1000)) for t in times]  # ms or s
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

