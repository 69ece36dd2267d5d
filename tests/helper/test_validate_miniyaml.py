import pytest
from hypothesis import given
from hypothesis import strategies as st

from postmortem_skill.helper.model.miniyaml import YamlError, loads


def test_config_shapes():
    text = """---
# project settings
folder: docs/postmortems   # where drafts live
id_pattern: 'INC-\\d+'
severity_scale: [SEV1, SEV2, "P0"]
disabled_rules:
- PM304
severity:
  PM301: error
rows:
  - time: 2026-03-04 09:12
    event: "Deploy: started # kept"
  - time: '10:00'
notes: |
  first
  second
folded: >-
  a
  b
empty:
"""
    assert loads(text) == {
        "folder": "docs/postmortems",
        "id_pattern": "INC-\\d+",
        "severity_scale": ["SEV1", "SEV2", "P0"],
        "disabled_rules": ["PM304"],
        "severity": {"PM301": "error"},
        "rows": [{"time": "2026-03-04 09:12", "event": "Deploy: started # kept"}, {"time": "10:00"}],
        "notes": "first\nsecond\n",
        "folded": "a b",
        "empty": None,
    }


def test_scalars_and_flow_maps():
    assert loads("a: 3\nb: -1.5\nc: off\nd: ~\ne: {x: 1, y: [a, 'b c']}\nf: \"\\u00e9\\n\"") == {
        "a": 3, "b": -1.5, "c": False, "d": None, "e": {"x": 1, "y": ["a", "b c"]}, "f": "é\n"}


def test_empty_and_top_level_list():
    assert loads("") is None
    assert loads("# only a comment\n") is None
    assert loads("- a\n- b: 1\n  c: 2\n") == ["a", {"b": 1, "c": 2}]


@pytest.mark.parametrize("bad", ["a: [1, 2", "a: 'x", "a: 1\n   b: 2", "a: *ref", "\ta: 1", "a: 1\na: 2"])
def test_errors_name_the_line(bad):
    with pytest.raises(YamlError, match="line"):
        loads(bad)


@given(st.text(max_size=200))
def test_never_raises_anything_but_yamlerror(text):
    try:
        loads(text)
    except YamlError:
        pass
