"""PM5xx action items: the table, its cells, TBD, due dates, vague or people-fixing actions, coverage."""
from __future__ import annotations

import re
from datetime import date

from postmortem_skill.helper.model.lazypattern import lazy, may_hold_cjk
from postmortem_skill.helper.model.markdown import PLACEHOLDER
from postmortem_skill.helper.model.rows import action_status
from postmortem_skill.helper.rules.base import Finding, found, rule, say

RULES: list = []

_TBD = re.compile(r"^\s*(?:TBD|TBC|待定|待确认)\s*$", re.I)
_REQUIRED = {"priority": ("Priority", "优先级"), "owner": ("Owner", "负责人"), "due": ("Due Date", "截止日期"),
             "ticket": ("Ticket", "工单")}
_TABLE_HINT = ("use | Priority | Action | Owner | Due Date | Ticket |",
               "使用 | 优先级 | 行动项 | 负责人 | 截止日期 | 工单 |")

# A vague action names no verifiable end state. Matched against the start of the action text.
_VAGUE_EN = re.compile(
    r"^\s*(?:improve|enhance|strengthen|optimi[sz]e|make\b.{0,40}\bbetter"
    r"|fix (?:the|this) (?:issue|problem|bug)\b\s*\.?$"
    r"|investigate|look into|monitor closely|keep an eye|consider|review\s*\.?$"
    r"|review (?:the|our) (?:process|processes)\b"
    r"|add (?:more )?monitoring\s*\.?$|ensure\b|double[- ]check|follow up\s*\.?$|revisit"
    r"|be (?:more )?(?:vigilant|proactive))",
    re.I)
_VAGUE_ZH = lazy(r"^\s*(?:加强|提高|提升|完善|优化|后续优化|持续关注|关注|注意|排查|跟进|研究一下|梳理)")
_SPECIFIC = lazy(r"\d|%|\bwhen\b|\bso that\b|\bfor (?:all|every|each)\b|\bthat\b"
                       r"|\bto\b.{0,60}\b(?:under|within|below|above|before|after)\b"
                       r"|阈值|超过|低于|以内|之前|自动|当", re.I)
# Actions that try to fix people instead of systems.
_PEOPLE_EN = re.compile(
    r"\b(?:be (?:more )?careful|pay (?:more )?attention"
    r"|(?:send (?:a |an )?)?reminders? (?:to|for) (?:the )?"
    r"(?:humans?|engineers?|developers?|staff|people|team|everyone|operators?|on-?call)"
    r"|remind (?:the )?(?:humans?|engineers?|developers?|staff|people|team|everyone|operators?|on-?call|\w+ to)\b"
    r"|train(?:ing)? (?:the )?(?:humans?|engineers?|developers?|staff|people|team|operators?|on-?call)"
    r"|(?:humans?|engineers?|developers?|people|staff|operators?) (?:not to|to be|must|should)"
    r"|needs? to learn|learn (?:the )?proper"
    r"|retrain|disciplin|hold \w+ accountable|talk to\b|more careful)", re.I)
# the same words, for ASCII text lower-cased first: re.I folds every letter it compares, and on ASCII text
# lower() and re.I agree (half the time on an action cell)
_PEOPLE_EN_LOWER = re.compile(_PEOPLE_EN.pattern)
_PEOPLE_ZH = lazy(r"提高[^，,。；;]{0,10}意识|加强学习|(?:加强|组织|开展|进行|安排)[^，,。；;]{0,10}培训|"
                        r"引以为戒|严格执行|注意|认真|细心|谨慎|批评|处罚|追责|问责|教育")
_TYPES_GOOD = {"prevent", "detect", "预防", "发现", "检测"}
_TYPES_OTHER = {"mitigate", "repair", "process", "investigate", "缓解", "修复", "流程", "调查"}
_TYPE_HINT = lazy(r"\b(?:alert|alarm|monitor|detect|page|paging|dashboard|slo|probe|guard|validat|check|"
                        r"prevent|block|reject|refus|deny|denies|forbid|disallow|require|enforc|limit|automat|lint|"
                        r"test|canary|dry-run|circuit breaker|rate limit|dedup|idempot)"
                        r"|告警|监控|检测|探测|校验|拦截|限流|自动|预防|门禁|熔断|灰度|去重|幂等|禁止", re.I)


