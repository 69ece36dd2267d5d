"""Where one metric series left its baseline, where it moved back, and where it was back for good. No I/O.

A move back counts only when it is material and sustained: the series comes back by at least FRACTION
of its excursion from the worst level so far and stays there for HOLD samples. A 0.1-point drift on a
31% plateau, noise around a plateau, or one good sample in a bad stretch are not recoveries. The move's
first sample (its onset) is found by walking back from where it became material over the falling steps
that are larger than the noise. Direction comes from the data: an error rate rises, throughput falls;
values past the baseline on the good side count as back. Missing samples (None) are skipped.
Impact starts at the onset of the rise that made the excursion material, found the same way: a series
that first shifts a little (restarts during a deploy) and later takes off starts at the take-off.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

FRACTION = 0.25  # share of the excursion a move back must cover
HOLD = 3  # samples the series must stay there (fewer when the export ends sooner, at least one)


@dataclass(frozen=True)
class Recovery:
    onset: int  # first sample of the move back
    confirmed: int  # first sample where the move covered FRACTION of the excursion
    worst: int  # the worst sample before it


@dataclass(frozen=True)
class Excursion:
    level: float  # the baseline: median of the first samples
    tolerance: float  # how far from it a value must be to have left it
    start: int  # first sample off the baseline (not a lone outlier)
    onset: int  # first sample of the rise that became material (FRACTION of the excursion): impact starts
    worst: int  # the worst sample of the whole series
    recoveries: tuple[Recovery, ...]
    back: int | None  # first sample from which the series stays at its baseline


def baseline(vs: list[float | None]) -> tuple[float, float] | None:
    """(median of the first five known samples, how far from it a value must be to have left it), or None.
    The tolerance is twice the baseline's own spread, and at least 1% of the series' range: a lag of
    2,400 after a quiet 105-140 has left, however small it is next to a later peak of 212,000."""
    known = [v for v in vs[:5] if v is not None]
    if len(known) < 2:
        return None
    every = [v for v in vs if v is not None]
    return sorted(known)[len(known) // 2], max(2 * (max(known) - min(known)), 0.01 * (max(every) - min(every)))


def analyse(vs: list[float | None]) -> Excursion | None:
    """The series' excursion from its baseline, or None when it never left it."""
    base = baseline(vs)
    if base is None:
        return None
    level, tolerance = base
    off = [n for n, v in enumerate(vs) if v is not None and abs(v - level) > tolerance]
    steady = _steady(vs)
    start = next((n for n in off if abs(steady[n] - level) > tolerance), None)
    if start is None:
        return None
    sign = 1 if steady[start] > level else -1  # the steady value: a lone opposite outlier does not turn it
    s = [None if v is None else (v - level) * sign for v in vs]  # how bad: larger is worse
    r = [(m - level) * sign if m is not None else None for m in steady]
    size = max(x for x in r[start:] if x is not None)
    worst = max((n for n in range(start, len(s)) if s[n] is not None), key=lambda n: s[n])
    known = _Known(s)
    return Excursion(level, tolerance, start, _rise(s, r, start, size, tolerance, known), worst,
                     _recoveries(s, r, start, size, tolerance, known), _back(s, start, tolerance, known))


def _rise(s, r, start, size, tolerance, known) -> int:
    """The first sample of the rise that made the excursion material: from the first steady sample past
    FRACTION of it, back over the rising steps larger than the baseline's own noise. A series that first
    shifts a little (a deploy's restarts, a sale's start) and only later takes off starts at the take-off."""
    material = next(n for n in known(start) if r[n] is not None and r[n] >= FRACTION * size)
    return _first_of_move(s, material, start, tolerance, known, rising=True)


def _steady(vs):
    """Each sample's median with its known neighbours: a lone outlier neither starts nor sizes an excursion."""
    out = []
    for n, v in enumerate(vs):
        near = sorted(x for x in vs[max(n - 1, 0):n + 2] if x is not None)
        out.append(None if v is None else near[len(near) // 2] if len(near) == 3 else v)
    return out


class _Known:
    """The indices of the known samples, for slices between two indices without rescanning the series."""

    def __init__(self, s):
        self.rows = [n for n, x in enumerate(s) if x is not None]

    def __call__(self, first, last=None, count=None):
        begin = bisect_left(self.rows, first)
        end = len(self.rows) if last is None else bisect_left(self.rows, last)
        return self.rows[begin:end if count is None else min(end, begin + count)]


def _recoveries(s, r, start, size, tolerance, known) -> tuple[Recovery, ...]:
    material = FRACTION * size
    found, top, worst, n, since = [], None, None, start, start
    while n < len(s):
        if s[n] is None:
            n += 1
            continue
        top = r[n] if top is None or r[n] > top else top
        worst = n if worst is None or s[n] > s[worst] else worst
        if s[n] <= top - material and _held(s, n, top - material, known):
            noise = _noise(s, since, n, top - material, tolerance, known)
            found.append(Recovery(_first_of_move(s, n, worst + 1, noise, known, rising=False), n, worst))
            n = since = _end_of_fall(s, n, noise, known)
            top, worst = None, None
            continue
        n += 1
    return tuple(found)


def _held(s, n, ceiling, known) -> bool:
    after = known(n + 1, count=HOLD)
    return bool(after) and all(s[k] <= ceiling for k in after)


def _noise(s, since, confirmed, band, tolerance, known) -> float:
    """How big a step the plateau makes by itself: twice the lower median of its up-and-down steps (samples
    in the worst band, where the direction turns), or the baseline tolerance when it shows too few."""
    band_rows = [n for n in known(since, confirmed) if s[n] > band]
    steps = [s[b] - s[a] for a, b in zip(band_rows, band_rows[1:])]
    turns = [abs(b) for a, b in zip(steps, steps[1:]) if a * b < 0]
    if len(turns) < 2:
        return tolerance
    return max(tolerance, 2 * sorted(turns)[(len(turns) - 1) // 2])  # the lower median: the fall may be one


def _first_of_move(s, seen, floor, noise, known, rising: bool) -> int:
    """The first sample of the rise (or fall) that `seen` is part of: back from it while the step into the
    sample before is the same way and larger than `noise`, never before `floor`."""
    rows = known.rows
    at = bisect_left(rows, seen)
    while at >= 2 and rows[at - 1] >= floor and (s[rows[at - 1]] - s[rows[at - 2]]) * (1 if rising else -1) > noise:
        at -= 1  # the sample before is part of the move too
    return rows[at]


def _end_of_fall(s, n, noise, known) -> int:
    """The sample where the fall that confirmed a recovery stops: a later recovery starts from a new plateau."""
    while True:
        after = known(n + 1, count=1)
        if not after:
            return len(s)
        if s[n] - s[after[0]] <= noise:
            return n
        n = after[0]


def _back(s, start, tolerance, known) -> int | None:
    """The first sample after the start from which the series stays within its baseline for HOLD more
    known samples, or to the end (throughput far above its baseline is a backlog still draining)."""
    rows = known(start + 1)
    for at, n in enumerate(rows):
        if all(abs(s[k]) <= tolerance for k in rows[at:at + HOLD + 1]):
            return n
    return None
