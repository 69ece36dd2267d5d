"""`postmortem evidence` against a real temporary git repository."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from postmortem_skill.helper.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def git(repo, *args, when=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="Sam Example", GIT_AUTHOR_EMAIL="sam@example.com",
               GIT_COMMITTER_NAME="Sam Example", GIT_COMMITTER_EMAIL="sam@example.com",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    if when:
        env.update(GIT_AUTHOR_DATE="2020-01-01T00:00:00Z", GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def commit(repo, subject, when):
    git(repo, "commit", "--allow-empty", "-q", "-m", subject, when=when)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("service")
    git(path, "init", "-q", "-b", "main")
    commit(path, "Initial import", "2026-03-03T12:00:00Z")
    commit(path, "Raise connection pool to 200", "2026-03-04T08:40:00Z")
    git(path, "tag", "v4.12.0")
    git(path, "tag", "-a", "deploy-2026-03-04", "-m", "deploy", when="2026-03-04T08:41:00Z")
    commit(path, "Fix | pipe in subject", "2026-03-04T10:15:00+02:00")  # 08:15Z: author time is 2020
    commit(path, "Roll back pool size", "2026-03-04T09:30:00Z")
    commit(path, "Unrelated later change", "2026-03-05T09:00:00Z")
    return path


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_window_oldest_first_with_tags_and_no_authors(repo, capsys):
    code, out, err = cli(capsys, "evidence", "--since", "2026-03-04T08:00:00Z", "--until", "2026-03-04 11:00",
                         "--repo", str(repo), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["time"], r["subject"], r["tags"]) for r in rows] == [
        ("2026-03-04T08:15:00Z", "Fix | pipe in subject", []),
        ("2026-03-04T08:40:00Z", "Raise connection pool to 200", ["deploy-2026-03-04", "v4.12.0"]),
        ("2026-03-04T09:30:00Z", "Roll back pool size", []),
    ]
    assert all(len(r["commit"]) == 40 and set(r) == {"time", "commit", "subject", "tags"} for r in rows)
    assert "Sam" not in out


def test_markdown_rows_and_authors_only_on_request(repo, capsys):
    code, out, _ = cli(capsys, "evidence", "--since", "2026-03-04T16:30+08:00", "--until", "2026-03-04T16:59+08:00",
                       "--repo", str(repo))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "| Time (UTC) | Event | Source |"
    assert len(lines) == 3 and lines[2].startswith("| 08:40 | Commit ")
    assert "(tag deploy-2026-03-04, v4.12.0): Raise connection pool to 200" in lines[2]
    assert "Sam" not in out
    code, out, _ = cli(capsys, "evidence", "--since", "2026-03-04T08:00Z", "--until", "2026-03-04T09:00Z",
                       "--repo", str(repo), "--authors")
    assert "by Sam Example: Fix \\| pipe in subject" in out


def test_window_across_midnight_dates_rows(repo, capsys):
    code, out, _ = cli(capsys, "evidence", "--since", "2026-03-04T09:00Z", "--until", "2026-03-05T10:00Z",
                       "--repo", str(repo))
    assert code == 0
    assert "| 2026-03-04 09:30 |" in out and "| 2026-03-05 09:00 |" in out


def test_empty_window_and_empty_repository(repo, tmp_path, capsys):
    code, out, _ = cli(capsys, "evidence", "--since", "2025-01-01 00:00", "--until", "2025-01-02 00:00",
                       "--repo", str(repo), "--format", "json")
    assert code == 0 and json.loads(out) == []
    git(tmp_path, "init", "-q")
    code, out, _ = cli(capsys, "evidence", "--since", "2025-01-01 00:00", "--until", "2025-01-02 00:00",
                       "--repo", str(tmp_path), "--format", "json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday", "--until", "2026-03-04T10:00Z"], "--since: not an ISO-8601"),
    (["--since", "2026-03-04T10:00Z", "--until", "2026-03-04T09:00Z"], "--since is later than --until"),
    (["--since", "2026-02-30T10:00Z", "--until", "2026-03-04T09:00Z"], "--since: not an ISO-8601"),
])
def test_bad_times_exit_2(repo, capsys, args, message):
    code, out, err = cli(capsys, "evidence", *args, "--repo", str(repo))
    assert code == 2 and out == "" and message in err and len(err.splitlines()) == 1


def test_not_a_repository_exit_2(tmp_path, capsys):
    (tmp_path / "plain").mkdir()
    code, _, err = cli(capsys, "evidence", "--since", "2026-03-04T08:00Z", "--until", "2026-03-04T09:00Z",
                       "--repo", str(tmp_path / "plain"))
    assert code == 2 and err.strip().endswith("not a git repository")
