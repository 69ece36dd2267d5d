"""Targets are data: schema errors are one clear line; shared and distribution outputs behave."""
import pytest
import yaml

from postmortem_skill.compiler import build, plan
from postmortem_skill.compiler.errors import SkillError
from postmortem_skill.compiler.render import render_target
from postmortem_skill.compiler.source import read_skill
from postmortem_skill.compiler.targets import load_distribution, load_targets, parse_target


def _folder(tmp_path, files: dict):
    folder = tmp_path / "targets"
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "t.md.j2").write_text("---\ndescription: {{ vars.d | yaml }}\n---\n"
                                                   "<!-- {{ note }} -->\nsee {{ skill_dir }}\n")
    for name, data in files.items():
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


@pytest.mark.parametrize("raw, message", [
    ({"id": "x", "name": "X", "outputs": [{"kind": "nope", "path": "a"}]}, "kind must be"),
    ({"id": "x", "name": "X", "outputs": [{"kind": "file", "path": "../a", "template": "t.md.j2"}]}, "relative"),
    ({"id": "x", "name": "X", "outputs": [{"kind": "file", "path": "/etc/a", "template": "t.md.j2"}]}, "relative"),
    ({"id": "x", "name": "X", "outputs": [{"kind": "file", "path": "a", "template": "none.j2"}]}, "not found"),
    ({"id": "x", "name": "X", "outputs": []}, "at least one"),
    ({"id": "X", "name": "X", "outputs": [{"kind": "skill", "path": "a"}]}, "lowercase"),
    ({"id": "x", "name": "X", "color": 1, "outputs": [{"kind": "skill", "path": "a"}]}, "unknown"),
])
def test_bad_target_data_is_refused(tmp_path, raw, message):
    folder = _folder(tmp_path, {})
    with pytest.raises(SkillError, match=message):
        parse_target(raw, "x.yaml", folder / "templates", expected_id="x")


def test_conflicting_claims_on_one_path_stop_the_build(tmp_path, source_copy):
    folder = _folder(tmp_path, {
        "a.yaml": {"id": "a", "name": "A", "outputs": [
            {"kind": "file", "path": "R.md", "template": "t.md.j2", "vars": {"d": "one"}}]},
        "b.yaml": {"id": "b", "name": "B", "outputs": [
            {"kind": "file", "path": "R.md", "template": "t.md.j2", "vars": {"d": "two"}}]},
    })
    skill = read_skill(source_copy, b"zip")
    rendered = {t.id: render_target(skill, t, "project", folder / "templates") for t in load_targets(folder)}
    with pytest.raises(SkillError, match="differently"):
        plan.collect(rendered)


def test_vendor_keys_outside_the_spec_are_refused(tmp_path, source_copy):
    folder = _folder(tmp_path, {"a.yaml": {"id": "a", "name": "A", "outputs": [
        {"kind": "skill", "path": "s/postmortem-writing", "frontmatter": {"argument-hint": "ID"}}]}})
    skill = read_skill(source_copy, b"zip")
    with pytest.raises(SkillError, match="argument-hint"):
        render_target(skill, load_targets(folder)[0], "project", folder / "templates")


def test_size_limits_are_enforced(tmp_path, source_copy):
    folder = _folder(tmp_path, {"a.yaml": {"id": "a", "name": "A", "outputs": [
        {"kind": "file", "path": "R.md", "template": "t.md.j2", "vars": {"d": "x" * 50}, "max_chars": 40}]}})
    skill = read_skill(source_copy, b"zip")
    with pytest.raises(SkillError, match="over its limit"):
        render_target(skill, load_targets(folder)[0], "project", folder / "templates")


def test_distribution_outputs_are_written_at_the_repository_root(tmp_path, source_copy, run, monkeypatch):
    folder = source_copy / "postmortem_skill" / "targets"
    (folder / "templates" / "zz-test.json.j2").write_text('{"name": {{ skill.name | tojson }}}\n')
    (folder / "_distribution.yaml").write_text(yaml.safe_dump({"distribution": [
        {"kind": "file", "path": "zz-test.json", "template": "zz-test.json.j2"}]}))
    assert load_distribution(folder).distribution[0].path == "zz-test.json"
    assert "distribution" not in {t.id for t in load_targets(folder)}
    monkeypatch.chdir(source_copy)
    assert run()[0] == 0
    assert (source_copy / "zz-test.json").read_text() == '{"name": "postmortem-writing"}\n'
    (source_copy / "zz-test.json").write_text("{}\n")
    code, out, _ = run("--check")
    assert code == 1 and "zz-test.json" in out


def test_global_pointer_uses_the_home_path(source_copy):
    skill = read_skill(source_copy, b"zip")
    codex = next(t for t in load_targets() if t.id == "codex")
    block = next(r for r in render_target(skill, codex, "global") if r.kind == "block")
    assert block.path == ".codex/AGENTS.md" and "~/.agents/skills/postmortem-writing" in block.data
    assert build.fresh_bytes(block).startswith(b"<!-- BEGIN postmortem-skill -->\n")
