"""What the evidence suggests beyond its rows: the thresholds alerts name (so the metric sample that
crosses one is kept) and where the milestones probably are. No I/O.

The milestone guesses are marks on rows the evidence already holds, never new facts, each with what it
rests on: impact start and resolved from the metrics exports (`tables.metric_milestones`); mitigated at
the first material, sustained move of a metric back towards its baseline, preferring the first after a
rollback, restart or failover row; detected at the first signal that reached a human (`detect`: a page,
a person's report, a warning only when someone answered it); acknowledged at the first acknowledgement
after it. A milestone the incident's own record declares (`declared`: the lead writing "Mitigated at
14:47" in the incident channel) outranks these guesses. `new --from EVIDENCE` says on stderr which row
got which mark and why, and the writer checks them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.declared import declared
from postmortem_skill.helper.features.importers.detect import detection, first_mitigation
from postmortem_skill.helper.features.importers.pick import classify, is_trouble

_THRESHOLD = re.compile(
    r"(?:\babove|\bover|\bexceed(?:s|ed|ing)?|\bgreater than|>=?|超过|大于|高于)\s*(\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<k>[kK]\b)?(?P<unit>ms\b|s\b|sec|min|m\b|h\b|hours?|minutes?|seconds?|分钟|秒|小时)?")
_ACKED = re.compile(r"\[(?:[^\]]*,\s*)?(?:acknowledged|acked|已确认|确认)\]"  # an alert tool's status
                    r"|(?:^|[:：]\s*)(?:ack\b|ack'd|acked|acknowledged|收到|已确认)", re.I)  # a chat line's first word
WHY = {"impact_start": "the first metric sample off its baseline",
       "detected": "the first signal that reached a human",
       "acknowledged": "the first acknowledgement after it, by the alert tool or in chat",
       "mitigated": "the first sample where a metric moves back towards its baseline, materially and for good",
       "resolved": "the first sample from which every series stays at its baseline"}
ORDER = ("impact_start", "detected", "acknowledged", "mitigated", "resolved")


@dataclass(frozen=True)
class Guess:
    row: int  # from 1
    name: str
    why: str


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


def milestones(events: list[Event], hints: dict, zone_of=None) -> tuple[list[Event], list[Guess]]:
    """The events with guessed milestones marked, and a `Guess` for each, in milestone order. `hints` maps
    a row's source (`path:line`) to a milestone name or (name, why) from the metrics; `zone_of(source)` is
    the zone of a chat's clock times (for a declaration's stated time). Nothing is guessed when the events
    already mark a milestone: the evidence (or the user) decided. A declaration's row moves to the time it
    states ("Mitigated at 14:47", posted 14:48), so the rows stay in time order."""
    if any(e.milestone for e in events):
        return events, []
    hinted = [(n, _hint(hints[e.source])) for n, e in enumerate(events) if e.source in hints]
    marks: dict[int, tuple[str, str]] = {}
    for name in ("impact_start", "resolved"):
        found = next(((n, why) for n, (m, why) in hinted if m == name), None)
        if found is not None:
            marks[found[0]] = (name, found[1])
    kinds = classify(events)
    _first_error_in_sample(events, kinds, marks, {_file(events[n]) for n, _ in hinted})
    start = next((n for n, (m, _) in marks.items() if m == "impact_start"), 0)
    mitigated = _mitigated(events, kinds, start, [(n, why) for n, (m, why) in hinted if m == "mitigated"])
    if mitigated is not None and mitigated[0] not in marks:
        marks[mitigated[0]] = ("mitigated", mitigated[1])
    stated = _prefer_declared(marks, events, kinds, zone_of)
    detected = detection(events, kinds, start)
    if detected is not None and detected[0] not in marks:
        marks[detected[0]] = ("detected", detected[1])
        acked = next((n for n in range(detected[0] + 1, len(events)) if _ACKED.search(events[n].event)), None)
        if acked is not None and acked not in marks:
            marks[acked] = ("acknowledged", WHY["acknowledged"])
    by_name = {m: n for n, (m, _) in marks.items()}
    for later, earlier in (("mitigated", "acknowledged"), ("resolved", "mitigated")):
        if later in by_name and earlier in by_name and by_name[later] < by_name[earlier]:
            del marks[by_name.pop(later)]  # a guess out of order is no guess
    out = [replace(e, milestone=marks[n][0], time=stated.get(n, e.time)) if n in marks else e
           for n, e in enumerate(events)]
    order = sorted(range(len(out)), key=lambda n: out[n].time)
    row = {old: new for new, old in enumerate(order)}
    guesses = [Guess(row[n] + 1, name, why) for n, (name, why) in marks.items()]
    return [out[n] for n in order], sorted(guesses, key=lambda g: ORDER.index(g.name))


SAMPLE_AT_MOST = timedelta(minutes=5)


def _file(event: Event) -> str:
    return (event.source or "").rsplit(":", 1)[0]


def _first_error_in_sample(events, kinds, marks: dict, metric_files: set) -> None:
    """Impact start from a metrics sample moves to the first error a log writes inside that sample's
    interval (sample 23:17:00, first `WARN … 413` at 23:17:12): the same minute, said by the failure itself."""
    sample = next((n for n, (m, _) in marks.items() if m == "impact_start"), None)
    if sample is None:
        return
    path = _file(events[sample])
    following = next((e.time for e in events[sample + 1:] if _file(e) == path), None)
    step = following - events[sample].time if following is not None else timedelta(minutes=1)
    end = events[sample].time + min(step, SAMPLE_AT_MOST)
    for n in range(sample + 1, len(events)):
        if events[n].time >= end:
            return
        if kinds[n] == "other" and _file(events[n]) not in metric_files and is_trouble(events[n]) and n not in marks:
            why = marks.pop(sample)[1]
            marks[n] = ("impact_start", f"the first error logged inside the first degraded sample "
                                        f"({events[sample].time:%H:%M:%S} UTC, {why})")
            return


def _prefer_declared(marks: dict, events, kinds, zone_of) -> dict:
    """A milestone the incident chat declares replaces the metrics' guess, which the reason keeps; the
    times the declarations state, by row."""
    stated = {}
    for name, (row, why, when) in declared(events, kinds, zone_of).items():
        guessed = next((n for n, (m, _) in marks.items() if m == name), None)
        if guessed is not None and guessed != row:
            metric_why = marks.pop(guessed)[1]
            why += f"; the metrics suggest {events[guessed].time:%H:%M} UTC (row {guessed + 1}: {metric_why})"
        if row not in marks:
            marks[row] = (name, why)
            if when is not None:
                stated[row] = when
    return stated


def _hint(hint) -> tuple[str, str]:
    return (hint, WHY.get(hint, "")) if isinstance(hint, str) else tuple(hint)


def _mitigated(events, kinds, start, candidates) -> tuple[int, str] | None:
    """The first metric recovery after the first mitigation action (rollback, restart, failover …) when
    there is one, else the first recovery; with what it rests on."""
    if not candidates:
        return None
    action = first_mitigation(events, kinds, start)
    if action is None:
        n, why = candidates[0]
        return n, f"{why}; no rollback, restart or failover row to check it against"
    after = next(((n, why) for n, why in candidates if events[n].time >= events[action].time), None)
    said = f"{events[action].time:%H:%M} UTC ({events[action].event[:50]})"
    if after is None:
        n, why = candidates[0]
        return n, f"{why}; before the first mitigation action at {said}: check"
    n, why = after
    return n, f"{why}; the first such move after the first mitigation action at {said}"
