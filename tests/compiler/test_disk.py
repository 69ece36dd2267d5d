"""The transaction on its own: new files in one call, existing ones replaced whole, never through a
symlink, modes as the umask says, and rollback to the exact previous tree."""
import os
import stat

import pytest
from tree_snapshot import snapshot

from postmortem_skill.compiler import disk
from postmortem_skill.compiler.errors import SkillError


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_new_files_and_folders_follow_the_umask(tmp_path, umask_027):
    transaction = disk.Transaction(tmp_path)
    transaction.write("a/b/plain.md", b"text\n")
    transaction.write("a/b/scripts/tool", b"#!/bin/sh\n", executable=True)
    assert (tmp_path / "a/b/plain.md").read_bytes() == b"text\n"
    assert mode(tmp_path / "a/b/plain.md") == 0o640 and mode(tmp_path / "a/b/scripts/tool") == 0o750
    assert mode(tmp_path / "a/b") == 0o750


def test_an_existing_file_is_replaced_keeping_its_mode_and_rollback_restores_everything(tmp_path, umask_027):
    shared = tmp_path / "AGENTS.md"
    shared.write_bytes(b"user text\n")
    os.chmod(shared, 0o600)
    before = snapshot(tmp_path)
    transaction = disk.Transaction(tmp_path)
    transaction.write("AGENTS.md", b"user text\nours\n", executable=True)
    transaction.write("new/file.md", b"x")
    assert shared.read_bytes() == b"user text\nours\n" and mode(shared) == 0o710
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    transaction.rollback()
    assert snapshot(tmp_path) == before and mode(shared) == 0o600


@pytest.mark.parametrize("dangling", [True, False])
def test_a_symlink_at_the_path_is_never_written_through(tmp_path, dangling):
    project, outside = tmp_path / "p", tmp_path / "outside.md"
    project.mkdir()
    if not dangling:
        outside.write_bytes(b"elsewhere\n")
    (project / "rule.md").symlink_to(outside)
    with pytest.raises(SkillError, match="symlink"):
        disk.Transaction(project).write("rule.md", b"ours\n")
    assert outside.exists() != dangling and (dangling or outside.read_bytes() == b"elsewhere\n")


def test_a_symlinked_folder_on_the_way_is_refused_even_when_known(tmp_path):
    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "link").symlink_to(elsewhere, target_is_directory=True)
    transaction = disk.Transaction(project)
    for rel in ("link/file.md", "link/deeper/file.md"):
        with pytest.raises(SkillError, match="symlink"):
            transaction.write(rel, b"x")
    assert list(elsewhere.iterdir()) == []


def test_files_and_folders_in_the_wrong_places_are_refused(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    transaction = disk.Transaction(tmp_path)
    with pytest.raises(SkillError, match="a file where a folder is needed"):
        transaction.write("file/inside.md", b"x")
    with pytest.raises(SkillError, match="a folder where a file is needed"):
        transaction.write("folder", b"x")
    with pytest.raises(SkillError, match="would leave"):
        transaction.write("../escape.md", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]
