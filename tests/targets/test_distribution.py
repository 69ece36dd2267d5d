"""Repository-root distribution: Gemini extension, Claude Code marketplace/plugin, Codex plugin.

The required fields mirror the formats documented in docs/assistants.md (SchemaStore's
claude-code-marketplace.json and codex-plugin-manifest.json, gemini-cli docs/extensions/reference.md);
tests/conformance runs the real validators when the clients are installed.
"""
from __future__ import annotations

import json
import re

import pytest
from target_expectations import ROOT, SKILL

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli (the test extra installs it)
    import tomli as tomllib

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


@pytest.fixture(scope="module")
def distribution(skill, targets):
    from postmortem_skill.compiler.render import render_target
    from postmortem_skill.compiler.targets import load_distribution

    files = {}
    extra = load_distribution()
    for target in list(targets.values()) + ([extra] if extra else []):
        for r in render_target(skill, target, "distribution"):
            if r.path in files:
                assert files[r.path] == r.data, f"{r.path} differs between targets"
            files[r.path] = r.data
    return files


def _json(files, path):
    assert path in files, f"{path} is declared by no target"
    return json.loads(files[path])


def test_gemini_extension(distribution, skill):
    manifest = _json(distribution, "gemini-extension.json")
    assert KEBAB.match(manifest["name"]) and manifest["version"] == skill.version
    assert manifest["contextFileName"] in distribution
    context = distribution[manifest["contextFileName"]].decode("utf-8")
    assert len(context.encode("utf-8")) <= 1000, "the context file is loaded in every Gemini session"
    command = tomllib.loads(distribution["commands/postmortem.toml"].decode("utf-8"))
    assert set(command) == {"description", "prompt"} and "{{args}}" in command["prompt"]
    assert f"skills/{SKILL}/SKILL.md" in distribution


def test_distribution_files_are_the_ones_committed(distribution):
    """`build-skill --check` compares them too; this names the file when one drifts."""
    for path, data in distribution.items():
        on_disk = ROOT / path
        if on_disk.is_file() and not path.endswith("scripts/postmortem"):
            assert on_disk.read_bytes() == data, f"{path} is stale: run build-skill"


def test_claude_marketplace_and_plugin(distribution, skill):
    market = _json(distribution, ".claude-plugin/marketplace.json")
    plugin = _json(distribution, ".claude-plugin/plugin.json")
    assert KEBAB.match(market["name"]) and market["owner"]["name"]
    (entry,) = market["plugins"]
    assert entry["name"] == plugin["name"] and entry["source"].startswith("./")
    assert KEBAB.match(plugin["name"]) and isinstance(plugin["author"], dict) and plugin["author"]["name"]
    assert plugin["version"] == entry.get("version", plugin["version"]) == skill.version
    assert f"skills/{SKILL}/SKILL.md" in distribution   # the plugin's default skills/ folder


def test_codex_plugin(distribution, skill):
    plugin = _json(distribution, ".codex-plugin/plugin.json")
    allowed = {"id", "name", "version", "description", "skills", "apps", "mcpServers", "interface",
               "author", "homepage", "repository", "license", "keywords"}
    assert {"name", "version", "description", "author", "interface"} <= set(plugin) <= allowed
    assert SEMVER.match(plugin["version"]) and plugin["version"] == skill.version
    assert set(plugin["author"]) <= {"name", "email", "url"} and plugin["author"]["name"]
    ui = plugin["interface"]
    assert {"displayName", "shortDescription", "longDescription", "developerName", "category",
            "capabilities"} <= set(ui)
    assert ui.get("defaultPrompt") or ui.get("default_prompt")
    assert ui["capabilities"] and all(isinstance(c, str) and c for c in ui["capabilities"])
    skills = plugin["skills"].removeprefix("./").rstrip("/")
    assert f"{skills}/{SKILL}/SKILL.md" in distribution
    market = _json(distribution, ".agents/plugins/marketplace.json")
    (entry,) = market["plugins"]
    assert entry["name"] == plugin["name"] and entry["source"]["source"] == "local"
