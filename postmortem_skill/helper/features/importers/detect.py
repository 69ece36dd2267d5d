"""Which row is detection, and which row is the first action taken to mitigate. No I/O.

Detection is the first signal that reached a human (prompts/guides/metrics.md):

  a page       an alert that fired with a paging severity (page, critical, P1-P3, high …), a pager's
               trigger or notification, a chat bot's post that it paged someone: the alert's own time
  an alert     one whose export does not say whether it paged: its time, and the reason says so
  a report     a person (not a bot) in chat reporting the problem: a symptom, customers, a dashboard
  a warning    one that only went to a channel (warning, info, P4 …) counts only when a person answered
               it (named it or acknowledged) before the first page, or says later that it was seen (names
               it: "saw the LagHigh warning"), and then at its own time

A warning nobody is shown to have seen is named in the reason: it is a detection finding of its own.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.pick import (
    ACTIONS,
    alert_name,
    alert_state,
    event_text,
    label_words,
    paged,
    speaker_of,
)

_QUIET = re.compile(r"warning|warn|info|informational|notice|minor|low|no page|p[45]|sev ?[45]|提示|警告|一般|低|次要",
                    re.I)
BOT = re.compile(r"bot\b|\bbot|pagerduty|opsgenie|alertmanager|grafana|datadog|prometheus|zabbix|sentry|"
                  r"monitor|webhook|incident\.io|statuspage|机器人|告警|监控", re.I)
_BOT_FIRED = re.compile(r"\b(?:firing|fired|triggered|alerting|paging|paged)\b|触发|告警中", re.I)
_BOT_PAGED = re.compile(r"\b(?:paging|paged|page[sd]?)\b|呼叫|电话通知", re.I)
_BOT_QUIET = re.compile(r"[(\[]\s*(?:warning|warn|info|notice|minor|low|p[45])\s*[)\]]|提示", re.I)
_ANSWER = re.compile(r"(?:^|[:：]\s*)(?:ack\b|ack'd|acked|acknowledged|looking|on it|checking|收到|在看|我看)|"
                     r"\blooking (?:at|into)\b|\bI'?m on it\b|\bseen\b|\bsaw\b|正在看|看一下", re.I)
_REPORT = re.compile("|".join(p for name, p in ACTIONS if name in ("symptom", "customer report")), re.I)
_MITIGATION = re.compile("|".join(p for name, p in ACTIONS
                                  if name in ("rollback", "restart", "failover", "scaling", "switch off")), re.I)
ANSWER_WITHIN = timedelta(minutes=30)


def _clock(event: Event) -> str:
    return f"{event.time:%H:%M} UTC"


def _short(event: Event) -> str:
    """The alert's name as the export writes it (`PaymentsApi5xxHigh`), else the start of its text."""
    who = speaker_of(event.event)
    text = event_text(event).lstrip(" :：") if who and BOT.search(who) else event.event
    name = alert_name(text)
    at = text.lower().find(name) if name else -1
    return text[at:at + len(name)] if at >= 0 else text[:40]


def signal(event: Event, kind: str) -> str | None:
    """'page', 'alert' (paging unknown), 'quiet' (a warning to a channel), 'person' (a chat row by a
    person) or None."""
    if event.day:
        return None
    who = speaker_of(event.event) if kind == "chat" else None
    if who is not None and not BOT.search(who):
        return "person"
    if who is not None:  # a bot's post: an alert arriving in chat
        text = event_text(event)
        if _BOT_PAGED.search(text):
            return "page"
        if not _BOT_FIRED.search(text):
            return None
        return "quiet" if _BOT_QUIET.search(text) else "alert"
    if kind != "alert" or alert_state(event) != "fired":
        return None
    if paged(event):
        return "page"
    if any(_QUIET.fullmatch(w) for w in label_words(event.event)):
        return "quiet"
    return "alert"


def _answers(person: Event, warning: Event) -> bool:
    if not timedelta(0) <= person.time - warning.time <= ANSWER_WITHIN:
        return False
    said = re.sub(r"[\W_]+", "", event_text(person).lower())
    name = re.sub(r"[\W_]+", "", alert_name(warning.event))
    return bool(name and name in said) or bool(_ANSWER.search(event_text(person)))


def detection(events: Sequence[Event], kinds: Sequence[str], start: int) -> tuple[int, str] | None:
    """(index, why) of the detection row at or after `start`, or None when the evidence has no signal."""
    quiet: list[int] = []
    for n in range(start, len(events)):
        event, kind = events[n], signal(events[n], kinds[n])
        if kind == "quiet":
            quiet.append(n)
        elif kind == "person":
            seen = next((w for w in quiet if _answers(event, events[w])), None)
            if seen is not None:
                return seen, (f"a warning that went to a channel only, counted because a person answered it "
                              f"at {_clock(event)} ({event.event[:50]})")
            if _REPORT.search(event_text(event)):
                return n, "a person reporting the problem in chat before any page" + _unseen(events, quiet)
        elif kind == "page":
            said = _seen_later(events, kinds, quiet, n)
            if said is not None:
                return said
            return n, f"the page ({_short(event)})" + _unseen(events, quiet)
        elif kind == "alert":
            return n, (f"the first alert that fired ({_short(event)}); its export does not say whether it "
                       "paged: check" + _unseen(events, quiet))
    if quiet:
        return quiet[0], ("a warning that went to a channel only; no page or report follows it: check "
                          "whether anyone saw it")
    return None


_SAW = re.compile(r"\b(?:saw|seen|noticed|spotted)\b|看到|注意到", re.I)
_NOT_SEEN = re.compile(r"\b(?:no ?one|nobody|didn'?t|did not|never|not|wasn'?t)\b(?:\s+\w+)?\s+(?:saw|seen|noticed|"
                       r"spotted)\b|没(?:有)?人?(?:看到|注意到)", re.I)
SAID_WITHIN = timedelta(days=2)


def _seen_later(events, kinds, quiet: list[int], page: int) -> tuple[int, str] | None:
    """A warning before the page that a person says, later in the chat, they saw ("the LagHigh warning hit
    #alerts at 3:27. I saw it and figured it was the daily catch-up"): detection is the warning, and the
    reason says who said so."""
    for n in range(page + 1, len(events)):
        event = events[n]
        if event.time - events[page].time > SAID_WITHIN:
            break
        text = event_text(event)
        if signal(event, kinds[n]) != "person" or not _SAW.search(text) or _NOT_SEEN.search(text):
            continue
        said = re.sub(r"[\W_]+", "", text.lower())
        for w in quiet:
            name = re.sub(r"[\W_]+", "", alert_name(events[w].event))
            if name and name in said:
                return w, (f"a warning that went to a channel only, counted because {speaker_of(event.event)} "
                           f"says at {_clock(event)} it was seen ({text.strip()[:60]}); the page "
                           f"({_short(events[page])}) came at {_clock(events[page])}")
    return None


def _unseen(events: Sequence[Event], quiet: list[int]) -> str:
    if not quiet:
        return ""
    first = {}
    for n in quiet:
        first.setdefault(_short(events[n]), n)  # a bot's post of the same warning is the same signal
    names = ", ".join(f"{name} at {_clock(events[n])}" for name, n in first.items())
    return (f"; not the earlier warning{'s' * (len(first) > 1)} {names}: to a channel only, nobody answered "
            "before the page (a detection finding)")


def first_mitigation(events: Sequence[Event], kinds: Sequence[str], start: int) -> int | None:
    """The first rollback, restart, failover, scaling or switch-off row at or after `start` that is not an
    alert and not a question ("can you roll back?" is a proposal)."""
    for n in range(start, len(events)):
        text = event_text(events[n])
        reported = text.startswith("Warning ")  # a Kubernetes warning (`Back-off restarting`) is no one's action
        if kinds[n] in ("change", "chat", "other") and _MITIGATION.search(text) and not re.search(r"[?？]", text) \
                and not reported:
            return n
    return None
