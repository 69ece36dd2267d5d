"""Gemini CLI 0.61.0 validates the repository as an extension and lists our skill offline."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conformance_support import REPO, SKILL_NAME, generated_files, need

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

MANIFEST = REPO / "gemini-extension.json"


def trust(home: Path, *folders: Path) -> None:
    """Without this, gemini stops on an interactive "Do you trust this folder?" prompt."""
    (home / ".gemini").mkdir(parents=True, exist_ok=True)
    (home / ".gemini" / "trustedFolders.json").write_text(
        json.dumps({str(f): "TRUST_FOLDER" for f in folders}), encoding="utf-8")


def listed_skills(output: str) -> dict[str, list[str]]:
    """`gemini skills list --all` output → {name: [block lines]}."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        head = re.match(r"^(\S+) \[(Enabled|Disabled)\]", line)
        if head:
            current = head.group(1)
            blocks.setdefault(current, []).append(line)
        elif current and line.startswith("  "):
            blocks[current].append(line.strip())
    return blocks


def test_repository_validates_as_an_extension(clients, home):
    need(MANIFEST, "Gemini extension manifest")
    proc = clients.run("gemini", "extensions", "validate", str(REPO), cwd=REPO, home=home)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "successfully validated" in said, said[-3000:]
    warnings = [line.strip() for line in said.splitlines() if "Warning" in line]
    assert not warnings, "\n".join(warnings)


def test_installed_extension_provides_the_skill(clients, home, repo_copy, tmp_path):
    need(MANIFEST, "Gemini extension manifest")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    trust(home, repo_copy, workspace)
    proc = clients.run("gemini", "extensions", "install", str(repo_copy), "--consent", "--skip-settings",
                       cwd=workspace, home=home)
    assert proc.returncode == 0 and "installed successfully" in proc.stdout + proc.stderr, \
        (proc.stdout + proc.stderr)[-3000:]
    listing = clients.run("gemini", "skills", "list", "--all", cwd=workspace, home=home)
    blocks = listed_skills(listing.stdout)
    assert SKILL_NAME in blocks, f"gemini lists: {sorted(blocks)}\n{listing.stderr[-1500:]}"
    assert "[Enabled]" in blocks[SKILL_NAME][0], blocks[SKILL_NAME]
    assert any("/.gemini/extensions/" in line for line in blocks[SKILL_NAME]), blocks[SKILL_NAME]


def test_installed_project_lists_the_skill_once(clients, home, installed):
    project = installed("gemini")
    trust(home, project)
    proc = clients.run("gemini", "skills", "list", "--all", cwd=project, home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    blocks = listed_skills(proc.stdout)
    # A skill with no description is dropped silently: being listed is the check.
    assert SKILL_NAME in blocks, f"gemini lists {sorted(blocks)} in a project installed for gemini"
    assert len([b for b in blocks[SKILL_NAME] if "[Enabled]" in b or "[Disabled]" in b]) == 1, blocks[SKILL_NAME]
    assert "[Enabled]" in blocks[SKILL_NAME][0], blocks[SKILL_NAME]
    location = next((line for line in blocks[SKILL_NAME] if line.startswith("Location:")), "")
    assert str(project) in location, location


def command_files(root: Path) -> list[Path]:
    return [p for p in generated_files(root, ".toml") if "commands" in p.relative_to(root).parts]


def check_command(path: Path) -> None:
    """Mirror Gemini's command loader: `prompt` a required string, `description` an optional one."""
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        pytest.fail(f"{path}: not valid TOML: {exc}")
    assert isinstance(data.get("prompt"), str) and data["prompt"].strip(), f"{path}: no string `prompt`"
    assert isinstance(data.get("description", ""), str), f"{path}: `description` is not a string"


def test_every_emitted_toml_command_parses():
    files = sorted(set(command_files(REPO / "adapters") + generated_files(REPO / "commands", ".toml")))
    if not files:
        pytest.skip("no .toml command emitted yet under adapters/**/commands/ or the extension's commands/")
    for path in files:
        check_command(path)


def test_installed_project_toml_commands_parse(installed):
    project = installed("gemini")
    files = command_files(project / ".gemini")
    if not files:
        pytest.skip("`build-skill install gemini` wrote no .gemini/commands/*.toml")
    for path in files:
        check_command(path)
    assert any(p.stem == "postmortem" for p in files), f"no /postmortem command among {files}"