def _status(doc) -> str:
    field = doc.field("status")
    return field.value.strip().lower() if field else ""


@rule(RULES, id="PM501", name="action-table", category="action-items", severity="warning",
      summary="there is no action-item table",
      doc="Follow-up work is tracked in a table under `## Action Items` with the header "
      "`| Priority | Action | Owner | Due Date | Ticket |` (Chinese `| 优先级 | 行动项 | 负责人 | 截止日期 | 工单 |`). "
      "A bullet list of intentions cannot be checked for owners and dates.",
      bad="`## Action Items` with bullets 'Implement least privilege'.",
      good="`| P1 | Require a context switch before destructive kubectl commands | Platform team | 2026-04-01 "
      "| OPS-12 |`")
def action_table(doc, ctx):
    section = doc.section("action items") or doc.section("改进行动项")
    if section is not None and doc.action_table is None:
        yield found(doc.lang, "PM501", section.line, 1,
                    ("no action-item table in this section", "本章节中没有行动项表格"),
                    _TABLE_HINT)


@rule(RULES, id="PM502", name="action-cell", category="action-items", severity="warning",
      summary="an action item has an empty priority, owner, due date or ticket",
      doc="Every item needs one owner, a due date, a priority and a ticket, or the review has nothing to follow "
      "up. When the fact is not known yet, write TBD (see PM503) rather than leaving the cell empty or "
      "inventing a value. An item already done needs no due date.",
      bad="`| P1 | Add a dry-run flag |  |  |  |`",
      good="`| P1 | Add a dry-run flag | Platform team | TBD | TBD |`")
def action_cells(doc, ctx):
    if doc.action_table is None:
        return
    header_keys = {k for item in doc.action_items for k in item.cells}
    for item in doc.action_items:
        for key, (en, zh) in _REQUIRED.items():
            cell = item.cells.get(key)
            if key not in header_keys:
                continue
            if cell is not None and not cell.text.strip() and not (key == "due" and _closed(item)):
                yield found(doc.lang, "PM502", item.line, cell.column, (f"{en} is empty", f"「{zh}」为空"),
                            (f"fill in the {en.lower()}, or write TBD if the review will decide it",
                             f"填写{zh}；如需评审会决定，写「待定」"))
    missing = [k for k in _REQUIRED if k not in header_keys]
    if missing and doc.action_items:
        names = ", ".join(say(doc.lang, *_REQUIRED[k]) for k in missing)
        yield found(doc.lang, "PM502", doc.action_table.start, 1,
                    (f"the action table has no column for {names}", f"行动项表格缺少列：{names}"), _TABLE_HINT)


@rule(RULES, id="PM503", name="action-tbd", category="action-items", severity="info",
      summary="action-item cells say TBD (one info per table while Draft / In Review, an error per row once Final)",
      doc="TBD / 待定 records a fact the writer does not have yet; the review meeting settles it. That is fine "
      "in a draft, so one info finding counts the TBD cells of the table; once Status is Final each row with "
      "TBD is an error. Never invent an owner, date or ticket to silence this.",
      bad="Status Final with `| P1 | Add a dry-run flag | TBD | 2026-04-01 | OPS-9 |`",
      good="Status Final with `| P1 | Add a dry-run flag | Platform team | 2026-04-01 | OPS-9 |`")
