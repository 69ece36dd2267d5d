"""`build-skill`'s commands (click). Heavy modules are imported inside the commands that need them."""
from __future__ import annotations

import click

from postmortem_skill import __version__

HELP = """Compile the postmortem-writing skill for every AI coding assistant, and install it.

\b
Run with no command in the skill's source tree (SKILL.md + prompts/) to regenerate
adapters/ (one ready-to-copy tree per assistant) and scripts/postmortem (and, in this
package's own tree, postmortem_skill/compiler/prerendered.json, which install reads).

\b
examples:
  build-skill                                   regenerate adapters/ and scripts/postmortem
  build-skill --check                           exit 1 if adapters/ is out of date
  build-skill targets                           list the assistants and their paths
  build-skill install --project ~/code/shop     install for the assistants the project uses
  build-skill install codex cursor --dry-run    show what would be written, write nothing
  build-skill install claude-code --global      install into your home folder
  build-skill uninstall --all                   remove everything install wrote
  build-skill status                            what is installed here, at which version
  build-skill update                            bring an older install up to this version

\b
exit codes: 0 ok, 1 drift (--check), 2 unusable input or call
"""


def _say(line: str):
    click.echo(line)


@click.group(invoke_without_command=True, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--check", is_flag=True,
              help="Compare adapters/ with a fresh build; exit 1 and list the files that differ.")
@click.version_option(__version__, "--version", prog_name="build-skill", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, check: bool):
    if ctx.invoked_subcommand is not None:
        if check:
            raise click.UsageError("--check takes no command")
        return
    from pathlib import Path

    from postmortem_skill.compiler import build

    repo = Path.cwd()
    tree = build.expected(repo)
    if check:
        found = build.differences(repo, tree)
        for status, rel in found:
            click.echo(f"  {status:<8} {rel}")
        click.echo(f"{len(found)} generated file(s) out of date; run build-skill" if found
                   else f"up to date: {len(tree)} generated files")
        ctx.exit(1 if found else 0)
    fixed = build.write(repo, tree)
    for group, count in sorted(build.summarise(fixed).items()):
        click.echo(f"  {count:>4} changed  {group}")
    adapters = len({rel.split('/')[1] for rel in tree if rel.startswith('adapters/')})
    click.echo(f"built {adapters} adapters, {len(tree)} generated files ({len(fixed)} changed)")


@cli.command(help="List the assistants, with the project paths each one installs.\n\n"
             "\b\nexamples:\n  build-skill targets\n  build-skill targets --format json")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def targets(fmt: str):
    import json

    from postmortem_skill.compiler.targets import load_targets

    found = load_targets()
    if fmt == "json":
        click.echo(json.dumps([{"id": t.id, "name": t.name, "paths": t.paths()} for t in found],
                              indent=2, ensure_ascii=False))
        return
    for t in found:
        where = ", ".join(t.paths()) + ("  (+ --global)" if t.supports_global else "")
        click.echo(f"{t.id:<12} {t.name:<22} {where}")


_IDS = click.argument("ids", nargs=-1, metavar="[ID]...")
_PROJECT = click.option("--project", metavar="DIR", help="Project folder (default: the current folder).")
_GLOBAL = click.option("--global", "use_home", is_flag=True, help="Install into your home folder instead.")
_ALL = click.option("--all", "everything", is_flag=True, help="Every assistant.")


@cli.command(help="Install the skill into a project (or your home folder) for the given assistants.\n\n"
             "With no ID, installs for the assistants the project already shows signs of "
             "(.cursor/, .github/, .claude/, AGENTS.md, …) and says which. Shared files such as "
             "AGENTS.md get one marked block; nothing else in them changes. A record of what was "
             "written goes to .postmortem-skill.json (--global: ~/.postmortem-skill-global.json).\n\n"
             "The install is one transaction: interrupted (Ctrl-C, a kill, a full disk), it is rolled "
             "back, at once or by the next install/uninstall, which says so. A second install while one "
             "runs exits 2.\n\n"
             "\b\nexamples:\n  build-skill install\n  build-skill install codex copilot --project ../shop\n"
             "  build-skill install --all --dry-run\n  build-skill install claude-code --global")
@_IDS
@_ALL
@_PROJECT
@_GLOBAL
@click.option("--dry-run", is_flag=True, help="Print the plan (create / update / unchanged) and write nothing.")
def install(ids, everything, project, use_home, dry_run):
    from postmortem_skill.compiler.install import run_install

    run_install(list(ids), everything, project, use_home, dry_run, _say)


@cli.command(help="Remove exactly what install wrote, restoring shared files to their previous bytes.\n\n"
             "With no ID, removes every installed assistant.\n\n"
             "\b\nexamples:\n  build-skill uninstall\n  build-skill uninstall cursor --project ../shop\n"
             "  build-skill uninstall claude-code --global")
@_IDS
@_ALL
@_PROJECT
@_GLOBAL
def uninstall(ids, everything, project, use_home):
    from postmortem_skill.compiler.install import run_uninstall

    run_uninstall(list(ids), everything, project, use_home, _say)


_ONE_PROJECT = click.option("--project", metavar="DIR", help="Project folder (default: the current folder).")
_HOME = click.option("--global", "use_home", is_flag=True, help="The install in your home folder instead.")


@cli.command(help="Show what is installed, at which version, and which installed files were edited since.\n\n"
             "Outdated means the install was made by another version of postmortem-skill than this one "
             "(an install by 0.1.0 records no version and is always outdated); run build-skill update.\n\n"
             "\b\nexamples:\n  build-skill status\n  build-skill status --project ../shop --format json\n"
             "  build-skill status --global\n\n"
             "\b\nexit codes:\n  0 up to date (or nothing installed)\n  1 outdated, or files edited since install\n"
             "  2 unusable: a damaged record, an interrupted install not yet rolled back\n\n"
             "JSON keys: version (installed, null for 0.1.0), current (this package), targets, modified, "
             "outdated.")
@_ONE_PROJECT
@_HOME
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def status(ctx: click.Context, project, use_home, fmt):
    import json

    from postmortem_skill.compiler.install import status as read_status

    found = read_status(project, use_home)
    where = found.pop("root")
    code = 1 if found["outdated"] or found["modified"] else 0
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
        ctx.exit(code)
    if not found["targets"]:
        click.echo(f"nothing installed in {where} (this is postmortem-skill {found['current']})")
        ctx.exit(0)
    installed = found["version"] or "not recorded (an install by 0.1.0, before versions were recorded)"
    click.echo(f"installed in {where}: {' '.join(found['targets'])}")
    click.echo(f"version: {installed}; this package: {found['current']}"
               + ("  (outdated: run build-skill update)" if found["outdated"] else "  (up to date)"))
    for path in found["modified"]:
        click.echo(f"  edited since install: {path}")
    if found["modified"]:
        click.echo("update and uninstall refuse edited files: move your changes out of them first")
    ctx.exit(code)


@cli.command(help="Re-install the recorded assistants at this package's version, in one transaction.\n\n"
             "Your own text in shared files (AGENTS.md, …) is kept byte for byte; our marked blocks and "
             "our generated files are replaced. Files you edited since install are refused, each named, "
             "and nothing is changed.\n\n"
             "\b\nexamples:\n  build-skill update --dry-run\n  build-skill update --project ../shop\n"
             "  build-skill update --global")
@_ONE_PROJECT
@_HOME
@click.option("--dry-run", is_flag=True, help="Print the changes update would make and write nothing.")
def update(project, use_home, dry_run):
    from postmortem_skill.compiler.install import run_update

    run_update(project, use_home, dry_run, _say)
