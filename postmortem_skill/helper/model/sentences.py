"""Sentences of a Document, with where they stand and what kind of text they are. No I/O.

Sentence fields:
  text      the sentence with Markdown markup, code spans, URLs and quoted speech blanked to spaces
            (what the language rules read; offsets match the source columns on the first line)
  raw       the sentence as written; `display` is readable text for messages (markup removed)
  line, column  where the sentence starts (1-based)
  section   the innermost Section (or None before the first heading)
  lang      'en' or 'zh', decided per sentence
  flags     a frozenset of: heading, quote, code, log, table, forward (in a forward-looking section)
"""
from __future__ import annotations

import re
from bisect import bisect_right

from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.lazypattern import lazy, may_hold_cjk

_CJK = lazy(r"[\u3400-\u9fff\uf900-\ufaff]")  # compiled only for text that may_hold_cjk
# Every branch starts with its quote mark (the lookbehind comes after it) so that re can skip ahead.
_QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|“[^”]{1,200}”|「[^」]{1,200}」|『[^』]{1,200}』|'(?<!\w')[^'\n]{1,120}'(?!\w)")
_QUOTE_MARKS = ("'", '"', "“", "「", "『")
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
# (Written as "[.!?。！？；](?:(?<=[.!?])…|…)": a pattern that starts with one character class lets re skip to
# those characters, three times faster than trying "[.!?]…|[。！？；]|[!?]…" at every place.)
_END_EN = re.compile(r"[.!?。！？；](?:(?<=[.!?])[\"')\]’”]*\s+(?=[\"'(\[“‘]?[A-Z0-9@])|(?<=[。！？；])|(?<=[!?])\s+)")
_WORD = re.compile(r"\w")
# What mask(), blank_quotes() or _END_EN could act on; text without any of it is one sentence as written:
# markdown.MARKUP_SIGN or a quote mark or sentence end, written the same way.
_MAY_CHANGE = re.compile(r"[`\[\]<*_\\h\"“「『'.!?。！？；](?:(?<=h)ttps?:|(?<!h))")
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
    return _MAY_BE_LOG.match(text) is not None and _LOG.match(text) is not None


def blank_quotes(text: str) -> str:
    # every _QUOTED match starts with one of _QUOTE_MARKS (five `in` tests, without a generator to run them)
    if not ("'" in text or '"' in text or "“" in text or "「" in text or "『" in text):
        return text
    return _QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


_FIRST = (0,)  # where the one line of a one-line group starts


def split_text(lines: list[markdown.Line], may_change: bool = False):
    """Yield (masked text, raw text, first Line, offset in that line) for each sentence of the lines.
    `may_change`: the caller found a markup sign, quote mark or sentence end in them already."""
    if len(lines) == 1:
        raw, starts = lines[0].text, _FIRST
    else:
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line.text) + 1
        raw = "\n".join([line.text for line in lines])
    if not may_change and not _MAY_CHANGE.search(raw):  # no markup, quote or sentence end: one sentence
        piece = _piece(raw, raw, 0, len(raw), lines, starts)
        if piece:
            yield piece
        return
    whole = blank_quotes(markdown.mask(raw))
    begin = 0
    for m in _END_EN.finditer(whole):
        cut = m.end()
        # a piece that ends in "." right before the space (no closing quote) may end in an abbreviation; the
        # longest is 7 characters, so only the tail is searched (re still sees what precedes it: \b is right)
        if whole[m.start():m.start() + 1] == "." and whole[m.start() + 1:m.start() + 2].isspace() and \
                _ABBREV.search(whole, max(begin, m.start() - 9), m.start() + 1) is not None:
            continue
        piece = _piece(whole, raw, begin, cut, lines, starts)
        if piece:
            yield piece
        begin = cut
    piece = _piece(whole, raw, begin, len(whole), lines, starts)
    if piece:
        yield piece


