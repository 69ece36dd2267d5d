"""Install and uninstall survive a crash at every single change they make to the disk, a signal, and a
second run at the same time: the next run rolls back and the tree comes back byte for byte."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from tree_snapshot import snapshot

from postmortem_skill.compiler import transaction
from postmortem_skill.compiler.cli import main

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash harness forks")
IDS = ["codex", "aider"]       # a skill folder, a shared block (AGENTS.md, CONVENTIONS.md), a YAML list item


def start_tree(root):
    root.mkdir()
    (root / "AGENTS.md").write_bytes(b"# Our agents\r\n\r\nRun `make test`.\r\n")
    (root / ".aider.conf.yml").write_bytes(b"model: sonnet\nread:\n  - docs/STYLE.md\n")
    (root / "docs").mkdir()
    (root / "docs/STYLE.md").write_bytes(b"Tabs.\n")
    return root


def in_child(args, crash_at=0, signal_at=0, signum=signal.SIGTERM, steps=None) -> int:
    """Run build-skill in a forked copy of this process, which dies (os._exit, as kill -9 leaves it)
    at the crash_at-th change to the disk, or signals itself at the signal_at-th; its exit status.
    steps: a list that receives how many changes the run made."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 98
        try:
            os.close(reader)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            counter = transaction.step
            counter.count, counter.crash_at = 0, crash_at
            if signal_at:
                def signalling():
                    counter()
                    if counter.count == signal_at:
                        os.kill(os.getpid(), signum)
                transaction.step = signalling
            code = main(args)
            os.write(writer, str(counter.count).encode())
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        made = pipe.read()
    _, status = os.waitpid(pid, 0)
    if steps is not None:
        steps.append(int(made or 0))
    return os.waitstatus_to_exitcode(status)


def quiet(args) -> int:
    return in_child(args)


def count_steps(args, template, scratch) -> int:
    """How many changes to the disk the run makes, counted in a run that is not killed."""
    root, steps = scratch / "count", []
    shutil.copytree(template, root, symlinks=True)
    assert in_child([*args, "--project", str(root)], steps=steps) == 0
    shutil.rmtree(root)
    return steps[0]


def test_install_killed_at_every_change_is_rolled_back_by_the_next_run(tmp_path):
    template = start_tree(tmp_path / "start")
    start = snapshot(template)
    total = count_steps(["install", *IDS], template, tmp_path)
    assert total > 20
    for n in range(1, total + 1):
        root = tmp_path / f"run-{n}"
        shutil.copytree(template, root, symlinks=True)
        assert in_child(["install", *IDS, "--project", str(root)], crash_at=n) == 99
        assert quiet(["uninstall", "--project", str(root)]) == 0, n
        assert snapshot(root) == start, f"killed at change {n} of {total}"
        shutil.rmtree(root)


def test_uninstall_killed_at_every_change_is_rolled_back_by_the_next_run(tmp_path):
    template = start_tree(tmp_path / "start")
    start = snapshot(template)
    installed_tree = tmp_path / "installed"
    shutil.copytree(template, installed_tree, symlinks=True)
    assert quiet(["install", *IDS, "--project", str(installed_tree)]) == 0
    installed = snapshot(installed_tree)
    total = count_steps(["uninstall"], installed_tree, tmp_path)
    assert total > 20
    for n in range(1, total + 1):
        root = tmp_path / f"run-{n}"
        shutil.copytree(installed_tree, root, symlinks=True)
        assert in_child(["uninstall", "--project", str(root)], crash_at=n) == 99
        assert quiet(["install", *IDS, "--project", str(root)]) == 0, n
        assert snapshot(root) == installed, f"killed at change {n} of {total}"
        assert quiet(["uninstall", "--project", str(root)]) == 0
        assert snapshot(root) == start
        shutil.rmtree(root)


