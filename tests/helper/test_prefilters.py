"""The shortcuts that make validate fast must never change what it reports.

Each prefilter (a cheap whole-document cue in front of an expensive pattern) and the span-based mask are
compared with the plain computation on generated text full of near-misses.
"""
import functools
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.rules import actions, language, security, structure

MARKUP = ["a*b", "**", "* ", "*x*", "x*", "`code`", "``a ` b``", "[link](http://x.test/a_(b))", "![img](p.png)",
          "<https://x.test>", "https://x.test/path?q=1", "<!-- note -->", "<b>", "</span>", "**bold**", "__u__",
          "*em*", "_e_", "[^1]", "\\*", "word", " ", "\n", "[", "]", "(", ")", "*", "_", "`", "<", ">", "http",
          "中文"]


@pytest.mark.parametrize("text, masked", [
    ("See `rm -rf` and [the doc](https://x.y/z) **now**", "See          and  the doc                   now  "),
    ("a*b and *em* and **bold** and __u__ x*", "a*b and  em  and   bold   and   u   x "),
    ("![img](p.png) <https://x.test> https://x.test/p?q=1 end", "  img" + " " * 47 + "end"),
    ("<!-- note --> <b>hi</b> [^1] \\* ``a ` b``", " " * 17 + "hi" + " " * 22),
    ("[link](http://x.test/a_(b)) 中文", " link" + " " * 23 + "中文"),
    ("plain words stay as they are", "plain words stay as they are"),
])
def test_mask_blanks_markup_and_keeps_words_in_their_columns(text, masked):
    assert markdown.mask(text) == masked


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKUP) | st.text(max_size=6), max_size=12).map("".join))
def test_mask_only_blanks_characters(text):
    masked = markdown.mask(text)
    assert len(masked) == len(text)
    assert all(m == c or m == " " for m, c in zip(masked, text))


FRAGMENTS = ["+1 415 555 0134", "+44 20 7946 0958", "(415) 555-0134", "415.555.0134", "13812345678", "2026-11-27",
             "09:41", "v1.2.3", "81.2.69.160", "10.0.0.1", "192.0.2.7", "jane.doe@gmail.com", "security@corp.test",
             "@dana", "AKIAABCDEFGHIJKLMNOP", "ghp_" + "a" * 36, "xoxb-1234567890-abc", "sk-" + "A" * 40,
             "PASSWORD=hunter2hunter2", "passwd: hunter2hunter2", "Pass ", "pwd=", "Api_Key: 0123456789abcdef", "postgres://app:s3cret!@db:5432/x",
             "-----BEGIN RSA PRIVATE KEY-----", "eyJabcdefghijk.eyJabcdefghijk.abcdefghijk", "TODO", "[TODO: who]",
             "{{ incident_id }}", "FIXME", "XXX", "[待填写]", "TBA", "| a | DONE |", "`TODO`", "<!-- TODO -->",
             "İSTANBUL", " ", "\n", "\r\n", "word", "12", "345", "-", ".", ":"]


def _plain_scan(text):
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(security, "_SECRET_CUES", (re.compile(""),))
        for module, name in ((security, "_PHONE_CUE"), (security, "_IPV4_CUE"),
                             (security, "_EMAIL_CUE"), (structure, "PLACEHOLDER_CUE")):
            patched.setattr(module, name, re.compile(""))
        patched.setattr(security, "_phone_lines", lambda doc: list(range(1, len(doc.lines) + 1)))
        return check_text(text)


def _ids(findings):
    return [(f.rule, f.line, f.column, f.message) for f in findings if f.rule[:3] in ("PM6", "PM1")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(alphabet="aA1 .-+@:", max_size=8), max_size=14).map("".join))
def test_whole_document_cues_never_hide_a_finding(text):
    text = "# Incident\n\n## Summary\n\n" + text
    assert _ids(check_text(text)) == _ids(_plain_scan(text))


SECRET_WORDS = ["akia", "asia", "aiza", "apikey", "api_key", "api-key", "api\nkey", "accesskey", "access_key",
                "accountkey", "ghp_", "gho_", "ghx_", "github_pat_", "glpat-", "passw", "pwd", "private key", "secret",
                "sk-", "token", "xox", "_live_", "eyj", "npm_", "hooks", "bearer", "://u:p@h", "://:pw@h", "://a b:c@",
                "k", "_", "-", "w", "c", "x", "j", "b", "z", "s", ":", "@", "/", " ", "\n", "a", "p", "e", "t"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(SECRET_WORDS) | st.text(alphabet="akisptoe_-:\n", max_size=4), max_size=12)
       .map("".join))
