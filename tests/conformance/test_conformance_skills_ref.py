"""`agentskills validate` (skills-ref 0.1.1) on every skill folder we emit or install.

Copies in a folder that one assistant alone reads may carry that assistant's documented extra
frontmatter keys (e.g. Claude Code's `argument-hint`); skills-ref flags those as unexpected, and
this test accepts exactly those. Copies in shared folders (`.agents/skills/`, the root `skills/`)
must be spec-pure.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conformance_support import REPO, SKILL_NAME, skill_dirs

ADAPTERS = REPO / "adapters"
IDS = ("claude-code codex cursor copilot gemini windsurf cline kiro junie aider continue zed opencode amp "
       "augment amazonq trae comate codebuddy codearts lingma qoder").split()
CLAUDE_EXTRAS = {"when_to_use", "argument-hint", "arguments", "disable-model-invocation", "user-invocable",
                 "disallowed-tools", "model", "effort", "context", "agent", "hooks", "paths", "shell"}
EXTRAS = {
    "claude-code": CLAUDE_EXTRAS,
    "cursor": {"paths", "disable-model-invocation"},
    "zed": {"disable-model-invocation"},
}
UNEXPECTED = re.compile(r"Unexpected fields in frontmatter: (.*?)\. Only")


def allowed_extras(folder: Path, target: str | None) -> set[str]:
    parts = set(folder.parts)
    if ".agents" in parts or target is None:
        return set()
    return EXTRAS.get(target, set())


def validate(clients, home, folder: Path, target: str | None) -> list[str]:
    proc = clients.run("agentskills", "validate", str(folder), cwd=folder, home=home)
    if proc.returncode == 0:
        return []
    errors = [line.strip()[2:] for line in proc.stderr.splitlines() if line.strip().startswith("- ")]
    if not errors:
        return [proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}"]
    allowed = allowed_extras(folder, target)
    real = []
    for error in errors:
        extra = UNEXPECTED.search(error)
        if extra and {f.strip() for f in extra.group(1).split(",")} <= allowed:
            continue
        real.append(error)
    return real


def adapter_ids() -> list[str]:
    ids = sorted(p.name for p in ADAPTERS.iterdir() if p.is_dir()) if ADAPTERS.is_dir() else []
    return ids or ["(none yet)"]


def test_canonical_skill_is_spec_pure(clients, home, tmp_path):
    source = REPO / "SKILL.md"
    if not source.is_file():
        pytest.skip("SKILL.md not there yet")
    folder = tmp_path / SKILL_NAME  # the spec wants the folder named after the skill
    folder.mkdir()
    shutil.copyfile(source, folder / "SKILL.md")
    errors = validate(clients, home, folder, None)
    assert not errors, "agentskills validate SKILL.md:\n" + "\n".join(errors)


@pytest.mark.parametrize("target", adapter_ids())
def test_adapter_skill_folders(clients, home, target):
    folders = skill_dirs(ADAPTERS / target)
    if not folders:
        pytest.skip(f"adapters/{target}/ holds no SKILL.md (yet, or it gets a rule instead of a skill)")
    _assert_valid(clients, home, folders, REPO, lambda folder: target)


def test_distribution_skill_folders(clients, home):
    folders = [f for root in ("skills", "plugins") for f in skill_dirs(REPO / root)]
    if not folders:
        pytest.skip("no skills/ or plugins/ folder at the repository root yet")
    _assert_valid(clients, home, folders, REPO,
                  lambda folder: "claude-code" if "plugins" in folder.relative_to(REPO).parts else None)


@pytest.mark.parametrize("target", IDS)
def test_installed_skill_folders(clients, home, installed, target):
    project = installed(target)
    folders = skill_dirs(project)
    if not folders:
        pytest.skip(f"`build-skill install {target}` installs no skill folder (a rule instead)")
    _assert_valid(clients, home, folders, project, lambda folder: target)
    assert any(f.name == SKILL_NAME for f in folders), [str(f.relative_to(project)) for f in folders]


def _assert_valid(clients, home, folders, root, target_of):
    """Every folder passes skills-ref (with the extras its assistant allows); failures listed by path."""
    failures = {}
    for folder in folders:
        errors = validate(clients, home, folder, target_of(folder))
        if errors:
            failures[str(folder.relative_to(root))] = errors
    assert not failures, "\n".join(f"{k}: {'; '.join(v)}" for k, v in failures.items())
