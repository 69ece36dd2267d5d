"""The shortcuts that make validate fast must never change what it reports.

Each prefilter (a cheap whole-document cue in front of an expensive pattern) and the span-based mask are
compared with the plain computation on generated text full of near-misses.
"""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.rules import security, structure

# The markup patterns as first written; markdown._MASKED has them reordered so that re can skip ahead.
_MASKED_PLAIN = (
    markdown._INLINE_CODE,
    re.compile(r"\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"!?\[|<https?:[^>]*>|https?://\S+|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),
    re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|\[\^\w+\]|\\(?=[^\w\s])"),
)


def _mask_char_by_char(text: str) -> str:
    """The obvious definition of markdown.mask: blank every character any markup pattern covers."""
    chars = list(text)
    for pattern in _MASKED_PLAIN:
        for m in pattern.finditer(text):
            chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


MARKUP = ["a*b", "**", "* ", "*x*", "x*", "`code`", "``a ` b``", "[link](http://x.test/a_(b))", "![img](p.png)",
          "<https://x.test>", "https://x.test/path?q=1", "<!-- note -->", "<b>", "</span>", "**bold**", "__u__",
          "*em*", "_e_", "[^1]", "\\*", "word", " ", "\n", "[", "]", "(", ")", "*", "_", "`", "<", ">", "http",
          "中文"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKUP) | st.text(max_size=6), max_size=12).map("".join))
def test_mask_blanks_exactly_what_the_patterns_cover(text):
    masked = markdown.mask(text)
    assert len(masked) == len(text)
    assert masked == _mask_char_by_char(text)


FRAGMENTS = ["+1 415 555 0134", "+44 20 7946 0958", "(415) 555-0134", "415.555.0134", "13812345678", "2026-11-27",
             "09:41", "v1.2.3", "81.2.69.160", "10.0.0.1", "192.0.2.7", "jane.doe@gmail.com", "security@corp.test",
             "@dana", "AKIAABCDEFGHIJKLMNOP", "ghp_" + "a" * 36, "xoxb-1234567890-abc", "sk-" + "A" * 40,
             "PASSWORD=hunter2hunter2", "Api_Key: 0123456789abcdef", "postgres://app:s3cret!@db:5432/x",
             "-----BEGIN RSA PRIVATE KEY-----", "eyJabcdefghijk.eyJabcdefghijk.abcdefghijk", "TODO", "[TODO: who]",
             "{{ incident_id }}", "FIXME", "XXX", "[待填写]", "TBA", "| a | DONE |", "`TODO`", "<!-- TODO -->",
             "İSTANBUL", " ", "\n", "\r\n", "word", "12", "345", "-", ".", ":"]


def _plain_scan(text):
    with pytest.MonkeyPatch.context() as patched:
        for module, name in ((security, "_SECRET_CUE"), (security, "_PHONE_CUE"), (security, "_IPV4_CUE"),
                             (security, "_EMAIL_CUE"), (structure, "PLACEHOLDER_CUE")):
            patched.setattr(module, name, re.compile(""))
        return check_text(text)


def _ids(findings):
    return [(f.rule, f.line, f.column, f.message) for f in findings if f.rule[:3] in ("PM6", "PM1")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(alphabet="aA1 .-+@:", max_size=8), max_size=14).map("".join))
def test_whole_document_cues_never_hide_a_finding(text):
    text = "# Incident\n\n## Summary\n\n" + text
    assert _ids(check_text(text)) == _ids(_plain_scan(text))


@pytest.mark.parametrize("text, cue, lines", [
    ("a\nb TODO\nc\nTODO TODO", markdown.PLACEHOLDER_CUE, [2, 4]),
    ("x\r\ny token\r\n", security._SECRET_CUE, [2]),
    ("TOKEN here\nnothing", security._SECRET_CUE, [1]),
    ("no cue at all", markdown.PLACEHOLDER_CUE, []),
])
def test_lines_matching_numbers_each_line_once(text, cue, lines):
    lowered = cue is security._SECRET_CUE
    assert parse_document(text).lines_matching(cue, lowered=lowered) == lines


