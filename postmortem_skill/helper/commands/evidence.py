"""`postmortem evidence`: the commits and tags that landed in the incident window."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import evidence, importers
from postmortem_skill.helper.model.timeutil import iso_z, parse_timestamp, to_utc

DESCRIPTION = """\
List the commits of a git repository whose commit time lies in [--since, --until], oldest first,
with their tags: the deploys and changes that preceded the impact. Runs `git log` locally (no network)
over HEAD and every tagged commit.

times:
  ISO-8601, e.g. 2026-03-04T08:00:00Z, "2026-03-04 16:00+08:00"; a time without an offset is UTC.

output:
  markdown  timeline rows to merge into the Timeline table:
            | Time (UTC) | Event | Source |  with  Commit 1a2b3c4 (tag v4.12.0): subject
  json      [{"time": "...Z", "commit": "<full hash>", "subject": "...", "tags": ["v4.12.0"]}, ...]

A shallow clone (git clone --depth) may not reach back to --since: then one line on stderr says so
and where its history stops.

Author names are left out: a postmortem names changes, not people. --authors adds them (an "author"
key in JSON, "by NAME" in Markdown) for the investigation, not for the published document.

examples:
  postmortem evidence --since "2026-03-04 08:00" --until "2026-03-04 11:00"
  postmortem evidence --since 2026-03-04T16:00+08:00 --until 2026-03-04T19:00+08:00 --repo ../api --format json
"""


def add_arguments(parser) -> None:
    parser.add_argument("--since", required=True, metavar="TIME", help="window start (ISO-8601; naive = UTC)")
    parser.add_argument("--until", required=True, metavar="TIME", help="window end (ISO-8601; naive = UTC)")
    parser.add_argument("--repo", default=".", metavar="DIR", help="the git repository (default: .)")
    parser.add_argument("--authors", action="store_true", help="include author names (left out by default)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")


def _instant(option: str, text: str):
    value = parse_timestamp(text)
    if value is None:
        raise UsageError(f"{option}: not an ISO-8601 date and time: {text!r} (e.g. 2026-03-04T08:00:00Z)")
    try:
        return to_utc(value)
    except ValueError as exc:  # outside the calendar once in UTC
        raise UsageError(f"{option}: {exc}") from None


def run_git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C", GIT_PAGER="cat")
    try:
        return subprocess.run(("git", "-C", str(repo), *args), capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git log in {repo} took longer than 120 seconds") from None


def _warn_if_shallow(repo: Path, commits, since) -> None:
    """One line on stderr when a shallow clone may not reach back to the window's start."""
    done = run_git(repo, "rev-parse", "--is-shallow-repository")
    if done.returncode != 0 or done.stdout.strip() != b"true":
        return
    where = run_git(repo, "rev-parse", "--git-path", "shallow").stdout.decode("utf-8", "replace").strip()
    try:
        boundary = (repo / where).read_text(encoding="ascii", errors="replace").split() if where else []
    except OSError:
        boundary = []
    cut = evidence.shallow_cut(commits, boundary or [""], since) if boundary else since
    if cut is not None:
        print(f"postmortem: note: {repo} is a shallow clone whose history stops at {iso_z(cut)}, so the window "
              "may be incomplete (git fetch --unshallow, or --shallow-since before --since)", file=sys.stderr)


def read_commits(repo: Path, shown: str | None = None) -> list:
    """Every commit of HEAD and the tags, oldest first (`evidence.parse_log`); UsageError when `repo` is
    not a git repository or git fails."""
    if not repo.is_dir() or run_git(repo, "rev-parse", "--git-dir").returncode != 0:
        raise UsageError(f"{shown or repo}: not a git repository")
    if run_git(repo, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return []  # a repository without commits yet
    done = run_git(repo, *evidence.GIT_LOG_ARGS)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git log failed: {message[-1] if message else done.returncode}")
    return evidence.parse_log(done.stdout.decode("utf-8", "replace"))


def run(args) -> int:
    since, until = _instant("--since", args.since), _instant("--until", args.until)
    if since > until:
        raise UsageError("--since is later than --until")
    repo = Path(args.repo)
    commits = read_commits(repo, args.repo)
    _warn_if_shallow(repo, commits, since)
    chosen = evidence.in_window(commits, since, until)
    if args.format == "json":
        print(evidence.to_json(chosen, args.authors))
    elif chosen:
        sys.stdout.write(importers.to_markdown(evidence.to_events(chosen, args.authors)))
    else:
        print("No commits in the window.", file=sys.stderr)
    return 0
