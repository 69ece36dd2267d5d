"""Render every target of the 18 assistants and check what each would install, without touching disk."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from target_expectations import CHINESE, DEDUPES_BY_NAME, EXPECTED_GLOBAL, EXPECTED_PROJECT, MINE, READS, SKILL

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli (the test extra installs it)
    import tomli as tomllib

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def _render(skill, target, mode):
    from postmortem_skill.compiler.render import render_target

    return render_target(skill, target, mode)


def _top_paths(rendered):
    """Collapse the files of a skill folder to '<folder>/'; keep other paths as they are."""
    out = set()
    for r in rendered:
        m = re.match(rf"^(.*?/{SKILL})/", r.path)
        out.add(m.group(1) + "/" if m else r.path)
    return out


def _frontmatter(text: str):
    if not text.startswith("---\n"):
        return None
    end = text.index("\n---\n", 4)
    data = yaml.safe_load(text[4:end])
    assert isinstance(data, dict), text[:200]
    return data


def _parse(path: str, data) -> dict | None:
    """Parse what we emit by its format; return the frontmatter / manifest mapping if there is one."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if path.endswith(".toml"):
        return tomllib.loads(text)
    if path.endswith(".json"):
        return json.loads(text)
    if path.endswith((".yml", ".yaml")):
        return yaml.safe_load(text)
    if path.endswith((".md", ".mdc")):
        return _frontmatter(text)
    return None


def test_every_id_of_mine_has_a_target(targets):
    assert set(MINE) <= set(targets)
    for tid in MINE:
        assert targets[tid].name
        assert targets[tid].detect, f"{tid}: install without an id could never pick it"


@pytest.mark.parametrize("tid", MINE)
def test_project_install_lists_exactly_the_declared_paths(skill, targets, tid):
    rendered = _render(skill, targets[tid], "project")
    assert _top_paths(rendered) == EXPECTED_PROJECT[tid]
    assert len({r.path for r in rendered}) == len(rendered), "a path is rendered twice"


@pytest.mark.parametrize("tid", MINE)
def test_global_install_lists_exactly_the_declared_paths(skill, targets, tid):
    target = targets[tid]
    expected = EXPECTED_GLOBAL[tid]
    assert target.supports_global == (expected is not None)
    if expected is not None:
        assert _top_paths(_render(skill, target, "global")) == expected


@pytest.mark.parametrize("tid", MINE)
@pytest.mark.parametrize("mode", ["project", "global", "distribution"])
def test_every_emitted_file_parses(skill, targets, tid, mode):
    target = targets[tid]
    if mode == "global" and not target.supports_global:
        pytest.skip("no user-level location")
    for r in _render(skill, target, mode):
        if r.kind == "yaml-list":
            assert yaml.safe_load(f"{r.key}:\n  - {r.data}\n") == {r.key: [r.data]}
            continue
        meta = _parse(r.path, r.data)
        if r.path.endswith("/SKILL.md"):
            assert meta["name"] == SKILL
            assert set(meta) <= {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
            assert "\n" not in meta["description"] and len(meta["description"]) <= 1024
        elif r.path.endswith(".toml"):
            assert isinstance(meta["prompt"], str) and "{{args}}" in meta["prompt"]
            assert set(meta) <= {"prompt", "description"}


@pytest.mark.parametrize("tid", MINE)
def test_skill_copies_pass_the_agent_skills_validator(skill, targets, tid, tmp_path):
    skills_ref = pytest.importorskip("skills_ref")
    for r in _render(skill, targets[tid], "project"):
        if r.path.endswith("/SKILL.md"):
            folder = tmp_path / r.path.rsplit("/", 1)[0]
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "SKILL.md").write_bytes(r.data)
            assert skills_ref.validate(folder) == []


def test_documented_size_limits_hold(skill, targets):
    limits = {  # path suffix: (max characters, max bytes)
        ".windsurf/workflows/postmortem.md": (12000, None),          # Windsurf: 12,000 chars per file
        ".amazonq/rules/postmortem.md": (None, 1000),                # always loaded: keep it short
        ".trae/rules/postmortem.md": (None, 1000),
        "CONVENTIONS.md": (None, 1000),                              # aider: read on every request
        ".lingma/commands/postmortem.md": (5000, None),              # Lingma: 5,000-char command prompts
    }
    seen = set()
    for tid in MINE:
        for mode in ("project", "global"):
            if mode == "global" and not targets[tid].supports_global:
                continue
            for r in _render(skill, targets[tid], mode):
                for suffix, (chars, size) in limits.items():
                    if r.path.endswith(suffix):
                        seen.add(suffix)
                        data = r.data.encode("utf-8") if isinstance(r.data, str) else r.data
                        assert chars is None or len(data.decode("utf-8")) <= chars
                        assert size is None or len(data) <= size
    assert seen == set(limits)


