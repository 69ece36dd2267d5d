"""`postmortem index`: refresh the postmortem index block in DIR/README.md."""
from __future__ import annotations

import os
from pathlib import Path

from postmortem_skill.helper import inputs
from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import index

DESCRIPTION = f"""\
Read every postmortem (*.md below DIR, English or Chinese; README.md files, hidden folders, symbolic
links and any file without a title and header fields are skipped) and write an index between

  {index.BEGIN}
  {index.END}

in DIR/README.md (created when absent; appended when it has no block). Every byte outside the block
is kept, line endings included; the file is replaced whole, never half-written, and never written
through a symbolic link. A second run with nothing changed writes nothing. A subfolder or file that
cannot be read stops the run with its name (exit 2) rather than leaving it out of the index.

The block holds: one row per postmortem, newest first (date, id, title, severity, status, duration as
written, TTD and TTR computed from the timeline, open action items = open or in progress, and how many
of them are overdue: due before --today, default today; `postmortem actions` lists them), related
incidents linked both ways (an id or a link under Related Incidents / 相关事件 in either document),
counts by severity, by quarter and of open and overdue action items, and a Mermaid bar chart of
incidents per quarter. Overdue counts change with the day; nothing else does.
It prints the README path and whether it was written or unchanged.

examples:
  postmortem index docs/postmortems
"""


def add_arguments(parser) -> None:
    parser.add_argument("dir", metavar="DIR", help="the postmortem folder")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="the day to count overdue action items against "
                        "(default: today)")


def _text(path: Path) -> str:
    try:
        return inputs.read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None


def run(args) -> int:
    from postmortem_skill.helper.commands.actions import parse_today

    today = parse_today(args.today)
    folder = Path(args.dir)
    try:
        if not folder.is_dir():
            raise UsageError(f"{args.dir}: not a folder")
    except OSError as exc:
        raise UsageError(f"{args.dir}: cannot read ({exc.strerror})") from None
    readme = folder / "README.md"
    inputs.writable(readme)  # before any work: a link or a FIFO in its place is refused, never followed
    entries = []
    for path in inputs.markdown_files(folder):
        if path.is_symlink():  # a postmortem lives in the folder; a link may point anywhere
            continue
        found = index.entry(path.relative_to(folder).as_posix(), _text(path), today)
        if found:
            entries.append(found)
    old = _text(readme) if os.path.lexists(readme) else None
    try:
        new = index.replace_block(old, index.render(entries), index.language(entries))
    except ValueError as exc:
        raise UsageError(f"{readme}: {exc}") from None
    if new == old:
        print(f"{readme}: unchanged ({_count(entries)})")
        return 0
    inputs.write_bytes(readme, new.encode("utf-8"))
    print(f"{readme}: {'written' if old is None else 'updated'} ({_count(entries)})")
    return 0


def _count(entries) -> str:
    return f"{len(entries)} postmortem{'' if len(entries) == 1 else 's'}"
