"""Writing a timeline: JSON (always UTC), a Markdown table with the template's columns, Mermaid, and a
facts skeleton for `new --from`. Date rows print as the date alone."""
from __future__ import annotations

import json
import re
from datetime import tzinfo

from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.model.timeutil import UTC, iso_z
from postmortem_skill.helper.model.vocabulary import MARKERS


def json_time(event: Event) -> str:
    return event.day.isoformat() if event.day else iso_z(event.time)


def row(event: Event) -> dict:
    return {"time": json_time(event), "event": event.event, "milestone": event.milestone,
            "source": event.source, "id": event.id}


def to_json(events: list[Event]) -> str:
    """A JSON array, one row per line (greppable, and the C encoder is used for each row)."""
    if not events:
        return "[]"
    return "[\n" + ",\n".join(json.dumps(row(e), ensure_ascii=False) for e in events) + "\n]"


def table_cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def time_cells(events: list[Event], zone: tzinfo = UTC) -> list[str]:
    """`HH:MM` (or `HH:MM:SS` when any row has seconds) in `zone`, dated `YYYY-MM-DD HH:MM` when rows
    span days; a date row is its date."""
    timed = [e for e in events if not e.day]
    seconds = any(e.time.second for e in timed)
    dated = len({e.time.astimezone(zone).date() for e in timed} | {e.day for e in events if e.day}) > 1
    form = ("%Y-%m-%d " if dated else "") + ("%H:%M:%S" if seconds else "%H:%M")
    return [e.day.isoformat() if e.day else e.time.astimezone(zone).strftime(form) for e in events]


def source_text(event: Event) -> str:
    """Where the row comes from, with its id when the event text does not name it already."""
    ident = f"({event.id})" if event.id and event.id not in event.event else ""
    return " ".join(part for part in (event.source or "", ident) if part)


def event_cell(event: Event, lang: str = "en") -> str:
    marker = MARKERS[event.milestone][lang == "zh"] if event.milestone else ""
    text = said_in_chinese(event.event) if lang == "zh" else event.event
    return (f"**{marker}** " if marker else "") + table_cell(text)


# The words our readers add to a row (what the evidence said stays as it was said), in a 复盘's own language.
# The timeline JSON and the row list keep them in English: tools and --rows read those.
_ZH_WORDS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"^Argo CD started deploying ", "Argo CD 开始部署 "),
    (r"^Argo CD deployed ", "Argo CD 完成部署 "),
    (r"^Argo CD deploy of (.+?) ended, phase ", r"Argo CD 部署 \1 结束，阶段 "),
    (r"^(Argo CD .*)\brollback to the revision of sync (\w+)", r"\1回滚到 sync \2 的版本"),
    (r"^(Argo CD .*(?:\(|, ))automated(?=[,)])", r"\1自动同步"),
    (r"^Commit ([0-9a-f]{7})\b", r"提交 \1"),
    (r"^deploy (\S+ \([0-9a-f]{7}\)) to (\S+)(.*) started$", r"部署 \1 到 \2\3 开始"),
    (r"^deploy (\S+ \([0-9a-f]{7}\)) to (\S+)(.*) finished\b", r"部署 \1 到 \2\3 完成"),
    (r"^((?:cancelled: )?(?:[^\s:]+ )?)window (start|end)( \(planned\))?(:\s*|$)", lambda m: "".join((
        m[1], "窗口开始" if m[2] == "start" else "窗口结束", "（计划）" if m[3] else "", "：" if m[4] else ""))),
    (r"^cancelled: ", "已取消："),
))


def said_in_chinese(text: str) -> str:
    """`text` with the words a reader added in Chinese: `Argo CD deployed …` → `Argo CD 完成部署 …`."""
    for pattern, replacement in _ZH_WORDS:
        text = pattern.sub(replacement, text)
    return text


def headers(lang: str, label: str = "UTC") -> tuple[str, str, str]:
    """The table's column names; `label` names the zone of the time column."""
    return (f"Time ({label})", "Event", "Source") if lang != "zh" else (f"时间（{label}）", "事件", "来源")


def to_markdown(events: list[Event], lang: str = "en", zone: tzinfo = UTC, label: str = "UTC") -> str:
    """A table ready to paste under the Timeline heading, its times in `zone` (named `label`), with the
    template's columns: Time | Event | Source."""
    lines = ["| " + " | ".join(headers(lang, label)) + " |", "|---|---|---|"]
    for when, e in zip(time_cells(events, zone), events):
        lines.append(f"| {when} | {event_cell(e, lang)} | {table_cell(source_text(e))} |")
    return "\n".join(lines) + "\n"


_MERMAID_CODES = {"#": "#35;", ":": "#58;", ";": "#59;"}  # Mermaid entity codes: `:` separates events


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_CODES.get(c, c) for c in " ".join(text.split()))


def to_mermaid(events: list[Event], zone: tzinfo = UTC, label: str = "UTC") -> str:
    """A fenced Mermaid `timeline` (GitHub renders it): one section per day in `zone`, one period per row."""
    lines = ["```mermaid", "timeline", f"    title Incident timeline ({label})"]
    day = None
    for e in events:
        local = e.time.astimezone(zone)
        when = e.day or local.date()
        if when != day:
            day = when
            lines.append(f"    section {day.isoformat()}")
        marker = f"{MARKERS[e.milestone][0]} - " if e.milestone else ""
        clock = "(date)" if e.day else local.strftime("%H:%M")
        lines.append(f"        {_mermaid_text(clock)} : {_mermaid_text(marker + e.event)}")
    return "\n".join(lines + ["```"]) + "\n"


_FACTS_HEAD = """\
# Facts for `postmortem new ID --from THIS_FILE`. Keep this file next to the postmortem in the
# repository (docs/postmortems/ID.facts.yaml), never in the evidence folder. Fill in what the evidence
# or the user says; leave a field empty when nobody knows it yet. Mark milestones on the events
# (impact_start, detected, acknowledged, mitigated, resolved). Do not retype or convert the events.
id:
title:
severity:
date:
status: Draft
authors: []
summary:
impact: []
responders: []
events:
"""


def _q(value) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def to_facts(events: list[Event]) -> str:
    lines = [_FACTS_HEAD.rstrip("\n")]
    for e in events:
        lines.append(f"  - {{time: {_q(json_time(e))}, event: {_q(e.event)}, milestone: {_q(e.milestone)}, "
                     f"source: {_q(e.source)}, id: {_q(e.id)}}}")
    return "\n".join(lines) + "\n"