def action_tbd(doc, ctx):
    final = _status(doc) in ("final", "定稿", "reviewed", "closed", "已评审", "已关闭")
    rows = []
    for item in doc.action_items:
        cells = [(key, cell) for key, cell in item.cells.items() if key in _REQUIRED and _TBD.match(cell.text)]
        if cells:
            rows.append((item, cells))
    if not rows:
        return
    if final:  # each row is a decision the review still owes: one error each
        for item, cells in rows:
            en = _join_en([_REQUIRED[key][0] for key, _ in cells])
            zh = "、".join(_REQUIRED[key][1] for key, _ in cells)
            verb = "is" if len(cells) == 1 else "are"
            yield found(doc.lang, "PM503", item.line, cells[0][1].column,
                        (f"{en} {verb} TBD in a Final document", f"「{zh}」待定（文档已定稿）"),
                        ("settle it in the review, then fill it in", "在评审会上确定后填写"),
                        severity="error")
        return
    counts = {key: sum(1 for _, cells in rows for k, _ in cells if k == key) for key in _REQUIRED}
    en = _join_en([f"{_REQUIRED[k][0]} in {n}" for k, n in counts.items() if n])
    zh = "，".join(f"{_REQUIRED[k][1]} {n} 处" for k, n in counts.items() if n)
    item, cells = rows[0]
    yield found(doc.lang, "PM503", item.line, cells[0][1].column,
                (f"{len(rows)} action item{'s' * (len(rows) != 1)} still say TBD ({en})",
                 f"{len(rows)} 个行动项仍有待定内容（{zh}）"),
                ("settle them in the review, then fill them in", "在评审会上确定后填写"))


