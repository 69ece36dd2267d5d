"""`postmortem actions PATH...`: every action item across an archive, what is open and what is overdue."""
from __future__ import annotations

DESCRIPTION = """\
List every action item of the postmortems under PATH (files or folders, every *.md below a folder;
README.md, the archive index, is skipped; so is any file in a folder that is not a postmortem), from
English `## Action Items` and Chinese `## 改进行动项` tables, in file order. The template's unfilled
`[TODO: …]` row is not an item.

Each item has: file, line, incident (the Incident ID / 事件编号 field, else the file name), priority,
action, owner, due (YYYY-MM-DD when the cell holds a date, else as written, e.g. TBD), ticket, status
and overdue.

Status comes from an optional Status / 状态 column and is one of:
  open         open, to do, not started, pending, blocked, 未开始, 待处理; also an empty cell, TBD,
               a word not listed here, and every item of a table without the column
  in progress  in progress, doing, started, WIP, in review, 进行中, 处理中
  done         done, closed, completed, fixed, resolved, shipped, ✅, 已完成, 已关闭
  won't do     won't do, won't fix, WONTFIX, cancelled, dropped, rejected, 不做, 已取消
Case, a leading emoji and trailing notes ("Done (2026-03-20)") do not matter: the first words decide.
An item is overdue when it is open or in progress and its due date is before --today.

Formats:
  text  grouped by postmortem, one line per item, counts at the end (default)
  json  a list of objects with the fields above (overdue true/false)
  csv   the same with a header row, for a spreadsheet
  gh    a `gh issue create --title … --body …` line, shell-quoted, for each open or in-progress item that
        has no ticket yet (items with a ticket are listed as comments). Nothing is run: review the lines,
        run the ones you want, then write each new issue's id into the Ticket column.

Exit codes: 0 listed (even when nothing is open), 2 unusable input: a path that does not exist, a folder
without postmortems, a file that is not UTF-8 text, a --today that is not a date.

examples:
  postmortem actions docs/postmortems
  postmortem actions docs/postmortems --overdue
  postmortem actions docs/postmortems --overdue --today 2026-10-01 --format json
  postmortem actions docs/postmortems --format csv > actions.csv
  postmortem actions docs/postmortems/INC-42.md --format gh
"""


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="postmortem file or folder")
    parser.add_argument("--format", choices=("text", "json", "csv", "gh"), default="text")
    parser.add_argument("--overdue", action="store_true",
                        help="only open and in-progress items whose due date is before --today")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="the day to measure overdue against (default: today)")


def parse_today(text: str | None):
    import re
    from datetime import date

    from postmortem_skill.helper.errors import UsageError

    if text is None:
        return date.today()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--today {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-10-01") from None


def run(args) -> int:
    from pathlib import Path

    from postmortem_skill.helper.errors import UsageError
    from postmortem_skill.helper.features import actions
    from postmortem_skill.helper.inputs import expand, read_text

    today = parse_today(args.today)
    named = {Path(p) for p in args.paths if Path(p).is_file()}
    rows, documents = [], 0
    for path in expand(args.paths):
        found = actions.items(str(path), read_text(path), today)
        if found is None:
            if path in named:
                raise UsageError(f"{path}: not a postmortem (no title with header fields or an action table)")
            continue
        documents += 1
        rows.extend(found)
    if documents == 0:
        raise UsageError(f"{' '.join(args.paths)}: no postmortems here (Markdown files with a title and header "
                         "fields such as **Date**)")
    if args.overdue:
        rows = actions.overdue_only(rows)
    if args.format == "json":
        print(actions.as_json(rows))
    elif args.format == "csv":
        print(actions.as_csv(rows))
    elif args.format == "gh":
        print(actions.as_gh(rows))
    else:
        print(actions.as_text(rows, documents, today, args.overdue))
    return 0