def test_secret_cue_found_from_rare_letters_marks_the_same_lines(text):
    written = re.compile(r"a(?:kia|sia|iza|pi.?key|ccess.?key|ccountkey)|g(?:h[pousr]_|ithub_pat_|lpat-)|"
                         r"p(?:assw|wd|rivate key)|s(?:ecret|k-)|t(?:oken)|xox|_live_|eyj|npm_|hooks|bearer|"
                         r"://[^\s/@]*:[^\s@]+@")
    doc = parse_document(text)
    assert security._secret_lines(doc) == doc.lines_matching(written, lowered=True)


PHONE_PIECES = ["+", "+1", "1", "12", "123", "1234", "12345678901", "１２３", "٣", " ", "\t", "\u3000", "\n",
                ".", "-", "a"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PHONE_PIECES), max_size=14).map("".join))
def test_phone_cue_with_its_leading_digits_shared_marks_the_same_lines(text):
    first_written = re.compile(r"[+\d](?:(?<=\+)\d|\d\d[^\S\n]\d{3}|\d\d[.-]\d{3}|\d{10})")
    doc = parse_document(text)
    assert doc.lines_matching(security._PHONE_CUE) == doc.lines_matching(first_written)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(PHONE_PIECES + ["\r", "\r\n", "\x1c", "\x1f", "\x0b", "\xa0", "é", "€", "0", "9",
                                                 "\ud800", "x"]), max_size=20).map("".join))
@example("+1 415 555 0134\nno phone\n12345678901 ")
@example("ab 123\x1c456\n€ 123 456\n١٢٣ ٤٥٦")
def test_phone_lines_read_as_bytes_are_the_lines_the_cue_marks(text):
    doc = parse_document(text)
    assert security._phone_lines(doc) == doc.lines_matching(security._PHONE_CUE)


DETERMINED_PIECES = ["the", "their", "our", "a", "an", "its", "The", "x", "_", "-", " ", "  ", "\n", "Foo", "Ba", "A",
                     "Scheduler's", "é", "1"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(DETERMINED_PIECES), max_size=14).map("".join))
def test_determined_names_found_word_by_word_are_the_ones_found_at_once(text):
    first_written = re.compile(r"(?:t(?<!\wt)(?:he|heir)|o(?<!\wo)ur|a(?<!\wa)n?|i(?<!\wi)ts)\s+([A-Z][a-z]+)\b")
    doc = parse_document(text)
    assert language._systems(doc) == (set(first_written.findall(text)) | set(language._BACKTICKED.findall(text))) \
        - language._CALENDAR


PLACEHOLDER_PIECES = ["TODO", "FIXME", "TBA", "XXX", "TODOS", "-TODO", "x_TODO", "[TODO]", "[TODO: who",
                      "[待办]", "[待填写：x]", "{{ id }}", "{{x}", "[Service Name]", "[Name]", "[Rick]", "[YYYY-MM-DD]",
                      "[HH:MM]", "]", "[", "!", "\\", "(", ":", "<owner>", "<b>", "<on call>", "<!-- x -->",
                      "[负责人]", "[日期]", " ", "\n", "-", "_", "T", "F", "X", "a", "Aa"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(PLACEHOLDER_PIECES) | st.text(max_size=3), max_size=12).map("".join))
def test_placeholder_pattern_with_look_behinds_after_the_first_character_matches_as_first_written(text):
    first_written = re.compile(
        r"\[(?:TODO|待办|待填写)(?:\s*[:：][^\]\n]*)?(?:\]|$)|\{\{\s*[\w.-]+\s*\}\}"
        r"|(?<![\w-])(?:TODO|FIXME|TBA|XXX)(?![\w-])"
        r"|(?<![\]\\!])\[(?:[A-Z][a-z]+(?:[ /-][A-Z][a-z]+){1,3}|(?:YYYY|MM|DD|HH)[-/: .]?[^\]\n]{0,16}|"
        + markdown._FIELD_WORDS + r"|服务名称?|姓名|名字|负责人|日期|时间|标题|事件名称)\](?![(\[:])"
        r"|<(?!(?:" + markdown._HTML_TAGS + r")>)[a-z]+(?:[ _-][a-z]+)?>")
    assert [(m.span(), m.group()) for m in markdown.PLACEHOLDER.finditer(text)] == \
        [(m.span(), m.group()) for m in first_written.finditer(text)]


