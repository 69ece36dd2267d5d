"""`install` / `uninstall`: choose targets, plan against the project, print or apply the plan."""
from __future__ import annotations

from pathlib import Path

from postmortem_skill.compiler import plan as plans
from postmortem_skill.compiler import prerendered
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


def show(plan: plans.Plan, say, only_changes: bool):
    for change in plan.changes:
        if not (only_changes and change.action == "unchanged"):
            say(f"  {change.action:<13} {change.path}")


def _session(root: Path, say):
    from postmortem_skill.compiler.transaction import Session

    return Session(root, say)


def run_install(ids, everything: bool, project: str | None, use_home: bool, dry_run: bool, say) -> int:
    root = project_root(project, use_home)
    name = records.name_for(use_home)
    if dry_run:
        refuse_pending(root)
        return _install(root, ids, everything, use_home, name, say, None)
    with _session(root, say) as session:
        return _install(root, ids, everything, use_home, name, say, session)


def refuse_pending(root: Path):
    from postmortem_skill.compiler.transaction import refuse_pending as refuse

    refuse(root)


def _install(root: Path, ids, everything: bool, use_home: bool, name: str, say, session) -> int:
    ready = prerendered.load()
    chosen = choose(catalogue(ready), ids, everything, root, use_home, say)
    mode = "global" if use_home else "project"
    wanted = plans.collect(outputs(chosen, mode, ready))
    plan = plans.install_plan(root, wanted, records.load(root, name), [t.id for t in chosen], name)
    names = ", ".join(t.name for t in chosen)
    if session is None:
        say(f"plan for {names} in {root} (dry run, nothing written):")
        show(plan, say, only_changes=False)
        return 0
    session.apply(plan, "install")
    show(plan, say, only_changes=True)
    written = sum(c.action != "unchanged" for c in plan.changes)
    say(f"installed for {names} in {root}: {written} change(s)" if written
        else f"already up to date for {names} in {root}: nothing written")
    return 0


def run_uninstall(ids, everything: bool, project: str | None, use_home: bool, say) -> int:
    root = project_root(project, use_home)
    name = records.name_for(use_home)
    if ids and everything:
        raise SkillError("give assistant ids or --all, not both")
    with _session(root, say) as session:
        record = records.load(root, name)
        installed = record["targets"]
        if ids:
            select(catalogue(prerendered.load()), ids)   # unknown ids are a usage error
        chosen = [i for i in ids if i in installed] if ids else list(installed)
        if not chosen:
            say(f"nothing to uninstall in {root}")
            return 0
        plan = plans.uninstall_plan(root, record, chosen, name)
        session.apply(plan, "uninstall")
    show(plan, say, only_changes=True)
    say(f"uninstalled {' '.join(chosen)} from {root}")
    return 0


def run_update(project: str | None, use_home: bool, dry_run: bool, say) -> int:
    """Re-install the recorded assistants at the packaged version, in one transaction."""
    from postmortem_skill import __version__

    root = project_root(project, use_home)
    name = records.name_for(use_home)
    if dry_run:
        refuse_pending(root)
        return _update(root, use_home, name, say, None, __version__)
    with _session(root, say) as session:
        return _update(root, use_home, name, say, session, __version__)


def _update(root: Path, use_home: bool, name: str, say, session, current: str) -> int:
    record = records.load(root, name)
    if not record["targets"]:
        say(f"nothing installed in {root}{' (--global)' if use_home else ''}; see build-skill install --help")
        return 0
    ready = prerendered.load()
    chosen = select(catalogue(ready), record["targets"])
    wanted = plans.collect(outputs(chosen, "global" if use_home else "project", ready))
    plan = plans.install_plan(root, wanted, record, [t.id for t in chosen], name)
    old = records.installed_version(record) or "an install by 0.1.0 (no version recorded)"
    if session is None:
        say(f"plan to update {' '.join(record['targets'])} in {root} from {old} to {current} "
            "(dry run, nothing written):")
        show(plan, say, only_changes=True)
        return 0
    session.apply(plan, "update")
    show(plan, say, only_changes=True)
    written = sum(c.action != "unchanged" for c in plan.changes)
    say(f"updated {' '.join(record['targets'])} in {root} from {old} to {current}: {written} change(s)")
    return 0


def status(project: str | None, use_home: bool) -> dict:
    """What is installed, at which version, what the user changed since: the `status` JSON."""
    from postmortem_skill import __version__

    root = project_root(project, use_home)
    refuse_pending(root)
    record = records.load(root, records.name_for(use_home))
    version = records.installed_version(record)
    targets = list(record["targets"])
    return {"version": version, "current": __version__, "targets": targets,
            "modified": plans.modified(root, record), "outdated": bool(targets) and version != __version__,
            "root": str(root)}
