"""markdownlint-cli2 0.22.1 on the Markdown we ship, with the repository's .markdownlint-cli2.jsonc."""
from __future__ import annotations

from pathlib import Path

import pytest
from conformance_support import REPO, generated_files

CONFIG = REPO / ".markdownlint-cli2.jsonc"
ADAPTERS = REPO / "adapters"


def adapter_ids() -> list[str]:
    if not ADAPTERS.is_dir():
        return ["(none yet)"]
    ids = sorted(p.name for p in ADAPTERS.iterdir() if p.is_dir())
    return ids or ["(none yet)"]


def lint(clients, home, files: list[Path]):
    # A leading ':' makes markdownlint-cli2 take the argument as a literal path, not a glob.
    args = [":" + p.relative_to(REPO).as_posix() for p in files]
    proc = clients.run("markdownlint-cli2", "--config", str(CONFIG), *args, cwd=REPO, home=home)
    findings = [line for line in (proc.stdout + proc.stderr).splitlines() if " MD0" in line]
    assert proc.returncode == 0 and not findings, \
        f"markdownlint-cli2 found {len(findings)} problem(s):\n" + "\n".join(findings[:200]) \
        + ("" if findings else proc.stdout[-1500:] + proc.stderr[-1500:])
    assert f"Linting: {len(files)} file(s)" in proc.stdout + proc.stderr, proc.stdout[-1500:]


def test_config_keeps_the_default_rules():
    text = CONFIG.read_text(encoding="utf-8")
    assert '"default": true' in text, "the config must not switch every rule off"


def test_canonical_skill_and_prompts(clients, home):
    files = [p for p in [REPO / "SKILL.md"] if p.is_file()] + generated_files(REPO / "prompts", ".md")
    if not files:
        pytest.skip("neither SKILL.md nor prompts/**/*.md exists yet")
    lint(clients, home, files)


@pytest.mark.parametrize("target", adapter_ids())
def test_generated_adapter_markdown(clients, home, target):
    root = ADAPTERS / target
    files = generated_files(root, ".md", ".mdc") if root.is_dir() else []
    if not files:
        pytest.skip(f"adapters/{target}/ holds no .md or .mdc file yet")
    lint(clients, home, files)


def test_distribution_markdown(clients, home):
    """The copies at the repository root that the Claude plugin, Gemini extension and `npx skills` read."""
    files = []
    for folder in ("skills", "commands", "plugins"):
        files += generated_files(REPO / folder, ".md")
    files += [p for p in (REPO / "GEMINI.md",) if p.is_file()]
    if not files:
        pytest.skip("no skills/, commands/, plugins/ or GEMINI.md at the repository root yet")
    lint(clients, home, files)