@pytest.mark.parametrize("text, cue, lines", [
    ("a\nb TODO\nc\nTODO TODO", markdown.PLACEHOLDER_CUE, [2, 4]),
    ("x\r\ny token\r\n", security._SECRET_CUES[0], [2]),
    ("TOKEN here\nnothing", security._SECRET_CUES[0], [1]),
    ("no cue at all", markdown.PLACEHOLDER_CUE, []),
])
def test_lines_matching_numbers_each_line_once(text, cue, lines):
    lowered = cue in security._SECRET_CUES
    assert parse_document(text).lines_matching(cue, lowered=lowered) == lines


PROSE = ["e.g.", "approx.", "U.S.", " Dr.", "etc.", "p.m.", "Dana", "it's", "'quoted'", "\"said\"", "“curly”",
         "「引用」", "『书名』", ". ", "! ", "? ", "?!", "。", "！", "；", ") ", "\" ", "e.g. ", "A.", "No. 5",
         "\n", " ", "x", "9"]


@pytest.mark.parametrize("text, pieces", [
    ("The deploy failed. It was rolled back.", ["The deploy failed.", "It was rolled back."]),
    ("See e.g. the runbook. Then we paged.", ["See e.g. the runbook.", "Then we paged."]),
    ("The U.S. region failed. Traffic moved.", ["The U.S. region failed.", "Traffic moved."]),
    ("Item No. 5 failed. Next.", ["Item No. 5 failed.", "Next."]),
    ("Version 1.2 shipped. 3 hosts failed.", ["Version 1.2 shipped.", "3 hosts failed."]),
    ("Why?! Because the cache was stale.", ["Why?!", "Because the cache was stale."]),
    ("The fix (a restart.) Worked.", ["The fix (a restart.)", "Worked."]),
    ("发布失败。已回滚；告警恢复！", ["发布失败。", "已回滚；", "告警恢复！"]),
    ("lower case after a stop. stays one sentence", ["lower case after a stop. stays one sentence"]),
])
def test_sentences_end_where_a_reader_would_end_them(text, pieces):
    from postmortem_skill.helper.model import sentences

    assert [piece for piece, *_ in sentences.split_text([markdown.Line(1, 1, text)])] == pieces


SPLIT_SIGNS = ["http:", "https:", "htt", "h", "th", "ttps:", "`", "[", "]", "<", "*", "_", "\\", "\"", "“", "「", "『",
               "'", ".", "!", "?", "。", "！", "？", "；", " ", "\n", "\t", "A", "9", "@", ")", "’", "”", "(", "‘", "x",
               "中文"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(SPLIT_SIGNS) | st.text(max_size=3), max_size=14).map("".join))
def test_sign_and_sentence_end_patterns_written_class_first_match_as_first_written(text):
    from postmortem_skill.helper.model import sentences

    first_written = {
        sentences._END_EN: r"[.!?][\"')\]’”]*\s+(?=[\"'(\[“‘]?[A-Z0-9@])|[。！？；]|[!?]\s+",
        markdown.MARKUP_SIGN: r"[`\[\]<*_\\]|https?:",
        sentences._MAY_CHANGE: r"[`\[\]<*_\\]|https?:" + r"|[\"“「『'.!?。！？；]",
    }
    for pattern, source in first_written.items():
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in re.finditer(source, text)], source


@pytest.mark.parametrize("text, blanked", [
    ('He said "the cache is stale" twice', 'He said "' + " " * 18 + '" twice'),
    ("it's Dana's 'quoted' text", "it's Dana's '      ' text"),
    ("「引用」和“中文”『书名』", "「  」和“  ”『  』"),
    ("don't 'x", "don't 'x"),
    ('"' + "x" * 201 + '"', '"' + "x" * 201 + '"'),  # too long to be a quotation
])
def test_quotations_are_blanked_between_their_marks(text, blanked):
    from postmortem_skill.helper.model import sentences

    assert sentences.blank_quotes(text) == blanked


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["# A", "## B", "### C", "#### D", "## E", "text", "", "```", "- item"]),
                max_size=20).map("\n".join))
