"""`build-skill`: the entry point. `--version` is answered here, before click is imported; everything
else goes to the click commands in commands.py."""
from __future__ import annotations

import sys

from postmortem_skill import __version__


def main(argv: list[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else argv) == ["--version"]:
        print(f"build-skill {__version__}")
        return 0
    import click

    from postmortem_skill.compiler.commands import cli
    from postmortem_skill.compiler.errors import Interrupted, SkillError

    try:
        code = cli.main(args=argv, prog_name="build-skill", standalone_mode=False)
        return code if isinstance(code, int) else 0   # click returns ctx.exit(code) codes here
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        print(f"build-skill: {exc.format_message()} (see --help)", file=sys.stderr)
        return 2
    except SkillError as exc:
        print(f"build-skill: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print("build-skill: interrupted; everything was rolled back, nothing was changed", file=sys.stderr)
        return exc.code
    except click.Abort:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
