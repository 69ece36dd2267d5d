"""What `postmortem new` writes: template variables filled, and a draft built from a facts file. No I/O.

Nothing is invented: a fact the caller does not give stays a `[TODO: …]` slot. What is derived is
only arithmetic on given facts (the date and duration from the impact-start and resolved times, the
metrics from the milestones).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, tzinfo

from postmortem_skill.helper.features import importers
from postmortem_skill.helper.features.importers import Event
from postmortem_skill.helper.model.timeutil import (
    UTC,
    format_duration,
    load_zone,
    minutes_between,
    parse_date,
    zone_or_none,
)
from postmortem_skill.helper.model.vocabulary import DEFAULT_SCALE as DEFAULT_SEVERITIES


@dataclass(frozen=True)
class Clock:
    """The zone a document's timeline is written in, and how its heading names it."""
    zone: tzinfo
    label: str


UTC_CLOCK = Clock(UTC, "UTC")


def timeline_clock(template: str) -> Clock:
    """The zone the template's timeline heading names (`## 时间线（UTC+8）`), read as validate reads it;
    UTC when it names none."""
    from postmortem_skill.helper.model.rows import find_zone

    lines = template.split("\n")
    span = _section(lines, _SECTION_NAMES["timeline"])
    name = find_zone(lines[span[0] - 1]) if span else None
    zone = zone_or_none(name)
    return Clock(zone, name) if zone is not None else UTC_CLOCK


ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
STATUSES = {"en": ("Draft", "In Review", "Final"), "zh": ("草稿", "评审中", "定稿")}
_TODO = {  # slot texts for facts not given
    "en": {"title": "[TODO: short title]", "date": "[TODO: YYYY-MM-DD, the day the impact started]",
           "severity": "[TODO: SEV1–SEV5]", "authors": "[TODO: teams or roles writing this]",
           "duration": "[TODO: impact start → resolved]"},
    "zh": {"title": "[TODO: 简短标题]", "date": "[TODO: YYYY-MM-DD，影响开始的日期]",
           "severity": "[TODO: P0–P4 或 SEV1–SEV5]", "authors": "[TODO: 撰写的团队或角色]",
           "duration": "[TODO: 影响开始 → 恢复]"},
}
_METRICS = (  # (label, from milestone, to milestone)
    ("TTD", "impact_start", "detected"), ("TTA", "detected", "acknowledged"),
    ("TTM", "impact_start", "mitigated"), ("TTR", "impact_start", "resolved"),
)


def check_id(incident_id: str) -> str:
    if not ID_PATTERN.fullmatch(incident_id):
        raise ValueError(f"not a plain incident id: {incident_id!r} (letters, digits, '.', '_', '-'; "
                         "starting with a letter or digit; at most 64 characters)")
    return incident_id


def file_name(incident_id: str) -> str:
    return f"{check_id(incident_id)}.md"


def check_severity(value: str, scale=DEFAULT_SEVERITIES) -> str:
    found = next((s for s in scale if s.lower() == value.strip().lower()), None)
    if found is None:
        raise ValueError(f"unknown severity {value!r} (one of {', '.join(scale)})")
    return found


def check_status(value: str, lang: str) -> str:
    for words in STATUSES.values():
        for index, word in enumerate(words):
            if word.lower() == value.strip().lower():
                return STATUSES[lang][index]
    raise ValueError(f"unknown status {value!r} (one of {', '.join(STATUSES['en'] + STATUSES['zh'])})")


@dataclass
class Facts:
    """What is known about the incident; None / empty means 'not given'."""
    id: str
    title: str | None = None
    severity: str | None = None
    date: date | None = None
    status: str | None = None
    authors: list[str] = field(default_factory=list)
    summary: str | None = None
    impact: list[str] = field(default_factory=list)
    responders: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def milestone(self, name: str):
        return next((e.time for e in self.events if e.milestone == name), None)

    def duration_minutes(self) -> int | None:
        start, end = self.milestone("impact_start"), self.milestone("resolved")
        return minutes_between(start, end) if start and end else None


def _texts(value, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()] if what != "impact" else [value.strip()]
    if isinstance(value, dict):
        return [f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items()]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ValueError(f"{what}: expected text, a list or a mapping")


def _text(value, what: str) -> str | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f"{what}: expected text")
    return str(value).strip()


def _dated(record, day: str | None):
    """An event written with a clock time only (`09:12`) is on the facts' date, when one is given."""
    if not (isinstance(record, dict) and day):
        return record
    key = next((k for k in importers.TIME_KEYS if k in record), None)
    value = record.get(key)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value.strip()):
        return {**record, key: f"{day} {value.strip().zfill(5 if value.count(':') == 1 else 8)}"}
    return record


