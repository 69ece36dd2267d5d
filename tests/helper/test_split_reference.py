"""The sentence splitter, made faster, still splits every document as its first definition did
(tests/helper/split_reference.py, the splitter at the start of session 8): the same sentences with the same
text, raw text, line, column, section, language and flags, on generated Markdown full of the cases it
treats specially (markup, quotes, sentence ends, abbreviations, tables, lists, quotes, code, logs, Chinese)."""
import split_reference
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.model import sentences
from postmortem_skill.helper.model.document import parse_document

INLINE = ["The deploy failed. ", "It was rolled back! ", "Why? ", "e.g. the runbook. ", "U.S. region. ", "No. 5. ",
          "`code span` ", "``a ` b`` ", "[link](https://x.test/a_(b)) ", "![img](p.png) ", "<https://x.test> ",
          "https://x.test/p?q=1 ", "**bold** ", "*em* ", "_e_ ", "snake_case ", "[^1] ", "\\* ", "<b>hi</b> ",
          "<!-- note --> ", "\"the cache is stale\" ", "it's Dana's 'quoted' text ", "“curly” ", "「引用」",
          "『书名』", "发布失败。", "已回滚；", "告警恢复！", "值班同学没有检查。", "(a restart.) ", "3 hosts. ", "A. ",
          "Dr. Who ", "TODO ", "[TODO: who] ", "Dana: ", "**Owner**: ", "2026-03-07 22:10 ", "ERROR db down ", "  ",
          "\t", "x", "中"]
LINES = ["# Title", "## Summary", "### Detail", "## Lessons Learned", "## Timeline", "## 5 Whys", "Setext", "===",
         "---", "- item", "  - nested item", "1. first", "2) second", "> quoted", "> > deeper", "```", "~~~",
         "    indented code", "| Time | Event |", "|---|---|", "| 07:12 | Config merged. It failed. |",
         "| a \\| b | `x|y` |", "", "**Date**: 2026-02-17", "<!-- comment", "-->", "<div>",
         "2026-03-07T22:10:05Z ERROR boom", "[12:30:45] INFO started", "E0307 12:00:00 glog"]


def _line():
    inline = st.lists(st.sampled_from(INLINE) | st.text(max_size=5), min_size=1, max_size=6).map("".join)
    prefix = st.sampled_from(["", "", "", "- ", "> ", "  ", "    ", "| ", "1. ", "**Why #1**: "])
    return st.sampled_from(LINES) | st.tuples(prefix, inline).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_line(), max_size=24).map("\n".join))
def test_the_faster_splitter_splits_as_first_defined(text):
    doc = parse_document(text)

    def fields(found):
        return [(s.text, s.raw, s.line, s.column, s.section, s.lang, s.flags) for s in found]

    assert fields(sentences.split_document(doc)) == fields(split_reference.split_document(doc))


def test_the_splitter_reads_the_repository_documents_as_first_defined():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [*root.glob("docs/*.md"), *root.glob("prompts/**/*.md"), *root.glob("evals/**/*.md")]:
        doc = parse_document(path.read_text(encoding="utf-8"))
        assert [(s.text, s.raw, s.line, s.column, s.lang, s.flags) for s in sentences.split_document(doc)] == \
            [(s.text, s.raw, s.line, s.column, s.lang, s.flags) for s in split_reference.split_document(doc)], path


def _tree(blocks):
    """Everything a block holds, nested, for comparing two parsers."""
    return [(b.kind, b.start, b.end, [(l.number, l.column, l.text) for l in b.lines], b.level, b.text, b.info,
             b.closed, [[(c.number, c.column, c.text) for c in row] for row in b.rows], _tree(b.children))
            for b in blocks]


BLOCK_LINES = LINES + ["", "", "   ", "\t- tabbed item", "-", "* star", "+ plus", "10. ten", "  continuation", "***",
                       "___", "- - -", "#", "####### seven", "## closed ##", "``` python", "```` four", "~~~ info",
                       "<!--", "<p>html</p>", "> - quoted item", ">", "| x |", "|:-:|---:|", "a | b", "--- | ---",
                       "---", "front: matter", "Setext two", "--"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(BLOCK_LINES) | _line(), max_size=30).map("\n".join))
def test_the_faster_parser_parses_as_first_defined(text):
    import markdown_reference

    from postmortem_skill.helper.model import markdown

    assert _tree(markdown.parse(text)) == _tree(markdown_reference.parse(text))