def _join_en(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _closed(item) -> bool:
    """An item that is done or will not be done: it needs no due date any more."""
    status = item.cells.get("status")
    return status is not None and action_status(status.text) in ("done", "won't do")


@rule(RULES, id="PM504", name="due-date", category="action-items", severity="warning",
      summary="a due date is not YYYY-MM-DD, not a real date, or before the incident",
      doc="Due dates are ISO dates after the incident date, so overdue items can be found by a script. An item "
      "already done (or won't do) needs none: its cell may be empty or a dash.",
      bad="`| … | next sprint | … |` or a due date before the incident's Date",
      good="`| … | 2026-04-15 | … |`")
def due_dates(doc, ctx):
    from postmortem_skill.helper.model.rows import parse_date_text

    field = doc.field("date")
    incident = parse_date_text(field.value) if field else None
    for item in doc.action_items:
        cell = item.cells.get("due")
        if cell is None or not cell.text.strip() or _TBD.match(cell.text) or PLACEHOLDER.search(cell.text):
            continue  # empty, TBD and placeholders are PM502's, PM503's and PM103's
        value = cell.text.strip()
        try:
            due = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:
            due = None
        if due is None and not _closed(item):  # done: "—", "n/a" or "shipped" is fine
            yield found(doc.lang, "PM504", item.line, cell.column,
                        (f"due date '{value}' is not a YYYY-MM-DD date", f"截止日期「{value}」不是 YYYY-MM-DD 日期"),
                        ("write a real date such as 2026-04-15", "写成有效日期，如 2026-04-15"))
        elif incident and due < incident:
            yield found(doc.lang, "PM504", item.line, cell.column,
                        (f"due date {value} is before the incident ({incident})",
                         f"截止日期 {value} 早于事件日期（{incident}）"),
                        ("check the year and month", "检查年份和月份"))


_HAN = lazy(r"[\u4e00-\u9fff]")


def _has_han(text: str) -> bool:
    """Whether the text has a Chinese character; the class is compiled (~1.2 ms) only for text that may."""
    return may_hold_cjk(text) and _HAN.search(text) is not None


@rule(RULES, id="PM505", name="vague-action", category="action-items", severity="warning",
      summary="an action is too vague to verify",
      doc="An action states a verifiable end state: what will exist or be true when it is done. 'Improve "
      "monitoring' or 'Investigate' cannot be closed by anyone; name the signal, threshold or question.",
      bad="`Improve paging and alerting.`",
      good="`Page the storage on-call when disk-erase jobs target more than 5% of a cluster.`")
def vague_actions(doc, ctx):
    extra = ctx.phrases("vague_actions")
    for item in doc.action_items:
        text = item.text("action")
        vague = _VAGUE_ZH if doc.lang == "zh" or _has_han(text) else _VAGUE_EN
        hit = vague.search(text) or any(p.lower() in text.lower() for p in extra)
        if hit and not _SPECIFIC.search(text[12:] if len(text) > 12 else ""):
            yield _on_action(doc, "PM505", item,
                             (f"action is too vague to verify: '{text[:80]}'",
                              f"行动项过于笼统，无法验收：「{text[:80]}」"),
                             ("state the end state: what exists or is true when done (signal, threshold, scope)",
                              "写明完成标准：完成后存在什么、满足什么条件（指标、阈值、范围）"))


@rule(RULES, id="PM506", name="people-fixing-action", category="action-items", severity="warning",
      summary="an action tries to fix people (be careful, train, remind) instead of the system",
      doc="Care is not a control. Reminders and training fade; change the tool, add a guard-rail, automate the "
      "step or make the safe path the easy one.",
      bad="`Train humans not to run unsafe commands.`",
      good="`Make the turn-up tool refuse to run twice on the same rack without --force.`")
def people_fixing(doc, ctx):
    for item in doc.action_items:
        text = item.text("action")
        if _fixes_people(text):
            yield _on_action(doc, "PM506", item,
                             (f"action fixes people, not the system: '{text[:80]}'",
                              f"行动项针对人而不是系统：「{text[:80]}」"),
                             ("change the tool or process so the unsafe step is blocked, automated or checked",
                              "改进工具或流程，让危险操作被拦截、自动化或自动校验"))


def _fixes_people(text: str) -> bool:
    if text.isascii():
        return _PEOPLE_EN_LOWER.search(text.lower()) is not None
    return (_PEOPLE_ZH if _has_han(text) else _PEOPLE_EN).search(text) is not None


def _on_action(doc, rule_id: str, item, message: tuple[str, str], hint: tuple[str, str]) -> Finding:
    """A finding about an item's Action cell, in the document's language."""
    cell = item.cells.get("action")
    return found(doc.lang, rule_id, item.line, cell.column if cell else 1, message, hint)


@rule(RULES, id="PM507", name="prevent-or-detect", category="action-items", severity="warning",
      summary="no action item prevents recurrence or improves detection",
      doc="Mitigation alone leaves the next incident just as likely and just as slow to notice. At least one item "
      "should be of type prevent or detect. Without a Type column (or with an empty or TBD Type cell) the action "
      "text is read: one that adds a guard-rail, check, alert or automation counts. The template's placeholder "
      "row is not judged.",
      bad="Only 'Update the playbook' and 'Restart faster'.",
      good="Add `| P1 | prevent | Reject duplicate turn-up runs in the tool | … |`")
def prevent_or_detect(doc, ctx):
    items = [item for item in doc.action_items if not PLACEHOLDER.fullmatch(item.text("action").strip())]
    if not items:  # an empty table or the template's placeholder row: nothing to judge yet
        return
    for item in items:
        kind = item.text("type").strip().lower()
        if kind in _TYPES_GOOD:
            return
        if kind not in _TYPES_OTHER and _TYPE_HINT.search(item.text("action")):  # no (usable) Type: read the text
            return
    yield found(doc.lang, "PM507", doc.action_table.start, 1,
                ("no action item prevents recurrence or improves detection", "没有预防复发或改进发现能力的行动项"),
                ("add a prevent or detect item (guard-rail, automated check, alert)",
                 "增加一项预防或发现类行动（防护、自动校验、告警）"))


@rule(RULES, id="PM508", name="same-priority", category="action-items", severity="info",
      summary="every action item has the same priority",
      doc="When everything is P2, nothing is urgent. Priorities say what to do first.",
      bad="Four items, all P2.",
      good="One P0 guard-rail, two P1 fixes, one P2 clean-up.")
def same_priority(doc, ctx):
    values = [item.text("priority").strip().upper() for item in doc.action_items if item.text("priority").strip()]
    if len(values) >= 3 and len(set(values)) == 1 and not _TBD.match(values[0]):
        yield found(doc.lang, "PM508", doc.action_table.start, 1,
                    (f"all {len(values)} action items are {values[0]}", f"全部 {len(values)} 个行动项都是 {values[0]}"),
                    ("rank them: what must happen first?", "排出先后：哪一项必须先做？"))
