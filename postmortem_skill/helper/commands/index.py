"""`postmortem index`: refresh the postmortem index block in DIR/README.md."""
from __future__ import annotations

from pathlib import Path

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import index

DESCRIPTION = f"""\
Read every postmortem (*.md below DIR, English or Chinese; README.md files are skipped, and so is any
file without a title and header fields) and write an index between

  {index.BEGIN}
  {index.END}

in DIR/README.md (created when absent; appended when it has no block). Every byte outside the block
is kept, line endings included. A second run with nothing changed writes nothing.

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
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def run(args) -> int:
    from postmortem_skill.helper.commands.actions import parse_today

    today = parse_today(args.today)
    folder = Path(args.dir)
    if not folder.is_dir():
        raise UsageError(f"{args.dir}: not a folder")
    entries = []
    for path in sorted(folder.rglob("*.md")):
        if path.name.lower() == "readme.md" or path.is_symlink() or not path.is_file():
            continue
        found = index.entry(path.relative_to(folder).as_posix(), _text(path), today)
        if found:
            entries.append(found)
    readme = folder / "README.md"
    old = _text(readme) if readme.exists() else None
    try:
        new = index.replace_block(old, index.render(entries), index.language(entries))
    except ValueError as exc:
        raise UsageError(f"{readme}: {exc}") from None
    if new == old:
        print(f"{readme}: unchanged ({_count(entries)})")
        return 0
    try:
        readme.write_bytes(new.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"{readme}: cannot write ({exc.strerror})") from None
    print(f"{readme}: {'written' if old is None else 'updated'} ({_count(entries)})")
    return 0


def _count(entries) -> str:
    return f"{len(entries)} postmortem{'' if len(entries) == 1 else 's'}"
