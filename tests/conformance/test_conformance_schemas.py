"""check-jsonschema 0.39.0 against the SchemaStore schemas vendored in tests/conformance/schemas/."""
from __future__ import annotations

from pathlib import Path

import pytest
from conformance_support import REPO, generated_files

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def manifests(pattern_parent: str, name: str) -> list[Path]:
    """Files called `name` inside a folder called `pattern_parent`, anywhere we emit them."""
    found = [p for p in generated_files(REPO, name) if p.name == name and p.parent.name == pattern_parent
             and "tests" not in p.relative_to(REPO).parts]
    return sorted(found)


CASES = {
    "claude-code-marketplace.json": lambda: manifests(".claude-plugin", "marketplace.json"),
    "claude-code-plugin-manifest.json": lambda: manifests(".claude-plugin", "plugin.json"),
    "codex-plugin-manifest.json": lambda: manifests(".codex-plugin", "plugin.json"),
    "codex-skill-metadata.json": lambda: manifests("agents", "openai.yaml"),
}


@pytest.mark.parametrize("schema", sorted(CASES))
def test_manifests_match_schemastore(clients, home, schema):
    files = CASES[schema]()
    if not files:
        pytest.skip(f"no file for {schema} emitted yet")
    proc = clients.run("check-jsonschema", "--schemafile", str(SCHEMAS / schema), *map(str, files),
                       cwd=REPO, home=home)
    assert proc.returncode == 0, f"check-jsonschema --schemafile {schema}:\n{proc.stdout[-3000:]}{proc.stderr[-1500:]}"


def test_installed_codex_skill_metadata_matches_schemastore(clients, home, installed):
    schema = "codex-skill-metadata.json"
    project = installed("codex")
    files = [p for p in generated_files(project, "openai.yaml") if p.parent.name == "agents"]
    if not files:
        pytest.skip("`build-skill install codex` wrote no agents/openai.yaml")
    proc = clients.run("check-jsonschema", "--schemafile", str(SCHEMAS / schema), *map(str, files),
                       cwd=project, home=home)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1500:]


def test_vendored_schemas_catch_known_mistakes(clients, home, tmp_path):
    """The schemas are only worth running if they reject what the clients reject."""
    bad = {
        "claude-code-marketplace.json": {"name": "m", "plugins": [{"name": "p", "source": "plugins/p"}]},
        "claude-code-plugin-manifest.json": {"name": "p", "author": "A string, not an object"},
        "codex-plugin-manifest.json": {"name": "p", "version": 1, "description": "d", "author": {"name": "a"}},
        "codex-skill-metadata.json": {"policy": {"allow_implicit_invocation": "yes"}},
    }
    good = {
        "claude-code-marketplace.json": {"name": "m", "owner": {"name": "o"},
                                         "plugins": [{"name": "p", "source": "./p"}]},
        "claude-code-plugin-manifest.json": {"name": "p", "version": "0.1.0", "author": {"name": "a"}},
        "codex-plugin-manifest.json": {"name": "p", "version": "0.1.0", "description": "d", "author": {"name": "a"},
                                       "interface": {"displayName": "P", "shortDescription": "s",
                                                     "longDescription": "l", "developerName": "d",
                                                     "category": "Productivity", "capabilities": ["Read"],
                                                     "defaultPrompt": "Write a postmortem"}},
        "codex-skill-metadata.json": {"interface": {"display_name": "Postmortem"},
                                      "policy": {"allow_implicit_invocation": True}},
    }
    import json

    for schema in CASES:
        for verdict, sample in (("bad", bad[schema]), ("good", good[schema])):
            path = tmp_path / f"{verdict}-{schema}"
            path.write_text(json.dumps(sample), encoding="utf-8")
            proc = clients.run("check-jsonschema", "--schemafile", str(SCHEMAS / schema), str(path),
                               cwd=tmp_path, home=home)
            assert (proc.returncode == 0) == (verdict == "good"), (
                f"{schema} on {verdict} sample:\n{proc.stdout}{proc.stderr}")
