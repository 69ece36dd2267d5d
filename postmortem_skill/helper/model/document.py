"""The parsed postmortem that `validate`, `metrics`, `index` and `new --from` read. No I/O.

    doc = parse_document(text)
    doc.title, doc.title_line          '# Postmortem: X' / '# 复盘报告：X' -> 'X' (None when no H1)
    doc.lang                           'en' or 'zh' (by the share of CJK characters)
    doc.field('date')                  HeaderField(value, line, column, label) or None; keys:
                                       incident_id, date, authors, status, severity, duration
    doc.template, doc.template_declared  standard | quick | five-whys | zh | None (guess from headings)
    doc.sections                       top-level Section list; doc.all_sections flat, in order
    doc.section('timeline')            first Section whose normalised title matches (en or zh alias)
    doc.tables                         table Blocks (rows of Cells with line and column)
    doc.sentences                      Sentence list (see model.sentences), computed on first use
    doc.timeline                       Timeline(rows, zone, section) (see model.rows)
    doc.action_items                   ActionItem list; doc.action_table the table Block or None
    doc.blocks, doc.lines              raw blocks (postmortem_skill.helper.model.markdown) and text lines
    doc.walked                         [(block, ancestors)] of every block, depth-first (markdown.walk)

Section: title (plain), key (normalised), level, line, end, parent, children, blocks, path (titles from
the top), forward_looking (its own title or an ancestor's is a forward-looking section).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from postmortem_skill.helper.model import markdown
from postmortem_skill.helper.model.lazypattern import lazy, may_hold_cjk
from postmortem_skill.helper.model.vocabulary import FIELDS, FORWARD_LOOKING, SECTION_ALIASES, normalize_title

__all__ = ["Document", "Section", "HeaderField", "parse_document"]

_LABEL_TO_FIELD = {label: key for key, labels in FIELDS.items() for label in labels}
_FIELD_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<mark>\*\*|__|\*|_)(?P<label>[^*_:：]{1,30}?)\s*(?P<c1>[:：])?\s*(?P=mark)"
    r"\s*(?(c1)|[:：])\s*(?P<value>.*)$"
)
_TITLE_PREFIX = re.compile(r"^(?:postmortem|post-mortem|post mortem|incident report"
                           r"|复盘报告|故障复盘|事故复盘)\s*[:：]\s*", re.I)
_TEMPLATE_MARK = re.compile(r"<!--\s*postmortem-template:\s*([\w-]+)\s*-->")
_CJK = lazy(r"[\u3400-\u9fff\uf900-\ufaff]")  # compiled only for text that may_hold_cjk


class HeaderField:
    __slots__ = ("key", "label", "value", "line", "column")

    def __init__(self, key, label, value, line, column):
        self.key, self.label, self.value, self.line, self.column = key, label, value, line, column

    def __repr__(self):
        return f"HeaderField({self.key}={self.value!r} @{self.line})"


class Section:
    __slots__ = ("title", "key", "level", "line", "end", "parent", "children", "blocks", "forward_looking")

    def __init__(self, title, level, line, parent):
        self.title, self.level, self.line, self.parent = title, level, line, parent
        self.key = normalize_title(title)
        self.end = line
        self.children: list[Section] = []
        self.blocks: list[markdown.Block] = []
        self.forward_looking = _is_forward(self.key) or bool(parent and parent.forward_looking)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.parent.path if self.parent else ()) + (self.title,)

    def matches(self, name: str) -> bool:
        """Does this section's title match `name` (a canonical key such as 'timeline' or a literal title)?"""
        wanted = normalize_title(name)
        return self.key in SECTION_ALIASES.get(wanted, (wanted,))

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()

    def all_blocks(self):
        """Blocks of this section and its subsections, in order."""
        yield from self.blocks
        for child in self.children:
            yield from child.all_blocks()

    def is_empty(self) -> bool:
        """No content at all: only blank lines or guidance comments, and no subsections."""
        return not self.children and all(b.kind == "comment" for b in self.blocks)

    def __repr__(self):
        return f"Section({self.title!r}, L{self.line}-{self.end})"


@lru_cache(maxsize=4096)
def _is_forward(key: str) -> bool:
    return any(key == f or key.startswith(f + " ") or (f[0] > "\u3000" and f in key) for f in FORWARD_LOOKING)


