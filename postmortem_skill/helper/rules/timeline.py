"""PM4xx timeline: the table exists, times parse, a zone is stated, rows and milestones are in order,
the stated duration matches impact start → resolved."""
from __future__ import annotations

from postmortem_skill.helper.model.markdown import PLACEHOLDER
from postmortem_skill.helper.model.timeutil import AMBIGUOUS_ZONE, AMBIGUOUS_ZONES, zone_or_none
from postmortem_skill.helper.rules.base import found, rule

RULES: list = []

_ORDER = ("impact_start", "detected", "acknowledged", "mitigated", "resolved")
_NAMES = {"impact_start": ("IMPACT STARTS", "影响开始"), "detected": ("DETECTED", "发现"),
          "acknowledged": ("ACKNOWLEDGED", "响应"), "mitigated": ("MITIGATED", "缓解"),
          "resolved": ("RESOLVED", "恢复")}


def _sort_key(row):
    return (row.day.toordinal() if row.day else 0, row.clock or (0, 0, 0))


@rule(RULES, id="PM401", name="timeline-missing", category="timeline", severity="warning",
      summary="the Timeline section has no rows with times",
      doc="Reviewers reconstruct the incident from the timeline. Write a table under `## Timeline` whose first "
      "column is the time and second the event (a list whose items start with a time works too).",
      bad="`## Timeline` followed by a paragraph of narrative.",
      good="`| Time (UTC) | Event |` with one row per observation or action.")
def timeline_missing(doc, ctx):
    tl = doc.timeline
    if tl.section is not None and not tl.rows and not tl.section.is_empty():
        yield found(doc.lang, "PM401", tl.section.line, 1,
                    ("the timeline has no rows with times", "时间线中没有带时间的条目"),
                    ("use a table: | Time (UTC) | Event |", "使用表格：| 时间（UTC+8） | 事件 |"))


@rule(RULES, id="PM402", name="time-format", category="timeline", severity="warning",
      summary="a timeline time does not parse, or names no real instant",
      doc="A time cell is `HH:MM`, `HH:MM:SS` or `YYYY-MM-DD HH:MM` (dates for incidents that cross midnight). "
      "Unknown parts are better stated as such in the event text than as a malformed time. A date that is "
      "not a real date (2026-02-30) is an error, as it is in the header; a wall time the clocks skipped "
      "(02:30 on the night summer time starts) or one outside the calendar is a warning.",
      bad="`| 2023-MM-DD | Token created |`",
      good="`| 2023 (exact date unknown) |` moved to the narrative, or `| 2024-06-28 11:09 | … |`")
def time_format(doc, ctx):
    for row in doc.timeline.rows:
        if row.problem:
            yield found(doc.lang, "PM402", row.line, row.column,
                        (f"time '{row.time_text}': {row.problem}", f"时间「{row.time_text}」：{row.problem}"),
                        ("write the date and time as they happened, in the zone the heading states",
                         "按实际发生的日期和时间填写，时区以标题为准"),
                        "error" if row.bad_date else None)
        elif not row.parsed and not PLACEHOLDER.search(row.time_text):  # a [TODO: time] is PM103's
            yield found(doc.lang, "PM402", row.line, row.column,
                        (f"time '{row.time_text}' does not parse", f"时间「{row.time_text}」无法解析"),
                        ("write one time per cell, HH:MM or YYYY-MM-DD HH:MM, in the zone the heading states",
                         "每个单元格只写一个时间（HH:MM 或 YYYY-MM-DD HH:MM），时区以标题为准"))


@rule(RULES, id="PM403", name="time-zone", category="timeline", severity="warning",
      summary="the timeline does not state its time zone, or states one that is not known",
      doc="Put the zone in the heading or the time column: `## Timeline (All times UTC)`, `| Time (UTC) |`, "
      "`## 时间线（UTC+8）`. Without it, times from different tools cannot be lined up.",
      bad="`## Timeline` with `| Time | Event |`",
      good="`## Timeline (All times UTC)`")
