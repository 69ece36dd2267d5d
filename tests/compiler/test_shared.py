"""Shared files the user owns: edited blocks and damaged markers are refused, other encodings are refused,
line endings converted since install are handled, a user's YAML item stays, project and global installs
keep apart, and special files are refused without blocking."""
from __future__ import annotations

import json
import os
import threading

import pytest
from tree_snapshot import snapshot

BEGIN, END = b"<!-- BEGIN postmortem-skill -->", b"<!-- END postmortem-skill -->"


def installed(tmp_path, run, original: bytes, tid="codex") -> bytes:
    (tmp_path / "AGENTS.md").write_bytes(original)
    code, _, err = run("install", tid, "--project", str(tmp_path))
    assert code == 0, err
    return (tmp_path / "AGENTS.md").read_bytes()


@pytest.mark.parametrize("command", [["install", "codex"], ["uninstall"]])
def test_a_line_the_user_added_inside_our_block_is_never_dropped(tmp_path, run, command):
    data = installed(tmp_path, run, b"# Ours\n")
    (tmp_path / "AGENTS.md").write_bytes(data.replace(END, b"My own rule, typed inside the block.\n" + END))
    before = snapshot(tmp_path)
    code, _, err = run(*command, "--project", str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    assert "AGENTS.md" in err and "move your lines out of the block" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("damage", [
    lambda d: d.replace(BEGIN, b""),
    lambda d: d.replace(END, b""),
    lambda d: d + BEGIN + b"\n",
    lambda d: d + END + b"\n",
    lambda d: d.replace(BEGIN, b"@@").replace(END, BEGIN).replace(b"@@", END),
])
@pytest.mark.parametrize("command", [["install", "codex"], ["uninstall"], ["update"]])
def test_missing_or_doubled_markers_are_damage(tmp_path, run, damage, command):
    data = installed(tmp_path, run, b"# Ours\n")
    (tmp_path / "AGENTS.md").write_bytes(damage(data))
    before = snapshot(tmp_path)
    code, _, err = run(*command, "--project", str(tmp_path))
    assert code == 2 and "AGENTS.md" in err and "markers are damaged" in err and err.count("\n") == 1
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("original", [
    "# Agents\r\n".encode("utf-16"),                    # Windows PowerShell's default: UTF-16 LE with BOM
    "# Agents\n".encode("utf-16-be"),                   # no BOM: NUL bytes give it away
    "# Règles de l'équipe\n".encode("cp1252"),
])
def test_a_shared_file_in_another_encoding_is_refused(tmp_path, run, original):
    (tmp_path / "AGENTS.md").write_bytes(original)
    code, _, err = run("install", "codex", "--project", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and "AGENTS.md is encoded as" in err and "UTF-8" in err
    assert snapshot(tmp_path) == {"AGENTS.md": original}


@pytest.mark.parametrize("original", [b"# Ours\nline\n", b"# Ours\nno final newline", b""])
def test_uninstall_after_git_converted_line_endings_removes_exactly_our_block(tmp_path, run, original):
    data = installed(tmp_path, run, original)
    converted = data.replace(b"\n", b"\r\n")
    (tmp_path / "AGENTS.md").write_bytes(converted + b"Added later.\r\n")
    assert run("uninstall", "--project", str(tmp_path))[0] == 0
    assert (tmp_path / "AGENTS.md").read_bytes() == original.replace(b"\n", b"\r\n") + b"Added later.\r\n"


def test_lines_added_before_and_after_the_block_are_kept(tmp_path, run):
    data = installed(tmp_path, run, b"# Ours\n")
    (tmp_path / "AGENTS.md").write_bytes(b"Top.\n" + data + b"Bottom.\n")
    assert run("uninstall", "--project", str(tmp_path))[0] == 0
    assert (tmp_path / "AGENTS.md").read_bytes() == b"Top.\n# Ours\nBottom.\n"


def test_a_users_item_under_our_read_list_survives_uninstall(tmp_path, run):
    conf = tmp_path / ".aider.conf.yml"
    conf.write_bytes(b"model: gpt-4\n")
    assert run("install", "aider", "--project", str(tmp_path))[0] == 0
    conf.write_bytes(conf.read_bytes() + b"  - docs/STYLE.md\n")
    assert run("uninstall", "--project", str(tmp_path))[0] == 0
    import yaml

    assert yaml.safe_load(conf.read_bytes()) == {"model": "gpt-4", "read": ["docs/STYLE.md"]}
    assert conf.read_bytes() == b"model: gpt-4\nread:\n  - docs/STYLE.md\n"


@pytest.mark.parametrize("layout", [b"read: CONVENTIONS.md\n", b"read: [a.md]\n", b"- just\n- a list\n",
                                    b"read: &files\n  - a.md\nother: *files\n", b"read:\n  - a.md\n---\nread: b\n"])
def test_an_aider_config_we_cannot_restore_exactly_is_refused_with_the_line_to_add(tmp_path, run, layout):
    (tmp_path / ".aider.conf.yml").write_bytes(layout)
    code, _, err = run("install", "aider", "--project", str(tmp_path))
    if code == 0:       # an editable layout: it must come back exactly
        assert run("uninstall", "--project", str(tmp_path))[0] == 0
        assert (tmp_path / ".aider.conf.yml").read_bytes() == layout
        return
    assert code == 2 and err.count("\n") == 1 and "by hand" in err and "CONVENTIONS.md" in err
    assert snapshot(tmp_path) == {".aider.conf.yml": layout}


def test_a_project_install_in_the_home_folder_leaves_the_global_install_alone(tmp_path, run, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert run("install", "claude-code", "--global")[0] == 0
    global_tree = snapshot(home)
    assert run("install", "claude-code", "--project", str(home))[0] == 0
    assert run("uninstall", "--project", str(home))[0] == 0
    assert snapshot(home) == global_tree
    assert json.loads((home / ".postmortem-skill-global.json").read_text())["targets"] == ["claude-code"]
    assert run("uninstall", "--global")[0] == 0
    assert list(home.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("where", ["AGENTS.md", ".postmortem-skill.json", ".agents/skills/postmortem-writing/SKILL.md"])
def test_a_fifo_where_we_read_or_write_is_refused_without_hanging(tmp_path, run, where):
    (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(tmp_path / where)
    result = {}
    worker = threading.Thread(target=lambda: result.update(out=run("install", "codex", "--project", str(tmp_path))),
                              daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "install blocked on a FIFO"
    code, _, err = result["out"]
    assert code == 2 and "not a regular file" in err and where in err and err.count("\n") == 1