def test_section_at_is_the_innermost_section_around_the_line(text):
    doc = parse_document(text)
    for line in range(0, len(doc.lines) + 2):
        around = [s for s in doc.all_sections if s.line <= line <= s.end]
        assert doc.section_at(line) is (around[-1] if around else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["# A", "## B", "### C", "#### D", "## E", "###### F", "text", "", "```", "- item",
                                 "Setext", "---", "> ## quoted"]), max_size=24).map("\n".join))
def test_section_ends_closed_in_one_pass_as_first_defined(text):
    doc = parse_document(text)
    sections = doc.all_sections
    for i, section in enumerate(sections):  # the first definition: the next section at its level or above
        following = next((s for s in sections[i + 1:] if s.level <= section.level), None)
        assert section.end == (following.line - 1 if following else len(doc.lines))


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
@example("\x009\x00")  # a NUL around digits, as plain marks a code span: it was taken for one
def test_plain_text_without_markup_signs_is_only_respaced(text):
    fast = markdown.plain(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(markdown, "_INLINE_SIGN", re.compile(""))
        assert markdown.plain(text) == fast


def _plain_every_step(text):
    """markdown.plain as first written: every substitution on every text with a markup sign."""
    if not markdown._INLINE_SIGN.search(text):
        return markdown._BLANKS.sub(" ", text).strip()
    codes = []

    def keep_code(m):
        codes.append(m.group(2).strip() if m.group(2).strip() else m.group(2))
        return f"\x00{len(codes) - 1}\x00"

    out = markdown._INLINE_CODE.sub(keep_code, text)
    out = markdown._IMAGE.sub(lambda m: m.group(1), out)
    out = markdown._LINK.sub(lambda m: m.group(1) or m.group(2), out)
    out = markdown._AUTOLINK.sub(lambda m: m.group(1), out)
    out = markdown._TAG.sub("", out)
    for _ in range(3):
        new = markdown._EMPH.sub(lambda m: m.group(2) or m.group(3) or m.group(4), out)
        if new == out:
            break
        out = new
    out = markdown._ESCAPE.sub(r"\1", out)
    out = re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], out)
    return markdown._BLANKS.sub(" ", out).strip()


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(MARKUP + PROSE + ["![a](b)", "<em>x</em>", "\\_", "_x_", "**a _b_**", "\x00"])
                | st.text(max_size=4), max_size=10).map("".join))
def test_plain_runs_only_the_steps_the_text_has_signs_for(text):
    try:
        expected = _plain_every_step(text)
    except IndexError:  # a NUL and digits the text itself had, read as a code span's mark
        with pytest.raises(IndexError):
            markdown.plain(text)
        return
    assert markdown.plain(text) == expected


CUE_WORDS = ["was ", "Was", "is", "not", "had", "would ", "blame", "fault", "careless", "'s", "’", "!!", "É", "İ",
             "should have", "the fault of", "never bothered to", "a mess", "we", "it", "on", "\n", " ", ".", "x",
             "TODO", "[TODO]", "Dana:", "中文", "wasn't"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(CUE_WORDS) | st.text(max_size=4), max_size=8).map("".join), max_size=6))
def test_one_cue_search_per_document_agrees_with_the_gate_of_each_sentence(texts):
    from postmortem_skill.helper.rules import lexicon

    en = lexicon.english()
    one_by_one = [en.scanner(text.translate(lexicon._LOWER)) is not None for text in texts]
    assert lexicon.cued_en(texts) == one_by_one
    assert all(lexicon.ascii_lower(text) == text.translate(lexicon._LOWER) for text in texts)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["A", "z", "É", "İ", "Σ", "ß", "€", "–", "\ud800", "\udfff", "\ud83d\ude00", "😀",
                                 "\x00", "中"]) | st.text(max_size=6)).map("".join))
def test_ascii_lower_lowers_a_to_z_only(text):
    # ascii_lower reads a non-ASCII text as UTF-8 bytes (lone surrogates passed through): the same as translate
    from postmortem_skill.helper.rules import lexicon

    assert lexicon.ascii_lower(text) == text.translate(lexicon._LOWER)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(CUE_WORDS + ["should", "shoulder", "at fault", "_was", "x-was", "é was",
                                                      "never bothered", "by mistake", "careless!!"])
                         | st.text(max_size=4), max_size=8).map("".join), max_size=6))
