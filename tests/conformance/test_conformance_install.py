"""tools/install-clients.py: pinned, outside the clone, and a no-op once everything is in place."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from conformance_support import INSTALL_SCRIPT, REPO

PINS = {
    "@anthropic-ai/claude-code": "2.1.332",
    "@google/gemini-cli": "0.61.0",
    "@openai/codex": "0.171.0",
    "@github/copilot": "1.0.102",
    "markdownlint-cli2": "0.22.1",
}
VERSION_ARGS = {
    "claude": "2.1.332", "gemini": "0.61.0", "codex": "0.171.0", "copilot": "1.0.102",
    "markdownlint-cli2": "0.22.1", "agentskills": None, "check-jsonschema": "0.39.0",
}


def test_lockfile_pins_exact_versions():
    spec = json.loads((REPO / "tools" / "clients" / "package.json").read_text())
    assert spec["dependencies"] == PINS
    lock = json.loads((REPO / "tools" / "clients" / "package-lock.json").read_text())
    for name, version in PINS.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_second_run_is_a_fast_no_op(clients):
    start = time.monotonic()
    proc = subprocess.run([sys.executable, str(INSTALL_SCRIPT), "--json"], capture_output=True, text=True)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert "already installed" in proc.stderr, proc.stderr
    assert json.loads(proc.stdout) == clients.paths
    assert elapsed < 3, f"a no-op run took {elapsed:.2f} s"


def test_cache_lies_outside_the_clone(clients, tmp_path):
    from pathlib import Path

    cache = Path(clients.paths["cache"])
    assert REPO not in cache.parents and cache != REPO
    refused = subprocess.run([sys.executable, str(INSTALL_SCRIPT), "--cache", str(REPO / "clients-cache")],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "outside the clone" in refused.stderr
    assert not (REPO / "clients-cache").exists()


def test_clients_report_the_pinned_versions(clients, home):
    for tool, version in VERSION_ARGS.items():
        proc = clients.run(tool, "--version", cwd=home, home=home)
        assert proc.returncode == 0, f"{tool} --version: {proc.stderr[-500:]}"
        if version:
            assert version in proc.stdout + proc.stderr, f"{tool} --version: {proc.stdout.strip()}"
