"""install / uninstall round trips: user bytes kept, idempotent, exact restore, all-or-nothing."""
import json
import os

import pytest
from tree_snapshot import snapshot

from postmortem_skill.compiler.targets import load_targets
from postmortem_skill.compiler.transaction import Session

FOUR = ["claude-code", "codex", "cursor", "copilot"]
SKILL_DIRS = (".claude/skills/postmortem-writing", ".agents/skills/postmortem-writing")


def test_install_keeps_user_files_byte_for_byte_and_uninstall_restores_the_tree(project, run):
    before = snapshot(project)
    code, out, _ = run("install", *FOUR, "--project", str(project))
    assert code == 0, out
    after = snapshot(project)
    assert after[".cursor/rules/style.mdc"] == before[".cursor/rules/style.mdc"]
    agents = after["AGENTS.md"]
    assert agents.startswith(before["AGENTS.md"]) and agents.count(b"<!-- BEGIN postmortem-skill -->") == 1
    copilot = after[".github/copilot-instructions.md"]
    assert copilot.startswith(before[".github/copilot-instructions.md"])
    for folder in SKILL_DIRS:
        assert f"{folder}/SKILL.md" in after and f"{folder}/scripts/postmortem" in after
        assert os.access(project / folder / "scripts/postmortem", os.X_OK)
    assert ".cursor/rules/postmortem.mdc" in after and ".cursor/commands/postmortem.md" in after
    assert ".github/instructions/postmortem.instructions.md" in after
    assert ".postmortem-skill.json" in after
    assert run("uninstall", "--project", str(project))[0] == 0
    assert snapshot(project) == before


def test_second_install_writes_nothing(project, run):
    run("install", *FOUR, "--project", str(project))
    tree = snapshot(project)
    times = {p: os.stat(project / p).st_mtime_ns for p in tree if not p.endswith("/")}
    code, out, _ = run("install", *FOUR, "--project", str(project))
    assert code == 0 and "nothing written" in out
    assert snapshot(project) == tree
    assert times == {p: os.stat(project / p).st_mtime_ns for p in tree if not p.endswith("/")}


def test_shared_folder_is_installed_once_and_kept_while_claimed(project, run):
    run("install", "codex", "cursor", "--project", str(project))
    record = json.loads((project / ".postmortem-skill.json").read_text())
    entry = record["files"][".agents/skills/postmortem-writing/SKILL.md"]
    assert entry["claims"] == ["codex", "cursor"]
    run("uninstall", "codex", "--project", str(project))
    assert (project / ".agents/skills/postmortem-writing/SKILL.md").is_file()
    assert b"postmortem-skill" not in (project / "AGENTS.md").read_bytes()
    run("uninstall", "cursor", "--project", str(project))
    assert not (project / ".agents").exists()
    assert not (project / ".postmortem-skill.json").exists()


@pytest.mark.parametrize("original", [
    b"line one\r\nline two\r\n",
    b"line one\r\nno final newline",
    b"\xef\xbb\xbfwith a BOM\n",
    b"\xef\xbb\xbf",
    b"old Mac\rline endings\r",
    b"old Mac\rno final line ending",
    b"",
    b"no newline at all",
])
def test_shared_file_round_trips_exactly(tmp_path, run, original):
    (tmp_path / "AGENTS.md").write_bytes(original)
    assert run("install", "codex", "--project", str(tmp_path))[0] == 0
    data = (tmp_path / "AGENTS.md").read_bytes()
    assert data.startswith(original)
    if b"\r\n" in original:
        block = data[len(original):]
        assert block.count(b"\n") == block.count(b"\r\n")
    run("uninstall", "codex", "--project", str(tmp_path))
    assert (tmp_path / "AGENTS.md").read_bytes() == original


def test_symlinked_shared_file_is_refused_and_nothing_written(tmp_path, run):
    project = tmp_path / "p"
    project.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"elsewhere\n")
    (project / "AGENTS.md").symlink_to(outside)
    before = snapshot(project)
    code, _, err = run("install", "codex", "--project", str(project))
    assert code == 2 and "symlink" in err and err.count("\n") == 1
    assert snapshot(project) == before and outside.read_bytes() == b"elsewhere\n"


def test_symlinked_folder_on_the_way_is_refused(tmp_path, run):
    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".agents").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run("install", "codex", "--project", str(project))
    assert code == 2 and "symlink" in err
    assert list(elsewhere.iterdir()) == []


