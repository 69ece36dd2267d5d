"""`install` / `uninstall`: choose targets, plan against the project, print or apply the plan."""
from __future__ import annotations

from pathlib import Path

from postmortem_skill.compiler import disk, prerendered
from postmortem_skill.compiler import plan as plans
from postmortem_skill.compiler import record as records
from postmortem_skill.compiler.errors import SkillError
from postmortem_skill.compiler.rendered import Rendered
from postmortem_skill.compiler.targets import PACKAGE_TARGETS, Target, load_targets, select


def project_root(project: str | None, use_home: bool) -> Path:
    if use_home and project:
        raise SkillError("use either --global or --project, not both")
    root = Path.home() if use_home else Path(project or ".")
    if not root.is_dir():
        raise SkillError(f"project folder {root} does not exist")
    return root.resolve()


def detected(targets: list[Target], root: Path) -> list[Target]:
    def present(sign: str) -> bool:
        path = root / sign.rstrip("/")
        return path.is_dir() if sign.endswith("/") else path.exists()
    return [t for t in targets if any(present(sign) for sign in t.detect)]


def catalogue(ready: prerendered.Prerendered | None) -> list[Target]:
    return ready.targets if ready else load_targets(PACKAGE_TARGETS)


def outputs(chosen: list[Target], mode: str, ready: prerendered.Prerendered | None) -> dict[str, list[Rendered]]:
    """What each chosen target writes: prerendered while up to date, else rendered now."""
    if ready:
        return {t.id: ready.outputs(t.id, mode) for t in chosen}
    from postmortem_skill.compiler import source
    from postmortem_skill.compiler.render import render_target

    skill = source.installed_skill()
    return {t.id: render_target(skill, t, mode) for t in chosen}


def choose(catalogue: list[Target], ids, everything: bool, root: Path, use_home: bool, say) -> list[Target]:
    if ids and everything:
        raise SkillError("give assistant ids or --all, not both")
    if everything:
        chosen = [t for t in catalogue if t.supports_global] if use_home else catalogue
    elif ids:
        chosen = select(catalogue, ids)
    elif use_home:
        raise SkillError("with --global, name the assistants (or --all); see build-skill targets")
    else:
        chosen = detected(catalogue, root)
        if not chosen:
            raise SkillError(f"no assistant detected in {root} (no .cursor/, .github/, .claude/, AGENTS.md, "
                             "…); name one, e.g. build-skill install codex, or use --all")
        say(f"detected: {' '.join(t.id for t in chosen)}")
    if use_home:
        lacking = [t.id for t in chosen if not t.supports_global]
        if lacking:
            raise SkillError(f"{lacking[0]} has no user-level (global) location; install it per project")
    return chosen


def apply(root: Path, plan: plans.Plan):
    """Carry out the plan as one transaction: on any failure, restore everything and stop."""
    transaction = disk.Transaction(root)
    current = None
    try:
        for change in plan.changes:
            current = change.path
            if change.action == "remove":
                transaction.delete(change.path)
            elif change.action != "unchanged":
                transaction.write(change.path, change.data, change.executable)
        for folder in plan.remove_folders:
            current = folder
            transaction.remove_dir_if_empty(folder)
    except SkillError as exc:
        transaction.rollback()
        raise SkillError(f"{exc}; nothing was changed") from None
    except OSError as exc:
        transaction.rollback()
        raise SkillError(f"could not write {root / current}: {exc.strerror or exc}; nothing was changed") from None


def show(plan: plans.Plan, say, only_changes: bool):
    for change in plan.changes:
        if not (only_changes and change.action == "unchanged"):
            say(f"  {change.action:<13} {change.path}")


def run_install(ids, everything: bool, project: str | None, use_home: bool, dry_run: bool, say) -> int:
    root = project_root(project, use_home)
    ready = prerendered.load()
    chosen = choose(catalogue(ready), ids, everything, root, use_home, say)
    mode = "global" if use_home else "project"
    wanted = plans.collect(outputs(chosen, mode, ready))
    plan = plans.install_plan(root, wanted, records.load(root), [t.id for t in chosen])
    names = ", ".join(t.name for t in chosen)
    if dry_run:
        say(f"plan for {names} in {root} (dry run, nothing written):")
        show(plan, say, only_changes=False)
        return 0
    apply(root, plan)
    show(plan, say, only_changes=True)
    written = sum(c.action != "unchanged" for c in plan.changes)
    say(f"installed for {names} in {root}: {written} change(s)" if written
        else f"already up to date for {names} in {root}: nothing written")
    return 0


def run_uninstall(ids, everything: bool, project: str | None, use_home: bool, say) -> int:
    root = project_root(project, use_home)
    record = records.load(root)
    installed = record["targets"]
    if ids and everything:
        raise SkillError("give assistant ids or --all, not both")
    if ids:
        select(catalogue(prerendered.load()), ids)   # unknown ids are a usage error
    chosen = [i for i in ids if i in installed] if ids else list(installed)
    if not chosen:
        say(f"nothing to uninstall in {root}")
        return 0
    plan = plans.uninstall_plan(root, record, chosen)
    apply(root, plan)
    show(plan, say, only_changes=True)
    say(f"uninstalled {' '.join(chosen)} from {root}")
    return 0