def facts_from_mapping(data, incident_id: str, lang: str, scale=DEFAULT_SEVERITIES) -> Facts:
    """Facts from a parsed YAML/JSON mapping; ValueError naming the field on bad input."""
    if not isinstance(data, dict):
        raise ValueError("the facts file must hold a mapping (id, title, events, …)")
    given_id = _text(data.get("id"), "id")
    if given_id and given_id != incident_id:
        raise ValueError(f"id {given_id!r} in the facts differs from {incident_id!r}")
    zone_name = _text(data.get("timezone") or data.get("time_zone") or data.get("tz"), "timezone") or "UTC"
    zone = load_zone(zone_name)
    raw_events = data.get("events") or []
    if not isinstance(raw_events, list):
        raise ValueError("events: expected a list of {time, event, milestone?, source?}")
    day = _text(data.get("date"), "date")
    events, problems = importers.from_records([_dated(r, day) for r in raw_events], zone)
    if problems:
        raise ValueError(f"events item {problems[0].line}: {problems[0].reason}")
    seen = [e.milestone for e in events if e.milestone]
    twice = sorted({m for m in seen if seen.count(m) > 1})
    if twice:
        raise ValueError(f"events: milestone {twice[0]} is marked more than once")
    severity, status, when = (_text(data.get(k), k) for k in ("severity", "status", "date"))
    return Facts(
        id=incident_id, title=_text(data.get("title"), "title"),
        severity=check_severity(severity, scale) if severity else None,
        date=parse_date(str(when)) if when else None,
        status=check_status(status, lang) if status else None,
        authors=_texts(data.get("authors"), "authors"), summary=_text(data.get("summary"), "summary"),
        impact=_texts(data.get("impact"), "impact"), responders=_texts(data.get("responders"), "responders"),
        events=events,
    )


def variables(facts: Facts, lang: str, clock: Clock = UTC_CLOCK) -> dict[str, str]:
    """Values for the template's {{name}} variables; TODO slots for what is not known."""
    todo = _TODO[lang]
    start = facts.milestone("impact_start")
    day = facts.date or (start.astimezone(clock.zone).date() if start else None)
    minutes = facts.duration_minutes()
    return {
        "id": facts.id,
        "title": facts.title or todo["title"],
        "date": day.isoformat() if day else todo["date"],
        "severity": facts.severity or todo["severity"],
        "status": facts.status or STATUSES[lang][0],
        "authors": ", ".join(facts.authors) or todo["authors"],
        "duration": format_duration(minutes, lang) if minutes is not None else todo["duration"],
    }


def fill(template: str, values: dict[str, str]) -> str:
    """Replace `{{name}}` variables; unknown names are left for `validate` to report."""
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), template)


# --------------------------------------------------------------------------- the draft from facts

_HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*#*\s*$")
_SECTION_NAMES = {
    "timeline": ("timeline", "时间线"),
    "summary": ("executive summary", "summary", "事件摘要"),
    "basics": ("基本信息",),
    "impact": ("影响评估",),
}


def _key(heading: str) -> str:
    return re.sub(r"\s*[（(].*$", "", heading).strip().rstrip(":：").lower()


def _section(lines: list[str], names: tuple[str, ...]) -> tuple[int, int] | None:
    """(first line after the heading, end) of the first section with one of `names`, else None."""
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and _key(m[2]) in names:
            level = len(m[1])
            end = next((j for j in range(i + 1, len(lines))
                        if (h := _HEADING.match(lines[j])) and len(h[1]) <= level), len(lines))
            return i + 1, end
    return None


def _todo_only(line: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:[-*]\s+)?\[TODO[^\]]*\]\s*", line))


def metrics_line(facts: Facts, lang: str) -> str | None:
    parts = []
    for label, start, end in _METRICS:
        a, b = facts.milestone(start), facts.milestone(end)
        if a and b:
            parts.append(f"{label} {minutes_between(a, b)} min")
    if not parts:
        return None
    if lang == "zh":
        return ("**指标**：" + " · ".join(parts).replace(" min", " 分钟")
                + "（TTD、TTM、TTR 从影响开始计；TTA 从发现计）")
    return "**Metrics**: " + " · ".join(parts) + " (TTD, TTM and TTR from impact start; TTA from detection)"


def impact_window(facts: Facts, clock: Clock = UTC_CLOCK) -> str | None:
    """`2026-03-04 17:12 – 17:59（UTC+8）` from the impact-start and resolved times (Chinese 基本信息)."""
    start, end = facts.milestone("impact_start"), facts.milestone("resolved")
    if not (start and end):
        return None
    start, end = start.astimezone(clock.zone), end.astimezone(clock.zone)
    form = "%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M} – {end:{form}}（{clock.label}）"


