"""Shared-file edits are exact: removing what was inserted gives back the original bytes."""
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from postmortem_skill.compiler import merge
from postmortem_skill.compiler.errors import SkillError

user_text = st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n<#"),
                             max_size=30), max_size=6)


@given(user_text, st.sampled_from([b"\n", b"\r\n"]), st.booleans(), st.booleans(),
       st.sampled_from(["html", "hash"]))
def test_block_insert_then_remove_restores_bytes(lines, eol, final_newline, bom, comment):
    original = eol.join(line.encode("utf-8") for line in lines) + (eol if final_newline and lines else b"")
    original = (merge.BOM if bom else b"") + original
    new, before, after = merge.upsert_block(original, "## Hello\nworld 复盘", comment, "F")
    assert new.startswith(original)
    again, _, _ = merge.upsert_block(new, "## Hello\nworld 复盘", comment, "F")
    assert again == new
    assert merge.remove_block(new, comment, before, after, "F") == original


def test_block_update_replaces_only_the_inside():
    old = b"mine\n\n<!-- BEGIN postmortem-skill -->\nold\n<!-- END postmortem-skill -->\ntail\n"
    new, before, after = merge.upsert_block(old, "new text", "html", "F")
    assert new == b"mine\n\n<!-- BEGIN postmortem-skill -->\nnew text\n<!-- END postmortem-skill -->\ntail\n"
    assert (before, after) == ("", "")


def test_damaged_markers_are_refused():
    with pytest.raises(SkillError, match="damaged"):
        merge.upsert_block(b"<!-- BEGIN postmortem-skill -->\nno end\n", "x", "html", "AGENTS.md")


@pytest.mark.parametrize("original", [
    None,
    b"",
    b"model: gpt\n",
    b"model: gpt",
    b"read:\n  - NOTES.md\nmodel: gpt\n",
    b"read:\n- NOTES.md\n- OTHER.md\n",
    b"read:\r\n  - NOTES.md\r\n",
    b"# settings\nread: # files\n  - NOTES.md  # ours\n\nmodel: x\n",
])
def test_yaml_list_item_is_added_and_removed_exactly(original):
    new, before = merge.upsert_item(original, "read", "CONVENTIONS.md", "F")
    parsed = yaml.safe_load(new)
    assert "CONVENTIONS.md" in parsed["read"]
    if original and b"read:" in original:
        assert set(yaml.safe_load(original)["read"]) < set(parsed["read"])
    assert merge.upsert_item(new, "read", "CONVENTIONS.md", "F")[0] == new
    assert merge.remove_item(new, before) == (original or b"")


def test_yaml_list_sees_the_users_own_item():
    assert merge.listed(b"read: [CONVENTIONS.md]\n", "read", "CONVENTIONS.md")
    assert not merge.listed(b"read: [OTHER.md]\n", "read", "CONVENTIONS.md")


def test_yaml_flow_list_is_refused():
    with pytest.raises(SkillError, match="by hand"):
        merge.upsert_item(b"read: [A.md]\n", "read", "CONVENTIONS.md", ".aider.conf.yml")


def test_aider_style_user_item_is_left_alone_by_install(tmp_path, run):
    from postmortem_skill.compiler.targets import load_targets
    if not any(o.kind == "yaml-list" for t in load_targets() for o in t.outputs):
        pytest.skip("no yaml-list target")
    target = next(t for t in load_targets() if any(o.kind == "yaml-list" for o in t.outputs))
    output = next(o for o in target.outputs if o.kind == "yaml-list")
    if "{" in output.item:
        pytest.skip("templated item")
    original = f"{output.key}: [{output.item}]\n".encode()
    (tmp_path / output.path).write_bytes(original)
    assert run("install", target.id, "--project", str(tmp_path))[0] == 0
    assert (tmp_path / output.path).read_bytes() == original
    run("uninstall", target.id, "--project", str(tmp_path))
    assert (tmp_path / output.path).read_bytes() == original
