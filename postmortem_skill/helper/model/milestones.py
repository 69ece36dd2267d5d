"""Incident metrics from a Document's timeline milestones (the contract's `metrics --format json`). No I/O.

TTD = detected − impact start; TTA = acknowledged − detected; TTM = mitigated − impact start;
TTR = resolved − impact start. Times are ISO-8601 UTC with `Z`; durations are whole minutes; a value is
None when a milestone it needs is absent. When the timeline states no zone or no date, the instants are
None but durations between rows of the same day are still computed from the clock times.
"""
from __future__ import annotations

from datetime import datetime

from postmortem_skill.helper.model.timeutil import iso_z, minutes_between, whole_minutes
from postmortem_skill.helper.model.vocabulary import MILESTONES

DURATIONS = (
    ("time_to_detect", "detected", "impact_start", "TTD", "time to detect = detected − impact start"),
    ("time_to_acknowledge", "acknowledged", "detected", "TTA", "time to acknowledge = acknowledged − detected"),
    ("time_to_mitigate", "mitigated", "impact_start", "TTM", "time to mitigate = mitigated − impact start"),
    ("time_to_resolve", "resolved", "impact_start", "TTR", "time to resolve = resolved − impact start"),
)


def _naive(row):
    if row is None or row.clock is None:
        return None
    day = row.day.toordinal() if row.day else 0  # day: the row's own date, the header's, or the rollover
    return day * 1440 + row.clock[0] * 60 + row.clock[1] + row.clock[2] / 60


def compute(doc) -> dict:
    """The contract's metrics dict for a Document."""
    timeline = doc.timeline
    rows = {key: timeline.milestone(key) for key in MILESTONES}
    out: dict = {}
    for key in MILESTONES:
        row = rows[key]
        out[key] = iso_z(row.utc) if row is not None and row.utc is not None else None
    for name, end, start, _, _ in DURATIONS:
        a, b = rows[start], rows[end]
        value = None
        if a is not None and b is not None:
            if a.utc is not None and b.utc is not None:
                value = minutes_between(a.utc, b.utc)
            elif _naive(a) is not None and _naive(b) is not None and bool(a.day) == bool(b.day):
                value = whole_minutes(_naive(b) - _naive(a))
        out[name] = value
    return out


def parse_iso(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ") if value else None
