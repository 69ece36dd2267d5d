"""Fixtures for the conformance suite: the real assistant clients, run offline against our output.

See conformance_support.py for how clients are run (empty HOME, no network, 60 s timeout).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conformance_support import (
    COPY_IGNORE,
    EXIT_PREREQUISITE,
    EXIT_UNREACHABLE,
    INSTALL_SCRIPT,
    INSTALL_TIMEOUT,
    REPO,
    Clients,
    Projects,
    build_skill,
)


def _report(config: pytest.Config, line: str) -> None:
    """Show a progress line now, even while pytest captures output (a first install takes a while)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:  # pragma: no cover - pytest always has one when run from the command line
        print(line, file=sys.stderr)
        return
    if capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)
    else:
        reporter.write_line(line)


@pytest.fixture(scope="session")
def clients(request: pytest.FixtureRequest) -> Clients:
    """The pinned clients, installed on first use (a minute or so; about 1.5 GB of cache)."""
    if os.environ.get("POSTMORTEM_CLIENTS", "").lower() in {"skip", "0", "no", "off"}:
        pytest.skip("POSTMORTEM_CLIENTS=skip: real-client checks turned off")
    config = request.config
    _report(config, f"\nconformance: making sure the pinned assistant clients are installed "
                    f"({INSTALL_SCRIPT.relative_to(REPO)}; the first run downloads about 1 GB)")
    proc = subprocess.Popen([sys.executable, str(INSTALL_SCRIPT), "--json"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    assert proc.stderr is not None and proc.stdout is not None
    last = ""
    for line in proc.stderr:  # stream progress so a long first run is visibly alive
        line = line.rstrip()
        if line:
            last = line
            _report(config, f"conformance: {line.strip()}")
    try:
        rc = proc.wait(timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"tools/install-clients.py did not finish within {INSTALL_TIMEOUT} s")
    out = proc.stdout.read()
    message = last.removeprefix("install-clients: ").removeprefix("error: ")
    if rc == EXIT_UNREACHABLE:
        pytest.skip(f"clients not installed: {message}")
    if rc == EXIT_PREREQUISITE:
        pytest.skip(f"clients not installed: {message}")
    if rc != 0:
        pytest.fail(f"tools/install-clients.py failed (exit {rc}): {message}")
    return Clients(json.loads(out.strip().splitlines()[-1]))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty HOME for one client call (or one sequence of calls)."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def targets() -> dict[str, dict]:
    """`build-skill targets --format json`, by id."""
    proc = build_skill("targets", "--format", "json")
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"`build-skill targets --format json` is not available yet (exit {proc.returncode}: {detail})")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"`build-skill targets --format json` printed invalid JSON: {exc}")
    return {entry["id"]: entry for entry in data}


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory, targets: dict[str, dict]) -> Projects:
    return Projects(tmp_path_factory, targets)


@pytest.fixture(scope="session")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository (no .git, caches or builds) for clients that may write beside it."""
    dest = tmp_path_factory.mktemp("repo-copy") / "postmortem-skill"
    shutil.copytree(REPO, dest, ignore=COPY_IGNORE, symlinks=True)
    return dest


