"""Timeline rows and action items of a Document. No I/O.

Timeline rows come from the table(s) under the Timeline / 时间线 section (first column the time, second
the event), or from list items and sub-headings that start with a time. Each TimelineRow has:
  line, column          where its time cell starts
  time_text, event      the raw time cell and the event text (Markdown removed)
  date, clock           datetime.date / (hour, minute, second) as written, or None
  day                   the date the row is on: its own, else the later of the previous dated row's and
                        the header's (so background rows dated days before do not pull later rows back)
  zone                  the zone written in the cell, else the timeline's zone (None when unstated)
  utc                   aware UTC datetime when date (row, else header Date), clock and zone are known
  milestone             impact_start | detected | acknowledged | mitigated | resolved | None
  parsed                False when the time cell is not a time we understand
  problem               why a time that reads well names no instant, else None: a date that is not
                        real (2026-02-30; then `bad_date` is True), a wall time the clocks skipped, or
                        an instant outside the calendar. Such a row has no day, clock or utc.
A wall time that happens twice (clocks going back) is the first occurrence, unless the row before it
is already later: then the second, as `timeline` reads an ordered log (timeutil.localize).
Timeline: rows, zone (as written, e.g. 'UTC', 'UTC+8', 'CET'; it may be a zone we do not know, which
`zone_or_none` then gives None for), section, line (where the zone was found).

ActionItem: line, cells {priority, action, owner, due, ticket, type, status: Cell}, text(key) -> plain,
status -> open | in progress | done | won't do (see action_status).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.lazypattern import lazy
from postmortem_skill.helper.model.timeutil import (
    CLOCK_TEXT,
    DATE_TEXT,
    ZONE_WORDS,
    clock_of,
    find_date,
    localize,
    search_date,
    zone_or_none,
)
from postmortem_skill.helper.model.vocabulary import MARKERS_READ, normalize_title

_MARKER_RE = re.compile(r"\*\*\s*("
                        + "|".join(sorted({m for ms in MARKERS_READ.values() for m in ms}, key=len, reverse=True))
                        + r")\s*[:：]?\s*\*\*")
_MARKER_TO_KEY = {m: k for k, ms in MARKERS_READ.items() for m in ms}

# The areas of IANA zone names (Europe/Berlin), so that a column called Date/Time is not read as a zone.
_IANA_AREA = r"(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc|US|Canada|Brazil)"
_ZONE_RE = re.compile(
    r"(?<![A-Za-z])(?P<zone>(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?|"
    + "|".join(sorted((w for w in ZONE_WORDS if w != "Z"), key=len, reverse=True))
    + r"|" + _IANA_AREA + r"/[A-Z][A-Za-z_]+)(?![A-Za-z])"
)


class TimelineRow:
    __slots__ = ("line", "column", "time_text", "event", "date", "day", "clock", "zone", "utc", "milestone", "parsed",
                 "rolled", "problem", "bad_date")

    def __init__(self, line, column, time_text, event):
        self.line, self.column, self.time_text, self.event = line, column, time_text, event
        self.date = self.day = self.clock = self.zone = self.utc = self.milestone = self.problem = None
        self.parsed = self.rolled = self.bad_date = False  # rolled: undated, read as the day after the row before

    def __repr__(self):
        return f"TimelineRow(L{self.line} {self.time_text!r} {self.milestone or ''})"


class Timeline:
    __slots__ = ("rows", "zone", "section", "line")

    def __init__(self, rows, zone, section, line):
        self.rows, self.zone, self.section, self.line = rows, zone, section, line

    def milestone(self, key: str) -> TimelineRow | None:
        return next((r for r in self.rows if r.milestone == key), None)


class ActionItem:
    __slots__ = ("line", "cells", "_texts")

    def __init__(self, line, cells):
        self.line, self.cells = line, cells
        self._texts: dict = {}  # key -> plain text: several rules read the same cell

    def text(self, key: str) -> str:
        text = self._texts.get(key)
        if text is None:
            cell = self.cells.get(key)
            text = self._texts[key] = markdown.plain(cell.text) if cell else ""
        return text

    @property
    def status(self) -> str:
        return action_status(self.text("status"))

    def __repr__(self):
        return f"ActionItem(L{self.line} {self.text('action')!r})"


# What teams write in a Status / 状态 cell, read as one of four states. The first word decides, so
# "Done (2026-03-20)" and "✅ Done" are done; "not started" is read before "started". Empty, TBD or a word
# not listed here is open: an item whose state we cannot read stays on the follow-up list.
STATUSES = ("open", "in progress", "done", "won't do")
_STATUS_WORDS = {
    "open": ("open", "todo", "to do", "to-do", "not started", "new", "planned", "backlog", "pending", "blocked",
             "reopened", "未开始", "待开始", "待处理", "未完成", "未处理", "待办", "打开", "开放", "阻塞"),
    "in progress": ("in progress", "in-progress", "inprogress", "doing", "started", "ongoing", "wip", "in review",
                    "active", "进行中", "处理中", "跟进中", "开发中", "实施中", "推进中", "验证中"),
    "done": ("done", "closed", "complete", "completed", "fixed", "resolved", "shipped", "merged", "finished",
             "已完成", "完成", "已关闭", "关闭", "已解决", "已修复", "已上线", "✅", "✔", "☑"),
    "won't do": ("won't do", "wont do", "won't fix", "wont fix", "wontfix", "wontdo", "will not do", "not doing",
                 "cancelled", "canceled", "dropped", "rejected", "declined", "obsolete", "abandoned",
                 "不做", "不处理", "不修复", "已取消", "取消", "放弃", "废弃"),
}
_STATUS_RE = lazy(
    r"(?:" + "|".join(sorted((re.escape(w) for ws in _STATUS_WORDS.values() for w in ws), key=len, reverse=True))
    + r")(?![a-z])")
_STATUS_OF = {w: key for key, ws in _STATUS_WORDS.items() for w in ws}


def action_status(text: str) -> str:
    """'Done', 'WONTFIX', '✅ 已完成', 'In progress (50%)', '' -> one of STATUSES."""
    t = markdown.plain(text).strip().lower().replace("’", "'").replace("_", " ")
    t = re.sub(r"^[^\w✅✔☑]+", "", t)  # leading emoji, brackets and punctuation: "🚧 in progress", "[done]"
    m = _STATUS_RE.match(t)
    return _STATUS_OF[m.group(0)] if m else "open"


def find_zone(text: str) -> str | None:
    if markdown.PLACEHOLDER_CUE.search(text):  # "[TODO: zone, then convert to UTC]" states none
        text = markdown.PLACEHOLDER.sub(" ", text)
    m = _ZONE_RE.search(text)
    return re.sub(r"\s", "", m.group("zone")) if m else None


# Where a heading or a time column states its zone, a word we do not know is still the writer's zone
# ('All times MSK', 'Time (PT)'): kept as written, so that PM403 can say it is unknown.
_STATED_ZONE = lazy(
    r"(?:(?i:all times|times are|times in|time ?zone)\s*(?:(?i:are|in)\s+)?[:：]?|(?i:\btime)\s*[(（])\s*"
    r"(?P<zone>[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|" + _IANA_AREA + r"/[A-Za-z_]+)(?![\w/])")


def stated_zone(text: str) -> str | None:
    """The zone a heading or a time column header states, known or not."""
    known = find_zone(text)
    if known:
        return known
    m = _STATED_ZONE.search(markdown.PLACEHOLDER.sub(" ", text))
    return m.group("zone") if m else None


parse_date_text = find_date  # the first real date written in a text (timeutil reads every date)


def _parse_time_cell(row: TimelineRow, default_date: date | None, default_zone: str | None,
                     not_before: datetime | None = None, zones: dict | None = None):
    """`zones`: the zones already looked up for this timeline, by name (most rows share one)."""
    text = markdown.plain(row.time_text)
    clock = CLOCK_TEXT.search(text)
    written = search_date(text)
    row.date = written.value if written else None
    row.clock = clock_of(clock) if clock else None
    row.parsed = row.clock is not None or (row.date is not None and not clock)
    if clock and len(CLOCK_TEXT.findall(text)) > 1:  # "07:05（北京 15:05）": which one, in which zone?
        row.parsed = False
    row.zone = find_zone(text) or default_zone
    day = row.day = row.date or default_date
    row.utc = row.problem = None
    row.bad_date = False
    if written and written.value is None:  # 2026-02-30 is no day at all, not the header's day
        _unusable(row, f"{written.text} is not a real date")
        row.bad_date = True
        return
    if zones is None:
        tz = zone_or_none(row.zone)
    else:
        tz = zones.get(row.zone, zones)
        if tz is zones:
            tz = zones[row.zone] = zone_or_none(row.zone)
    if row.clock and day and tz:
        try:
            row.utc = localize(datetime(day.year, day.month, day.day, *row.clock), tz, not_before)
        except ValueError as exc:  # skipped by the clocks, or outside the calendar
            _unusable(row, str(exc))


def _unusable(row: TimelineRow, problem: str):
    row.problem, row.parsed = problem, False
    row.day = row.date = row.clock = row.utc = None


def _milestone(event_raw: str) -> str | None:
    m = _MARKER_RE.search(event_raw)
    return _MARKER_TO_KEY.get(m.group(1)) if m else None


_LEADING_TIME = lazy(
    r"^\s*(?:\*\*|__)?\s*((?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]+)?)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:UTC|GMT|Z|[A-Z]{3,4}|UTC[+-]\d{1,2}))?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)"
    r"\s*(?:\*\*|__)?\s*(?:[-–—:：|]\s*)?"
)


_ONLY_TIME = re.compile(r"\s*(?:\*\*|__)?\s*" + CLOCK_TEXT.pattern + r"\s*(?:UTC|GMT|Z|[A-Z]{3,4}|UTC[+-]\d{1,2})?"
                        r"\s*(?:\*\*|__)?\s*")


def read_timeline(doc) -> Timeline:
    section = doc.section("timeline") or doc.section("时间线")
    if section is None:
        return Timeline([], None, None, None)
    header_date = None
    field = doc.field("date")
    if field:
        header_date = find_date(field.value)
    zone, zone_line = stated_zone(section.title), section.line
    rows: list[TimelineRow] = []
    date_line = None
    for block in section.all_blocks():
        if block.kind == "table" and len(block.rows) >= 2:
            head_zone = stated_zone(block.rows[0][0].text) or find_zone(" ".join(c.text for c in block.rows[0]))
            if head_zone and not zone:
                zone, zone_line = head_zone, block.start
            for cells in block.rows[1:]:
                if len(cells) < 2 or not (cells[0].text or cells[1].text):
                    continue
                # | Date | Time | Event |: the event is after a second cell holding only a time, never the
                # Source cell of a row whose event text quotes a clock time ("… around 13:52")
                second = markdown.plain(cells[1].text)
                event = markdown.plain(cells[2].text) if len(cells) > 2 and _ONLY_TIME.fullmatch(second) else second
                raw_event = " ".join(c.text for c in cells[1:])
                row = TimelineRow(cells[0].number, cells[0].column, cells[0].text, event)
                row.milestone = _milestone(raw_event)
                rows.append(row)
        elif block.kind in ("paragraph", "list_item", "heading"):
            lines = block.lines if block.kind != "list_item" else block.lines[:1]
            first = lines[0] if lines else None
            if first is None:
                continue
            m = _LEADING_TIME.match(first.text)
            if m and (block.kind != "paragraph" or CLOCK_TEXT.search(m.group(1))):
                rest = first.text[m.end():] + " " + " ".join(l.text for l in lines[1:])
                row = TimelineRow(first.number, first.column + m.start(1), m.group(1), markdown.plain(rest))
                row.milestone = _milestone(first.text)
                rows.append(row)
            elif block.kind == "paragraph":
                if not zone and find_zone(first.text):
                    zone, zone_line = find_zone(first.text), first.number
                if date_line is None:
                    date_line = find_date(first.text)
    # sub-headings of the section may carry the date-time (e.g. '### 2018 October 21 22:52 UTC')
    for sub in section.descendants():
        m = DATE_TEXT.search(sub.title)
        if m and CLOCK_TEXT.search(sub.title):
            row = TimelineRow(sub.line, 1, sub.title, "")
            rows.append(row)
    rows.sort(key=lambda r: r.line)
    if not zone:
        phrase = re.search(r"all times[^.\n]{0,40}?(?:in|are|:)?\s*" + _ZONE_RE.pattern, doc.text, re.I)
        if phrase:
            zone = re.sub(r"\s", "", phrase.group("zone"))
            zone_line = markdown.line_of(doc.text, phrase.start())
    default_date = date_line or header_date or _document_date(doc)
    if not zone and rows and all(find_zone(r.time_text) for r in rows):
        zone, zone_line = find_zone(rows[0].time_text), rows[0].line
    last_date, previous, last_utc = None, None, None
    zones: dict = {}
    for row in rows:
        _parse_time_cell(row, max(filter(None, (last_date, default_date)), default=None), zone, last_utc, zones)
        if _crosses_midnight(previous, row) and previous.day < date.max:
            # 23:58 then 00:40 with no dates: read it as the next day so that milestones and durations
            # stay meaningful; PM404 still asks the writer to write the dates.
            _parse_time_cell(row, previous.day + timedelta(days=1), zone, last_utc, zones)
            row.rolled = True
        if row.date or row.rolled:
            last_date = row.date or row.day
        if row.clock:
            previous = row
        if row.utc is not None:
            last_utc = row.utc
    return Timeline(rows, zone, section, zone_line if zone else None)


def _crosses_midnight(previous, row) -> bool:
    """An undated clock time more than six hours before the row above it: the next day, not a typo."""
    if previous is None or previous.day is None or row.date or not row.clock or row.day != previous.day:
        return False
    back = (previous.clock[0] * 60 + previous.clock[1]) - (row.clock[0] * 60 + row.clock[1])
    return back > 6 * 60


def _document_date(doc) -> date | None:
    """A date in the title or before the first section, for timelines written with clock times only."""
    for text in [doc.title or ""] + [l.text for b in doc.preamble if b.kind == "paragraph" for l in b.lines]:
        found = find_date(text)
        if found:
            return found
    return None


_ACTION_COLUMNS = {
    "priority": ("priority", "pri", "优先级"),
    "action": ("action", "action item", "actions", "item", "行动项", "改进项", "措施", "改进措施", "行动"),
    "owner": ("owner", "owners", "assignee", "负责人", "责任人", "跟进人"),
    "due": ("due date", "due", "deadline", "target date", "截止日期", "截止时间", "预计完成时间", "完成时间"),
    "ticket": ("ticket", "bug", "tracking bug", "issue", "jira", "link", "工单", "链接"),
    "type": ("type", "类型"),
    "status": ("status", "状态"),
}
_COLUMN_TO_KEY = {name: key for key, names in _ACTION_COLUMNS.items() for name in names}


def column_key(header_text: str) -> str | None:

    return _COLUMN_TO_KEY.get(normalize_title(header_text))


def read_action_items(doc):
    """(table Block or None, [ActionItem]) from the first action table in the Action Items section."""
    section = doc.section("action items") or doc.section("改进行动项")
    candidates = list(section.all_blocks()) if section else []
    for block in candidates:
        if block.kind != "table" or not block.rows:
            continue
        keys = [column_key(c.text) for c in block.rows[0]]
        if "action" not in keys:
            continue
        items = []
        for cells in block.rows[1:]:
            mapped = {k: c for k, c in zip(keys, cells) if k and k not in ()}
            if any(c.text.strip() for c in cells):
                items.append(ActionItem(cells[0].number, mapped))
        return block, items
    return None, []