def time_zone(doc, ctx):
    tl = doc.timeline
    if tl.zone and zone_or_none(tl.zone) is None:
        yield found(doc.lang, "PM403", tl.line or tl.section.line, 1,
                    (f"unknown time zone '{tl.zone}': the times cannot be converted to UTC",
                     f"无法识别的时区「{tl.zone}」：时间无法换算为 UTC"),
                    ("write an offset such as 'UTC+3' or an IANA name such as 'Europe/Moscow'",
                     "改写为偏移（如「UTC+8」）或 IANA 时区名（如「Asia/Shanghai」）"))
        return
    if tl.rows and any(r.clock for r in tl.rows) and not tl.zone and not all(r.zone for r in tl.rows if r.clock):
        stated = [doc.lines[n - 1] for n in (tl.section.line, tl.line) if n]  # the heading and the table header
        ambiguous = AMBIGUOUS_ZONE.search(" ".join(stated))
        if ambiguous:
            word = ambiguous.group(0)
            yield found(doc.lang, "PM403", tl.section.line, 1,
                        (f"'{word}' is ambiguous ({AMBIGUOUS_ZONES[word]})",
                         f"「{word}」有歧义（{AMBIGUOUS_ZONES[word]}）"),
                        ("write the offset instead, e.g. 'UTC+8'", "改写为明确的偏移，如「UTC+8」"))
            return
        yield found(doc.lang, "PM403", tl.section.line, 1,
                    ("the timeline does not state its time zone", "时间线没有注明时区"),
                    ("write the zone in the heading: '## Timeline (All times UTC)'",
                     "在标题中注明时区：「## 时间线（UTC+8）」"))


@rule(RULES, id="PM404", name="row-order", category="timeline", severity="warning",
      summary="timeline rows are out of chronological order",
      doc="Rows are chronological. An incident that crosses midnight writes `YYYY-MM-DD HH:MM` so the order "
      "stays checkable; a time that goes backwards without a date looks like an error.",
      bad="`| 23:50 | … |` followed by `| 00:10 | … |`",
      good="`| 2026-03-04 23:50 | … |` followed by `| 2026-03-05 00:10 | … |`")
def row_order(doc, ctx):
    previous = None
    for row in doc.timeline.rows:
        if not row.parsed:
            continue
        if previous is not None and (_sort_key(row) < _sort_key(previous) or row.rolled):
            crossed = row.rolled or (not row.date and previous.clock and row.clock and row.clock < previous.clock)
            en = f"'{row.time_text}' comes after '{previous.time_text}'" + (
                " (crossing midnight? write YYYY-MM-DD HH:MM)" if crossed else "")
            zh = f"「{row.time_text}」排在「{previous.time_text}」之后" + (
                "（跨天？请写 YYYY-MM-DD HH:MM）" if crossed else "")
            yield found(doc.lang, "PM404", row.line, row.column, (en, zh),
                        ("order rows by time; add dates when the incident crosses midnight",
                         "按时间排序；跨天时写上日期"))
        previous = row


@rule(RULES, id="PM405", name="milestone-order", category="timeline", severity="warning",
      summary="milestones are out of order (impact start ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved)",
      doc="The metrics (TTD, TTA, TTM, TTR) are differences between milestones; a detection before the impact "
      "started means one marker is on the wrong row.",
      bad="`**DETECTED**` at 09:05 and `**IMPACT STARTS**` at 09:12",
      good="`**IMPACT STARTS**` at 09:05, `**DETECTED**` at 09:12")
def milestone_order(doc, ctx):
    seen = []
    for key in _ORDER:
        row = doc.timeline.milestone(key)
        if row is None or not row.parsed:
            continue
        for earlier_key, earlier in seen:
            if _before(row, earlier):
                a, b = _NAMES[key], _NAMES[earlier_key]
                yield found(doc.lang, "PM405", row.line, row.column,
                            (f"{a[0]} ({row.time_text}) is before {b[0]} ({earlier.time_text})",
                             f"「{a[1]}」（{row.time_text}）早于「{b[1]}」（{earlier.time_text}）"),
                            ("check which row each milestone marker belongs to", "检查里程碑标记所在的行"))
                break
        seen.append((key, row))


def _before(row, other) -> bool:
    if row.utc is not None and other.utc is not None:
        return row.utc < other.utc
    return _sort_key(row) < _sort_key(other)


@rule(RULES, id="PM406", name="duration-mismatch", category="timeline", severity="warning",
      summary="the stated Incident Duration differs from impact start → resolved in the timeline",
      doc="Incident Duration is the impact window: from `**IMPACT STARTS**` to `**RESOLVED**`, not from the "
      "first alert. It must agree at the precision it is written in: `47 minutes` to the minute, `3 hours` "
      "to the half hour; write minutes in the header.",
      bad="Duration 47 minutes, impact 14:23, resolved 15:18",
      good="Duration 55 minutes, impact 14:23, resolved 15:18")
