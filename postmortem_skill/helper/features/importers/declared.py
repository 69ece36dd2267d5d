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

from postmortem_skill.helper.features.importers import zonenames
from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.detect import BOT
from postmortem_skill.helper.features.importers.pick import event_text, speaker_of
from postmortem_skill.helper.model.timeutil import ZONE_WORDS, load_zone

_DECLARES = {
    "mitigated": re.compile(r"\bmitigated\b|\bmitigation (?:is )?(?:in place|complete|confirmed|done|effective)\b|"
                            r"已缓解|已止血|止血完成|影响已(?:经)?消除", re.I),
    "resolved": re.compile(r"\b(?:resolving|closing|resolved?|close)\s+(?:the\s+)?(?:incident|INC[-\s]?\d+)\b|"
                           r"\b(?:incident|INC[-\s]?\d+) (?:is |has been |now )?(?:resolved|closed)\b|"
                           r"(?:事故|故障|事件|INC[-\s]?\d+)\s*(?:已经?|现已)(?:于\s*\d{1,2}[:：]\d{2}\s*)?"
                           r"(?:恢复|解决|关闭|结束|解除)|"
                           r"宣布(?:恢复|结束)|(?:事故|故障|事件|INC[-\s]?\d+)\s*(?:正式)?关闭|"
                           r"已(?:经)?(?:于\s*(?:次日|当日|今天|今日)?\s*(?:\d{1,2}[:：]\d{2}\s*)?)?(?:完全|全面|全部)恢复|"
                           # a message that opens by stating it ("*Resolved as of 10:12 CET*: all … confirmed")
                           r"^\W*resolved\s+(?:as of|at|since|effective)\s+\d{1,2}[:：]\d{2}", re.I),
}
# Said before the declaration's words, these make it a question, a negation, a plan or a condition ("not
# mitigated yet", "once it is resolved", "we will close the incident"); after them only a question or a "not
# yet" does ("INC-11 resolved as of 11:52, when the rollout completed" declares).
_NOT_A_DECLARATION = re.compile(r"\?|？|\b(?:not|n't|yet|once|until|when|if|before|after|whether|will|should|"
                                r"can|could|would|might|almost|nearly|partially)\b|未|没|尚|还没|是否|如果|一旦|之后|待",
                                re.I)
