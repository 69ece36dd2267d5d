"""Log lines and chat logs: a line that starts with a timestamp (`2026-10-20 14:03:05 +0800 …`, in
[brackets] too), a chat line that starts with a time of day (`[01:45] name: …`, `14:03 孙磊：…`) on the day
a date line gave, a chat export's header line (`孙磊 2026-10-20 14:03`, or date first
`2026-11-18 22:20:11 刘芳（客服）`, as Feishu/DingTalk/WeChat copy it) followed by the message: the
message is the event, its speaker kept; and a line that starts with a date only (`2026-10-21 Manual
re-issue`): a date row.

In a chat export of header lines (either shape), every line below a header until the next one is the
message, even when it starts with a clock time (`21:32 起错误率回落`) or a date; the lines above the first
header are the export's preamble (title, who exported it, the range), not rows, and a zone one of them
states (`（时间为北京时间）`, `时区：UTC+8`) is the zone of the file's naive times."""
from __future__ import annotations

import re
from datetime import time

from postmortem_skill.helper.features.importers import zonenames
from postmortem_skill.helper.features.importers.core import Reader
from postmortem_skill.helper.model.timeutil import iso_z, match_timestamp, parse_date, time_of_day, zone_or_none

# A line that only gives the day (`2026-03-08`, `--- 2026-03-08 ---`, `# 2026-03-08`), and a chat line that
# starts with a time of day alone (`[01:45]`, `[01:45:09]`, `01:45`, `1:45 PM`).
DATE_LINE = re.compile(r"[\W_]*(\d{4}-\d{2}-\d{2})[\W_]*")
CLOCK = re.compile(r"\[?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?"
                   r"(?:\s?(?P<half>[AaPp])\.?[Mm]\.?)?(?:\]|(?=\s|$))")
_DATED = re.compile(r"\[?(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\]?(?:\s+|\s*[|:：-]\s*)(?=\S)(?!\d{1,2}:\d{2})")
_ZONE_NAME = "|".join(zonenames.NAMES)
_HEADER = re.compile(r"(?P<who>[^\d\s\[\]|:：#>*-][^\[\]|:：#]{0,39}?)\s+(?P<when>\d{4}[-/]\d{2}[-/]\d{2}\s+"
                     r"\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?:%s))?|\d{1,2}:\d{2}(?::\d{2})?)\s*$" % _ZONE_NAME)


def clock_of(m: re.Match) -> time | None:
    hms = time_of_day(int(m["h"]), int(m["mi"]), int(m["s"] or 0), m["half"])
    return time(*hms, int((m["frac"] or "0")[:6].ljust(6, "0"))) if hms else None


def starts_like_lines(line: str) -> bool:
    text = line.strip()
    return bool(match_timestamp(text.lstrip("[ ")) or DATE_LINE.fullmatch(text) or CLOCK.match(text)
                or _DATED.match(text) or _HEADER.fullmatch(text))


_NAME = re.compile(r"[^\s:：,，;；=|\[\]{}<>\"']{1,24}(?:\s?[（(][^)）]{1,16}[)）])?"
                   r"(?: [^\s:：,，;；=|\[\]{}<>]{1,24})?")
_LEVELS = {"trace", "debug", "info", "notice", "warn", "warning", "error", "err", "fatal", "critical", "crit"}


def _speaker_only(rest: str) -> bool:
    return bool(_NAME.fullmatch(rest)) and rest.lower() not in _LEVELS


def _date_first_chat(lines: list[str]) -> bool:
    """A chat export whose headers give the time first and the speaker after (`2026-11-18 22:20:11
    刘芳（客服）`, the message on the next lines): most timestamped lines are a name alone followed by an
    untimed line. Decided for the whole file, so a log line followed by a stack trace is not read so."""
    stamped = headers = 0
    for i, line in enumerate(lines):
        found = _stamp(line.strip()) if line.strip() else None
        if not found:
            continue
        stamped += 1
        following = next((x.strip() for x in lines[i + 1:] if x.strip()), "")
        if _speaker_only(found[1]) and following and not _stamp(following) and not DATE_LINE.fullmatch(following):
            headers += 1
    return headers > 0 and headers * 2 >= stamped