def test_user_file_at_an_owned_path_is_not_overwritten(project, run):
    rule = project / ".cursor/rules/postmortem.mdc"
    rule.write_bytes(b"my own postmortem rule\n")
    before = snapshot(project)
    code, _, err = run("install", "cursor", "--project", str(project))
    assert code == 2 and "remove it" in err
    assert snapshot(project) == before


@pytest.mark.parametrize("fails", [
    lambda n, data: n == 12,                                   # a new file, after eleven others
    lambda n, data: data.startswith(b"# Our agents"),          # replacing the user's AGENTS.md
])
def test_failing_install_leaves_nothing_behind(project, run, monkeypatch, fails):
    before = snapshot(project)
    calls = {"n": 0, "failed": False}
    real = Session._write_file

    def flaky(self, path, data, mode, sync=True):
        if path.name != "journal.json" and not path.name.startswith(f"{os.getpid()}.1."):  # not journal, lock
            calls["n"] += 1
            if fails(calls["n"], data) and not calls["failed"]:      # the disk is full once
                calls["failed"] = True
                raise OSError(28, "No space left on device")
        real(self, path, data, mode, sync)

    monkeypatch.setattr(Session, "_write_file", flaky)
    code, _, err = run("install", *FOUR, "--project", str(project))
    assert code == 2 and "nothing was changed" in err and err.count("\n") == 1
    assert snapshot(project) == before


def test_a_folder_where_a_file_goes_fails_cleanly(project, run):
    (project / ".cursor/commands/postmortem.md").mkdir(parents=True)
    before = snapshot(project)
    code, _, err = run("install", *FOUR, "--project", str(project))
    assert code == 2 and "folder" in err
    assert snapshot(project) == before


def test_dry_run_prints_the_plan_and_writes_nothing(project, run):
    before = snapshot(project)
    code, out, _ = run("install", *FOUR, "--project", str(project), "--dry-run")
    assert code == 0
    assert "create        .agents/skills/postmortem-writing/SKILL.md" in out
    assert "update-block  AGENTS.md" in out
    assert snapshot(project) == before
    run("install", "codex", "--project", str(project))
    code, out, _ = run("install", "codex", "--project", str(project), "--dry-run")
    assert "unchanged     AGENTS.md" in out


def test_install_without_ids_detects_and_says_which(project, run):
    code, out, _ = run("install", "--project", str(project))
    assert code == 0
    detected = out.splitlines()[0]
    assert detected.startswith("detected:") and {"codex", "copilot", "cursor"} <= set(detected.split()[1:])


def test_install_without_ids_in_an_empty_project_is_exit_2_with_a_hint(tmp_path, run):
    code, _, err = run("install", "--project", str(tmp_path))
    assert code == 2 and "no assistant detected" in err and "--all" in err
    assert list(tmp_path.iterdir()) == []


def test_global_install_goes_to_home_and_back(tmp_path, run, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert run("install", "claude-code", "codex", "--global")[0] == 0
    assert (home / ".claude/skills/postmortem-writing/SKILL.md").is_file()
    assert b"~/.agents/skills/postmortem-writing" in (home / ".codex/AGENTS.md").read_bytes()
    assert run("uninstall", "--global")[0] == 0
    assert list(home.iterdir()) == []


def test_global_is_refused_for_a_target_without_a_user_folder(tmp_path, run, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    local_only = [t.id for t in load_targets() if not t.supports_global]
    if not local_only:
        pytest.skip("every target has a global location")
    code, _, err = run("install", local_only[0], "--global")
    assert code == 2 and "global" in err
    assert list(tmp_path.iterdir()) == []


def test_uninstall_refuses_a_generated_file_the_user_changed(tmp_path, run):
    run("install", "cursor", "--project", str(tmp_path))
    rule = tmp_path / ".cursor/rules/postmortem.mdc"
    rule.write_bytes(rule.read_bytes() + b"my addition\n")
    before = snapshot(tmp_path)
    code, _, err = run("uninstall", "cursor", "--project", str(tmp_path))
    assert code == 2 and "changed after install" in err
    assert snapshot(tmp_path) == before


def test_install_all_gives_each_path_once(tmp_path, run):
    assert run("install", "--all", "--project", str(tmp_path))[0] == 0
    record = json.loads((tmp_path / ".postmortem-skill.json").read_text())
    assert set(record["targets"]) == {t.id for t in load_targets()}
    assert run("uninstall", "--all", "--project", str(tmp_path))[0] == 0
    assert list(tmp_path.iterdir()) == []
