import shutil
from pathlib import Path

import pytest
from tree_snapshot import snapshot  # noqa: F401  (re-exported for fixtures)

from postmortem_skill.compiler.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(capsys):
    """Call build-skill in-process: returns (exit code, stdout, stderr)."""
    def call(*args):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


@pytest.fixture
def source_copy(tmp_path) -> Path:
    """A throwaway copy of the skill source tree (SKILL.md, prompts/, LICENSE, skill/)."""
    root = tmp_path / "src"
    root.mkdir()
    for name in ("SKILL.md", "LICENSE"):
        shutil.copy2(REPO / name, root / name)
    ignore = shutil.ignore_patterns("__pycache__", "_bundle")
    shutil.copytree(REPO / "prompts", root / "prompts", ignore=ignore)
    shutil.copytree(REPO / "postmortem_skill", root / "postmortem_skill", ignore=ignore)
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    """A project that already has its own AGENTS.md, Copilot instructions and Cursor rules."""
    root = tmp_path / "project"
    (root / ".cursor" / "rules").mkdir(parents=True)
    (root / ".github").mkdir()
    (root / "AGENTS.md").write_bytes(b"# Our agents\n\nRun `make test` before pushing.\n")
    (root / ".github" / "copilot-instructions.md").write_bytes(b"Prefer small pull requests.")
    (root / ".cursor" / "rules" / "style.mdc").write_bytes(
        b"---\ndescription: house style\nalwaysApply: true\n---\nUse tabs.\n")
    return root