def test_always_loaded_outputs_are_declared_with_a_limit(targets):
    """Rules and blocks that every request pays for must carry max_bytes, so the build enforces it."""
    for tid in ("amazonq", "trae", "aider"):
        for output in targets[tid].outputs:
            if output.kind in ("block",) or (output.path or "").startswith((".amazonq/", ".trae/rules/")):
                assert output.max_bytes and output.max_bytes <= 1000, (tid, output.path)


@pytest.mark.parametrize("tid", CHINESE)
def test_chinese_assistants_get_bilingual_descriptions(skill, targets, tid):
    descriptions = []
    for r in _render(skill, targets[tid], "project"):
        if r.kind != "file":
            continue
        meta = _parse(r.path, r.data)
        if isinstance(meta, dict) and "description" in meta:
            descriptions.append((r.path, meta["description"]))
    assert descriptions, f"{tid}: nothing with a description"
    for path, text in descriptions:
        assert CJK.search(text), f"{tid} {path}: no Chinese in {text!r}"
        assert LATIN_WORD.search(text), f"{tid} {path}: no English in {text!r}"


def test_pointers_name_the_installed_skill_folder(skill, targets):
    """Files that cannot load a skill themselves must say where SKILL.md and the helper are."""
    for tid in ("amazonq", "trae", "aider", "windsurf", "cline", "opencode", "augment", "codebuddy",
                "continue", "gemini", "lingma"):
        for mode in ("project", "global"):
            if mode == "global" and not targets[tid].supports_global:
                continue
            rendered = _render(skill, targets[tid], mode)
            folder = next(r.path for r in rendered if r.path.endswith("/SKILL.md")).rsplit("/", 1)[0]
            shown = ("~/" + folder) if mode == "global" else folder
            pointers = [r for r in rendered if not r.path.startswith(folder) and r.kind != "yaml-list"]
            assert pointers, tid
            for r in pointers:
                text = r.data.decode("utf-8") if isinstance(r.data, bytes) else r.data
                assert f"{shown}/SKILL.md" in text or tid == "gemini", (tid, mode, r.path)
                assert f"{shown}/scripts/postmortem" in text, (tid, mode, r.path)


def test_commands_take_the_incident_id(skill, targets):
    argument = {"opencode": "$ARGUMENTS", "augment": "$ARGUMENTS", "codebuddy": "$ARGUMENTS",
                "gemini": "{{args}}"}
    for tid, placeholder in argument.items():
        texts = [r.data.decode("utf-8") for r in _render(skill, targets[tid], "project")
                 if r.kind == "file" and "/commands/" in r.path]
        assert texts and all(placeholder in t for t in texts), tid
    prompt = next(r for r in _render(skill, targets["continue"], "project")
                  if r.path == ".continue/prompts/postmortem.md")
    assert _frontmatter(prompt.data.decode("utf-8"))["invokable"] is True


def _skill_folders_seen(installed_paths: set[str], reads: set[str]) -> list[str]:
    return sorted(p for p in installed_paths if p.rsplit("/", 1)[0] in reads)


def test_install_all_gives_each_assistant_the_skill_once(skill, targets):
    """Union of every target's project skill folders, seen through each assistant's search path."""
    installed = set()
    for target in targets.values():
        for r in _render(skill, target, "project"):
            if r.path.endswith(f"/{SKILL}/SKILL.md"):
                installed.add(r.path[: -len("/SKILL.md")])
    doubles = {}
    for tid, reads in READS.items():
        if tid not in targets:
            continue
        seen = _skill_folders_seen(installed, reads)
        assert seen, f"{tid} would not see the skill at all"
        if len(seen) > 1 and tid not in DEDUPES_BY_NAME:
            doubles[tid] = seen
    # Claude Code reads only .claude/skills; clients that read both it and .agents/skills and do not
    # collapse equal names cannot be helped by data. Any other double is a mistake in a target file.
    assert set(doubles) <= {"amp", "augment", "cursor"}, doubles
    for seen in doubles.values():
        assert seen == [".agents/skills/postmortem-writing", ".claude/skills/postmortem-writing"]


@pytest.mark.parametrize("tid", MINE)
def test_each_target_alone_gives_its_assistant_the_skill_once(skill, targets, tid):
    installed = {r.path[: -len("/SKILL.md")] for r in _render(skill, targets[tid], "project")
                 if r.path.endswith("/SKILL.md")}
    assert len(installed) == 1
    if tid in READS:
        assert _skill_folders_seen(installed, READS[tid]), f"{tid}: installed where it does not read"
