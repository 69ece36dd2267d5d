"""The transaction on its own: new files as the umask says, existing ones replaced whole keeping their
mode, never through a symlink or into a FIFO, and rollback to the exact previous tree."""
import os
import stat

import pytest
from tree_snapshot import snapshot

from postmortem_skill.compiler import disk
from postmortem_skill.compiler.errors import SkillError
from postmortem_skill.compiler.plan import Change, Plan
from postmortem_skill.compiler.transaction import WORK, Session


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def apply(root, *changes):
    """Plan the given (path, data, executable) writes the way plan.py does, and apply them."""
    tree = disk.Tree(root)
    plan = Plan(tree=tree)
    for rel, data, executable in changes:
        action = "create" if tree.read(rel) is None else "update"
        plan.changes.append(Change(rel, action, data, executable))
    with Session(root, lambda line: None) as session:
        session.apply(plan, "install")


def test_new_files_and_folders_follow_the_umask(tmp_path, umask_027):
    apply(tmp_path, ("a/b/plain.md", b"text\n", False), ("a/b/scripts/tool", b"#!/bin/sh\n", True))
    assert (tmp_path / "a/b/plain.md").read_bytes() == b"text\n"
    assert mode(tmp_path / "a/b/plain.md") == 0o640 and mode(tmp_path / "a/b/scripts/tool") == 0o750
    assert mode(tmp_path / "a/b") == 0o750
    assert not (tmp_path / WORK).exists()


def test_an_existing_file_keeps_its_mode_and_a_failure_restores_everything(tmp_path, umask_027, monkeypatch):
    shared = tmp_path / "AGENTS.md"
    shared.write_bytes(b"user text\n")
    os.chmod(shared, 0o600)
    apply(tmp_path, ("AGENTS.md", b"user text\nours\n", True))
    assert shared.read_bytes() == b"user text\nours\n" and mode(shared) == 0o710
    before = snapshot(tmp_path)
    real = Session._write_file

    def full_disk(self, path, data, mode, sync=True):
        if data == b"x":
            raise OSError(28, "No space left on device")
        real(self, path, data, mode, sync)

    monkeypatch.setattr(Session, "_write_file", full_disk)
    with pytest.raises(SkillError, match="nothing was changed"):
        apply(tmp_path, ("AGENTS.md", b"user text\n", False), ("new/deeper/file.md", b"x", False))
    assert snapshot(tmp_path) == before and mode(shared) == 0o710


@pytest.mark.parametrize("dangling", [True, False])
def test_a_symlink_at_the_path_is_never_written_through(tmp_path, dangling):
    project, outside = tmp_path / "p", tmp_path / "outside.md"
    project.mkdir()
    if not dangling:
        outside.write_bytes(b"elsewhere\n")
    (project / "rule.md").symlink_to(outside)
    with pytest.raises(SkillError, match="symlink"):
        apply(project, ("rule.md", b"ours\n", False))
    assert outside.exists() != dangling and (dangling or outside.read_bytes() == b"elsewhere\n")


def test_a_symlinked_folder_on_the_way_is_refused(tmp_path):
    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "link").symlink_to(elsewhere, target_is_directory=True)
    for rel in ("link/file.md", "link/deeper/file.md"):
        with pytest.raises(SkillError, match="symlink"):
            apply(project, (rel, b"x", False))
    assert list(elsewhere.iterdir()) == []


def test_files_and_folders_in_the_wrong_places_are_refused(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    with pytest.raises(SkillError, match="a file where a folder is needed"):
        apply(tmp_path, ("file/inside.md", b"x", False))
    with pytest.raises(SkillError, match="a folder where a file is needed"):
        apply(tmp_path, ("folder", b"x", False))
    with pytest.raises(SkillError, match="would leave"):
        apply(tmp_path, ("../escape.md", b"x", False))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_before_it_is_opened(tmp_path):
    os.mkfifo(tmp_path / "AGENTS.md")
    with pytest.raises(SkillError, match="not a regular file"):
        disk.Tree(tmp_path).read("AGENTS.md")
