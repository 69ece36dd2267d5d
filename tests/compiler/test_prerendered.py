"""install reads the prerendered outputs while their key matches, renders otherwise, and both give
byte-identical trees; the key notices every input, in a checkout and in a built package."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tree_snapshot import snapshot

from postmortem_skill.compiler import prerendered

REPO = Path(__file__).resolve().parents[2]
# run build-skill in a fresh interpreter and say which of the rendering libraries it had to import
PROBE = ("import sys; from postmortem_skill.compiler.cli import main; code = main(sys.argv[1:]); "
         "print('imported:', *sorted(m for m in ('yaml', 'jinja2') if m in sys.modules)); sys.exit(code)")


def tree_with_modes(root: Path) -> dict:
    return {rel: (data, os.stat(root / rel).st_mode if not rel.endswith("/") else None)
            for rel, data in snapshot(root).items()}


@pytest.fixture
def loads(monkeypatch):
    """Every prerendered.load() result of the test, in order (the real function still runs)."""
    seen, real = [], prerendered.load

    def spy():
        seen.append(real())
        return seen[-1]
    monkeypatch.setattr(prerendered, "load", spy)
    return seen


@pytest.mark.parametrize("where", ["project", "global"])
def test_prerendered_and_rendered_installs_are_identical(tmp_path, run, monkeypatch, loads, where):
    trees = []
    for name, cache in (("fast", prerendered.FILE), ("rendered", tmp_path / "no-such.json")):
        monkeypatch.setattr(prerendered, "FILE", cache)
        root = tmp_path / name
        root.mkdir()
        args = ["--global"] if where == "global" else ["--project", str(root)]
        monkeypatch.setenv("HOME", str(root))
        code, out, err = run("install", "--all", *args)
        assert code == 0, err
        trees.append(tree_with_modes(root))
        assert run("install", "--all", *args)[1].endswith("nothing written\n")
    assert loads[0] is not None, "the committed prerendered.json is out of date: run build-skill"
    assert loads[2] is None
    assert trees[0] == trees[1] and len(trees[0]) > 20


def test_a_stale_key_falls_back_to_rendering(tmp_path, run, monkeypatch, loads):
    data = json.loads(prerendered.FILE.read_bytes())
    stale = tmp_path / "prerendered.json"
    stale.write_text(json.dumps(dict(data, key="0" * 64)), encoding="utf-8")
    fast, rendered = tmp_path / "fast", tmp_path / "rendered"
    fast.mkdir()
    rendered.mkdir()
    assert run("install", "--all", "--project", str(fast))[0] == 0
    monkeypatch.setattr(prerendered, "FILE", stale)
    assert run("install", "--all", "--project", str(rendered))[0] == 0
    assert loads[0] is not None and loads[1] is None
    assert tree_with_modes(fast) == tree_with_modes(rendered)


def _install(source_tree: Path, project: Path) -> str:
    """`build-skill install --all` run by the package in `source_tree`; returns the imports line."""
    project.mkdir()
    env = dict(os.environ, PYTHONPATH=str(source_tree), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run([sys.executable, "-c", PROBE, "install", "--all", "--project", str(project)],
                            capture_output=True, text=True, env=env, cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def test_an_edited_checkout_renders_until_build_skill_runs_again(source_copy, run, monkeypatch, tmp_path):
    monkeypatch.chdir(source_copy)
    assert run()[0] == 0
    assert _install(source_copy, tmp_path / "a") == "imported:"
    guide = source_copy / "prompts/guides/action-items.md"
    guide.write_bytes(guide.read_bytes() + b"\nOne more rule.\n")
    assert run("--check")[1].count("postmortem_skill/compiler/prerendered.json") == 1
    assert _install(source_copy, tmp_path / "b") == "imported: jinja2 yaml"
    installed = tmp_path / "b/.claude/skills/postmortem-writing/prompts/guides/action-items.md"
    assert installed.read_bytes().endswith(b"One more rule.\n")
    assert run()[0] == 0
    assert _install(source_copy, tmp_path / "c") == "imported:"
    assert snapshot(tmp_path / "c") == snapshot(tmp_path / "b") != snapshot(tmp_path / "a")
    toolkit = source_copy / "postmortem_skill/helper/__init__.py"
    toolkit.write_bytes(toolkit.read_bytes() + b"\n# changed\n")   # the helper is built from it
    assert _install(source_copy, tmp_path / "d") == "imported: jinja2 yaml"
    helper = ".claude/skills/postmortem-writing/scripts/postmortem"
    assert (tmp_path / "d" / helper).read_bytes() != (tmp_path / "c" / helper).read_bytes()


def test_a_built_package_carries_prerendered_outputs_that_match(tmp_path):
    """setup.py's build step (what a wheel holds): the bundle and prerendered.json agree on the key."""
    tree = tmp_path / "src"
    tree.mkdir()
    for name in ("setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE", "SKILL.md"):
        shutil.copy2(REPO / name, tree / name)
    ignore = shutil.ignore_patterns("__pycache__", "_bundle")
    for name in ("prompts", "scripts", "postmortem_skill"):
        shutil.copytree(REPO / name, tree / name, ignore=ignore)
    lib = tmp_path / "lib"
    built = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)],
                           cwd=tree, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (lib / "postmortem_skill/compiler/prerendered.json").is_file()
    assert (lib / "postmortem_skill/_bundle/SKILL.md").is_file()
    assert not (lib / "postmortem_skill/_bundle/skill").exists()
    assert _install(lib, tmp_path / "from-package") == "imported:"
    assert _install(REPO, tmp_path / "from-checkout") == "imported:"
    assert snapshot(tmp_path / "from-package") == snapshot(tmp_path / "from-checkout")
