import pytest
from hypothesis import given, settings
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


# --- the subset, compared with PyYAML -------------------------------------------------------------------
yaml = pytest.importorskip("yaml")

# Text on one line: letters, digits, YAML's indicator characters, CJK and an accented letter.
_TEXT = st.text(alphabet=st.sampled_from(list("abzAZ09 -_:#'\",.[]{}?!&*|>%@`/\\~=+") + ["复", "盘", "é"]),
                max_size=12)
_KEYS = _TEXT.filter(bool)  # PyYAML writes an empty key with a null value as a complex key (`? ''`)
_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12)
            | st.floats(allow_nan=False, allow_infinity=False) | _TEXT)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12)
_DOCUMENTS = st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5) | st.lists(_VALUES, min_size=1, max_size=5)


def _dump(value) -> str:
    return yaml.safe_dump(value, default_flow_style=False, allow_unicode=True, width=10**6)


@settings(max_examples=400, deadline=None)
@given(_DOCUMENTS)
def test_reads_what_pyyaml_writes_in_block_style(value):
    text = _dump(value)
    assert loads(text) == yaml.safe_load(text) == value


@pytest.mark.parametrize("text", [
    "a:\n- - x\n  - y\n- []\n", "- - a: 1\n    b: [c, 'd e']\n- {}\n", "x: 1.\ny: 1e5\nz: .5\nw: yEs\nv: Null\n",
    "1: one\n'2': two\n", "a: it's 'b #c\n",
    "- '''0 #' # c\n- \"a\\\" #\" # c\n", "t: |\n  kept\n  lines\nf: >-\n  folded\n  text\n",
    "  - |\n   #c\n", "k:\n  - |\n   x\n  - y\n",  # a list item's block scalar: deeper than its "-" is enough
])
def test_agrees_with_pyyaml_on_handwritten_documents(text):
    assert loads(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n---\nb: 2\n", "? a\n: b\n",
    "- ? a\n", "a: b: c\n", "a: - x\n", "a: 0x1F\n", "a: 012\n", "a: 0b101\n", "a: .inf\n", "a: .nan\n",
    "a: [1,\n  2]\n", "a: 'x\n  y'\n", "a: b\n  c\n", "- a\n  b\n", "a: |2\n   x\n", "a: {x:1}\n",
    "a: ,x\n", "a: ]\n", "[a]: 1\n", "a: 1:30.5\n",
])
def test_refuses_yaml_outside_the_subset(text):
    with pytest.raises(YamlError, match="line"):
        loads(text)


# Documents PyYAML reads, built from pieces the subset does and does not support: each is either read
# exactly as PyYAML reads it or refused, never misread. Dates and clock times are the documented
# exceptions (they stay strings), so the pieces avoid them.
_PIECES = st.sampled_from([
    "a", "b c", "1", "-1", "1.5", "1.", "1e5", "0x1F", "017", "yes", "Off", "NULL", "~", ".inf", "'q'", '"d"',
    "&x", "*x", "!!str", "[p, q]", "{k: v}", "{k:v}", "- i", "? k", ": v", "x: y", "#c", " #c", "|", ">-",
    ",", "]", "复盘", "it's",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "  ", "- ", "  - ", "- - "]), st.sampled_from(["k: ", "k2: ", ""]),
                          _PIECES), min_size=1, max_size=5))
def test_is_exact_or_refuses_never_misreads(parts):
    text = "".join(f"{indent}{key}{piece}\n" for indent, key, piece in parts)
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        expected = YamlError  # PyYAML refuses too: we may refuse or read it, but nothing else
    try:
        got = loads(text)
    except YamlError:
        return
    if expected is not YamlError:
        assert got == expected, text
