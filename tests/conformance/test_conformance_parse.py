"""Every TOML, JSON and YAML (file or frontmatter) we emit parses the way the assistants read it.

The assistants differ in how forgiving they are (Gemini falls back to a lenient parser, Claude
drops all metadata on a YAML error, Cline fails open, Cursor treats the string "true" as false),
so we hold every file to a strict parser and to the value types the readers need.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conformance_support import REPO, generated_files

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

ADAPTERS = REPO / "adapters"
IDS = ("claude-code codex cursor copilot gemini windsurf cline kiro junie aider continue zed opencode amp "
       "augment amazonq trae comate codebuddy codearts lingma qoder").split()
FRONTMATTER = re.compile(r"---\r?\n(.*?\r?\n)?---\r?\n", re.S)
DISTRIBUTION = [".claude-plugin/marketplace.json", "gemini-extension.json", ".agents/plugins/marketplace.json"]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys, which most readers resolve differently."""


def _mapping(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {sorted(duplicates)}", node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                              lambda loader, node: dict(_mapping(loader, node, deep=True)))


def check_file(path: Path) -> list[str]:
    """Problems in one emitted file, as `path: message` strings."""
    text = path.read_text(encoding="utf-8")
    name = path.name
    problems = []
    try:
        if name.endswith(".json"):
            json.loads(text)
        elif name.endswith(".toml"):
            if tomllib is not None:
                tomllib.loads(text)
        elif name.endswith((".yaml", ".yml")):
            yaml.load(text, Loader=_StrictLoader)
        elif name.endswith((".md", ".mdc", ".mdr")) and text.startswith("---"):
            match = FRONTMATTER.match(text)
            if not match:
                return [f"{path}: frontmatter opened with --- but never closed"]
            data = yaml.load(match.group(1) or "", Loader=_StrictLoader)
            if not isinstance(data, dict):
                return [f"{path}: frontmatter is a {type(data).__name__}, not a mapping"]
            for key, _value in data.items():
                if not isinstance(key, str):
                    problems.append(f"{path}: frontmatter key {key!r} is not a string")
            if "description" in data and not isinstance(data["description"], str):
                problems.append(f"{path}: description is a {type(data['description']).__name__}, not a string")
            if name.endswith(".mdc") and "alwaysApply" in data and not isinstance(data["alwaysApply"], bool):
                problems.append(f"{path}: alwaysApply is {data['alwaysApply']!r}; Cursor wants an unquoted boolean")
            if name == "SKILL.md" and not isinstance(data.get("name"), str):
                problems.append(f"{path}: SKILL.md frontmatter has no string name")
    except (ValueError, yaml.YAMLError) as exc:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        problems.append(f"{path}: {type(exc).__name__}: {exc}")
    return problems


SUFFIXES = (".json", ".toml", ".yaml", ".yml", ".md", ".mdc", ".mdr")


def adapter_ids() -> list[str]:
    ids = sorted(p.name for p in ADAPTERS.iterdir() if p.is_dir()) if ADAPTERS.is_dir() else []
    return ids or ["(none yet)"]


@pytest.mark.parametrize("target", adapter_ids())
def test_adapter_files_parse(target):
    files = generated_files(ADAPTERS / target, *SUFFIXES)
    if not files:
        pytest.skip(f"adapters/{target}/ holds no TOML, JSON, YAML or Markdown file yet")
    problems = [p for f in files for p in check_file(f)]
    assert not problems, "\n".join(problems)


def test_distribution_manifests_parse():
    files = [REPO / p for p in DISTRIBUTION if (REPO / p).is_file()]
    files += [p for p in generated_files(REPO, "plugin.json") if p.parent.name in {".claude-plugin", ".codex-plugin"}
              and "tests" not in p.relative_to(REPO).parts]
    if not files:
        pytest.skip("no marketplace, plugin or extension manifest at the repository root yet")
    problems = [p for f in files for p in check_file(f)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", IDS)
def test_installed_files_parse(installed, target):
    project = installed(target)
    files = [f for f in generated_files(project, *SUFFIXES) if ".git" not in f.relative_to(project).parts]
    assert files, f"`build-skill install {target}` wrote no file"
    problems = [p for f in files for p in check_file(f)]
    assert not problems, "\n".join(problems)


def test_checker_rejects_what_clients_choke_on(tmp_path):
    """The checker itself: the cases above are only as good as these rejections."""
    cases = {
        "a.json": '{"name": "x",}',
        "b.toml": 'prompt = "unterminated',
        "c.yaml": "a: 1\na: 2\n",
        "d.md": "---\ndescription: [unclosed\n---\nbody\n",
        "e.mdc": '---\ndescription: x\nalwaysApply: "true"\n---\nbody\n',
        "f.md": "---\n- a list\n---\nbody\n",
    }
    if tomllib is None:
        del cases["b.toml"]
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert check_file(tmp_path / name), f"{name} should be rejected"
    (tmp_path / "ok.mdc").write_text('---\ndescription: "x: y"\nalwaysApply: false\n---\nbody\n', encoding="utf-8")
    assert check_file(tmp_path / "ok.mdc") == []
