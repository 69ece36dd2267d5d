"""Milestones the incident's own record declares. No I/O.

The incident lead writing "Mitigated at 14:47 UTC" or "Resolving INC-7 at 15:05" in the incident channel
is the evidence marking a milestone: it outranks a guess from the metrics, which may read a backlog's turn
or a series' return differently from the people who watched it. A status page's resolved post does not
count: it is communication, and often goes out well after the end.
A declaration is a sentence that says so without a question, a negation or a condition ("not mitigated
yet", "once it is resolved", "is it resolved?"); bots' copies do not declare anything.

A declaration that states its own clock time ("Mitigated at 14:47 UTC", posted at 14:48; "故障已于 23:05 解除")
dates the milestone at that time: the same day, at most STATED_BEFORE before the message, in the zone the
sentence names (UTC, GMT, Beijing time, UTC+8) or else the chat's own; failing that, in the clock the
chat's writers use (`writers_offset`: a Berlin team writing "mitigated as of 10:52" at 09:55 UTC).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone, tzinfo

from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.detect import BOT
from postmortem_skill.helper.features.importers.pick import event_text, speaker_of

_DECLARES = {
    "mitigated": re.compile(r"\bmitigated\b|\bmitigation (?:is )?(?:in place|complete|confirmed|done|effective)\b|"
                            r"已缓解|已止血|止血完成|影响已(?:经)?消除", re.I),
    "resolved": re.compile(r"\b(?:resolving|closing|resolved?|close)\s+(?:the\s+)?(?:incident|INC[-\s]?\d+)\b|"
                           r"\b(?:incident|INC[-\s]?\d+) (?:is |has been |now )?(?:resolved|closed)\b|"
                           r"(?:事故|故障|事件|INC[-\s]?\d+)\s*(?:已经?|现已)(?:于\s*\d{1,2}[:：]\d{2}\s*)?"
                           r"(?:恢复|解决|关闭|结束|解除)|"
                           r"宣布(?:恢复|结束)", re.I),
}
_NOT_A_DECLARATION = re.compile(r"\?|？|\b(?:not|n't|yet|once|until|when|if|before|after|whether|will|should|"
                                r"can|could|would|might|almost|nearly|partially)\b|未|没|尚|还没|是否|如果|一旦|之后|待",
                                re.I)
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")
_CLOCK = re.compile(r"(?<![\d:.])(?P<h>[01]?\d|2[0-3])[:：](?P<m>[0-5]\d)(?![\d:])(?:\s*(?P<zone>UTC|GMT|Z\b|"
                    r"UTC\s*\+\s*0?8(?::?00)?|\+08:?00|Beijing time|北京时间|CST))?", re.I)
_EIGHT = timezone(timedelta(hours=8))
STATED_BEFORE = timedelta(minutes=15)


def stated_time(sentence: str, posted: datetime, zone: tzinfo) -> datetime | None:
    """The clock time a declaration states for itself, as UTC, when it lies on the message's day within
    STATED_BEFORE before it (a later or much earlier clock is about something else); else None."""
    m = _CLOCK.search(sentence)
    if not m:
        return None
    named = (m["zone"] or "").upper()
    here = timezone.utc if named in ("UTC", "GMT", "Z") else _EIGHT if named else zone
    local = posted.astimezone(here)
    when = local.replace(hour=int(m["h"]), minute=int(m["m"]), second=0, microsecond=0)
    return when.astimezone(timezone.utc) if timedelta(0) <= local - when <= STATED_BEFORE else None


WRITERS_LAG = timedelta(hours=3)


def _hours(zone: timezone) -> str:
    return f"{zone.utcoffset(None) / timedelta(hours=1):+g}"


def _people_clocks(events: Sequence[Event], kinds: Sequence[str]):
    for event, kind in zip(events, kinds):
        who = speaker_of(event.event)
        if kind == "chat" and who and not BOT.search(who):
            for m in _CLOCK.finditer(event_text(event)):
                if not m["zone"]:
                    yield event.time, int(m["h"]) * 60 + int(m["m"])


def writers_offset(events: Sequence[Event], kinds: Sequence[str]) -> timezone | None:
    """The offset from UTC of the clock people write in chat ("since 10:52", "finished at 12:15") when it
    is not the chat's own: the whole-hour offset that puts the most of their clock times within
    WRITERS_LAG before the message (the smaller lag on a tie), when it fits at least three and two more
    than reading them in UTC does. None when the writers use the chat's clock or say too little."""
    clocks = list(_people_clocks(events, kinds))
    if len(clocks) < 3:
        return None
    lag_max = WRITERS_LAG.total_seconds() / 60

    def fit(hours: int) -> tuple[int, float]:
        lags = sorted(((posted.hour + hours) * 60 + posted.minute - clock) % 1440 for posted, clock in clocks)
        inside = [lag for lag in lags if lag <= lag_max]
        return len(inside), -(inside[len(inside) // 2] if inside else lag_max)
    best = max(range(-12, 15), key=lambda h: (fit(h), -abs(h)))
    count, utc = fit(best)[0], fit(0)[0]
    return timezone(timedelta(hours=best)) if best and count >= 3 and count >= utc + 2 else None


def declared(events: Sequence[Event], kinds: Sequence[str],
             zone_of: Callable[[str | None], tzinfo] | None = None) -> dict[str, tuple[int, str, datetime | None]]:
    """{milestone: (row index, what it rests on, the time it states or None)} for the first declaration of
    each in the evidence; `zone_of(source)` is the zone a chat's clock times are in (default UTC)."""
    found: dict[str, tuple[int, str, datetime | None]] = {}
    writers = writers_offset(events, kinds)
    for n, (event, kind) in enumerate(zip(events, kinds)):
        who = speaker_of(event.event)
        if kind != "chat" or not who or BOT.search(who):
            continue
        for sentence in _SENTENCE.findall(event_text(event)):
            for name, pattern in _DECLARES.items():
                if name not in found and pattern.search(sentence) and not _NOT_A_DECLARATION.search(sentence):
                    zone = zone_of(event.source) if zone_of else timezone.utc
                    when = stated_time(sentence, event.time, zone)
                    local = when is None and writers is not None
                    when = stated_time(sentence, event.time, writers) if local else when
                    why = f"declared in the incident chat by {who}: “{sentence.strip()[:60]}”"
                    if when is not None and when < event.time:
                        said = f", read as UTC{_hours(writers)} like the chat's other clock times" if local else ""
                        why += f" (posted {event.time:%H:%M:%S} UTC; the row moved to the time it states{said})"
                    else:
                        when = None
                    found[name] = (n, why, when)
    return found