_NOT_AFTER = re.compile(r"\?|？|\b(?:not|n't) yet\b|\byet\b|还没|尚未", re.I)
_SENTENCE = re.compile(r"(?:[^.!?。！？\n]|\.(?=\d))+[.!?。！？]?")  # "99.6%" is no sentence's end
_NAMED_ZONES = sorted((w for w in ZONE_WORDS if w.isascii() and w.isupper() and w != "Z"), key=len, reverse=True)
_CLOCK = re.compile(r"(?<![\d:.])(?P<h>[01]?\d|2[0-3])[:：](?P<m>[0-5]\d)(?![\d:])"
                    r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?(?!\w))?(?:\s*(?P<zone>Z\b|"
                    r"UTC\s*\+\s*0?8(?::?00)?|\+08:?00|Beijing time|北京时间|"
                    # abbreviations in capitals only: "um 14:52 ist alles gut" names no zone
                    + "(?-i:" + "|".join(rf"{w}\b" for w in zonenames.NAMES) + ")|"
                    + "|".join(rf"{w}\b" for w in _NAMED_ZONES) + "))?", re.I)
_EIGHT = timezone(timedelta(hours=8))
STATED_BEFORE = timedelta(minutes=15)
STATED_AS_OF = timedelta(hours=3)  # "Resolved as of 11:52 PT", posted 12:31: the clock is the declaration's own
_RIGHT_AFTER = re.compile(r"\s*(?:(?:as of|at|since|from|effective|于|在|自)\s*)?$", re.I)


def _zones_named(name: str, chat_zone: tzinfo, posted: datetime) -> list[tzinfo]:
    """The zones a sentence may mean by the name after its clock (UTC, CT, CEST, 北京时间), else the chat's:
    for a name of several zones (CST: US Central or China) the chat's zone when it uses that name, then each
    of them; the caller keeps the one whose reading falls just before the message."""
    upper = name.upper()
    if not name:
        return [chat_zone]
    if upper in ("BEIJING TIME", "北京时间") or "8" in name:
        return [_EIGHT]
    if name in zonenames.AMBIGUOUS:
        local = posted.astimezone(chat_zone).replace(tzinfo=None)
        own = [chat_zone] if isinstance(zonenames.zone_of(name, local, chat_zone, None), tzinfo) else []
        return own + [load_zone(zone) for zone in zonenames.AMBIGUOUS[name][1] if _known(zone)]
    if name in zonenames.NAMES:
        found = zonenames.zone_of(name, posted.astimezone(chat_zone).replace(tzinfo=None), None, None)
        return [found if isinstance(found, tzinfo) else chat_zone]
    try:
        return [load_zone(upper, words=True)]
    except ValueError:  # PT is America/Los_Angeles: without the system's tz database, the chat's zone
        return [chat_zone]


def _known(zone: str) -> bool:
    try:
        load_zone(zone)
    except ValueError:  # no tz database here
        return False
    return True


def stated_time(sentence: str, posted: datetime, zone: tzinfo, declared: tuple[int, int] | None = None
                ) -> datetime | None:
    """The clock time a declaration states for itself, as UTC, when it lies within STATED_BEFORE before the
    message (STATED_AS_OF when the clock follows the declaration's words: "mitigated as of 4:39 PT"); a
    12-hour clock without am/pm is the half that fits. A later or much earlier clock is about something
    else: None."""
    clocks = list(_CLOCK.finditer(sentence))
    if not clocks:
        return None
    # the clock nearest the declaration's words: 「22:52 起已止血；…，已于次日 10:12 完全恢复」 states two
    m = clocks[0] if declared is None else min(
        clocks, key=lambda c: max(declared[0] - c.end(), c.start() - declared[1], 0))
    hour, half = int(m["h"]), (m["half"] or "").lower()
    hours = [hour % 12 + (12 if half == "p" else 0)] if half and hour <= 12 else (
        [hour, hour + 12] if 1 <= hour < 12 else [hour])
    adjacent = declared is not None and (declared[0] <= m.start() < declared[1] or (
        m.start() >= declared[1] and _RIGHT_AFTER.fullmatch(sentence[declared[1]:m.start()])))
    window = STATED_AS_OF if adjacent else STATED_BEFORE
    for here in _zones_named((m["zone"] or "").strip(), zone, posted):
        local = posted.astimezone(here)
        for h in hours:
            when = local.replace(hour=h, minute=int(m["m"]), second=0, microsecond=0)
            if timedelta(0) <= local - when <= window:
                return when.astimezone(timezone.utc)
    return None


WRITERS_LAG = timedelta(hours=3)
WRITERS_NOW = timedelta(minutes=20)


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
    WRITERS_NOW before the message (what just happened: "22:36 各 pod 都生效了"), then the most within
    WRITERS_LAG (the smaller lag on a tie), when it fits at least three and two more than reading them in
    UTC does. Counting only the wider window favours an hour too far east, which also fits the times people
    quote from earlier and the ones they plan ("v1.9.1 goes out at 09:40", said at 09:35). None when the
    writers use the chat's clock or say too little."""
    clocks = list(_people_clocks(events, kinds))
    if len(clocks) < 3:
        return None
    lag_max, now_max = WRITERS_LAG.total_seconds() / 60, WRITERS_NOW.total_seconds() / 60

    def fit(hours: int) -> tuple[int, int, float]:
        lags = sorted(((posted.hour + hours) * 60 + posted.minute - clock) % 1440 for posted, clock in clocks)
        inside = [lag for lag in lags if lag <= lag_max]
        now = sum(1 for lag in inside if lag <= now_max)
        return now, len(inside), -(inside[len(inside) // 2] if inside else lag_max)
    fits = {hours: fit(hours) for hours in range(-12, 15)}
    best = max(fits, key=lambda h: (fits[h], -abs(h)))
    count, utc = fits[best][1], fits[0][1]
    return timezone(timedelta(hours=best)) if best and count >= 3 and count >= utc + 2 else None


def _names_zone(sentence: str) -> bool:
    m = _CLOCK.search(sentence)
    return bool(m and m["zone"])


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
                m = pattern.search(sentence) if name not in found else None
                if m and not _NOT_A_DECLARATION.search(sentence, 0, m.start()) and \
                        not _NOT_A_DECLARATION.search(m[0]) and not _NOT_AFTER.search(sentence, m.end()):
                    zone = zone_of(event.source) if zone_of else timezone.utc
                    when = stated_time(sentence, event.time, zone, m.span())
                    local = when is None and writers is not None and not _names_zone(sentence)
                    when = stated_time(sentence, event.time, writers, m.span()) if local else when
                    why = f"declared in the incident chat by {who}: “{sentence.strip()[:60]}”"
                    if when is not None and when < event.time:
                        said = f", read as UTC{_hours(writers)} like the chat's other clock times" if local else ""
                        why += f" (posted {event.time:%H:%M:%S} UTC; the row moved to the time it states{said})"
                    else:
                        when = None
                    found[name] = (n, why, when)
    return found
