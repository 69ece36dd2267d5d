"""The postmortem index block for a folder's README.md. No I/O: texts in, text out.

`entry(path, text, today)` reads one postmortem (English or Chinese) into an Entry; `render(entries)` writes
the block (table with open and overdue action items, counts by severity and quarter and of action items, a
Mermaid chart, related incidents both ways);
`replace_block(readme, block)` puts it between the markers and keeps every other byte.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from postmortem_skill.helper.features import actions
from postmortem_skill.helper.features.importers import table_cell
from postmortem_skill.helper.features.scaffold import DEFAULT_SEVERITIES
from postmortem_skill.helper.model import milestones
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.timeutil import parse_date

BEGIN, END = "<!-- BEGIN postmortem-index -->", "<!-- END postmortem-index -->"
_RELATED = ("related incidents", "related", "相关事件", "关联事件")


@dataclass
class Entry:
    path: str  # relative to the indexed folder, '/'-separated
    id: str
    title: str
    date: date | None = None
    severity: str = ""
    status: str = ""
    duration: str = ""
    ttd: int | None = None
    ttr: int | None = None
    open_actions: int = 0  # open or in progress
    overdue_actions: int = 0  # of those, due before the day the index is written
    mentions: list[str] = field(default_factory=list)  # raw text of the Related Incidents bullets
    lang: str = "en"

    @property
    def quarter(self) -> str | None:
        return f"{self.date.year}-Q{(self.date.month - 1) // 3 + 1}" if self.date else None


def _field(doc, key: str) -> str:
    found = doc.field(key)
    value = found.value.strip() if found else ""
    return "" if not value or "[TODO" in value or "{{" in value else value


def _related_lines(doc) -> list[str]:
    section = next((s for s in doc.all_sections if s.key in _RELATED), None)
    if not section:
        return []
    body = "\n".join(doc.lines[section.line:section.end])
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    return [m.group(1) for m in re.finditer(r"^\s*(?:[-*+]|\d+[.)])\s+(.+)$", body, re.M) if "[TODO" not in m.group(1)]


def entry(path: str, text: str, today: date | None = None) -> Entry | None:
    """One row's facts, or None when the text does not look like a postmortem (no title or no header).
    `today` is the day overdue is measured against (default: no item is overdue)."""
    doc = parse_document(text)
    if not doc.title or not (doc.field("date") or doc.field("incident_id") or doc.template_declared):
        return None
    try:
        day = parse_date(_field(doc, "date")) if _field(doc, "date") else None
    except ValueError:
        day = None
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    items = actions.items(path, text, today or date.min) or []
    open_items = [a for a in items if a.status in actions.OPEN]
    figures = milestones.compute(doc)
    return Entry(path=path, id=_field(doc, "incident_id") or stem, title=doc.title, date=day,
                 severity=_field(doc, "severity"), status=_field(doc, "status"), duration=_field(doc, "duration"),
                 ttd=figures["time_to_detect"], ttr=figures["time_to_resolve"],
                 open_actions=len(open_items), overdue_actions=sum(a.overdue for a in open_items),
                 mentions=_related_lines(doc), lang=doc.lang)


def related(entries: list[Entry]) -> dict[str, list[Entry]]:
    """id -> the other entries it names or that name it (by id, or by a link to the file)."""
    def names(a: Entry, b: Entry) -> bool:
        pattern = re.compile(rf"(?<![\w-]){re.escape(b.id)}(?![\w-])|\({re.escape(b.path.rsplit('/', 1)[-1])}\)",
                             re.I)
        return any(pattern.search(line) for line in a.mentions)

    links = {e.id: [] for e in entries}
    for a in entries:
        for b in entries:
            if a is not b and (names(a, b) or names(b, a)) and b not in links[a.id]:
                links[a.id].append(b)
    return links


def _link(e: Entry) -> str:
    return f"[{table_cell(e.id)}]({quote(e.path)})"


def _min(value: int | None) -> str:
    return f"{value} min" if value is not None else "—"


def _quarters(entries: list[Entry]) -> list[tuple[str, int]]:
    """Every quarter from the first incident to the last (empty ones too), with its count."""
    counts = Counter(e.quarter for e in entries if e.quarter)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, q = int(first[:4]), int(first[-1])
    out = []
    while f"{year}-Q{q}" <= last:
        out.append((f"{year}-Q{q}", counts.get(f"{year}-Q{q}", 0)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def _severity_order(severity: str) -> tuple:
    upper = severity.upper()
    return (DEFAULT_SEVERITIES.index(upper) if upper in DEFAULT_SEVERITIES else len(DEFAULT_SEVERITIES), upper)


_WORDS = {
    "en": {"count": "{n} postmortem{s}.", "columns": "| Date | ID | Title | Severity | Status | Duration | TTD | TTR "
                                                    "| Open actions | Overdue | Related |",
           "defs": "TTD = detected − impact start; TTR = resolved − impact start (from each timeline). Open actions "
                   "= open or in progress; overdue = open with a due date before the day this index was written.",
           "actions": "**Action items**: {open} open, {overdue} overdue (`postmortem actions --overdue` lists them)",
           "by_severity": "**By severity**: ", "none": "none", "quarters": "| Quarter | Incidents |",
           "chart": "Incidents per quarter", "axis": "Incidents", "title": "# Postmortems"},
    "zh": {"count": "共 {n} 篇复盘。", "columns": "| 日期 | 编号 | 标题 | 等级 | 状态 | 持续时间 | TTD | TTR "
                      "| 未完成行动项 | 逾期 | 相关事件 |",
           "defs": "TTD = 发现 − 影响开始；TTR = 恢复 − 影响开始（取自各文档的时间线）。未完成 = 未开始或进行中；"
                   "逾期 = 未完成且截止日期早于生成本索引的日期。",
           "actions": "**行动项**：未完成 {open} 项，逾期 {overdue} 项（`postmortem actions --overdue` 列出明细）",
           "by_severity": "**按等级**：", "none": "无", "quarters": "| 季度 | 事件数 |",
           "chart": "每季度事件数", "axis": "事件数", "title": "# 复盘报告"},
}


def language(entries: list[Entry]) -> str:
    """The archive's language: Chinese when most of its postmortems are."""
    return "zh" if entries and sum(e.lang == "zh" for e in entries) * 2 > len(entries) else "en"