def test_the_next_run_says_in_one_line_that_it_rolled_back(tmp_path, capsys):
    root = start_tree(tmp_path / "p")
    start = snapshot(root)
    assert in_child(["install", *IDS, "--project", str(root)], crash_at=12) == 99
    assert (root / transaction.WORK / transaction.JOURNAL).is_file()
    assert main(["status", "--project", str(root)]) == 2           # status will not guess; install will
    assert main(["install", "--project", str(root), "--dry-run", *IDS]) == 2
    capsys.readouterr()
    assert main(["uninstall", "--project", str(root)]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if "rolled back" in line][0].startswith("rolled back an interrupted")
    assert snapshot(root) == start


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
@pytest.mark.parametrize("at", [6, 25])
def test_a_signal_rolls_back_at_once(tmp_path, signum, code, at):
    root = start_tree(tmp_path / "p")
    start = snapshot(root)
    assert in_child(["install", *IDS, "--project", str(root)], signal_at=at, signum=signum) == code
    assert snapshot(root) == start


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    root = start_tree(tmp_path / "p")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (root / transaction.WORK).mkdir()
    (root / transaction.WORK / transaction.LOCK).write_text(f"{dead.pid}\n")
    (root / transaction.WORK / "123.4.tmp").write_bytes(b"a temp a killed run left")
    assert quiet(["install", *IDS, "--project", str(root)]) == 0
    assert not (root / transaction.WORK).exists()


def test_a_live_lock_is_exit_2_at_once_and_changes_nothing(tmp_path, capsys):
    root = start_tree(tmp_path / "p")
    start = snapshot(root)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])   # a live process
    try:
        (root / transaction.WORK).mkdir()
        (root / transaction.WORK / transaction.LOCK).write_text(f"{holder.pid}\n")
        locked = snapshot(root)
        began = time.monotonic()
        assert main(["install", *IDS, "--project", str(root)]) == 2
        assert time.monotonic() - began < 5
        err = capsys.readouterr().err
        assert "another install is running" in err and err.count("\n") == 1
        assert main(["uninstall", "--project", str(root)]) == 2
        assert main(["update", "--project", str(root)]) == 2
        assert snapshot(root) == locked
    finally:
        holder.kill()
        holder.wait()
    assert quiet(["install", *IDS, "--project", str(root)]) == 0       # the holder is gone: taken over
    assert quiet(["uninstall", "--project", str(root)]) == 0
    assert snapshot(root) == start


def test_another_runs_temp_vanishing_while_this_one_cleans_up_is_no_error(tmp_path, monkeypatch):
    # the race the two-installs test hit once: a run still trying for the lock removes its own temp between
    # this run's listing of the work folder and its unlink of that temp
    root = start_tree(tmp_path / "p")
    listed = os.listdir
    monkeypatch.setattr(transaction.os, "listdir", lambda path: [*listed(path), "99999.1.tmp"])
    with transaction.Session(root, lambda *args: None):
        pass
    monkeypatch.undo()
    assert not (root / transaction.WORK).exists()


def test_two_installs_at_once_one_waits_its_turn_or_exits_2(tmp_path):
    root = start_tree(tmp_path / "p")
    start = snapshot(root)
    command = [sys.executable, "-c", "import sys; from postmortem_skill.compiler.cli import main; "
               "sys.exit(main(sys.argv[1:]))"]
    for _ in range(3):
        runs = [subprocess.Popen([*command, "install", tid, "--project", str(root)], stderr=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, text=True) for tid in ("codex", "cursor")]
        results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
        for run in runs:
            run.stderr.close()
        for code, err in results:
            assert code == 0 or (code == 2 and "another install is running" in err), err
    record = json.loads((root / ".postmortem-skill.json").read_text())
    for tid, marker in (("codex", "AGENTS.md"), ("cursor", ".cursor/rules/postmortem.mdc")):
        assert (tid in record["targets"]) == (marker in record["files"] and
                                               b"postmortem" in (root / marker).read_bytes())
    assert quiet(["uninstall", "--project", str(root)]) == 0
    assert snapshot(root) == start