# The sentence-end and quote patterns are written so that re can skip ahead (the mark first, any
# lookbehind after it); these are the plain forms they must agree with.
_END_PLAIN = re.compile(r"(?<=[.!?])[\"')\]’”]*\s+(?=[\"'(\[“‘]?[A-Z0-9@])|(?<=[。！？；])|(?<=[!?])\s+")
_QUOTED_PLAIN = re.compile(r"\"[^\"\n]{1,200}\"|“[^”]{1,200}”|「[^」]{1,200}」|『[^』]{1,200}』"
                           r"|(?<!\w)'[^'\n]{1,120}'(?!\w)")
PROSE = ["e.g.", "approx.", "U.S.", " Dr.", "etc.", "p.m.", "Dana", "it's", "'quoted'", "\"said\"", "“curly”",
         "「引用」", "『书名』", ". ", "! ", "? ", "?!", "。", "！", "；", ") ", "\" ", "e.g. ", "A.", "No. 5", "\n", " ",
         "x", "9"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PROSE) | st.text(max_size=4), max_size=16).map("".join))
def test_sentence_ends_and_quotes_match_their_plain_forms(text):
    from postmortem_skill.helper.model import sentences

    assert [m.end() for m in sentences._END_EN.finditer(text)] == [m.end() for m in _END_PLAIN.finditer(text)]
    assert [m.span() for m in sentences._QUOTED.finditer(text)] == [m.span() for m in _QUOTED_PLAIN.finditer(text)]
    piece = text.rstrip()  # as split_text passes it
    assert sentences._is_abbreviation(piece) == bool(sentences._ABBREV.search(piece))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["# A", "## B", "### C", "#### D", "## E", "text", "", "```", "- item"]),
                max_size=20).map("\n".join))
def test_section_at_is_the_innermost_section_around_the_line(text):
    doc = parse_document(text)
    for line in range(0, len(doc.lines) + 2):
        around = [s for s in doc.all_sections if s.line <= line <= s.end]
        assert doc.section_at(line) is (around[-1] if around else None)


def _cells_by_regex(text):
    """Table cells the general way (an escaped \\| stays inside its cell), for comparison."""
    pos, body = len(text) - len(text.lstrip(" ")), text.rstrip()
    pos += body[pos:pos + 1] == "|"
    end = len(body)
    if end > pos and body[end - 1] == "|" and (end < 2 or body[end - 2] != "\\"):
        end -= 1
    return [(1 + pos + m.start() + len(m.group()) - len(m.group().lstrip()), m.group().strip().replace("\\|", "|"))
            for m in re.finditer(r"(?:\\.|[^|\\])*", body[pos:end])
            if not m.start() or body[pos + m.start() - 1] == "|"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="| a\\`-", max_size=24))
def test_table_cells_split_like_the_general_rule(text):
    cells = markdown._table_cells(markdown.Line(1, 1, text))
    assert [(c.column, c.text) for c in cells] == _cells_by_regex(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(MARKUP + PROSE) | st.text(max_size=4), max_size=8).map("".join),
                min_size=1, max_size=3))
def test_text_without_markup_or_sentence_ends_is_split_as_before(texts):
    from postmortem_skill.helper.model import sentences

    lines = [markdown.Line(n, 1, text.replace("\n", " ")) for n, text in enumerate(texts, 1)]
    fast = [(text, raw, line.number, offset) for text, raw, line, offset in sentences.split_text(lines)]
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(sentences, "_MAY_CHANGE", re.compile(""))
        general = [(text, raw, line.number, offset) for text, raw, line, offset in sentences.split_text(lines)]
    assert fast == general


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKUP + PROSE) | st.text(max_size=4), max_size=10).map("".join))
def test_plain_text_without_markup_signs_is_only_respaced(text):
    fast = markdown.plain(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(markdown, "_INLINE_SIGN", re.compile(""))
        assert markdown.plain(text) == fast