def duration_mismatch(doc, ctx):
    from postmortem_skill.helper.model.milestones import compute
    from postmortem_skill.helper.rules.metadata import duration_minutes, duration_precision

    field = doc.field("duration")
    stated = duration_minutes(field.value) if field else None
    if stated is None:
        return
    computed = compute(doc).get("time_to_resolve")
    if computed is None:
        return
    if abs(computed - stated) > duration_precision(field.value):
        yield found(doc.lang, "PM406", field.line, field.column,
                    (f"duration says {field.value} but the timeline gives {computed} minutes from impact start "
                     "to resolved",
                     f"持续时间写的是{field.value}，但时间线从影响开始到恢复为 {computed} 分钟"),
                    (f"state {computed} minutes, or fix the milestone rows", f"写成 {computed} 分钟，或修正里程碑行"))


@rule(RULES, id="PM407", name="milestones-missing", category="timeline", severity="info",
      summary="the timeline marks no impact start or no resolution",
      doc="Mark milestones in bold at the start of the event cell: `**IMPACT STARTS**`, `**DETECTED**`, "
      "`**ACKNOWLEDGED**`, `**MITIGATED**`, `**RESOLVED**` (`**影响开始**` … `**恢复**`). `metrics` needs them.",
      bad="`| 09:12 | Error rate rises |`",
      good="`| 09:12 | **IMPACT STARTS** Error rate rises to 8% |`")
def milestones_missing(doc, ctx):
    tl = doc.timeline
    if not tl.rows:
        return
    for key in ("impact_start", "resolved"):
        if tl.milestone(key) is None:
            en, zh = _NAMES[key]
            yield found(doc.lang, "PM407", tl.section.line, 1,
                        (f"no row is marked **{en}**", f"没有标记为 **{zh}** 的行"),
                        (f"start the event cell of that row with **{en}**", f"在该行事件单元格开头写 **{zh}**"))


@rule(RULES, id="PM408", name="evidence-before-impact", category="timeline", severity="info",
      summary="a timestamp in the evidence (log lines, code blocks) is before the timeline's impact start",
      doc="Log lines and command output quoted in the document are evidence. A timestamp there that lies before "
      "the impact start (`**IMPACT STARTS**`, else the first row) and before every timeline row means the "
      "impact may have begun earlier, or the trigger is missing: the narrative may start too late. Add a row "
      "for what the line shows, or move the impact start. Times without an offset are read in the "
      "timeline's zone; the earliest such timestamp is reported once.",
      bad="A log block with `2026-05-12T06:31:07Z ERROR snapshot is 49h old` and a timeline that starts at 06:40 UTC",
      good="The timeline starts with `| 06:31 | The rebuild job logs that the snapshot is 49 hours old |`")
def evidence_before_impact(doc, ctx):
    from postmortem_skill.helper.model.sentences import is_log_line
    from postmortem_skill.helper.model.timeutil import find_timestamps, iso_z, to_utc, zone_or_none

    tl = doc.timeline
    times = [r.utc for r in tl.rows if r.utc is not None]
    if not times:
        return
    start = tl.milestone("impact_start")
    start = start.utc if start is not None and start.utc is not None else times[0]
    limit = min(start, *times)
    zone = zone_or_none(tl.zone)
    earliest = None
    for block, _ in doc.walked:
        # a pasted log excerpt: every line is a log line (a wrapped sentence whose second line happens
        # to start with a date is prose, not evidence)
        evidence = block.kind in ("fence", "code") or block.kind in ("paragraph", "list_item") and all(
            is_log_line(line.text) for line in block.lines if line.text.strip())
        if not evidence:
            continue
        for line in block.lines:
            for value, column in find_timestamps(line.text):
                if value.tzinfo is None and zone is None:
                    continue
                try:
                    value = to_utc(value, zone)
                except ValueError:
                    continue
                if value < limit and (earliest is None or value < earliest[0]):
                    earliest = (value, line.number, line.column + column)
    if earliest:
        value, number, column = earliest
        minutes = round((start - value).total_seconds() / 60)
        yield found(doc.lang, "PM408", number, column,
                    (f"evidence at {iso_z(value)} is {minutes} min before the impact start ({iso_z(start)}) "
                     "and before the first timeline row",
                     f"证据中的时间 {iso_z(value)} 比影响开始（{iso_z(start)}）早 {minutes} 分钟，也早于时间线第一行"),
                    ("add a timeline row for what this line shows, or move the impact start; the narrative may "
                     "start too late",
                     "为这条记录补一行时间线，或调整影响开始时间；叙述可能开始得太晚"))
