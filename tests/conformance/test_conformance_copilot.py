"""GitHub Copilot CLI 1.0.102 lists our skill, instruction file and plugin offline.

Copilot exits 0 even when something fails to load: the failures go to stderr, so every check
reads stderr as well as the exit status.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conformance_support import REPO, SKILL_NAME, build_skill, need

INSTRUCTIONS = Path(".github") / "instructions" / "postmortem.instructions.md"
FAILED = re.compile(r"fail(ed)? to load|✖|error", re.I)


def run_json(clients, home, project, *args):
    proc = clients.run("copilot", *args, "--json", cwd=project, home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not FAILED.search(proc.stderr), f"copilot {' '.join(args)} reported on stderr:\n{proc.stderr[-3000:]}"
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"copilot {' '.join(args)} --json printed no JSON: {proc.stdout[-1000:]}")


@pytest.fixture(scope="module")
def copilot_project(installed) -> Path:
    return installed("copilot")


def test_skill_listed_once_without_load_failures(clients, home, copilot_project):
    skills = run_json(clients, home, copilot_project, "skill", "list")
    ours = [s for s in skills if s["name"] == SKILL_NAME]
    assert len(ours) == 1, f"copilot lists {SKILL_NAME} {len(ours)} times: {[s.get('path') for s in ours]}"
    assert ours[0]["source"] == "project" and ours[0]["enabled"], ours[0]
    assert Path(ours[0]["path"]).is_relative_to(copilot_project), ours[0]["path"]


def test_instruction_file_listed_with_its_apply_to(clients, home, copilot_project):
    path = need(copilot_project / INSTRUCTIONS, f"{INSTRUCTIONS} written by `build-skill install copilot`")
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\r?\n(.*?)\r?\n---\r?\n", text, re.S)
    assert match, f"{INSTRUCTIONS} has no frontmatter"
    declared = yaml.safe_load(match.group(1)) or {}
    assert isinstance(declared.get("applyTo"), str) and declared["applyTo"].strip(), declared
    listing = run_json(clients, home, copilot_project, "instruction", "list")
    ours = [i for i in listing if i.get("sourcePath") == INSTRUCTIONS.as_posix()]
    assert len(ours) == 1, f"copilot lists these instructions: {[i.get('sourcePath') for i in listing]}"
    expected = [g.strip() for g in declared["applyTo"].split(",") if g.strip()]
    assert ours[0].get("applyTo") == expected, f"copilot read applyTo as {ours[0].get('applyTo')!r}"
    if "description" in declared:
        assert ours[0].get("description") == declared["description"], ours[0]


def test_claude_format_marketplace_installs_in_copilot(clients, home, repo_copy):
    need(REPO / ".claude-plugin" / "marketplace.json", "Claude marketplace")
    market = json.loads((repo_copy / ".claude-plugin" / "marketplace.json").read_text(encoding="utf-8"))
    added = clients.run("copilot", "plugin", "marketplace", "add", str(repo_copy), cwd=repo_copy, home=home)
    assert added.returncode == 0 and not FAILED.search(added.stderr), added.stdout + added.stderr
    for entry in market["plugins"]:
        inst = clients.run("copilot", "plugin", "install", f"{entry['name']}@{market['name']}", cwd=home, home=home)
        assert inst.returncode == 0 and not FAILED.search(inst.stderr), inst.stdout + inst.stderr
    skills = run_json(clients, home, home, "skill", "list")
    ours = [s for s in skills if s["name"] == SKILL_NAME or s["name"].endswith(f":{SKILL_NAME}")]
    assert len(ours) == 1, f"after installing our plugin copilot lists: {[s['name'] for s in skills]}"
    assert ours[0]["source"] == "plugin", ours[0]


def test_skill_listed_once_when_every_assistant_is_installed(clients, home, tmp_path):
    """With install --all the skill sits in both .agents/skills and .claude/skills (Claude Code reads
    only the latter); Copilot reads both and must still list it once."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    proc = build_skill("install", "--all", "--project", str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert (tmp_path / ".agents/skills" / SKILL_NAME).is_dir() and (tmp_path / ".claude/skills" / SKILL_NAME).is_dir()
    skills = run_json(clients, home, tmp_path, "skill", "list")
    assert [s["name"] for s in skills].count(SKILL_NAME) == 1
