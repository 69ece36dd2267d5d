"""Thin command-line layer: parse arguments, call a command module, map errors to exit codes.

Each command lives in `postmortem_skill.helper.commands.<name>` and provides DESCRIPTION (its --help
text), add_arguments(parser) and run(args) -> exit code; its one-line summary is SUMMARIES[name] here,
the only copy, so that `postmortem --help` lists every command without importing any. A command module
is imported only when that command runs or shows its own --help.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from postmortem_skill import __version__
from postmortem_skill.helper.errors import UsageError

COMMANDS = ("new", "validate", "metrics", "timeline", "evidence", "index", "actions", "rules")

EPILOG = """\
examples:
  postmortem new INC-42 --title "Checkout errors after deploy" --severity SEV2
  postmortem validate docs/postmortems/INC-42.md
  postmortem metrics docs/postmortems/INC-42.md
  postmortem timeline alerts.jsonl --tz Asia/Shanghai
  postmortem evidence --since "2026-03-04 08:00" --until "2026-03-04 11:00"
  postmortem index docs/postmortems
  postmortem actions docs/postmortems --overdue

exit codes: 0 ok, 1 findings (validate), 2 unusable input or call (one line on stderr)
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + exits 2; we want one line
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _command_module(name: str):
    return importlib.import_module(f"postmortem_skill.helper.commands.{name.replace('-', '_')}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="postmortem",
        description="Scaffold, check and measure blameless incident postmortems.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"postmortem {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        if name != only:
            sub.add_parser(name, help=SUMMARIES[name])
            continue
        module = _command_module(name)
        p = sub.add_parser(
            name,
            help=SUMMARIES[name],
            description=getattr(module, "DESCRIPTION", SUMMARIES[name]),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
    return parser


SUMMARIES = {
    "new": "scaffold a postmortem from a template, or from the timeline JSON or a facts file",
    "validate": "check drafts like a reviewer would: structure, timeline, actions, language, secrets",
    "metrics": "time to detect / acknowledge / mitigate / resolve from the timeline",
    "timeline": "merge alert exports, chat logs, CSV and change tables of an evidence folder into one timeline",
    "evidence": "list commits and tags of a git repository in the incident window",
    "index": "refresh the postmortem index block in DIR/README.md",
    "actions": "list the action items of every postmortem: open, in progress, done, overdue",
    "rules": "list every check with its id, category and default severity",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if a in COMMANDS), None)
    try:
        parser = build_parser(only=chosen)
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 2
        return _command_module(args.command).run(args)
    except UsageError as exc:
        message = str(exc)
        print(message if message.startswith("postmortem") else f"postmortem: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`| head`): nothing more to say, and no complaint at exit
        _drop_stdout()
        return 0
    except Exception as exc:  # a bug, not the user's doing: still one line, never a traceback
        if os.environ.get("POSTMORTEM_DEBUG"):
            raise
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        print(f"postmortem: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); "
              "please report it with the input (POSTMORTEM_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2


def _drop_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
