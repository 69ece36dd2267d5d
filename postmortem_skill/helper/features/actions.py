"""Action items across an archive, for `postmortem actions` and the index. No I/O: texts in, text out.

`items(path, text, today)` reads one postmortem (English or Chinese) into Item rows, or None when the text
is not a postmortem; `overdue_only`, `as_json`, `as_csv`, `as_text` and `as_gh` shape them for output.
An item is overdue when it is still open or in progress and its due date is before `today`.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shlex
from dataclasses import asdict, dataclass
from datetime import date

from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.rows import STATUSES, parse_date_text

FIELDS = ("file", "line", "incident", "priority", "action", "owner", "due", "ticket", "status", "overdue")
OPEN = ("open", "in progress")
_UNKNOWN = re.compile(r"^(?:tbd|tba|n/?a|none|-+|—+|待定|无)?$", re.I)


@dataclass
class Item:
    file: str
    line: int
    incident: str
    priority: str
    action: str
    owner: str
    due: str  # ISO date when the cell holds one, else the cell as written ('TBD', '')
    ticket: str
    status: str  # one of model.rows.STATUSES
    overdue: bool


def is_postmortem(doc) -> bool:
    """A title and a Date or Incident ID field, a template mark or an action-item table (published
    postmortems often have no header fields)."""
    return bool(doc.title) and bool(doc.field("date") or doc.field("incident_id") or doc.template_declared
                                    or doc.action_table is not None)


def _blank(text: str) -> bool:
    """An action cell that holds nothing but template placeholders: the unfilled template row."""
    return not re.sub(r"[\s\W]+", "", markdown.PLACEHOLDER.sub("", text))


def items(path: str, text: str, today: date) -> list[Item] | None:
    """Every filled-in action item of one document, in table order; None when it is not a postmortem."""
    doc = parse_document(text)
    if not is_postmortem(doc):
        return None
    found = doc.field("incident_id")
    incident = found.value.strip() if found and not markdown.PLACEHOLDER.search(found.value) else ""
    incident = incident or path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    out = []
    for row in doc.action_items:
        action = row.text("action")
        if _blank(action):
            continue
        due_text = row.text("due")
        due = parse_date_text(due_text)
        status = row.status
        out.append(Item(file=path, line=row.line, incident=incident, priority=row.text("priority"), action=action,
                        owner=row.text("owner"), due=due.isoformat() if due else due_text,
                        ticket=row.text("ticket"), status=status,
                        overdue=status in OPEN and due is not None and due < today))
    return out


def overdue_only(rows: list[Item]) -> list[Item]:
    return [r for r in rows if r.overdue]


def as_json(rows: list[Item]) -> str:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2)


def as_csv(rows: list[Item]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for r in rows:
        writer.writerow([*(getattr(r, f) for f in FIELDS[:-1]), "true" if r.overdue else "false"])
    return buffer.getvalue().rstrip("\n")


def summary(rows: list[Item], documents: int, today: date, overdue_only: bool = False) -> str:
    """The last line of the text output: how many items, in which states, how many overdue."""
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    late = sum(r.overdue for r in rows)
    read = f"{documents} postmortem{'' if documents == 1 else 's'}"
    if overdue_only:
        if not rows:
            return f"no overdue action items in {read} (due before {today.isoformat()})"
        files = len({r.file for r in rows})
        return (f"{len(rows)} overdue action item{'' if len(rows) == 1 else 's'} in {files} of {read}: "
                f"{counts['open']} open, {counts['in progress']} in progress (due before {today.isoformat()})")
    parts = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
    return (f"{len(rows)} action item{'' if len(rows) == 1 else 's'} in {read}: {parts}; "
            f"{late} overdue (due before {today.isoformat()})")


def as_text(rows: list[Item], documents: int, today: date, overdue_only: bool = False) -> str:
    """Grouped by postmortem; each item on one line with what a person scans for, the action on the next."""
    lines: list[str] = []
    current = None
    for r in rows:
        if r.file != current:
            current = r.file
            lines += ([""] if lines else []) + [f"{r.incident}  {r.file}"]
        due = f"due {r.due:<10}" if r.due else "no due date   "
        flags = "  OVERDUE" if r.overdue else ""
        who = r.owner or "no owner"
        ticket = r.ticket or "no ticket"
        lines.append(f"  L{r.line:<4} {r.priority or '--':<3} {r.status:<11} {due}{flags}  {who} · {ticket}")
        lines.append(f"        {r.action}")
    lines += ([""] if lines else []) + [summary(rows, documents, today, overdue_only)]
    return "\n".join(lines)


def has_ticket(r: Item) -> bool:
    return not _UNKNOWN.match(r.ticket.strip()) and not markdown.PLACEHOLDER.search(r.ticket)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def as_gh(rows: list[Item]) -> str:
    """`gh issue create` lines for the open items that have no ticket yet, shell-quoted, to be reviewed and
    run by a person. Items that already have a ticket are listed as comments: filing them again would
    duplicate the tracker's record."""
    lines = ["# Review these commands, then run them in the repository that tracks the work. Nothing was run."]
    for r in rows:
        if r.status not in OPEN:
            continue
        if has_ticket(r):
            lines.append(f"# {r.incident} {r.file}:{r.line} already tracked as {r.ticket}: {_short(r.action, 60)}")
            continue
        body = (f"{r.action} -- action item from postmortem {r.incident} ({r.file}, line {r.line}). "
                f"Priority: {r.priority or 'not set'}. Owner: {r.owner or 'not set'}. Due: {r.due or 'not set'}. "
                f"When the issue exists, write its id in the Ticket column of the postmortem.")
        lines.append(f"gh issue create --title {shlex.quote(_short(f'[{r.incident}] {r.action}'))} "
                     f"--body {shlex.quote(body)}")
    return "\n".join(lines)
