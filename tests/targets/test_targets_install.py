"""Install each of the 18 assistants into a fresh project (and a fresh home) with the real command."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from target_expectations import EXPECTED_GLOBAL, EXPECTED_PROJECT, MINE, ROOT, SKILL

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli (the test extra installs it)
    import tomli as tomllib

RECORDS = (".postmortem-skill.json", ".postmortem-skill-global.json")    # a project's, and a --global install's


def build_skill(*args, home=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run([sys.executable, "-c", "import sys; from postmortem_skill.compiler.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def tree(root) -> set[str]:
    """Files under root, with each skill folder collapsed to '<folder>/' and the record left out."""
    found = set()
    for dirpath, _, files in os.walk(root):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            m = re.match(rf"^(.*?/{SKILL})/", rel)
            found.add(m.group(1) + "/" if m else rel)
    found.difference_update(RECORDS)
    return found


def parse_all(root):
    """Parse every emitted TOML, JSON, YAML and Markdown frontmatter under root; return the count."""
    count = 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            if "/prompts/" in path.replace(os.sep, "/") or "/scripts/" in path.replace(os.sep, "/"):
                continue
            text = open(path, encoding="utf-8").read()
            if name.endswith(".toml"):
                assert "prompt" in tomllib.loads(text)
            elif name.endswith(".json"):
                json.loads(text)
            elif name.endswith((".yml", ".yaml")):
                yaml.safe_load(text)
            elif name.endswith((".md", ".mdc")) and text.startswith("---\n"):
                assert isinstance(yaml.safe_load(text[4:text.index("\n---\n", 4)]), dict), path
            else:
                continue
            count += 1
    return count


@pytest.mark.parametrize("tid", MINE)
def test_install_into_a_fresh_project_writes_only_the_declared_paths(tmp_path, tid):
    project = tmp_path / "p"
    project.mkdir()
    done = build_skill("install", tid, "--project", str(project))
    assert done.returncode == 0, done.stderr
    assert tree(project) == EXPECTED_PROJECT[tid]
    assert parse_all(project) >= 1
    helper = next(project.glob(f"**/{SKILL}/scripts/postmortem"))
    assert os.access(helper, os.X_OK)
    again = build_skill("install", tid, "--project", str(project))
    assert again.returncode == 0 and "nothing written" in again.stdout
    gone = build_skill("uninstall", tid, "--project", str(project))
    assert gone.returncode == 0, gone.stderr
    assert not any(project.iterdir()), "uninstall left files behind"


@pytest.mark.parametrize("tid", MINE)
def test_global_install_into_a_fresh_home(tmp_path, tid):
    home = tmp_path / "home"
    home.mkdir()
    done = build_skill("install", tid, "--global", home=home)
    if EXPECTED_GLOBAL[tid] is None:
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert tree(home) == EXPECTED_GLOBAL[tid]
    parse_all(home)
    assert build_skill("uninstall", tid, "--global", home=home).returncode == 0
    assert not any(home.iterdir())


def test_install_all_then_uninstall_restores_the_project(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "CONVENTIONS.md").write_bytes(b"# Our conventions\r\n\r\nUse tabs.\r\n")
    (project / ".aider.conf.yml").write_bytes(b"model: sonnet\nread:\n  - docs/STYLE.md\n")
    before = {p: (project / p).read_bytes() for p in ("CONVENTIONS.md", ".aider.conf.yml")}
    done = build_skill("install", "--all", "--project", str(project))
    assert done.returncode == 0, done.stderr
    conf = yaml.safe_load((project / ".aider.conf.yml").read_text())
    assert conf["read"] == ["docs/STYLE.md", "CONVENTIONS.md"] and conf["model"] == "sonnet"
    assert b"Use tabs." in (project / "CONVENTIONS.md").read_bytes()
    assert parse_all(project) > 10
    assert build_skill("uninstall", "--all", "--project", str(project)).returncode == 0
    assert {p: (project / p).read_bytes() for p in before} == before
    assert sorted(p.name for p in project.iterdir()) == [".aider.conf.yml", "CONVENTIONS.md"]
