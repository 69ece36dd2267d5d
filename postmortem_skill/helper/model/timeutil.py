"""Reading and writing instants: ISO-8601 text, epoch numbers, dates and clock times as people write
them, time zones, durations. No I/O. This is the one place where text becomes a date or a time: the
timeline rows of a document, its header fields, the importers and the command options all read here.

Everything the toolkit prints is UTC. A time written with an offset (`Z`, `+08:00`, ` UTC`) is exact; a
naive time is read in a zone (an IANA name, `UTC`, or a fixed offset such as `+08:00` / `UTC+8`).
Clock changes are explicit: a wall time that never happened (the hour skipped in spring) is an error,
and a wall time that happened twice (the hour repeated in autumn) is the first one unless the caller
says the reading came after it (see `localize`). An instant outside the calendar Python can hold
(before year 1 or after 9999 once converted to UTC) is a ValueError too, never an OverflowError.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from postmortem_skill.helper.model.lazypattern import lazy

UTC = timezone.utc

# Go's default time format names the zone after the offset (`2026-11-24 21:41:37 +0000 UTC`, `-0800 PST`):
# the offset decides; a zone's abbreviation right after it is part of the timestamp, not of the text.
_NAMED_AFTER_OFFSET = (r"(?:(?:(?<=[+-]\d{4})|(?<=[+-]\d\d:\d\d))\s(?:UTC|GMT|[ECMPA][SD]T|[CEW]ES?T|BST|IST|JST|KST|"
                       r"HKT|SGT|AES?T|AEDT|NZ[SD]T|MSK)(?![\w]))?")
_OFFSET = r"(?P<zone>[Zz]|\s?UTC|\s?GMT|[+-]\d{2}(?::?\d{2})?|\s[+-]\d{2}:?\d{2}(?!\d))?"
_ISO = lazy(
    r"(?P<y>\d{4})[-/](?P<mo>\d{2})[-/](?P<d>\d{2})[Tt ](?P<h>\d{2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?" + _OFFSET + _NAMED_AFTER_OFFSET
)
_FIXED_ZONE = re.compile(r"^(?:UTC|GMT)?\s*(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$", re.I)


# Zone names as postmortems write them in a heading or a time cell. They are read as the fixed offset the
# abbreviation stands for (CET is +01:00 even in July; a writer who means summer time writes CEST), and
# only when asked: `--tz CET` is the IANA zone CET, with its clock changes.
ZONE_WORDS = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00", "CET": "+01:00", "CEST": "+02:00", "BST": "+01:00",
    "EET": "+02:00", "JST": "+09:00", "KST": "+09:00", "SGT": "+08:00", "HKT": "+08:00",
    "CDT": "-05:00", "EST": "-05:00", "EDT": "-04:00", "PST": "-08:00", "PDT": "-07:00",
    "MST": "-07:00", "MDT": "-06:00", "AEST": "+10:00", "AEDT": "+11:00",
    "Eastern": "America/New_York", "Pacific": "America/Los_Angeles", "Central": "America/Chicago",
    "PT": "America/Los_Angeles", "ET": "America/New_York", "MT": "America/Denver",
    "北京时间": "+08:00", "东八区": "+08:00",
}
_ZONE_WORDS_UPPER = {word.upper(): value for word, value in ZONE_WORDS.items()}
# Abbreviations teams use for different zones: never guessed, the document is asked to write an offset.
AMBIGUOUS_ZONES = {"CST": "China UTC+8 or US Central UTC−6", "IST": "India UTC+5:30, Israel UTC+2 or Irish UTC+1"}
AMBIGUOUS_ZONE = lazy(r"\b(?:" + "|".join(AMBIGUOUS_ZONES) + r")\b")


def load_zone(name: str, words: bool = False) -> tzinfo:
    """`UTC`, `+08:00`, `UTC+8`, or an IANA name (with `words`, also an abbreviation of ZONE_WORDS such as
    `CET` or `Eastern`); ValueError with a readable message otherwise."""
    text = name.strip()
    if words:
        text = _ZONE_WORDS_UPPER.get(text.upper(), text)
    if text.upper() in ("UTC", "Z", "GMT", "ETC/UTC"):
        return UTC
    fixed = _FIXED_ZONE.match(text)
    if fixed:
        hours, minutes = int(fixed["h"]), int(fixed["m"] or 0)
        if hours > 14 or minutes > 59:
            raise ValueError(f"offset out of range: {name!r}")
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if fixed["sign"] == "-" else delta)
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(text)
    except Exception:  # ZoneInfoNotFoundError, ValueError for malformed keys, missing tzdata
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin, or an offset such as +08:00"
        ) from None


def zone_or_none(name: str | None) -> tzinfo | None:
    """The zone a document writes ('UTC+8', 'CET', 'Eastern', 'Europe/Berlin'), or None when unknown."""
    if not name:
        return None
    try:
        return load_zone(name, words=True)
    except ValueError:
        return None


def match_timestamp(text: str) -> tuple[datetime, int] | None:
    """An ISO-8601 date and time at the start of `text`: (datetime, end index), naive without offset."""
    m = _ISO.match(text)
    if not m:
        return None
    frac = (m["frac"] or "0")[:6].ljust(6, "0")
    try:
        value = datetime(int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
                         int(m["s"] or 0), int(frac))
    except ValueError:
        return None
    zone = (m["zone"] or "").strip().upper()
    if zone in ("Z", "UTC", "GMT"):
        value = value.replace(tzinfo=UTC)
    elif zone:
        sign, digits = zone[0], zone[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if delta >= timedelta(hours=24):
            return None
        value = value.replace(tzinfo=timezone(-delta if sign == "-" else delta))
    return value, m.end()


def find_timestamps(text: str):
    """Yield (datetime, start index) for each ISO-8601 date and time anywhere in `text` (naive without offset)."""
    for m in re.finditer(r"(?<![\d-])\d{4}[-/]\d{2}[-/]\d{2}[Tt ]\d{2}:", text):
        found = match_timestamp(text[m.start():])
        if found:
            yield found[0], m.start()


def parse_timestamp(text: str) -> datetime | None:
    """A whole string that is an ISO-8601 date and time (surrounding blanks allowed), else None."""
    stripped = text.strip()
    found = match_timestamp(stripped)
    return found[0] if found and found[1] == len(stripped) else None


_MONTH_ABBR = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), 1)}
_CLOCK_12 = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<half>[AaPp]\.?[Mm]\.?)?"
_WRITTEN = lazy(r"\s*(?:(?P<d>\d{1,2})[/ .-](?P<mo>[A-Za-z]{3})[a-z]*\.?[/ .-](?P<y>\d{4}|\d{2})|"
                r"(?P<mo2>[A-Za-z]{3})[a-z]*\.? (?P<d2>\d{1,2}),? (?P<y2>\d{4}))[ ,T]+" + _CLOCK_12 + r"\s*")


def written_timestamp(text: str) -> datetime | None:
    """A date with the month's name and a clock time, naive, as trackers export them: Jira's
    `30/Nov/26 10:44 AM` (its default dd/MMM/yy h:mm a), `30/Nov/2026 22:44`, `Nov 30, 2026 10:44 AM`,
    `30 Nov 2026 10:44:05`; else None."""
    m = _WRITTEN.fullmatch(text)
    if not m:
        return None
    month = _MONTH_ABBR.get((m["mo"] or m["mo2"]).lower()[:3])
    year = int(m["y"] or m["y2"])
    year += 2000 if year < 100 else 0
    clock = time_of_day(int(m["h"]), int(m["mi"]), int(m["s"] or 0), m["half"])
    if month is None or clock is None:
        return None
    try:
        return datetime(year, month, int(m["d"] or m["d2"]), *clock)
    except ValueError:
        return None


def from_epoch(value) -> datetime | None:
    """Epoch seconds or milliseconds (a number, or digits in a string such as Slack's `ts`), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"\s*\d{9,13}(\.\d+)?\s*", value):
            return None
        value = float(value)
    if not isinstance(value, (int, float)) or value != value or value < 0:
        return None
    seconds = value / 1000 if value >= 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def localize(naive: datetime, zone: tzinfo, not_before: datetime | None = None) -> datetime:
    """The UTC instant of a wall-clock time in `zone`.

    ValueError when the wall time does not exist there (clocks jumped forward) or lies outside the
    calendar once converted. When it exists twice (clocks went back), the first occurrence is used, or
    the second when `not_before` (an aware instant, typically the previous reading of an ordered log or
    timeline) is later than the first but not the second.
    """
    try:
        first = naive.replace(tzinfo=zone, fold=0)
        second = naive.replace(tzinfo=zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            return first.astimezone(UTC)
        if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone} (the clocks moved forward)")
        early, late = sorted((first.astimezone(UTC), second.astimezone(UTC)))
    except OverflowError:
        raise _outside(naive, zone) from None
    if not_before is not None and early < not_before <= late:
        return late
    return early


def _outside(value: datetime, zone: tzinfo | None = None) -> ValueError:
    where = f" in {zone}" if zone is not None else ""
    return ValueError(f"{value.replace(tzinfo=None).isoformat(sep=' ')}{where} is outside the calendar "
                      "(years 1 to 9999 in UTC)")


def to_utc(value: datetime, zone: tzinfo = UTC, not_before: datetime | None = None) -> datetime:
    """Aware values are converted; naive ones are read in `zone` (see `localize`). ValueError when the
    instant does not exist or lies outside the calendar."""
    if value.tzinfo is not None:
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise _outside(value, value.tzinfo) from None
    return localize(value, zone, not_before)


def iso_z(value: datetime) -> str:
    """`2026-05-01T17:58:10Z`: UTC, whole seconds."""
    return to_utc(value).replace(microsecond=0, tzinfo=None).isoformat() + "Z"  # isoformat: year 1 is 0001


def parse_date(text: str) -> date:
    """A real calendar date written `YYYY-MM-DD`; ValueError otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise ValueError(f"not a date in YYYY-MM-DD form: {text!r}")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a real date: {text!r}") from None


# Dates as postmortems write them: 2026-03-04, 2026/3/4, 2026.03.04, 2018 October 21, March 4, 2026,
# 2026年3月4日. Clock times: 09:12, 9:12:30, 9:12 PM (an optional fraction of a second is read, not kept).
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
DATE_TEXT = re.compile(
    r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)|(?P<y2>\d{4})[\s-]+(?P<mon>[A-Za-z]+)[\s-]+(?P<d2>\d{1,2})"
    r"|(?P<mon3>[A-Za-z]+)\s+(?P<d3>\d{1,2}),?\s+(?P<y3>\d{4})|(?P<y4>\d{4})年(?P<mo4>\d{1,2})月(?P<d4>\d{1,2})日"
)
CLOCK_TEXT = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?(?![\d:])")


class WrittenDate:
    """A date as written: `value` (None when the numbers name no calendar day: 2026-02-30, 2026-13-01),
    `text` as written, `start` its index."""
    __slots__ = ("value", "text", "start")

    def __init__(self, value: date | None, text: str, start: int):
        self.value, self.text, self.start = value, text, start

    def __repr__(self):
        return f"WrittenDate({self.value!r}, {self.text!r}, {self.start})"


def search_date(text: str) -> WrittenDate | None:
    """The first date written anywhere in `text` (see DATE_TEXT), or None when there is none. A date
    that is written but not real is returned with value None, so that callers can say so."""
    m = DATE_TEXT.search(text)
    if not m:
        return None
    if m["y"]:
        parts = (m["y"], m["mo"], m["d"])
    elif m["y4"]:
        parts = (m["y4"], m["mo4"], m["d4"])
    elif m["y2"] and m["mon"].lower() in _MONTHS:
        parts = (m["y2"], _MONTHS[m["mon"].lower()], m["d2"])
    elif m["y3"] and m["mon3"].lower() in _MONTHS:
        parts = (m["y3"], _MONTHS[m["mon3"].lower()], m["d3"])
    else:
        return None  # '2026 at 10': a year and a number, not a date
    try:
        return WrittenDate(date(*map(int, parts)), m.group(0), m.start())
    except ValueError:
        return WrittenDate(None, m.group(0), m.start())


def find_date(text: str) -> date | None:
    """The first real date written in `text` (see `search_date`), else None."""
    found = search_date(text)
    return found.value if found else None


def time_of_day(hour: int, minute: int, second: int = 0, half: str | None = None) -> tuple[int, int, int] | None:
    """(hour, minute, second) on the 24-hour clock, or None when it is no time of day. `half` is the
    'am'/'pm' written after it (any case, dots allowed): then the hour is 0 to 12."""
    half = (half or "").lower().replace(".", "")
    if half:
        if not 0 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None
    return hour, minute, second


def clock_of(m: re.Match) -> tuple[int, int, int] | None:
    """The time of day of a CLOCK_TEXT match, or None when its numbers are out of range (25:00, 9:75)."""
    return time_of_day(int(m["h"]), int(m["m"]), int(m["s"] or 0), m["ampm"])


def whole_minutes(minutes: float) -> int:
    """Round half up (20.5 → 21, 3.5 → 4): Python's round() goes to the even neighbour, which makes
    two durations with the same half-minute look inconsistent."""
    return math.floor(minutes + 0.5)


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from start to end, rounded to the nearest minute (half up)."""
    return whole_minutes((end - start).total_seconds() / 60)


def format_duration(minutes: int, lang: str = "en") -> str:
    """`47 minutes`, `2 hours 5 minutes`, `1 day 3 hours`; Chinese `45分钟`, `1小时20分钟`, `1天2小时`."""
    days, rest = divmod(max(minutes, 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day", "天"), (hours, "hour", "小时"), (mins, "minute", "分钟")]
    if lang == "zh":
        text = "".join(f"{n}{zh}" for n, _, zh in parts if n)
        return text or "0分钟"
    words = [f"{n} {en}{'' if n == 1 else 's'}" for n, en, _ in parts if n]
    return " ".join(words) or "0 minutes"
