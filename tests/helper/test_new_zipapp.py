"""new, timeline, evidence and index from a freshly built zipapp under a bare `python3 -I`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
zipapp = pytest.importorskip("postmortem_skill.compiler.zipapp", reason="the zipapp builder is not there yet")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("skill") / "postmortem"
    path.write_bytes(zipapp.build(ROOT, ROOT / "prompts" / "templates"))
    return path


def run(app, cwd, *args):
    return subprocess.run([sys.executable, "-I", str(app), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_new_timeline_index_from_the_zipapp(app, tmp_path):
    done = run(app, tmp_path, "new", "INC-1", "--lang", "zh", "--title", "订单服务超时", "--dir", "d")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "d/INC-1.md" and (tmp_path / "d/INC-1.md").read_text("utf-8").startswith("# 复盘报告")
    assert run(app, tmp_path, "new", "INC-1", "--dir", "d").returncode == 2
    (tmp_path / "a.log").write_text("2026-10-25 02:30 **DETECTED** alert\n", encoding="utf-8")
    done = run(app, tmp_path, "timeline", "a.log", "--tz", "Europe/Berlin", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"time": "2026-10-25T00:30:00Z", "event": "alert", "milestone": "detected",
                                        "source": "a.log:1", "id": None}]
    done = run(app, tmp_path, "index", "d")
    assert done.returncode == 0 and "[INC-1](INC-1.md)" in (tmp_path / "d/README.md").read_text("utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_evidence_from_the_zipapp(app, tmp_path):
    done = run(app, tmp_path, "evidence", "--since", "2026-03-04T08:00Z", "--until", "2026-03-04T09:00Z")
    assert done.returncode == 2 and "not a git repository" in done.stderr
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    done = run(app, tmp_path, "evidence", "--since", "2026-03-04T08:00Z", "--until", "2026-03-04T09:00Z",
               "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout) == []
