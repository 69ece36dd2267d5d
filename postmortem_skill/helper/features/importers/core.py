"""The rows every reader produces (`Event`, `Problem`), milestone words, and the `Reader` that turns a raw
time and text into an event: naive times in the file's zone, date-only entries kept as date rows."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from postmortem_skill.helper.features.importers import zonenames
from postmortem_skill.helper.model.markdown import line_of
from postmortem_skill.helper.model.timeutil import UTC, from_epoch, parse_timestamp, to_utc, written_timestamp
from postmortem_skill.helper.model.vocabulary import MARKERS, MILESTONES

_ALIASES = {
    "impact_start": ("impact start", "impact started", "impact", "start", "started", "outage begins", "故障开始"),
    "detected": ("detect", "detection", "alert", "alerted", "告警"),
    "acknowledged": ("ack", "acked", "acknowledge", "确认", "接手"),
    "mitigated": ("mitigate", "mitigation", "止损"),
    "resolved": ("resolve", "resolution", "recovered", "recovery", "outage ends", "impact ends", "解决"),
}
LABEL_KEYS = ("level", "severity", "priority", "urgency", "status", "state", "级别", "状态")
NO_DAY = ("a time without a date: give the day with --date YYYY-MM-DD or a date line above it "
          "(and the exporter's zone with --tz)")


@dataclass(frozen=True)
class Event:
    time: datetime  # aware, UTC; for a date row, midnight of that day in the input's zone
    event: str
    milestone: str | None = None
    source: str | None = None  # `path:line` as given, or the record's own source
    id: str | None = None  # alert id, change id, incident number
    day: date | None = None  # set for a date row: the input gave a day and no time


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


def key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


_LOOKUP = {key(m): m for m in MILESTONES}
_LOOKUP.update({key(m): name for name, (en, zh) in MARKERS.items() for m in (en, zh)})
_MARKER_LOOKUP = dict(_LOOKUP)
_LOOKUP.update({key(m): name for name, words in _ALIASES.items() for m in words})


def milestone_name(value: str) -> str | None:
    """`impact_start`, `Impact starts`, `DETECTED`, `ack`, `恢复` → the milestone name; None if unknown."""
    return _LOOKUP.get(key(value))


_LEADING = re.compile(r"^\s*(?:\*\*(?P<b>[^*]{1,30}?):?\*\*|\[(?P<s>[^\]]{1,30})\]|【(?P<c>[^】]{1,10})】)\s*:?\s*")


_MARK_START = ("*", "[", "【")


def split_marker(text: str) -> tuple[str | None, str]:
    """(milestone, the rest) when `text` starts with a milestone marker, else (None, text).

    Only the document markers and milestone names count here (`[ALERT]` in a log line is not one)."""
    m = _LEADING.match(text)
    if m:
        name = _MARKER_LOOKUP.get(key(m["b"] or m["s"] or m["c"]))
        if name:
            return name, text[m.end():]
    return None, text


def label(record: dict, name: str) -> str | None:
    value = record.get(name)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value).strip() or None


def first(record: dict, keys):
    """The first of `keys` the record has a value for (not None or '')."""
    return next((record[k] for k in keys if record.get(k) not in (None, "")), None)


def first_text(record: dict, keys):
    """The first of `keys` holding non-blank text, stripped."""
    return next((record[k].strip() for k in keys if isinstance(record.get(k), str) and record[k].strip()), None)


def json_object(text: str) -> dict | None:
    """The object a string holds as JSON (a Feishu body, a Loki line), else None."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def mapping(record: dict, name: str) -> dict:
    """record[name] when it is an object, else {}."""
    return record[name] if isinstance(record.get(name), dict) else {}


def with_labels(text, record: dict, keys=LABEL_KEYS):
    """Keep an alert's level or status with its text: "P2, no page" is often a finding of its own."""
    labels = [found for found in (label(record, k) for k in keys if k in record) if found]
    if not isinstance(text, str) or not text.strip() or not labels:
        return text
    return f"{text.strip()} [{', '.join(dict.fromkeys(labels))}]"


# A change list's status that says the change never ran, and the word its row then starts with.
_NOT_DONE = {"cancelled": "cancelled", "canceled": "cancelled", "rejected": "rejected", "withdrawn": "withdrawn",
             "declined": "declined",
             **{word: "已" + word for word in ("取消", "驳回", "撤回", "作废", "拒绝")},
             **{"已" + word: "已" + word for word in ("取消", "驳回", "撤回", "作废", "拒绝")}}
NOT_DONE_ROW = re.compile(r"^(?:%s)[:：]" % "|".join(sorted(set(_NOT_DONE.values()))))


def not_done(status: str) -> str | None:
    """`Cancelled`, `Canceled`, `Rejected`, `Withdrawn`, `已取消`, `驳回`, `撤回` … → the word a row of that change
    starts with (`cancelled`, `已驳回`); None for a status of a change that ran or may still run."""
    return _NOT_DONE.get(status.strip().lower())


_DAY_ONLY = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*")


