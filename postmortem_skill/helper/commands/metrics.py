"""`postmortem metrics FILE`: time to detect / acknowledge / mitigate / resolve from the timeline."""
from __future__ import annotations

import json

DESCRIPTION = """\
Read the milestones marked in the timeline (**IMPACT STARTS**, **DETECTED**, **ACKNOWLEDGED**,
**MITIGATED**, **RESOLVED**; Chinese **影响开始** **发现** **响应** **缓解** **恢复**) and print:

  TTD  time to detect      = detected     - impact start
  TTA  time to acknowledge = acknowledged - detected
  TTM  time to mitigate    = mitigated    - impact start
  TTR  time to resolve     = resolved     - impact start

Durations are whole minutes; times are UTC (the text output adds the timeline's own clock when it is
another, e.g. UTC+8). A value is missing (null) when its milestone is.
Per-incident values only: averages of skewed durations across incidents mislead.
"""


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="a postmortem Markdown file")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _iso(instant) -> str | None:
    """The contract's form of an instant: ISO-8601 UTC with `Z`."""
    from postmortem_skill.helper.model.timeutil import iso_z

    return iso_z(instant) if instant is not None else None


def _local_clock(zone_name: str | None):
    """For a timeline written in a zone other than UTC: a function UTC datetime -> '2026-06-19 19:55 UTC+8'."""
    from datetime import datetime, timedelta

    from postmortem_skill.helper.model.timeutil import zone_or_none

    zone = zone_or_none(zone_name)
    if zone is None or all(zone.utcoffset(datetime(2026, month, 1)) == timedelta(0) for month in (1, 7)):
        return None

    def local(instant) -> str:
        try:
            there = instant.astimezone(zone)
        except OverflowError:  # the zone's clock is past year 9999 (or before year 1)
            return f"outside the calendar in {zone_name}"
        return f"{there.date().isoformat()} {there:%H:%M} {zone_name}"
    return local


def run(args) -> int:
    from pathlib import Path

    from postmortem_skill.helper.errors import UsageError
    from postmortem_skill.helper.inputs import read_text
    from postmortem_skill.helper.model.document import parse_document
    from postmortem_skill.helper.model.milestones import DURATIONS, MILESTONES, compute

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file" if not path.exists() else f"{args.file}: not a file")
    doc = parse_document(read_text(path))
    values = compute(doc)
    if args.format == "json":
        print(json.dumps({name: _iso(value) if name in MILESTONES else value for name, value in values.items()}))
        return 0
    labels = {"impact_start": "impact start", "detected": "detected", "acknowledged": "acknowledged",
              "mitigated": "mitigated", "resolved": "resolved"}
    local = _local_clock(doc.timeline.zone)
    for key in MILESTONES:
        shown = _iso(values[key]) or "-"
        if values[key] and local:  # the document's own clock too, so its rows can be found at a glance
            shown += f"  ({local(values[key])})"
        print(f"{labels[key] + ':':14} {shown}")
    print()
    for name, _, _, short, definition in DURATIONS:
        value = values[name]
        shown = f"{value} min" if value is not None else "-"
        print(f"{short}  {shown:>9}   {definition}")
    if doc.timeline.rows and doc.timeline.zone is None:
        print("\nnote: the timeline states no time zone, so times are not converted to UTC")
    return 0