def _impact_length(facts: Facts, lang: str, clock: Clock) -> str | None:
    """The impact bullet the milestones answer: `- 1 hour: 2026-11-18 13:52 → 14:52 UTC (impact start → resolved)`."""
    minutes, start, end = facts.duration_minutes(), facts.milestone("impact_start"), facts.milestone("resolved")
    if minutes is None or lang == "zh":
        return None
    start, end = start.astimezone(clock.zone), end.astimezone(clock.zone)
    form = "%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M"
    return (f"- {format_duration(minutes, lang)}: {start:%Y-%m-%d %H:%M} → {end:{form}} {clock.label} "
            "(impact start → resolved)")


def timeline_table(facts: Facts, lang: str, clock: Clock = UTC_CLOCK) -> str:
    """The sorted table in the timeline's zone, then a TODO row for each milestone the facts do not mark."""
    table = importers.to_markdown(facts.events, lang, clock.zone, clock.label) if facts.events else ""
    head = "| " + " | ".join(importers.headers(lang, clock.label)[:2]) + " |\n|---|---|\n"
    lines = table.splitlines() or head.splitlines()
    width = lines[0].count(" | ") + 1
    marked = {e.milestone for e in facts.events}
    todo_time = "[TODO: 时间]" if lang == "zh" else "[TODO: time]"
    todo_event = "[TODO: 事件]" if lang == "zh" else "[TODO: what happened]"
    for name in importers.MILESTONES:
        if name not in marked:
            cells = [todo_time, f"**{importers.MARKERS[name][lang == 'zh']}** {todo_event}"]
            lines.append("| " + " | ".join(cells + [""] * (width - 2)) + " |")
    return "\n".join(lines)


def _replace(lines: list[str], names, pick, replacement: list[str]) -> bool:
    """Replace the run of lines `pick` accepts, first found in the section, with `replacement`."""
    span = _section(lines, names)
    if not span:
        return False
    start = next((i for i in range(*span) if pick(lines[i])), None)
    if start is None:
        return False
    end = start
    while end < span[1] and pick(lines[end]):
        end += 1
    lines[start:end] = replacement
    return True


def draft(template: str, facts: Facts, lang: str) -> str:
    """The template filled with the facts: header, summary, impact, timeline, responders, metrics. Times
    are written in the zone the template's timeline heading names (UTC; UTC+8 for the Chinese one)."""
    clock = timeline_clock(template)
    lines = fill(template, variables(facts, lang, clock)).split("\n")
    extra = []
    if facts.responders:
        roles = ", ".join(facts.responders)
        if not _replace(lines, _SECTION_NAMES["basics"], lambda s: "参与角色" in s and "[TODO" in s,
                        [f"- **参与角色**：{roles}"]):
            extra.append(("**参与角色**：" if lang == "zh" else "**Responders**: ") + roles)
    window = impact_window(facts, clock)
    if window:
        _replace(lines, _SECTION_NAMES["basics"], lambda s: "影响时间窗" in s and "[TODO" in s,
                 [f"- **影响时间窗**：{window}"])
    metrics = metrics_line(facts, lang)
    if metrics:
        extra.append(metrics)
    table = timeline_table(facts, lang, clock).split("\n")
    if facts.events:
        _replace(lines, _SECTION_NAMES["timeline"], lambda s: s.startswith("|"),
                 table + [""] + [x for e in extra for x in (e, "")][:-1])
    if facts.summary:
        _replace(lines, _SECTION_NAMES["summary"], lambda s: _todo_only(s) and s.lstrip()[:1] not in "-*",
                 [facts.summary])
    length = _impact_length(facts, lang, clock)
    if length:
        _replace(lines, _SECTION_NAMES["summary"], lambda s: s.lstrip().startswith("- [TODO: length of impact"),
                 [length])
    if facts.impact:
        bullets = [f"- {item}" for item in facts.impact]
        placed = any(_replace(lines, names, lambda s: s.lstrip().startswith("- ") and "[TODO" in s, bullets)
                     for names in (_SECTION_NAMES["summary"], _SECTION_NAMES["impact"]))
        span = None if placed else _section(lines, _SECTION_NAMES["summary"])
        if span:  # a template without impact bullets (quick): the numbers go under the summary
            end = span[1]
            while end > span[0] and not lines[end - 1].strip():
                end -= 1
            lines[end:end] = ["", "**影响**：" if lang == "zh" else "**Impact**:", "", *bullets]
    return "\n".join(lines)




_GUIDANCE = re.compile(r"^[ \t]*<!--(?!\s*postmortem-(?:template|ignore)).*?-->[ \t]*\n", re.S | re.M)


def lean(text: str) -> str:
    """The draft without the template's guidance comments (the skill and `validate` carry that advice; a
    comment left in is a line the writer must delete), and no run of blank lines they leave behind."""
    return re.sub(r"\n{3,}", "\n\n", _GUIDANCE.sub("", text))