def _piece(whole, raw, begin, end, lines, starts):
    """(text, raw, line, offset) of whole[begin:end] stripped, or None when it holds no word."""
    piece = whole[begin:end]
    stripped = piece.strip()
    if not stripped or not (stripped[0].isalnum() or _WORD.search(stripped)):  # \w: isalnum() or "_"
        return None
    offset = begin + len(piece) - len(piece.lstrip())
    index = bisect_right(starts, offset) - 1 if len(starts) > 1 else 0
    return stripped, raw[offset:offset + len(stripped)], lines[index], offset - starts[index]


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
    for block, parents in doc.walked:
        kind = block.kind
        if kind == "heading":
            groups, extra = [block.lines], ("heading",)
        elif kind == "paragraph":
            groups, extra = _field_groups(block.lines), ()
            if len(block.lines) == 1 and _BOLD_HEADING.fullmatch(block.lines[0].text.strip()):
                extra = ("heading",)  # "**Why the batch stopped all syncing:**" stands for a heading
        elif kind == "table":
            groups, extra = block.rows, ("table",)  # each cell its own group, read below
        elif kind in ("fence", "code"):
            groups, extra = None, ("code",)
        else:
            continue
        section = doc.section_at(block.start)
        base = (("quote",) if parents and any(p.kind == "quote" for p in parents) else ()) + \
            (("forward",) if section is not None and section.forward_looking else ())
        flags, as_log = _flags(base, extra)
        if groups is None:
            for line in block.lines:
                if line.text.strip():
                    append(Sentence(line.text, line.text, line.number, line.column, section,
                                    language_of(line.text), flags))
            continue
        if kind == "table":
            for row in groups:
                for cell in row:
                    text = cell.text  # a cell's text is stripped already
                    if not text:
                        continue
                    if not may_change(text):  # as the shortcut below
                        if text[0].isalnum() or word(text):
                            append(Sentence(text, text, cell.number, cell.column, section,
                                            "en" if text.isascii() else language_of(text),
                                            as_log if may_be_log(text) and log(text) else flags))
                        continue
                    for text, raw, line, offset in split_text([cell], True):
                        append(Sentence(text, raw, line.number, line.column + offset, section,
                                        "en" if text.isascii() else language_of(text),
                                        as_log if may_be_log(line.text) and log(line.text) else flags))
            continue
        for lines in groups:
            if len(lines) == 1 and not may_change(lines[0].text):
                # one line with no markup, quote or sentence end (most table cells): split_text's shortcut, inline
                line = lines[0]
                whole = line.text
                text = whole.strip()
                if text and (text[0].isalnum() or word(text)):  # \w: isalnum() or "_"
                    lead = len(whole) - len(whole.lstrip()) if whole[:1].isspace() else 0
                    append(Sentence(text, text, line.number, line.column + lead, section,
                                    "en" if text.isascii() else language_of(text),
                                    as_log if may_be_log(whole) and log(whole) else flags))
                continue
            for text, raw, line, offset in split_text(lines, len(lines) == 1):
                append(Sentence(text, raw, line.number, line.column + offset, section,
                                "en" if text.isascii() else language_of(text),
                                as_log if may_be_log(line.text) and log(line.text) else flags))
    return out


_FIELD = re.compile(r"^\s*(?:\*\*|__|\*|_)[^*_]{1,40}?(?:\*\*|__|\*|_)?\s*[:：]")
# a paragraph that is one bold line, ending in a colon or in no punctuation at all: a heading in all but name
_BOLD_HEADING = re.compile(r"(?:\*\*|__)[^*_\n]{1,200}?(?:[:：]|[^.!?。！？:：])(?:\*\*|__)\s*[:：]?")


def _field_groups(lines):
    """Split a paragraph before each `**Label**: value` line: header fields are not one sentence."""
    groups: list = []
    for line in lines:
        if not groups or _FIELD.match(line.text):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups
