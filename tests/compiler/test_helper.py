"""scripts/postmortem runs from an installed skill folder with a bare, isolated python3."""
import subprocess
import sys

import pytest


@pytest.fixture
def installed_helper(tmp_path, run):
    project = tmp_path / "project"
    project.mkdir()
    assert run("install", "claude-code", "--project", str(project))[0] == 0
    return project / ".claude/skills/postmortem-writing/scripts/postmortem"


def _run_isolated(helper, *args, cwd):
    return subprocess.run([sys.executable, "-I", str(helper), *args], capture_output=True, text=True,
                          cwd=cwd, env={"PATH": "/usr/bin:/bin"})


def test_helper_help_runs_isolated(installed_helper, tmp_path):
    result = _run_isolated(installed_helper, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "postmortem" in result.stdout and "new" in result.stdout


def test_helper_new_scaffolds_from_the_bundled_templates(installed_helper, tmp_path):
    result = _run_isolated(installed_helper, "new", "INC-1", "--dir", "d", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    created = tmp_path / result.stdout.strip()
    assert created.is_file() and created.read_text(encoding="utf-8").startswith("# ")
    again = _run_isolated(installed_helper, "new", "INC-1", "--dir", "d", cwd=tmp_path)
    assert again.returncode == 2 and "Traceback" not in again.stderr


def test_template_text_reads_the_checkout_templates():
    from postmortem_skill.helper.features.resources import template_text

    assert template_text("standard").startswith("# ")
    with pytest.raises(FileNotFoundError):
        template_text("../SKILL")