def _header_chat(lines: list[str], date_first: bool) -> bool:
    """Messages under header lines (`孙磊 2026-10-20 14:03`, `2026-11-26 20:55:40  孙悦`), not one line each."""
    if date_first:
        return True
    headers = sum(1 for line in lines if _HEADER.fullmatch(line.strip()))
    clocks = sum(1 for line in lines if CLOCK.match(line.strip()) and not _HEADER.fullmatch(line.strip()))
    return headers >= 2 and headers >= clocks


_ZONE_WORDS = re.compile(r"北京时间|东八区|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|\b(?:UTC|GMT)\b|"
                         r"\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b")


def _preamble_zone(line: str):
    """The zone a preamble line states (`（时间为北京时间）`, `Times: UTC+8`, `时区 Asia/Shanghai`), else None."""
    for m in _ZONE_WORDS.finditer(line):
        zone = zone_or_none(re.sub(r"\s+", "", m[0]))
        if zone is not None:
            return zone
    return None


def _stamp(body: str):
    """(time text for the reader, rest of the line) when the line starts with a date and time."""
    bracketed = body.startswith("[")
    found = match_timestamp(body[1:] if bracketed else body)
    if not found:
        return None
    when, end = found
    rest = body[end + 1:] if bracketed else body[end:]
    named = zonenames.LEADING.match(rest.lstrip()) if when.tzinfo is None else None
    if named:  # `2025-11-19 03:09:04 CST ERROR …`: the zone is the time's, read as the table's cells are
        rest = rest.lstrip()[named.end():]
    if bracketed:
        rest = rest[1:] if rest.startswith("]") else rest
    shown = iso_z(when) if when.tzinfo else when.isoformat(sep=" ")
    return shown + (f" {named['name']}" if named else ""), rest.strip(" \t-|:：")


class _Pending:
    """A chat header line waiting for its message lines."""

    def __init__(self, line: int, who: str, when: str):
        self.line, self.who, self.when, self.body = line, who.strip(), when, []


def _flush(pending: _Pending | None, reader: Reader) -> None:
    if pending is None:
        return
    text = f"{pending.who}: {' '.join(pending.body)}" if pending.body else None
    if text is None:
        return reader.problem(pending.line, "a chat header with no message below it")
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", pending.when):
        found = CLOCK.match(pending.when)
        return reader.add_clock(pending.line, clock_of(found), text)
    reader.add(pending.line, pending.when, text)


def read_lines(text: str, reader: Reader) -> None:
    pending: _Pending | None = None
    lines = text.splitlines()
    date_first = _date_first_chat(lines)
    chat = _header_chat(lines, date_first)
    preamble = True  # no row read yet
    for number, line in enumerate(lines, 1):
        body = line.strip()
        if preamble and body and (zone := _preamble_zone(body)) is not None and not starts_like_lines(body):
            reader.own_zone = zone
        day = DATE_LINE.fullmatch(body)
        if day:
            _flush(pending, reader)
            pending = None
            try:
                reader.set_day(parse_date(day[1]))
            except ValueError as exc:
                reader.problem(number, str(exc))
            continue
        if not body or body.startswith("#") and pending is None:
            continue  # blank or a comment from the exporter; under a chat header, `#` lines are the message
        stamped = _stamp(body)
        header = _HEADER.fullmatch(body) if not stamped or not stamped[1] else None
        if stamped and date_first and _speaker_only(stamped[1]):
            _flush(pending, reader)
            pending, preamble = _Pending(number, stamped[1], stamped[0]), False
            continue
        if header:
            _flush(pending, reader)
            pending, preamble = _Pending(number, header["who"], header["when"]), False
            continue
        if chat and pending is not None:
            pending.body.append(body)
            continue
        if chat and preamble and not (stamped or _DATED.match(body) or CLOCK.match(body)):
            continue
        preamble = False
        if stamped:
            _flush(pending, reader)
            pending = None
            reader.add(number, stamped[0], stamped[1])
            continue
        dated = _DATED.match(body)
        if dated:
            _flush(pending, reader)
            pending = None
            reader.add(number, dated[1].replace("/", "-").replace(".", "-"), body[dated.end():].strip())
            continue
        found = CLOCK.match(body)
        if found and (clock := clock_of(found)) is not None:
            _flush(pending, reader)
            pending = None
            reader.add_clock(number, clock, body[found.end():].strip(" \t-|:："))
        elif found:
            reader.problem(number, f"not a time of day: {found[0].strip('[]')!r}")
        elif pending is not None:
            pending.body.append(body)
        else:
            reader.problem(number, "no timestamp at the start of the line")
    _flush(pending, reader)