class Document:
    def __init__(self, text: str):
        self.text = text
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.blocks = markdown.parse_lines(self.lines)
        # (block, ancestors) of every block, depth-first: several readers walk the blocks, the walk is made once
        self.walked = list(markdown.walk(self.blocks))
        self.lang = _language(text)
        self.title, self.title_line = None, None
        self.sections: list[Section] = []
        self.all_sections: list[Section] = []
        self.preamble: list[markdown.Block] = []
        self._build_sections()
        self.header: dict[str, HeaderField] = {}
        self._read_header()
        self.tables = [b for b, _ in self.walked if b.kind == "table"]
        mark = _TEMPLATE_MARK.search(text[:4000])
        self.template_declared = bool(mark)
        self.template = mark.group(1).lower() if mark else self._guess_template()
        self._sentences = self._timeline = self._actions = None
        self._line_starts: list[int] | None = None
        self.cache: dict = {}  # work several rules share on this document, keyed by the rule family

    def untangle(self) -> None:
        """For a caller done with the document: each section drops its link to its parent. A section and its
        parent refer to each other, a cycle that keeps every object of the document (~1,400 for a 200-line
        postmortem) until the garbage collector finds it; checking many documents, the collections cost
        ~0.2 ms a document. Untangled, the document goes when its last reference does."""
        for section in self.all_sections:
            section.parent = None

    def lines_matching(self, cue: re.Pattern, lowered: bool = False) -> list[int]:
        """Numbers (1-based) of the lines where `cue` matches, in one search over the whole text (`cue` must
        never match across a line break). With `lowered`, `cue` reads the text with A-Z lower-cased, which
        is much faster than re.I."""
        if self._line_starts is None:
            self._joined = self.text if "\r" not in self.text else "\n".join(self.lines)
            self._line_starts = list(accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
            self._lowered = self._joined.lower()
            if len(self._lowered) != len(self._joined):  # a few non-ASCII letters grow when lower-cased
                self._lowered = self._joined.translate(_ASCII_LOWER)
        text = self._lowered if lowered else self._joined
        starts, numbers, pos = self._line_starts, [], 0
        while (m := cue.search(text, pos)) is not None:
            number = bisect_right(starts, m.start())
            numbers.append(number)
            if number == len(starts):
                break
            pos = starts[number]
        return numbers

    # -- sections ---------------------------------------------------------------------------
    def _build_sections(self):
        stack: list[Section] = []
        current = None
        for block in self.blocks:
            if block.kind == "heading":
                if block.level == 1 and self.title is None:
                    self.title = _TITLE_PREFIX.sub("", markdown.plain(block.text)).strip()
                    self.title_line = block.start
                    continue
                while stack and stack[-1].level >= block.level:
                    stack.pop()
                section = Section(block.text, block.level, block.start, stack[-1] if stack else None)
                (stack[-1].children if stack else self.sections).append(section)
                self.all_sections.append(section)
                stack.append(section)
                current = section
            elif current is None:
                self.preamble.append(block)
            else:
                current.blocks.append(block)
        # a section ends before the next one at its level or above: the sections still open (their levels
        # rising) are closed by each new one at or above their level
        open_: list[Section] = []
        for section in self.all_sections:
            while open_ and open_[-1].level >= section.level:
                open_.pop().end = section.line - 1
            open_.append(section)
        for section in open_:
            section.end = len(self.lines)
        self._section_lines = [s.line for s in self.all_sections]

    def section(self, name: str) -> Section | None:
        return next((s for s in self.all_sections if s.matches(name)), None)

    def section_at(self, line: int) -> Section | None:
        """The innermost section that contains `line`: the last one to start before it, or the nearest of
        its ancestors that reaches it (sections nest)."""
        index = bisect_right(self._section_lines, line) - 1
        section = self.all_sections[index] if index >= 0 else None
        while section is not None and section.end < line:
            section = section.parent
        return section

    def _guess_template(self) -> str | None:
        keys = {s.key for s in self.all_sections}
        if self.lang == "zh" and keys & {"基本信息", "改进行动项", "处理过程回顾"}:
            return "zh"
        if "executive summary" in keys:
            return "standard"
        if "summary" in keys and keys & {"5 whys analysis", "5 whys"}:
            return "five-whys"
        if "summary" in keys and "contributing factors" in keys and "action items" in keys:
            return "quick"
        return None

    # -- header -----------------------------------------------------------------------------
    def _read_header(self):
        seen: set[int] = set()  # a nested list item's lines are its ancestors' lines too: read each once
        for block, _ in self.walked:
            if block.kind in ("paragraph", "list_item"):
                for line in block.lines:
                    if line.number not in seen:
                        seen.add(line.number)
                        self._header_line(line)
            elif block.kind == "table" and block.rows and len(block.rows[0]) >= 2:
                for row in block.rows[1:]:
                    key = _LABEL_TO_FIELD.get(normalize_title(row[0].text))
                    if key and key not in self.header and row[1].text:
                        self.header[key] = HeaderField(key, markdown.plain(row[0].text),
                                                       markdown.plain(row[1].text), row[1].number, row[1].column)

    def _header_line(self, line: markdown.Line):
        text = line.text
        m = _FIELD_LINE.match(text) if "*" in text or "_" in text else None  # a field's label is marked up
        if not m:
            return
        key = _LABEL_TO_FIELD.get(normalize_title(m["label"]))
        if key and key not in self.header:
            value = re.sub(r"^\[\d+\]\s*", "", m["value"].strip())
            self.header[key] = HeaderField(key, m["label"].strip(), markdown.plain(value), line.number,
                                           line.column + m.start("value"))

    def field(self, key: str) -> HeaderField | None:
        return self.header.get(key)

    # -- derived views (computed on first use) ----------------------------------------------
    @property
    def sentences(self):
        if self._sentences is None:
            from postmortem_skill.helper.model.sentences import split_document

            self._sentences = split_document(self)
        return self._sentences

    @property
    def timeline(self):
        if self._timeline is None:
            from postmortem_skill.helper.model.rows import read_timeline

            self._timeline = read_timeline(self)
        return self._timeline

    @property
    def action_items(self):
        if self._actions is None:
            from postmortem_skill.helper.model.rows import read_action_items

            self._actions = read_action_items(self)
        return self._actions[1]

    @property
    def action_table(self):
        self.action_items  # noqa: B018 - computes self._actions
        return self._actions[0]


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def _language(text: str) -> str:
    if not may_hold_cjk(text):
        return "en"
    cjk = len(_CJK.findall(text))
    if not cjk:
        return "en"
    latin = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk >= latin * 0.5 else "en"


def parse_document(text: str) -> Document:
    """Parse Markdown text into a Document. Never raises on any string."""
    return Document(text)
