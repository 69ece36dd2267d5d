"""PM2xx metadata: the header fields (date, status, severity, authors, duration, incident id)."""
from __future__ import annotations

import re

from postmortem_skill.helper.model.markdown import PLACEHOLDER
from postmortem_skill.helper.rules.base import found, rule

RULES: list = []

STATUSES = ("draft", "in review", "final", "reviewed", "closed", "草稿", "评审中", "定稿", "已评审", "已关闭")
_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s|天|小时|时|分钟|分|秒)(?![a-z])", re.I)
_UNIT_MINUTES = {"d": 1440, "天": 1440, "h": 60, "小": 60, "时": 60, "m": 1, "分": 1, "s": 1 / 60, "秒": 1 / 60}


def duration_minutes(text: str) -> float | None:
    """'1h 48m', '2 hours 5 minutes', '1小时20分钟', '47 minutes' -> minutes; None when not a duration."""
    parsed = _duration(text)
    return parsed[0] if parsed else None


def duration_precision(text: str) -> float:
    """Minutes a stated duration may be off by its own rounding: '47 minutes' ±1, '3 hours' ±30,
    '2.5 hours' ±3 (half its last digit), '1 day' ±720."""
    parsed = _duration(text)
    return max(1.0, parsed[1]) if parsed else 1.0


def _duration(text: str) -> tuple[float, float] | None:
    value = re.sub(r"[(（].*?[)）]", "", text).strip().lower().replace(" and ", " ").replace(",", " ")
    if not value:
        return None
    total, end, step = 0.0, 0, None
    for m in _DURATION_PART.finditer(value):
        if value[end:m.start()].strip():
            return None
        unit = m.group(2)
        per = _UNIT_MINUTES.get("m" if unit.startswith("mi") else unit[0], 1)
        total += float(m.group(1)) * per
        decimals = len(m.group(1).partition(".")[2])
        step = per / 10 ** decimals  # the smallest unit written, for the precision
        end = m.end()
    return (total, step / 2) if end and not value[end:].strip() else None


def _filled(doc, key: str):
    """The header field, unless it is still a scaffold placeholder (that is PM103's finding alone)."""
    field = doc.field(key)
    return None if field is None or PLACEHOLDER.search(field.value) else field


@rule(RULES, id="PM201", name="date", category="metadata", severity="error",
      summary="the Date field is not a real date",
      doc="Date is the day the impact started, written `YYYY-MM-DD`. A value that is not a calendar date "
      "(2026-02-30, 2023-MM-DD) breaks the timeline and the index; a real date in another format is PM202.",
      bad="`**Date**: 2026-02-30`",
      good="`**Date**: 2026-02-28`")
def date_field(doc, ctx):
    from postmortem_skill.helper.model.timeutil import find_date

    field = _filled(doc, "date")
    if field is None:
        return
    value = field.value.strip()
    if find_date(value):
        return
    yield found(doc.lang, "PM201", field.line, field.column,
                (f"Date '{value}' is not a real date", f"日期「{value}」不是有效日期"),
                ("write the day the impact started as YYYY-MM-DD", "用 YYYY-MM-DD 写影响开始的日期"))


@rule(RULES, id="PM202", name="date-format", category="metadata", severity="warning",
      summary="the Date field is a date but not in YYYY-MM-DD form",
      doc="Tools sort and link postmortems by `YYYY-MM-DD`; 'January 31, 2017' is readable but ambiguous to machines.",
      bad="`**Date**: January 31, 2017`",
      good="`**Date**: 2017-01-31`")
def date_format(doc, ctx):
    from postmortem_skill.helper.model.timeutil import find_date

    field = _filled(doc, "date")
    if field and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", field.value.strip()):
        day = find_date(field.value)
        if day:
            yield found(doc.lang, "PM202", field.line, field.column,
                        (f"Date '{field.value}' is not in YYYY-MM-DD form",
                         f"日期「{field.value}」不是 YYYY-MM-DD 格式"),
                        (f"write {day.isoformat()}", f"写成 {day.isoformat()}"))


@rule(RULES, id="PM203", name="status", category="metadata", severity="warning",
      summary="Status is not one of Draft, In Review, Final (草稿, 评审中, 定稿)",
      doc="Status tells readers whether to trust the document and decides how TBD cells are judged (PM503).",
      bad="`**Status**: Complete, action items in progress`",
      good="`**Status**: Final`")
