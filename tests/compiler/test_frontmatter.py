"""Emitted frontmatter always parses back to what was meant (hypothesis on hostile descriptions)."""
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from postmortem_skill.compiler import frontmatter
from postmortem_skill.compiler.render import skill_md
from postmortem_skill.compiler.source import Skill

hostile = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@given(hostile)
@example("key: value # not a comment")
@example("- leading dash")
@example("'quoted' and \"double\"")
@example("复盘：事故复盘, 故障报告 #标签")
@example("yes")
@example("null")
@example("1.5")
@example("@at *star &amp !bang %percent `tick` |pipe >fold")
@example("   padded   ")
@example("tab\tinside\u2028line separator\x85next line")
def test_scalar_is_one_line_and_round_trips(value):
    text = frontmatter.scalar(value)
    assert "\n" not in text and "\r" not in text
    assert yaml.safe_load(f"k: {text}\n") == {"k": value}


@given(st.dictionaries(st.sampled_from(["name", "description", "license", "compatibility"]), hostile,
                       min_size=1), st.booleans())
def test_emitted_block_parses_back(mapping, flag):
    mapping = dict(mapping, alwaysApply=flag)
    text = frontmatter.emit(mapping)
    meta, body = frontmatter.split(text + "body\n", "test")
    assert meta == mapping and body == "body\n"


@settings(max_examples=60)
@given(hostile.filter(lambda s: s.strip()))
def test_skill_md_description_is_single_line_and_meant(description):
    skill = Skill(name="postmortem-writing", description=description,
                  frontmatter={"name": "postmortem-writing", "description": description}, body="\n# Body\n")
    text = skill_md(skill, {}).decode()
    lines = text.split("\n")
    assert sum(line.startswith("description:") for line in lines) == 1
    meta, body = frontmatter.split(text, "SKILL.md")
    assert meta == {"name": "postmortem-writing", "description": frontmatter.one_line(description)}
    assert body.endswith("# Body\n")


@given(st.text(alphabet="abcyYnNoOfFtTrRlLsSeEuU09_./-", min_size=1, max_size=12))
@example("CONVENTIONS.md")
@example("Off")
@example("nULL")
def test_plain_words_skip_pyyaml_and_come_out_as_pyyaml_would_dump_them(value):
    assert frontmatter.scalar(value) == frontmatter._string_scalar(value)
