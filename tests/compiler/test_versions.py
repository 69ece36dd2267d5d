"""Versioned installs: SKILL.md carries the package version, the record stores it, `status` reports it,
`update` brings an older install (a real one made by 0.1.0) forward keeping the user's text."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tree_snapshot import snapshot

from postmortem_skill import __version__
from postmortem_skill.compiler import record as records

REPO = Path(__file__).resolve().parents[2]
OLD = "32bfae6"          # the 0.1.0 release's last commit (its package was still named `skill`)


def frontmatter(data: bytes) -> dict:
    text = data.decode()
    return yaml.safe_load(text[4:text.index("\n---\n", 4)])


def test_skill_md_and_every_installed_copy_carry_the_package_version(tmp_path, run):
    assert frontmatter((REPO / "SKILL.md").read_bytes())["metadata"]["version"] == __version__
    assert run("install", "codex", "claude-code", "--project", str(tmp_path))[0] == 0
    for copy in tmp_path.glob("**/postmortem-writing/SKILL.md"):
        assert frontmatter(copy.read_bytes())["metadata"] == {"version": __version__}
    assert json.loads((tmp_path / records.RECORD).read_text())["package_version"] == __version__


def test_build_fills_and_check_verifies_the_version(source_copy, run, monkeypatch):
    monkeypatch.chdir(source_copy)
    skill_md = source_copy / "SKILL.md"
    skill_md.write_bytes(skill_md.read_bytes().replace(f"  version: {__version__}\n".encode(), b"  version: 0.0.1\n"))
    run()
    assert frontmatter(skill_md.read_bytes())["metadata"]["version"] == __version__
    lines = skill_md.read_text().splitlines()
    skill_md.write_text("\n".join(line for line in lines if "version:" not in line and line != "metadata:") + "\n")
    code, out, _ = run("--check")
    assert code == 1 and "SKILL.md" in out
    run()
    assert frontmatter(skill_md.read_bytes())["metadata"] == {"version": __version__}


def test_status_reports_up_to_date_edited_and_nothing_installed(tmp_path, run):
    code, out, _ = run("status", "--project", str(tmp_path), "--format", "json")
    assert code == 0 and json.loads(out) == {"version": None, "current": __version__, "targets": [],
                                             "modified": [], "outdated": False}
    (tmp_path / "AGENTS.md").write_bytes(b"# Ours\n")
    run("install", "codex", "--project", str(tmp_path))
    code, out, _ = run("status", "--project", str(tmp_path), "--format", "json")
    assert code == 0 and json.loads(out) == {"version": __version__, "current": __version__,
                                             "targets": ["codex"], "modified": [], "outdated": False}
    skill = tmp_path / ".agents/skills/postmortem-writing/SKILL.md"
    skill.write_bytes(skill.read_bytes() + b"my note\n")
    agents = tmp_path / "AGENTS.md"
    agents.write_bytes(agents.read_bytes().replace(b"-->\n", b"-->\nmy line inside the block\n", 1))
    code, out, _ = run("status", "--project", str(tmp_path), "--format", "json")
    assert code == 1 and json.loads(out)["modified"] == [".agents/skills/postmortem-writing/SKILL.md", "AGENTS.md"]
    code, out, _ = run("status", "--project", str(tmp_path))
    assert code == 1 and "edited since install: AGENTS.md" in out


@pytest.mark.parametrize("damage", ["{", "[]", '{"version": 1}', '{"version": 1, "targets": "codex", "folders": [], '
                                    '"files": {}}', '{"version": 2, "targets": [], "folders": ["../x"], "files": {}}',
                                    '{"version": 1, "targets": [], "folders": [], "files": {"a": {"kind": "file"}}}'])
@pytest.mark.parametrize("command", [["status"], ["update"], ["uninstall"], ["install", "codex"]])
def test_a_malformed_record_is_one_line_and_exit_2(tmp_path, run, damage, command):
    (tmp_path / records.RECORD).write_text(damage)
    before = snapshot(tmp_path)
    code, _, err = run(*command, "--project", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and records.RECORD in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_update_refuses_and_names_every_edited_file_and_changes_nothing(tmp_path, run):
    (tmp_path / "AGENTS.md").write_bytes(b"# Ours\n")
    run("install", "codex", "cursor", "--project", str(tmp_path))
    record = json.loads((tmp_path / records.RECORD).read_text())
    record["package_version"] = "0.0.9"
    (tmp_path / records.RECORD).write_text(json.dumps(record))
    rule = tmp_path / ".cursor/rules/postmortem.mdc"
    rule.write_bytes(rule.read_bytes() + b"mine\n")
    agents = tmp_path / "AGENTS.md"
    agents.write_bytes(agents.read_bytes().replace(b"-->\n", b"-->\nmine\n", 1))
    before = snapshot(tmp_path)
    code, _, err = run("update", "--project", str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    assert ".cursor/rules/postmortem.mdc was changed after install" in err and "AGENTS.md" in err
    assert snapshot(tmp_path) == before


def _old_build_skill(tmp_path: Path) -> list[str] | None:
    """build-skill as released in 0.1.0, from the repository's history (None when it is not at hand)."""
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        return None
    tree = tmp_path / "v0.1.0"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", OLD, "skill", "SKILL.md", "prompts", "LICENSE",
                              "scripts"], capture_output=True)
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); "
            "from skill.compiler.cli import main; sys.exit(main(sys.argv[1:]))"]


def test_an_install_made_by_0_1_0_is_outdated_then_updated_in_place_then_removed_exactly(tmp_path, run):
    old = _old_build_skill(tmp_path)
    if old is None:
        pytest.skip(f"the repository's history (commit {OLD}) is not available")
    project = tmp_path / "p"
    (project / ".cursor/rules").mkdir(parents=True)
    (project / "AGENTS.md").write_bytes(b"# Our agents\r\n\r\nRun `make test`.\r\n")
    (project / ".cursor/rules/style.mdc").write_bytes(b"---\nalwaysApply: true\n---\nTabs.\n")
    start = snapshot(project)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    made = subprocess.run([*old, "install", "codex", "cursor", "--project", str(project)], env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "package_version" not in json.loads((project / records.RECORD).read_text())
    agents = project / "AGENTS.md"
    agents.write_bytes(agents.read_bytes() + b"Added after install.\r\n")
    users_text = agents.read_bytes()

    code, out, _ = run("status", "--project", str(project), "--format", "json")
    assert code == 1 and json.loads(out) == {"version": None, "current": __version__,
                                             "targets": ["codex", "cursor"], "modified": [], "outdated": True}
    code, out, _ = run("update", "--project", str(project), "--dry-run")
    assert code == 0 and "update        .agents/skills/postmortem-writing/SKILL.md" in out
    code, out, _ = run("update", "--project", str(project))
    assert code == 0 and "updated codex cursor" in out
    assert run("status", "--project", str(project))[0] == 0
    assert agents.read_bytes() == users_text        # the block was the same: the user's file is untouched
    skill_md = (project / ".agents/skills/postmortem-writing/SKILL.md").read_bytes()
    assert frontmatter(skill_md)["metadata"] == {"version": __version__}
    assert run("uninstall", "--project", str(project))[0] == 0
    start["AGENTS.md"] += b"Added after install.\r\n"
    assert snapshot(project) == start