def status_field(doc, ctx):
    field = _filled(doc, "status")
    if field and field.value.strip().lower() not in STATUSES:
        yield found(doc.lang, "PM203", field.line, field.column,
                    (f"Status '{field.value}' is not Draft, In Review or Final",
                     f"状态「{field.value}」不是 草稿 / 评审中 / 定稿"),
                    ("use Draft, In Review or Final", "使用 草稿、评审中 或 定稿"))


@rule(RULES, id="PM204", name="severity", category="metadata", severity="warning",
      summary="Incident Severity is not in the configured scale",
      doc="The default scale is SEV1–SEV5 and P0–P4; `severity_scale` in .postmortem.yaml replaces it. A shared "
      "scale makes incidents comparable.",
      bad="`**Incident Severity**: High`",
      good="`**Incident Severity**: SEV2`")
def severity_field(doc, ctx):
    field = _filled(doc, "severity")
    if field is None:
        return
    scale = ctx.severity_scale()
    def norm(text):  # "SEV-2", "sev 2" and "SEV2" are one level
        return re.sub(r"[\s-]", "", text).upper()

    if norm(field.value) not in {norm(level) for level in scale}:
        levels = ", ".join(scale)
        yield found(doc.lang, "PM204", field.line, field.column,
                    (f"severity '{field.value}' is not in the scale {levels}",
                     f"事件等级「{field.value}」不在等级表 {levels} 中"),
                    (f"use one of {levels}", f"使用 {levels} 之一"))


@rule(RULES, id="PM205", name="duration", category="metadata", severity="warning",
      summary="Incident Duration does not parse as a duration",
      doc="Duration is impact start → resolved, written like `47 minutes`, `1h 48m`, `1 day 2 hours` or "
      "`1小时20分钟`; PM406 compares it with the timeline.",
      bad="`**Incident Duration**: most of the afternoon`",
      good="`**Incident Duration**: 3 hours 10 minutes`")
def duration_field(doc, ctx):
    field = _filled(doc, "duration")
    if field and duration_minutes(field.value) is None:
        yield found(doc.lang, "PM205", field.line, field.column,
                    (f"duration '{field.value}' does not parse", f"持续时间「{field.value}」无法解析"),
                    ("write it like '47 minutes' or '1h 48m'", "写成「45分钟」或「1小时20分钟」"))


_HEADER_FIELDS = ("date", "authors", "status", "severity")
_LABELS = {"date": ("Date", "日期"), "authors": ("Authors", "作者"), "status": ("Status", "状态"),
           "severity": ("Incident Severity", "事件等级"), "duration": ("Incident Duration", "持续时间")}


@rule(RULES, id="PM206", name="header-field", category="metadata", severity="warning",
      summary="a header field (Date, Authors, Status, Incident Severity) is missing",
      doc="The header is what the index and reviewers read first. Authors may be roles or teams.",
      bad="A document with no `**Authors**:` line.",
      good="`**Authors**: Platform on-call (SRE), Checkout team`")
def header_fields(doc, ctx):
    if not doc.header and doc.template is None:
        return  # not written in this format at all: PM107 already says what is missing
    line = (doc.title_line or 0) + 1
    for key in _HEADER_FIELDS:
        if doc.field(key) is None:
            en, zh = _LABELS[key]
            yield found(doc.lang, "PM206", line, 1, (f"header field '{en}' is missing", f"缺少头部字段「{zh}」"),
                        (f"add '**{en}**: …' under the title", f"在标题下添加「**{zh}**：…」"))


@rule(RULES, id="PM207", name="incident-id", category="metadata", severity="warning",
      summary="Incident ID does not match the configured id pattern",
      doc="`id_pattern` in .postmortem.yaml (a regular expression) keeps ids consistent so `index` can link them.",
      bad="`**Incident ID**: outage-tuesday`",
      good="`**Incident ID**: INC-42`")
def incident_id(doc, ctx):
    pattern = ctx.config.get("id_pattern")
    field = _filled(doc, "incident_id")
    if not pattern or field is None:
        return
    try:
        ok = re.fullmatch(str(pattern), field.value.strip())
    except re.error:
        return
    if not ok:
        yield found(doc.lang, "PM207", field.line, field.column,
                    (f"Incident ID '{field.value}' does not match {pattern}",
                     f"事件编号「{field.value}」不符合 {pattern}"),
                    ("use the team's id scheme", "使用团队约定的编号格式"))
