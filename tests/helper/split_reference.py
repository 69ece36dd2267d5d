"""The sentence splitter as it was at 2055bbd (session 8's start), kept as the definition the faster
model/sentences.py is property-tested against (tests/helper/test_split_reference.py). Not used by the package."""
# ruff: noqa

from __future__ import annotations

import re
from bisect import bisect_right

from postmortem_skill.helper.model import markdown, sentences
from postmortem_skill.helper.model.markdown import Line
from postmortem_skill.helper.model.lazypattern import lazy, may_hold_cjk

from markdown_reference import MARKUP_SIGN, mask  # the same at 2055bbd; kept once

_CJK = lazy(r"[\u3400-\u9fff\uf900-\ufaff]")  # compiled only for text that may_hold_cjk
# Every branch starts with its quote mark (the lookbehind comes after it) so that re can skip ahead.
_QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|“[^”]{1,200}”|「[^」]{1,200}」|『[^』]{1,200}』|'(?<!\w')[^'\n]{1,120}'(?!\w)")
# A log line: a timestamp with seconds, or one without seconds followed by a level or a [component]; a
# JSON record; a clock time with seconds before a level; glog; a level word up front. A dated sentence
# ("2026-03-07 22:10 The deploy started") is prose, and the language rules read it.
_LEVEL = r"(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERR(?:OR)?|FATAL|CRIT(?:ICAL)?|ALERT|EMERG|SEVERE)\b"
_LOG = re.compile(
    r"^\s*(?:[\[{(]?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}\S*[\]})]?\s+\S+|\S*[\]})]?\s+(?:" + _LEVEL + r"|\[))"
    r"|\{\s*\"|\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s+(?:[A-Z]{3,}|\[)|(?:E|W|I|F)\d{4}\s+\d{2}:\d{2}"
    r"|\S*\b(?:ERROR|WARN(?:ING)?|FATAL|CRITICAL|DEBUG)\b\s*[:\]|])"
)
# A sentence ends where a match ends: after . ! ? (closing quotes, then space before a capital or digit),
# after 。！？；, or after ! ? and space.
_END_EN = re.compile(r"[.!?][\"')\]’”]*\s+(?=[\"'(\[“‘]?[A-Z0-9@])|[。！？；]|[!?]\s+")
_WORD = re.compile(r"\w")
# What mask(), blank_quotes() or _END_EN could act on; text without any of it is one sentence as written.
_MAY_CHANGE = re.compile(MARKUP_SIGN.pattern + r"|[\"“「『'.!?。！？；]")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|Mr|Mrs|Ms|Dr|St|No|Fig|Inc|Ltd|Co|Jr|Sr|U\.S|a\.m|p\.m)|\b[A-Z])\.$")


class Sentence:
    __slots__ = ("text", "raw", "line", "column", "section", "lang", "flags")

    def __init__(self, text, raw, line, column, section, lang, flags):
        self.text, self.raw, self.line, self.column = text, raw, line, column
        self.section, self.lang, self.flags = section, lang, flags

    @property
    def display(self) -> str:
        return " ".join(markdown.plain(self.raw).split()).strip("*_ ")

    def __repr__(self):
        return f"Sentence(L{self.line}:{self.column} {self.lang} {sorted(self.flags)} {self.display[:50]!r})"


def language_of(text: str) -> str:
    if not may_hold_cjk(text):
        return "en"
    cjk = len(_CJK.findall(text))
    if cjk < 2:
        return "en"
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk >= words * 0.5 else "en"


def is_log_line(text: str) -> bool:
    return bool(_LOG.match(text))


def blank_quotes(text: str) -> str:
    return _QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def split_text(lines: list[markdown.Line]):
    """Yield (masked text, raw text, first Line, offset in that line) for each sentence of the lines."""
    if len(lines) == 1:
        raw, starts = lines[0].text, [0]
    else:
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line.text) + 1
        raw = "\n".join(line.text for line in lines)
    if not _MAY_CHANGE.search(raw):  # no markup, quote or sentence end: one sentence, as written
        yield from _emit(raw, raw, 0, len(raw), lines, starts)
        return
    whole = blank_quotes(mask(raw))
    begin = 0
    for m in _END_EN.finditer(whole):
        cut = m.end()
        piece = whole[begin:cut]
        if _is_abbreviation(piece.rstrip()):
            continue
        yield from _emit(whole, raw, begin, cut, lines, starts)
        begin = cut
    yield from _emit(whole, raw, begin, len(whole), lines, starts)