def test_cue_words_found_without_the_cue_pattern_are_the_patterns(texts):
    from postmortem_skill.helper.rules import lexicon

    en = lexicon.english()
    lows = [lexicon.ascii_lower(text) for text in texts]
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lexicon, "_MANY", [False])  # one document: the first two characters of each word
        one = (lexicon.cued_en(texts), [en.cues_in(low) for low in lows])
    for low in lows:
        assert en.cues_in(low) == set(en.cue_re.findall(low))
        m = en.cue_re.search(low)
        assert en.cue_at(low) == ((m.start(), m.group(1)) if m else (-1, None))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lexicon, "_MANY", [True])
        assert one == (lexicon.cued_en(texts), [en.cues_in(low) for low in lows])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(CUE_WORDS + ["never bothered", "careless!!", "é was", "x-was", "中文 was"])
                         | st.text(max_size=4), max_size=8).map("".join), max_size=6))
def test_cues_of_a_document_found_at_once_are_each_sentences_own(texts):
    from postmortem_skill.helper.rules import lexicon

    en = lexicon.english()
    own = []
    for text in texts:
        low = lexicon.ascii_lower(text)
        own.append(en.cues_in(low) | {cue for cue in en.others if cue in low})
    for many in (False, True):
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(lexicon, "_MANY", [many])
            assert [set(cues) for cues in lexicon.cues_en(texts)] == own
            for text, cues in zip(texts, lexicon.cues_en(texts)):  # the gate reads the same families from them
                low = lexicon.ascii_lower(text)
                alone, given = en.scanner(low), en.scanner(low, cues=cues)
                assert (alone is None) == (given is None)
                assert alone is None or alone.present == given.present


@functools.cache
def _family_sources():
    from postmortem_skill.helper.rules import lexicon

    en = lexicon.english()
    return {name: (re.compile(source), re.compile(lexicon.by_first_letter(source)))
            for name, source in en._lazy.items()}


FAMILY_WORDS = ["is", "was all", "entirely", "on", "with", "it's", "that’s", "the result of", "result of", "broke",
                "took the db down", "too busy", "is the one who", "as asleep", "deleted", "prod", "by mistake",
                "without testing", "without even asking", "careless", "human error", "should", "could've", "the",
                "fault of", "blame", "'s", "’", "!!!", "mess", "a total mess", "root cause was", "cause of x is",
                "caused by", "thanks to", "sole responsibility of", "comes down to", "fired", "be fired", " ", "."]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FAMILY_WORDS) | st.text(alphabet="abcdeilnorstuwy '’-.", max_size=8),
                max_size=10).map(" ".join))
def test_phrase_patterns_sorted_by_first_letter_match_the_same(text):
    low = text.lower()
    for name, (written, sorted_) in _family_sources().items():
        assert [(m.span(), m.groups()) for m in written.finditer(low)] == \
            [(m.span(), m.groups()) for m in sorted_.finditer(low)], name


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["on-call", "oncallers", "on-call engineers", "leads", "team lead", "new hire", "foo team",
                        "postgres", "postgresql", "k8s", "engineer", "engineers’", "staffers", "qa", "i", "no one"])
       | st.text(alphabet="abcdeilnorstuwyk8 -'", max_size=10))
def test_word_lists_grouped_by_first_letter_fullmatch_the_same_words(word):
    from postmortem_skill.helper.rules import lexicon

    for key in ("roles", "system_names"):
        written = re.compile("(?:" + lexicon._alts(lexicon.data("en")[key]) + ")")
        grouped = re.compile("(?:" + lexicon._whole_word_alts(lexicon.data("en")[key]) + ")")
        assert bool(written.fullmatch(word)) == bool(grouped.fullmatch(word)), key


def _kind_as_first_written(people, systems):
    """lexicon.word_kind's kind() with the role and system-name patterns matched on every word."""
    from postmortem_skill.helper.model.subjects import possessive_stripped
    from postmortem_skill.helper.rules import lexicon

    vocab, person_nouns = lexicon.english().vocab, lexicon.english().person_nouns

    def kind(word):
        bare = possessive_stripped(word)
        low = bare.lower()
        if bare in systems:
            return "system"
        if bare in people or (bare[:1].isupper() and low in vocab.given_names) or \
                (low in lexicon.english().honorifics and bare.istitle()):  # "Dr. Lindqvist"
            return "name"
        if bare in lexicon.english().role_acronyms:  # "someone in IT": a department, not the pronoun
            return "role"
        if vocab.role.fullmatch(low) and low not in lexicon._NOT_ROLES_HERE:
            return "role"
        if low in vocab.systems or vocab.system_name.fullmatch(low):
            return "system"
        if low in person_nouns or (low[-1:] == "s" and low[:-1] in person_nouns):
            return "role"
        if bare[:1].isupper() and bare[1:].islower() and bare.isalpha() and bare not in vocab.stop_caps:
            return "proper"
        return None
    return kind


@functools.cache
def _vocabulary_words():
    from postmortem_skill.helper.rules import lexicon

    d = lexicon.data("en")
    words = set(d["systems"]) | set(d["person_nouns"]) | set(d["stop_caps"]) | set(d["given_names"][:300])
    for key in ("roles", "system_names"):
        for alternative in d[key]:
            words.update(lexicon._spell(alternative) or [])
    return sorted(words | {"group", "groups", "Group", "payments team", "sre team", "x team", "on-call", "oncall"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_vocabulary_words()).flatmap(
    lambda w: st.sampled_from([w, w + "s", w + "'s", w + "’", w.capitalize(), w.upper(), w[:-1], w + "es"]))
    | st.text(alphabet="abcdeiklnorstuyAEKS '’-_@中", max_size=9), max_size=25),
    st.sets(st.sampled_from(["Dana", "Quinn", "Vault", "Kafka", "kafka", "Payments team", "@dana"]), max_size=3),
    st.sets(st.sampled_from(["Quinn", "Scheduler", "Vault", "Dana", "engineer"]), max_size=3))
def test_a_words_kind_read_from_the_word_tables_is_as_the_patterns_say(words, people, systems):
    from postmortem_skill.helper.rules import lexicon

    expected = _kind_as_first_written(people, systems)
    for many in (False, True):  # the table with the lists spelled out (many documents) or not (one)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(lexicon, "_MANY", [many])
            kind = lexicon.word_kind(people, systems)
            assert [kind(word) for word in words] == [expected(word) for word in words]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeilnorstuwy-' 8k", max_size=14))
def test_role_and_system_name_patterns_spelled_out_are_the_words_they_fullmatch(word):
    from postmortem_skill.helper.rules import lexicon

    for key in ("roles", "system_names"):
        for alternative in lexicon.data("en")[key]:
            spelled = lexicon._spell(alternative)
            if spelled is not None:
                assert (word in spelled) == bool(re.fullmatch("(?:" + alternative + ")", word)), alternative
                for each in spelled:
                    assert re.fullmatch("(?:" + alternative + ")", each), (alternative, each)


LOG_PIECES = ["2026-03-07", " ", "T", "22:10", ":05", ".123Z", "[", "]", "{", "\"", "(", ")", "INFO", "ERROR", "WARN",
              "WARNING", "FATAL", "CRITICAL", "DEBUG", "E0307", "W", "I1", "F", "svc", ":", "|", "x", "12:30:45",
              "\t", "\u3000", "٣"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LOG_PIECES) | st.text(max_size=4), max_size=8).map("".join))
def test_log_line_prefilter_never_hides_a_log_line(text):
    from postmortem_skill.helper.model import sentences

    assert not sentences.is_log_line(text) or sentences._MAY_BE_LOG.match(text)


def test_a_lazy_pattern_is_the_compiled_pattern_once_used():
    from postmortem_skill.helper.model.lazypattern import lazy

    source, text = r"(?P<word>\b[a-z]+)(?=\d)", "abc1 de2 f g3"
    pattern, compiled = lazy(source, re.I), re.compile(source, re.I)
    assert pattern.findall(text) == compiled.findall(text)  # the first use compiles it
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert pattern.sub("-", text) == compiled.sub("-", text) and pattern.split(text) == compiled.split(text)
    assert pattern.search(text).re == compiled and pattern.groupindex == compiled.groupindex
    assert (pattern.pattern, pattern.flags) == (compiled.pattern, compiled.flags)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(MARKUP) | st.text(max_size=6), max_size=12).map("".join))
def test_mask_skips_only_patterns_that_cannot_match(text):
    every = sorted(m.span() for pattern in markdown._MASKED for m in pattern.finditer(text))
    assert markdown.mask(text) == markdown.blanked(text, every)


LINK_PIECES = ["[a](", "](", "[b]", "(", ")", "(x)", "((", "))", " ", "\n", "\t", '"', ' "t")', "http://x.test/a",
               "_", "*", "`", "![i](", "[c][d]", "[^e]", "<", ">", "y"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(LINK_PIECES + MARKUP) | st.text(alphabet="()[] x\n", max_size=4), max_size=14)
       .map("".join))
def test_link_target_written_unrolled_matches_as_first_written(text):
    import markdown_reference

    first = r"\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"
    assert [m.span() for m in markdown._MASKED[1].finditer(text)] == [m.span() for m in re.finditer(first, text)]
    assert markdown.mask(text) == markdown_reference.mask(text)
    assert markdown.plain(text) == markdown_reference.plain(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=12)
       | st.lists(st.sampled_from(["a", "–", "€", "\u33ff", "\u3400", "中", "\u9fff", "\ua000", "\uf8ff", "\uf900",
                                   "\ufaff", "\ufb00", "。", "\ud800", "😀", "é"]), max_size=6).map("".join))
def test_may_hold_cjk_never_misses_a_chinese_character(text):
    from postmortem_skill.helper.model.lazypattern import may_hold_cjk

    assert may_hold_cjk(text) or not re.search(r"[\u3400-\u9fff\uf900-\ufaff]", text)
    long = "é–€ words " * 300 + text  # a whole document: searched byte by byte for each lead byte
    assert may_hold_cjk(long) == (re.search(rb"[\xe3-\xe9\xef]", long.encode("utf-8", "surrogatepass")) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1,.") + ["中", "文", "㐀", "鿿", "一", "豈", "。", "é", "😀",
                                                          "\u3000"])))
def test_an_action_is_read_as_chinese_as_the_class_says(text):
    from postmortem_skill.helper.rules.actions import _has_han

    assert _has_han(text) == bool(re.search(r"[\u4e00-\u9fff]", text))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["word", "a", "é", "café", "x1_y", "it's", "on-call", "’", "-", "_", "1", " ", ".",
                                 "\n", "Zoë", "中文", "@kim"]) | st.text(max_size=5), max_size=16).map("".join))
def test_six_words_are_found_as_findall_counts_them(text):
    from postmortem_skill.helper.rules import language

    assert (language._SIX_WORDS_EN.match(text) is not None) == (len(language._WORDS_EN.findall(text)) >= 6)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CUE_WORDS + ["never bothered", "é was", "x-was", "_was", "中文 was", "\n", " ", "'"])
                | st.text(max_size=4), max_size=10).map("".join))
def test_cues_found_after_a_non_word_character_are_the_cue_patterns(text):
    """cues_en's search with many documents (cue_after, and cue_re at the start only) finds what cue_re finds."""
    from postmortem_skill.helper.rules import lexicon

    en = lexicon.english()
    low = lexicon.ascii_lower(text)
    first = en.cue_re.match(low)
    found = ([(0, first.group(1))] if first else []) + [(m.start(1), m.group(1)) for m in en.cue_after.finditer(low)]
    assert found == [(m.start(), m.group(1)) for m in en.cue_re.finditer(low)]


def test_plain_keeps_a_text_s_own_nul_marks_beside_its_code_spans():
    assert markdown.plain("run `make` then \x000\x00 and *go*") == "run make then \x000\x00 and go"


PEOPLE_PIECES = ["be ", "more ", "careful", "CAREFUL", "Pay Attention", "reminders ", "Remind ", "the ", "Engineers",
                 "train", "TRAINING ", "staff ", "not to", "should", "needs to learn", "Learn the proper", "retrain",
                 "Disciplin", "hold ", "X ", "accountable", "talk to", "on-call", "oncall", "_", "-", " ", "a", "K"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PEOPLE_PIECES) | st.text(alphabet="aekKsStT _-", max_size=4), max_size=10)
       .map("".join))
def test_people_fixing_words_on_lower_cased_ascii_are_found_as_with_ignore_case(text):
    assert actions._fixes_people(text) == (actions._PEOPLE_EN.search(text) is not None)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="# \tx\n\x0b", max_size=16))
@example("## Heading ##  ")
@example("# #")
@example("# Foo ## ##")
@example("####### seven")
def test_atx_heading_cut_in_python_has_the_groups_of_the_pattern(body):
    m = markdown._ATX.match(body)
    assert markdown._atx(body) == (None if m is None else (m.group(1), m.group(2) or ""))
