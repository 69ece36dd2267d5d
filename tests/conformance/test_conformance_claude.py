"""Claude Code 2.1.332 checks our marketplace, plugin and installed `.claude/` tree offline."""
from __future__ import annotations

import json
import re

import pytest
from conformance_support import REPO, SKILL_NAME, marketplace_plugins, need

MARKETPLACE = REPO / ".claude-plugin" / "marketplace.json"


def validate(clients, home, path, *extra):
    proc = clients.run("claude", "plugin", "validate", "--strict", "--json", *extra, str(path), cwd=REPO, home=home)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"claude plugin validate {path} printed no JSON (exit {proc.returncode}): "
                    f"{proc.stdout[-800:]}{proc.stderr[-800:]}")
    return proc, report


def problems(report: dict) -> list[str]:
    found = []
    for section in [report.get("manifest") or {}, *report.get("contents", [])]:
        for kind in ("errors", "warnings"):
            for item in section.get(kind, []) or []:
                where = section.get("file", "")
                found.append(f"{kind[:-1]} in {where}: {item.get('path', '')}: {item.get('message', item)}"
                             if isinstance(item, dict) else f"{kind[:-1]} in {where}: {item}")
    return found


def local_plugins():
    need(MARKETPLACE, "Claude marketplace")
    plugins = marketplace_plugins(MARKETPLACE)
    assert plugins, f"{MARKETPLACE.relative_to(REPO)} lists no plugin"
    return plugins


def test_marketplace_validates_strictly(clients, home):
    need(MARKETPLACE, "Claude marketplace")
    proc, report = validate(clients, home, REPO)
    assert (report.get("manifest") or {}).get("type") == "marketplace", report.get("target")
    assert proc.returncode == 0 and report["success"], "\n".join(problems(report)) or proc.stdout[-2000:]


def test_every_plugin_validates_strictly_and_provides_the_skill(clients, home):
    for entry, folder in local_plugins():
        assert folder is not None, f"plugin {entry['name']!r} has a non-local source: {entry['source']!r}"
        need(folder / ".claude-plugin" / "plugin.json", f"plugin.json of {entry['name']}")
        proc, report = validate(clients, home, folder)
        assert proc.returncode == 0 and report["success"], "\n".join(problems(report)) or proc.stdout[-2000:]
        skills = (report.get("provides") or {}).get("skills", [])
        assert f"{entry['name']}:{SKILL_NAME}" in skills, f"claude sees these skills in {folder}: {skills}"


def test_every_plugin_passes_the_directory_profile(clients, home):
    """What the public plugin directory refuses (README, LICENSE); warnings such as a missing icon pass."""
    for _entry, folder in local_plugins():
        if folder is None:
            continue
        proc = clients.run("claude", "plugin", "validate", "--profile", "directory", "--json", str(folder),
                           cwd=REPO, home=home)
        report = json.loads(proc.stdout)
        blocking = [f"{f['code']}: {f['message']}" for f in (report.get("directory") or {}).get("findings", [])
                    if f.get("blocking")]
        assert proc.returncode == 0 and not blocking, "\n".join(blocking) or proc.stdout[-2000:]


def test_local_marketplace_install_lists_the_skill(clients, home, repo_copy):
    need(MARKETPLACE, "Claude marketplace")
    market = json.loads((repo_copy / ".claude-plugin" / "marketplace.json").read_text(encoding="utf-8"))
    added = clients.run("claude", "plugin", "marketplace", "add", str(repo_copy), cwd=repo_copy, home=home)
    assert added.returncode == 0, added.stdout + added.stderr
    for entry in market["plugins"]:
        plugin_id = f"{entry['name']}@{market['name']}"
        inst = clients.run("claude", "plugin", "install", plugin_id, cwd=repo_copy, home=home)
        assert inst.returncode == 0, inst.stdout + inst.stderr
        details = clients.run("claude", "plugin", "details", plugin_id, cwd=repo_copy, home=home)
        assert details.returncode == 0, details.stdout + details.stderr
        listed = re.search(r"^\s*Skills \((\d+)\)\s+(.*)$", details.stdout, re.M)
        assert listed, details.stdout
        assert SKILL_NAME in re.split(r"[,\s]+", listed.group(2)), details.stdout
        installed = json.loads(clients.run("claude", "plugin", "list", "--json", cwd=repo_copy, home=home).stdout)
        mine = [p for p in installed if p["id"] == plugin_id]
        assert mine and mine[0]["enabled"], installed


def test_installed_project_claude_tree_validates(clients, home, installed):
    project = installed("claude-code")
    tree = need(project / ".claude", "`.claude/` written by `build-skill install claude-code`")
    skill = tree / "skills" / SKILL_NAME / "SKILL.md"
    assert skill.is_file(), f"build-skill install claude-code wrote no {skill.relative_to(project)}"
    proc, report = validate(clients, home, tree)
    assert proc.returncode == 0 and report["success"], "\n".join(problems(report)) or proc.stdout[-2000:]