def read_day(text: str) -> date | None:
    """`2026-10-21` (or 2026/10/21) alone → that date; None otherwise."""
    m = _DAY_ONLY.fullmatch(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _iso(text: str) -> datetime | None:
    """The standard library's ISO reader first (fast; Python 3.11 also reads `Z`), then ours for the
    forms it does not know (` UTC`, `+0800` after a blank, `2026/10/20`), then a month's name (`30/Nov/26 10:44 AM`)."""
    if len(text) >= 16 and text[4] == "-" and text[10] in "T ":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    return parse_timestamp(text) or written_timestamp(text)


def _no_text(text) -> str:
    if text is None or isinstance(text, str):
        return "no event text"
    return f"the event text is {type(text).__name__ if text is not None else 'null'}, not text"


class Reader:
    """Collects events and problems. Naive times are read in `zone`, each after the previous one; times of
    day alone on `day` (which date lines change and midnight moves on); `name` makes each row's source."""

    def __init__(self, zone: tzinfo = UTC, day: date | None = None, name: str | None = None,
                 people: dict | None = None):
        self.zone, self.name, self.events, self.problems = zone, name, [], []
        self.day, self._clock, self._last = day, None, None
        self.seen: set = set()
        self.people = people or {}  # chat user id → display name (a Slack export's users.json)
        self.naive = 0  # rows whose time named no zone and was read in the reader's zone
        self.zone_given = False  # `zone` is the one --tz gave for this file, not the default
        self.deploy_refs: dict[str, str] = {}  # GitHub deployment id → its ref, from the deployments list read
        self.own_zone: tzinfo | None = None  # the zone the file itself states for its naive times
        self.thresholds: tuple[float, ...] = ()  # numbers the alerts name: a metric sample crossing one is kept
        self.metrics = False  # the file is a metrics export (condensed)
        self.dropped: list[int] = []  # lines of metric samples condensed away
        self.hints: dict[int, tuple[str, str]] = {}  # line → (milestone, why) guessed from the metrics

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(Problem(line, reason))

    def source(self, line: int) -> str | None:
        return f"{self.name}:{line}" if self.name else None

    def add(self, line: int, raw_time, text, milestone=None, source=None, ident=None, zone=None) -> None:
        """One row. `zone` overrides the reader's for naive times (a column header that names its zone)."""
        own = zone or self.own_zone
        zone = own or self.zone
        if isinstance(raw_time, str) and len(raw_time) <= 12 and (day := read_day(raw_time)) is not None:
            return self._add_day(line, day, text, milestone, source, ident, zone)
        when = _iso(raw_time) or from_epoch(raw_time) if isinstance(raw_time, str) else from_epoch(raw_time)
        if when is not None and when.year < 1990:  # a count or a duration where a time belongs, not an epoch
            when = None
        if when is None and isinstance(raw_time, str) and (parts := zonenames.split(raw_time)):
            when = _iso(parts[0].strip())
            if when is not None and when.tzinfo is None:
                named = zonenames.zone_of(parts[1], when, own or (self.zone if self.zone_given else None), self.name)
                if isinstance(named, str):
                    return self.problem(line, named)
                own = zone = named
        if when is None and isinstance(raw_time, str) and re.fullmatch(r"\s*\d{1,2}:\d{2}(:\d{2})?\s*", raw_time):
            return self.problem(line, NO_DAY)
        if when is None:
            shown = raw_time if isinstance(raw_time, (str, int, float)) else type(raw_time).__name__
            return self.problem(line, f"unreadable time {str(shown)[:40]!r} (want ISO-8601, a date or epoch seconds)")
        if not isinstance(text, str) or not text.strip():
            return self.problem(line, _no_text(text))
        naive = when.tzinfo is None and own is None
        try:
            when = to_utc(when, zone, self._last)
        except ValueError as exc:
            return self.problem(line, str(exc))
        self.naive += naive
        name = self._milestone(line, milestone) if milestone not in (None, "") else None
        self._last = when
        self._append(line, when, text, name, source, ident)

    def _add_day(self, line, day, text, milestone, source, ident, zone) -> None:
        if not isinstance(text, str) or not text.strip():
            return self.problem(line, _no_text(text))
        midnight = to_utc(datetime.combine(day, time()), zone)
        self._append(line, midnight, text, self._milestone(line, milestone), source, ident, day)

    def _milestone(self, line: int, milestone) -> str | None:
        if isinstance(milestone, (list, tuple, dict)):
            self.problem(line, "one milestone per event: for two milestones at the same moment, give two "
                               "events with the same time")
        elif milestone not in (None, ""):
            name = milestone_name(str(milestone))
            if name is None:
                self.problem(line, f"unknown milestone {str(milestone)[:30]!r} (known: {', '.join(MILESTONES)})")
            return name
        return None

    def _append(self, line, when, text, milestone, source, ident, day=None) -> None:
        marked, rest = split_marker(text) if text.lstrip()[:1] in _MARK_START else (None, text)
        ident = str(ident).strip() or None if isinstance(ident, (str, int)) and not isinstance(ident, bool) else None
        source = source if isinstance(source, str) and source.strip() else self.source(line)
        self.events.append(Event(when, rest.strip(), milestone or marked, source, ident, day))

    def set_day(self, day: date) -> None:
        self.day, self._clock = day, None

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

    def sorted_events(self) -> list[Event]:
        return sorted(self.events, key=lambda e: e.time)


def time_locator(text: str):
    """(time, fallback line) → the line of the first `"…": "time"` in `text`, else the fallback."""
    def locate(when, fallback: int) -> int:
        if not text or not isinstance(when, str) or not when:
            return fallback
        found = re.search(r'"[A-Za-z_]+"\s*:\s*"%s"' % re.escape(when), text)
        return line_of(text, found.start()) if found else fallback
    return locate
