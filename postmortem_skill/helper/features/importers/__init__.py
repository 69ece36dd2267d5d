"""Timeline rows from the evidence people have, merged into one list. No I/O.

`parse(text, zone, day, name)` reads one file, detected from its content: JSON / JSON Lines (`jsonin`:
alert tools and chat exports as exported), CSV/TSV with a header row naming a time column (`tables`),
Markdown with tables whose header names a time column (change calendars, 变更单), log and chat lines
(`lines`). Every row that cannot be used is a `Problem` with its 1-based line; the others are kept.
`merge` joins the files' rows sorted by time, exact duplicates dropped. `render` writes them out.

Milestones use the metric names: impact_start, detected, acknowledged, mitigated, resolved. Inputs mark
them with a `milestone` field/column or a leading marker in the text (`**DETECTED**`, `[RESOLVED]`,
`【恢复】`); the marker is taken off the text and written back by the Markdown renderer.
"""
from __future__ import annotations

from datetime import date, tzinfo

from postmortem_skill.helper.features.importers.aligned import read_aligned
from postmortem_skill.helper.features.importers.chat import people_of
from postmortem_skill.helper.features.importers.core import (
    NO_DAY,
    Event,
    Problem,
    Reader,
    milestone_name,
    split_marker,
    with_labels,
)
from postmortem_skill.helper.features.importers.guess import WHY as GUESS_WHY
from postmortem_skill.helper.features.importers.guess import milestones as guess_milestones
from postmortem_skill.helper.features.importers.guess import thresholds
from postmortem_skill.helper.features.importers.jsonin import TEXT_KEYS, TIME_KEYS, add_record, read_json
from postmortem_skill.helper.features.importers.lines import read_lines, starts_like_lines
from postmortem_skill.helper.features.importers.pick import near_incident
from postmortem_skill.helper.features.importers.render import (
    event_cell,
    headers,
    table_cell,
    time_cells,
    to_facts,
    to_json,
    to_markdown,
    to_mermaid,
)
from postmortem_skill.helper.features.importers.tables import csv_header, read_csv, read_markdown
from postmortem_skill.helper.model.timeutil import UTC, match_timestamp
from postmortem_skill.helper.model.vocabulary import MARKERS, MILESTONES

__all__ = ["Event", "Problem", "Reader", "GUESS_WHY", "MARKERS", "MILESTONES", "NO_DAY", "TEXT_KEYS", "TIME_KEYS",
           "event_cell", "from_records", "guess_milestones", "near_incident", "thresholds", "headers", "merge",
           "milestone_name",
           "parse", "people_of", "read", "split_marker", "table_cell", "time_cells", "to_facts", "to_json",
           "to_markdown", "to_mermaid", "with_labels"]


def _is_json(first: str) -> bool:
    head = first.lstrip()
    return head[:1] in "[{" and not match_timestamp(head[1:]) and not starts_like_lines(head)


def parse(text: str, zone: tzinfo = UTC, day: date | None = None,
          name: str | None = None, people: dict | None = None) -> tuple[list[Event], list[Problem]]:
    """Events sorted by time (stable: equal times keep the input order) and the problems met.

    `day` is the date of chat lines that give a time of day only, until a date line in the text says
    otherwise; `name` (the path as given) makes each row's source `name:line`; `people` maps chat user
    ids to names (authors and `<@U…>` mentions)."""
    return read(text, Reader(zone, day, name, people))


def read(text: str, reader: Reader) -> tuple[list[Event], list[Problem]]:
    """`parse` with a reader of one's own: afterwards `reader.naive` counts rows whose time named no zone."""
    text = text.lstrip("\ufeff")
    if text[:4].lower() == "sep=":  # Excel's delimiter hint above a CSV header: a blank line keeps line numbers
        text = "\n" + text.split("\n", 1)[-1] if "\n" in text else ""
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = csv_header(first) if first and not starts_like_lines(first) else None
    if not first:
        reader.problem(1, "empty input")
    elif _is_json(first):
        read_json(text, reader)
    elif header:
        read_csv(text, header[0], header[1], reader)
    elif not read_aligned(text, reader) and not read_markdown(text, reader):
        read_lines(text, reader)
    return reader.sorted_events(), reader.problems


def from_records(records: list, zone: tzinfo = UTC) -> tuple[list[Event], list[Problem]]:
    """Events from already-parsed objects (a facts file's `events`, timeline JSON rows); problems count
    items from 1."""
    reader = Reader(zone)
    for number, record in enumerate(records, 1):
        add_record(reader, number, record)
    return reader.sorted_events(), reader.problems


def merge(groups: list[list[Event]]) -> list[Event]:
    """One list sorted by time (files in the order given, rows in file order on ties); a row equal to an
    earlier one in time, text, milestone and id is dropped (the same alert exported twice)."""
    seen, out = set(), []
    every = [e for group in groups for e in group]
    every.sort(key=_time)
    for event in every:
        identity = (event.time, event.day, event.event, event.milestone, event.id)
        if identity not in seen:
            seen.add(identity)
            out.append(event)
    return out


def _time(event: Event):
    return event.time