def render(entries: list[Entry]) -> str:
    """The block between (and including) the markers, '\\n' line ends; newest incident first; in the
    language most of the postmortems are written in."""
    words = _WORDS[language(entries)]
    entries = sorted(entries, key=lambda e: (e.date or date.min, e.id), reverse=True)
    links = related(entries)
    lines = [BEGIN, "<!-- generated by `postmortem index`; edits inside this block are replaced -->", "",
             words["count"].format(n=len(entries), s="s" if len(entries) != 1 else ""), "",
             words["columns"], "|---|---|---|---|---|---|---|---|---|---|---|"]
    for e in entries:
        cells = [e.date.isoformat() if e.date else "—", _link(e), table_cell(e.title), e.severity or "—",
                 e.status or "—", table_cell(e.duration) or "—", _min(e.ttd), _min(e.ttr), str(e.open_actions),
                 str(e.overdue_actions), ", ".join(_link(r) for r in links[e.id]) or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    severities = Counter(e.severity or "unknown" for e in entries)
    lines += ["", words["defs"], "",
              words["by_severity"] + (" · ".join(f"{s} {n}" for s, n in sorted(severities.items(),
                                                                             key=lambda i: _severity_order(i[0])))
                                      or words["none"]),
              "", words["actions"].format(open=sum(e.open_actions for e in entries),
                                          overdue=sum(e.overdue_actions for e in entries))]
    quarters = _quarters(entries)
    if quarters:
        lines += ["", words["quarters"], "|---|---|"] + [f"| {q} | {n} |" for q, n in quarters]
        lines += ["", "```mermaid", "xychart-beta", f'    title "{words["chart"]}"',
                  "    x-axis [" + ", ".join(f'"{q}"' for q, _ in quarters) + "]",
                  f'    y-axis "{words["axis"]}" 0 --> {max(n for _, n in quarters) + 1}',
                  "    bar [" + ", ".join(str(n) for _, n in quarters) + "]", "```"]
    return "\n".join(lines + [END])


def replace_block(readme: str | None, block: str, lang: str = "en") -> str:
    """`readme` with the block replaced (or appended), every other byte kept; CRLF files stay CRLF.

    ValueError when the markers are unbalanced, so a hand edit is never half-overwritten."""
    if readme is None:
        return _WORDS[lang]["title"] + "\n\n" + block + "\n"
    newline = "\r\n" if "\r\n" in readme else "\n"
    block = block.replace("\n", newline)
    starts, ends = readme.count(BEGIN), readme.count(END)
    if starts == ends == 0:
        if not readme or readme.endswith(newline * 2):
            separator = ""
        else:
            separator = newline if readme.endswith(newline) else newline * 2
        return readme + separator + block + newline
    if starts != 1 or ends != 1 or readme.index(BEGIN) > readme.index(END):
        raise ValueError(f"README.md has {starts} BEGIN and {ends} END postmortem-index markers; fix it by hand")
    head, rest = readme.split(BEGIN, 1)
    return head + block + rest.split(END, 1)[1]