def _is_abbreviation(piece: str) -> bool:
    # the longest abbreviation is 7 characters; searching only the tail (re still sees what precedes it,
    # so \b is right) keeps this from scanning the whole sentence
    return piece.endswith(".") and _ABBREV.search(piece, max(0, len(piece) - 10)) is not None


def _emit(whole, raw, begin, end, lines, starts):
    piece = whole[begin:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if not piece or not _WORD.search(piece):
        return
    offset = begin + lead
    index = bisect_right(starts, offset) - 1
    yield piece, raw[offset:offset + len(piece)], lines[index], offset - starts[index]


_FLAGS: dict = {}  # (base flags, extra flags) -> (flags, flags with "log"): a few frozensets for all documents


def _flags(base: tuple, extra: tuple) -> tuple[frozenset, frozenset]:
    made = _FLAGS.get((base, extra))
    if made is None:
        flags = frozenset(base + extra)
        made = _FLAGS[(base, extra)] = (flags, flags | {"log"})
    return made


# is_log_line can only match a line whose first word starts with a digit or an opening bracket, or is a glog
# level and a digit, or holds an upper-case level: a cheaper test first for the many that do not
_MAY_BE_LOG = re.compile(r"\s*(?:[\d\[{(]|[EWIF]\d|\S*(?:ERROR|WARN|FATAL|CRITICAL|DEBUG))")


def split_document(doc) -> list[Sentence]:
    out: list[Sentence] = []
    append = out.append
    may_change, word, may_be_log, log = _MAY_CHANGE.search, _WORD.search, _MAY_BE_LOG.match, _LOG.match
    for block, parents in markdown.walk(doc.blocks):
        kind = block.kind
        if kind == "heading":
            groups, extra = [block.lines], ("heading",)
        elif kind == "paragraph":
            groups, extra = _field_groups(block.lines), ()
            if len(block.lines) == 1 and sentences._BOLD_HEADING.fullmatch(block.lines[0].text.strip()):
                extra = ("heading",)  # the splitter's own rule since session 9, not a speed change
        elif kind == "table":
            groups, extra = [[cell] for row in block.rows for cell in row if cell.text], ("table",)
        elif kind in ("fence", "code"):
            groups, extra = None, ("code",)
        else:
            continue
        section = doc.section_at(block.start)
        base = (("quote",) if any(p.kind == "quote" for p in parents) else ()) + \
            (("forward",) if section is not None and section.forward_looking else ())
        flags, as_log = _flags(base, extra)
        if groups is None:
            for line in block.lines:
                if line.text.strip():
                    append(Sentence(line.text, line.text, line.number, line.column, section,
                                    language_of(line.text), flags))
            continue
        for lines in groups:
            if len(lines) == 1 and not may_change(lines[0].text):
                # one line with no markup, quote or sentence end (most table cells): split_text's shortcut, inline
                line = lines[0]
                whole = line.text
                text = whole.strip()
                if text and word(text):
                    lead = len(whole) - len(whole.lstrip()) if whole[:1].isspace() else 0
                    append(Sentence(text, text, line.number, line.column + lead, section,
                                    "en" if text.isascii() else language_of(text),
                                    as_log if may_be_log(whole) and log(whole) else flags))
                continue
            for text, raw, line, offset in split_text(lines):
                append(Sentence(text, raw, line.number, line.column + offset, section,
                                "en" if text.isascii() else language_of(text),
                                as_log if may_be_log(line.text) and log(line.text) else flags))
    return out


_FIELD = re.compile(r"^\s*(?:\*\*|__|\*|_)[^*_]{1,40}?(?:\*\*|__|\*|_)?\s*[:：]")


def _field_groups(lines):
    """Split a paragraph before each `**Label**: value` line: header fields are not one sentence."""
    groups: list = []
    for line in lines:
        if not groups or _FIELD.match(line.text):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups
