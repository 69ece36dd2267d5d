"""What the evidence suggests beyond its rows: the thresholds alerts name (so the metric sample that
crosses one is kept) and where the milestones probably are. No I/O.

The milestone guesses are marks on rows the evidence already holds, never new facts: impact start,
mitigated and resolved from the metrics exports (`tables.metric_milestones`), detected at the first
alert that fired, acknowledged at the first acknowledgement after it. `new --from EVIDENCE` says on
stderr which row got which mark and why, and the writer checks them.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from postmortem_skill.helper.features.importers.core import Event

_THRESHOLD = re.compile(
    r"(?:\babove|\bover|\bexceed(?:s|ed|ing)?|\bgreater than|>=?|超过|大于|高于)\s*(\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<k>[kK]\b)?(?P<unit>ms\b|s\b|sec|min|m\b|h\b|hours?|minutes?|seconds?|分钟|秒|小时)?")
_FIRED = re.compile(r"\[(?:[^\]]*,\s*)?(?:firing|triggered|trigger|alerting|触发|告警中)\]|^\[FIRING", re.I)
_ACKED = re.compile(r"\[(?:[^\]]*,\s*)?(?:acknowledged|acked|已确认|确认)\]"  # an alert tool's status
                    r"|(?:^|[:：]\s*)(?:ack\b|ack'd|acked|acknowledged|收到|已确认)", re.I)  # a chat line's first word
WHY = {"impact_start": "the first metric sample off its baseline",
       "detected": "the first alert that fired",
       "acknowledged": "the first acknowledgement after it, by the alert tool or in chat",
       "mitigated": "the first sample where a series is back at (or past) its baseline or turns back",
       "resolved": "the first sample with every series back at its baseline"}


def thresholds(events) -> tuple[float, ...]:
    """Numbers the alert texts compare against (`lag above 20000`, `错误率超过 5%`), durations left out."""
    found = set()
    for event in events:
        for m in _THRESHOLD.finditer(event.event):
            if m["unit"]:
                continue
            value = float(m[1].replace(",", "")) * (1000 if m["k"] else 1)
            found.add(value)
    return tuple(sorted(found))


def milestones(events: list[Event], hints: dict[str, str]) -> tuple[list[Event], list[tuple[int, str]]]:
    """The events with guessed milestones marked, and (row number from 1, milestone) for each guess.
    Nothing is guessed when the events already mark a milestone: the evidence (or the user) decided."""
    if any(e.milestone for e in events):
        return events, []
    marks: dict[int, str] = {}
    for name in ("impact_start", "mitigated", "resolved"):
        found = next((n for n, e in enumerate(events) if hints.get(e.source or "") == name), None)
        if found is not None:
            marks[found] = name
    start = next((n for n, m in marks.items() if m == "impact_start"), 0)
    detected = next((n for n, e in enumerate(events) if n >= start and not e.day and _FIRED.search(e.event)),
                    None)
    if detected is not None and detected not in marks:
        marks[detected] = "detected"
        acked = next((n for n in range(detected + 1, len(events)) if _ACKED.search(events[n].event)), None)
        if acked is not None and acked not in marks:
            marks[acked] = "acknowledged"
    order = ("impact_start", "detected", "acknowledged", "mitigated", "resolved")
    by_name = {m: n for n, m in marks.items()}
    for later, earlier in (("mitigated", "acknowledged"), ("resolved", "mitigated")):
        if later in by_name and earlier in by_name and by_name[later] < by_name[earlier]:
            del marks[by_name.pop(later)]  # a guess out of order is no guess
    out = [replace(e, milestone=marks[n]) if n in marks else e for n, e in enumerate(events)]
    return out, sorted(((n + 1, m) for n, m in marks.items()), key=lambda item: order.index(item[1]))


_WINDOW_ROW = re.compile(r"\bwindow (?:start|end)\b|窗口(?:开始|结束)")


def near_incident(events: list[Event], margin: timedelta = timedelta(hours=6)) -> tuple[list[Event], list[Event]]:
    """(rows for the draft, change-window rows left out): a change calendar lists the week's changes, and a
    window that ends more than `margin` before the impact starts or starts more than `margin` after the
    resolution is another change's. Everything stays when the impact start or the resolution is not marked."""
    start = next((e.time for e in events if e.milestone == "impact_start"), None)
    end = next((e.time for e in events if e.milestone == "resolved"), None)
    if start is None or end is None:
        return events, []
    kept, dropped = [], []
    for event in events:
        far = event.time < start - margin or event.time > end + margin
        (dropped if far and not event.day and _WINDOW_ROW.search(event.event) else kept).append(event)
    return kept, dropped
