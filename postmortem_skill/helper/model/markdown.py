"""A small Markdown block parser (standard library only) that keeps line and column numbers.

`parse(text) -> list[Block]` splits a document into the blocks a postmortem checker needs: ATX and setext
headings, fenced code (an unclosed fence runs to the end and is marked `closed=False`), indented code,
GFM tables (rows of `Cell`s with line and column), list items and block quotes (containers with
`children`), paragraphs, HTML blocks and comments, thematic breaks and YAML front matter. It follows
CommonMark/GFM closely enough to agree with mistune on the headings and tables of real postmortems; it
does not build an inline tree: `plain()` turns inline Markdown into text and `mask()` blanks markup and
code spans while keeping every column in place.

Positions: `Line.number` is 1-based, `Line.column` is the 1-based column of `Line.text[0]` in the file.

Containers (block quotes, list items) nest at most MAX_NESTING deep: what lies deeper is one paragraph
with `info == "too-deep"` (its text is kept, its structure is not read), so that no input, however
nested, can exhaust the stack.
"""
from __future__ import annotations

import re
from functools import cache

from postmortem_skill.helper.model.lazypattern import lazy

__all__ = ["Line", "Cell", "Block", "parse", "parse_lines", "plain", "mask", "walk", "MAX_NESTING"]

MAX_NESTING = 32  # quotes and lists inside each other; real documents stay under 8


class Line:
    __slots__ = ("number", "column", "text")

    def __init__(self, number: int, column: int, text: str):
        self.number, self.column, self.text = number, column, text

    def __repr__(self):
        return f"Line({self.number}, {self.column}, {self.text!r})"


class Cell(Line):
    """One table cell: its raw inline text (trimmed), line and 1-based column."""


class Block:
    """kind: heading | paragraph | fence | code | table | list_item | quote | html | comment | hr | frontmatter.

    start/end: first and last line (1-based, inclusive). lines: content lines (markers removed).
    heading: level, text. fence: info, closed. table: rows (header first, delimiter row omitted).
    list_item / quote: children (nested blocks). list_item: level = nesting depth (0 = top).
    """

    __slots__ = ("kind", "start", "end", "lines", "level", "text", "info", "closed", "rows", "children")

    def __init__(self, kind: str, start: int, end: int, lines=None, level: int = 0, text: str = "", info: str = "",
                 closed: bool = True, rows=None, children=None):
        self.kind, self.start, self.end = kind, start, end
        self.lines: list[Line] = lines or []
        self.level, self.text, self.info, self.closed = level, text, info, closed
        self.rows: list[list[Cell]] = [] if rows is None else rows
        self.children: list[Block] = [] if children is None else children

    def __repr__(self):
        return f"Block({self.kind!r}, {self.start}-{self.end}, {self.text or self.info!r})"


def line_of(text: str, index: int) -> int:
    """The line (from 1) of the character at `index`."""
    return text.count("\n", 0, index) + 1


def walk(blocks, depth_kinds=("list_item", "quote")):
    """Yield (block, ancestors) depth-first, descending into list items and quotes."""
    stack = [(b, ()) for b in reversed(blocks)]
    while stack:
        block, parents = stack.pop()
        yield block, parents
        if block.kind in depth_kinds:
            stack.extend((c, parents + (block,)) for c in reversed(block.children))


# What a writer still has to fill in (docs/document-format.md, Placeholders): "[TODO: hint]", "[TODO]", a hint
# wrapped onto the next line ("[TODO: long … " to the end of the line), a leftover {{variable}}, a bare TODO /
# FIXME / XXX, and the fields of other templates: "[Service Name]", "[Name]", "[YYYY-MM-DD]", "<owner>". A
# bracketed phrase is a field only when it is not a Markdown link, reference or footnote ("[Name](url)",
# "[Name][1]", "[Name]: url", "[^1]"), nor a checkbox, and it is two to four capitalised words (Title Case), a
# field's name, or a date or time pattern; "<owner>" is one lower-case word or two, not an HTML tag.
# one Title Case word in brackets is a field only when it is a field's name ("[Name]", not "[Rick]" or "[Grafana]")
_FIELD_WORDS = (r"Name|Names|Date|Time|Owner|Owners|Team|Title|Service|Product|Company|Person|Role|Impact|Severity|"
                r"Duration|Component|System|Region|Environment|Ticket|Link|Url|URL|Number|Value|Description|Summary|"
                r"Author|Authors|Customer|Version|Status|Timestamp|Timezone|Email|Phone|Details|Reason|Cause")
_HTML_TAGS = (r"a|b|i|p|s|u|br|hr|em|tt|td|th|tr|ul|ol|li|dl|dt|dd|h[1-6]|div|img|sub|sup|del|ins|kbd|pre|span|code|"
              r"mark|small|table|thead|tbody|tfoot|strong|details|summary|picture|source|video|audio|figure|"
              r"figcaption|abbr|cite|blockquote|q|var|samp|wbr|center|font|section|article|nav|header|footer|main")
# (Each branch starts with its first character, its look-behind after it: "T(?<![\w-]T)ODO" is "(?<![\w-])TODO".
# Then re skips to the characters [ { T F X < instead of trying every branch at every place.)
PLACEHOLDER = re.compile(
    r"\[(?:TODO|待办|待填写)(?:\s*[:：][^\]\n]*)?(?:\]|$)|\{\{\s*[\w.-]+\s*\}\}"
    r"|T(?<![\w-]T)(?:ODO|BA)(?![\w-])|F(?<![\w-]F)IXME(?![\w-])|X(?<![\w-]X)XX(?![\w-])"
    r"|\[(?<![\]\\!]\[)(?:[A-Z][a-z]+(?:[ /-][A-Z][a-z]+){1,3}|(?:YYYY|MM|DD|HH)[-/: .]?[^\]\n]{0,16}|" + _FIELD_WORDS +
    r"|服务名称?|姓名|名字|"
    r"负责人|日期|时间|标题|事件名称)\](?![(\[:])"
    r"|<(?!(?:" + _HTML_TAGS + r")>)[a-z]+(?:[ _-][a-z]+)?>")
# in every PLACEHOLDER match: a cheap prefilter
PLACEHOLDER_CUE = re.compile(r"TODO|FIXME|TBA|XXX|待办|待填写|\{\{|\[[A-Z服姓名负日时标事]|<[a-z]")

_ATX = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATX_WHOLE = re.compile(r"(#{1,6})(?:[ \t]+(.*))?$")  # _ATX with the closing sequence left for _atx to cut
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
_HR = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BULLET = re.compile(r"([-*+]|\d{1,9}[.)])([ \t]+|$)")
_SETEXT = lazy(r"(=+|-+)[ \t]*$")
_DELIM_CELL = re.compile(r":?-+:?")
_HTML_START = lazy(r"</?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|<!DOCTYPE|<\?")
_PIPE_SPLIT = lazy(r"(?<!\\)\|")
# the first characters each of _HR, _BULLET (or a digit) and _SETEXT can start with: the others need no match
_HR_FIRST, _BULLET_FIRST, _SETEXT_FIRST = ("*", "-", "_"), ("-", "*", "+"), ("=", "-")


def parse(text: str) -> list[Block]:
    """Blocks of a whole document (front matter recognised only at the top, after HTML comments)."""
    return parse_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def parse_lines(raw: list[str]) -> list[Block]:
    """`parse` of a document already split into lines at \\n, \\r\\n and \\r (`raw` is not changed)."""
    if raw and raw[-1] == "":
        raw = raw[:-1]
    lines = [Line(i, 1, s.expandtabs(4) if "\t" in s else s) for i, s in enumerate(raw, 1)]
    blocks: list[Block] = []
    start = 0
    while start < len(lines) and (not lines[start].text.strip() or lines[start].text.lstrip().startswith("<!--")):
        if lines[start].text.lstrip().startswith("<!--"):
            end = _comment_end(lines, start)
            blocks.append(Block("comment", lines[start].number, lines[end].number, lines[start:end + 1]))
            start = end + 1
        else:
            start += 1
    if start < len(lines) and lines[start].text.rstrip() == "---":
        for j in range(start + 1, len(lines)):
            if lines[j].text.rstrip() in ("---", "..."):
                blocks.append(Block("frontmatter", lines[start].number, lines[j].number, lines[start + 1:j]))
                start = j + 1
                break
    blocks.extend(_Blocks(lines[start:], 0).parse())
    return blocks


def _atx(body: str) -> tuple[str, str] | None:
    """(marks, content) of _ATX.match(body), its groups 1 and 2 (None as ""): the content's lazy (.*?) tried
    the closing sequence at each of its characters (~1 us a heading); the content read whole is cut here the
    same way, at the shortest content after which only [ \\t]+#+[ \\t]* or [ \\t]* is left."""
    m = _ATX_WHOLE.match(body)
    if m is None:
        return None
    content = m.group(2)
    if not content:
        return m.group(1), ""
    kept = content.rstrip(" \t")
    bare = kept.rstrip("#")
    if len(bare) < len(kept) and bare[-1:] in (" ", "\t"):
        kept = bare.rstrip(" \t")
    return m.group(1), kept


def _expand_tabs(s: str) -> str:
    return s.expandtabs(4) if "\t" in s else s


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" "))


def _comment_end(lines, i: int) -> int:
    for j in range(i, len(lines)):
        if "-->" in (lines[j].text if j > i else lines[j].text.split("<!--", 1)[1]):
            return j
    return len(lines) - 1


def _trimmed(lines: list[Line]) -> list[Line]:
    """Each line without its surrounding blanks, its column moved past the leading spaces."""
    out = []
    for line in lines:
        text = line.text
        out.append(Line(line.number, line.column + len(text) - len(text.lstrip(" ")), text.strip()))
    return out


def _dedent(line: Line, n: int) -> Line:
    text = line.text
    cut = min(n, _indent(text))
    return Line(line.number, line.column + cut, text[cut:])


_CELL = lazy(r"(?:\\.|[^|\\])*")


def _table_cells(line: Line) -> list[Cell]:
    text = line.text
    left = _indent(text)
    body = text.rstrip()
    pos = left
    if body[pos:pos + 1] == "|":
        pos += 1
    end = len(body)
    if end > pos and body[end - 1] == "|" and (end < 2 or body[end - 2] != "\\"):
        end -= 1
    inner = body[pos:end]
    cells = []
    number, column = line.number, line.column + pos
    if "\\" in inner:  # an escaped \| does not split cells
        for m in _CELL.finditer(inner):
            start, chunk = m.start(), m.group()
            if not start or inner[start - 1] == "|":
                lead = len(chunk) - len(chunk.lstrip())
                cells.append(Cell(number, column + start + lead, chunk.strip().replace("\\|", "|")))
        return cells
    start = 0  # no backslash: no escaped bar to put back
    for chunk in inner.split("|"):
        cells.append(Cell(number, column + start + len(chunk) - len(chunk.lstrip()), chunk.strip()))
        start += len(chunk) + 1
    return cells


def _is_delimiter(text: str) -> int:
    """Number of columns of a table delimiter row, or 0."""
    body = text.strip()
    if "-" not in body or not re.fullmatch(r"[|:\-\s]+", body):
        return 0
    if "|" not in body and not body.startswith(":"):
        return 0
    parts = [p.strip() for p in body.strip("|").split("|")]
    return len(parts) if all(_DELIM_CELL.fullmatch(p) for p in parts) else 0


class _Blocks:
    """Parse a run of lines (already stripped of container markers) into blocks."""

    def __init__(self, lines: list[Line], depth: int, nesting: int = 0):
        self.lines, self.depth, self.i = lines, depth, 0
        self.nesting = nesting  # containers around these lines (quotes and list items)

    def _children(self, inner: list[Line], depth: int) -> list[Block]:
        if self.nesting < MAX_NESTING:
            return _Blocks(inner, depth, self.nesting + 1).parse()
        content = [Line(l.number, l.column + _indent(l.text), l.text.strip()) for l in inner if l.text.strip()]
        if not content:
            return []
        return [Block("paragraph", content[0].number, content[-1].number, content, info="too-deep")]

    def parse(self) -> list[Block]:
        out: list[Block] = []
        lines = self.lines
        while self.i < len(lines):
            line = lines[self.i]
            text = line.text
            if not text.strip():
                self.i += 1
                continue
            block = self._start(line, out)
            if block is None:
                block = self._paragraph()
            out.append(block)
        return out

    def _start(self, line: Line, previous: list[Block]) -> Block | None:
        text = line.text
        ind = len(text) - len(text.lstrip(" "))
        if ind >= 4:
            if previous and previous[-1].kind == "paragraph" and previous[-1].end == line.number - 1:
                return None
            return self._indented_code()
        body = text[ind:]
        first = body[:1]
        if first.isalpha():  # most blocks: a paragraph (or a table) starts with a letter
            return self._table_or_none(line, body)
        if body.startswith(("```", "~~~")):
            return self._fence(ind)
        heading = _atx(body) if first == "#" else None
        if heading:
            self.i += 1
            marks, inner = heading
            after = body[len(marks):]
            col = line.column + ind + len(marks) + len(after) - len(after.lstrip())
            return Block("heading", line.number, line.number, [Line(line.number, col, inner)],
                         level=len(marks), text=inner.strip())
        if body.startswith("<!--"):
            end = _comment_end(self.lines, self.i)
            block = Block("comment", line.number, self.lines[end].number, self.lines[self.i:end + 1])
            self.i = end + 1
            return block
        if first in _HR_FIRST and _HR.match(body):
            self.i += 1
            return Block("hr", line.number, line.number)
        if first == ">":
            return self._quote()
        if (first in _BULLET_FIRST or first.isdigit()) and _BULLET.match(body):
            return self._list_item(ind)
        if first == "<" and _HTML_START.match(body):
            return self._html()
        return self._table_or_none(line, body)

    def _table_or_none(self, line: Line, body: str) -> Block | None:
        if "|" in body and self.i + 1 < len(self.lines):
            columns = _is_delimiter(self.lines[self.i + 1].text)
            if columns:
                cells = _table_cells(line)
                if columns == len(cells) and _indent(self.lines[self.i + 1].text) < 4:
                    return self._table(cells)
        return None

    def _interrupts(self, line: Line) -> bool:
        """Would this line start a new block inside a paragraph?"""
        text = line.text
        if not text.strip():
            return True
        if _indent(text) >= 4:
            return False
        body = text.lstrip(" ")
        first = body[:1]
        if first.isalpha():  # most lines of a paragraph: no block starts with a letter
            return False
        if body.startswith(("```", "~~~", ">", "<!--")) or (first == "#" and _ATX.match(body)) or \
                (first in _HR_FIRST and _HR.match(body)):
            return True
        bullet = _BULLET.match(body) if first in _BULLET_FIRST or first.isdigit() else None
        if bullet and body[bullet.end():].strip():
            marker = bullet.group(1)
            return not marker[0].isdigit() or marker[:-1] == "1"
        return False

    def _paragraph(self) -> Block:
        lines = self.lines
        first = self.i
        collected = [lines[first]]
        self.i += 1
        while self.i < len(lines):
            line = lines[self.i]
            stripped = line.text.strip()
            setext = _SETEXT.match(stripped) if stripped[:1] in _SETEXT_FIRST and _indent(line.text) < 4 else None
            if setext and line.text.strip():
                self.i += 1
                content = [Line(l.number, l.column + _indent(l.text), l.text.strip()) for l in collected]
                return Block("heading", collected[0].number, line.number, content,
                             level=1 if setext.group(1)[0] == "=" else 2,
                             text=" ".join(l.text for l in content))
            if self._interrupts(line):
                break
            if "|" in line.text and self.i + 1 < len(lines) and _is_delimiter(lines[self.i + 1].text) \
                    and _is_delimiter(lines[self.i + 1].text) == len(_table_cells(line)):
                break
            collected.append(line)
            self.i += 1
        content = _trimmed(collected)
        return Block("paragraph", content[0].number, content[-1].number, content)

    def _fence(self, ind: int) -> Block:
        lines = self.lines
        opening = lines[self.i]
        match = _FENCE.match(opening.text[ind:])
        marker = match.group(1)
        info = match.group(2).strip()
        if marker[0] == "`" and "`" in info:
            self.i += 1  # not a fence: backticks in the info string; treat as paragraph text
            return Block("paragraph", opening.number, opening.number,
                         [Line(opening.number, opening.column + ind, opening.text.strip())])
        body = []
        j = self.i + 1
        closed = False
        while j < len(lines):
            t = lines[j].text
            if _indent(t) < 4 and re.fullmatch(re.escape(marker[0]) + "{%d,}[ \t]*" % len(marker), t.strip()):
                closed = True
                break
            body.append(_dedent(lines[j], ind))
            j += 1
        end = lines[j].number if closed else (lines[-1].number if lines else opening.number)
        self.i = j + 1 if closed else len(lines)
        return Block("fence", opening.number, end, body, info=info, closed=closed, text=marker)

    def _indented_code(self) -> Block:
        lines = self.lines
        body = []
        while self.i < len(lines) and (not lines[self.i].text.strip() or _indent(lines[self.i].text) >= 4):
            body.append(_dedent(lines[self.i], 4))
            self.i += 1
        while body and not body[-1].text.strip():
            body.pop()
        return Block("code", body[0].number, body[-1].number, body)

    def _html(self) -> Block:
        lines = self.lines
        start = self.i
        while self.i < len(lines) and lines[self.i].text.strip():
            self.i += 1
        chunk = lines[start:self.i]
        return Block("html", chunk[0].number, chunk[-1].number, chunk)

    def _table(self, header_cells: list[Cell]) -> Block:
        lines = self.lines
        first = self.i
        header = lines[first]
        width = len(header_cells)
        rows = [header_cells]
        self.i += 2
        while self.i < len(lines):
            line = lines[self.i]
            if not line.text.strip() or "|" not in line.text and self._interrupts(line):
                break
            body = line.text.lstrip()
            lead = body[:1]
            if body.startswith((">", "```", "~~~")) or (lead == "#" and _ATX.match(body)) or \
                    (lead in _HR_FIRST and _HR.match(body)):
                break
            cells = _table_cells(line)
            if len(cells) < width:
                cells += [Cell(line.number, len(line.text) + 1, "") for _ in range(width - len(cells))]
            rows.append(cells[:width])
            self.i += 1
        return Block("table", header.number, lines[self.i - 1].number, rows=rows,
                     lines=lines[first:self.i])

    def _quote(self) -> Block:
        lines = self.lines
        inner: list[Line] = []
        start = self.i
        while self.i < len(lines):
            line = lines[self.i]
            ind = _indent(line.text)
            body = line.text[ind:]
            if ind < 4 and body.startswith(">"):
                cut = ind + 1 + (1 if body[1:2] == " " else 0)
                inner.append(Line(line.number, line.column + cut, line.text[cut:]))
            elif inner and inner[-1].text.strip() and line.text.strip() and not self._interrupts(line):
                inner.append(Line(line.number, line.column + ind, line.text[ind:]))  # lazy continuation
            else:
                break
            self.i += 1
        children = self._children(inner, self.depth)
        return Block("quote", lines[start].number, lines[self.i - 1].number, inner, children=children)

    def _list_item(self, ind: int) -> Block:
        lines = self.lines
        first = lines[self.i]
        body = first.text[ind:]
        marker = _BULLET.match(body)
        spaces = len(marker.group(2))
        rest = body[marker.end():]
        content_col = ind + len(marker.group(1)) + (spaces if 0 < spaces <= 4 and rest.strip() else 1)
        inner = [Line(first.number, first.column + content_col, first.text[content_col:] if rest.strip() else "")]
        self.i += 1
        while self.i < len(lines):
            line = lines[self.i]
            if not line.text.strip():
                nxt = self.i + 1
                while nxt < len(lines) and not lines[nxt].text.strip():
                    nxt += 1
                if nxt < len(lines) and _indent(lines[nxt].text) >= content_col:
                    inner.extend(Line(lines[k].number, lines[k].column, "") for k in range(self.i, nxt))
                    self.i = nxt
                    continue
                break
            if _indent(line.text) >= content_col:
                inner.append(_dedent(line, content_col))
            elif _BULLET.match(line.text.lstrip(" ")) and _indent(line.text) < 4:
                break  # a sibling or an outer list item
            elif inner[-1].text.strip() and not self._interrupts(line) and not _is_delimiter(line.text) \
                    and _last_is_paragraph_text(inner):
                inner.append(Line(line.number, line.column + _indent(line.text), line.text.lstrip()))
            else:
                break
            self.i += 1
        children = self._children(inner, self.depth + 1)
        return Block("list_item", first.number, inner[-1].number if inner else first.number, inner,
                     level=self.depth, text=marker.group(1), children=children)


def _last_is_paragraph_text(inner: list[Line]) -> bool:
    """Lazy continuation only applies when the open block is a paragraph, not a fence."""
    fences = sum(1 for l in inner if l.text.lstrip().startswith(("```", "~~~")))
    return fences % 2 == 0


_INLINE_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
# A link target is written "[^()\s]*(?:\([^)]*\)[^()\s]*)*", the unrolled form of "(?:[^()\s]|\([^)]*\))*": the
# same matches, but re reads a run of plain characters in one step instead of one alternation per character.
_TARGET = r"\((?:[^()\s]*(?:\([^)]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)"
_LINK = re.compile(r"\[([^\]]+)\]" + _TARGET + r"|\[([^\]^][^\]]*)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>")
_EMPH = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"                  # **strong** or __strong__
                   r"|(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"  # *emphasis*
                   r"|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")          # _emphasis_, not inside snake_case
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->")
_INLINE_SIGN = re.compile(r"[`\[<*_\\]")  # plain() has nothing to do without one of these
_BLANKS = re.compile(r"[ \t]+")
_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def plain(text: str) -> str:
    """Readable text of inline Markdown: markup, link targets and tags removed, code spans kept."""
    if not _INLINE_SIGN.search(text):
        return _blanks_joined(text).strip()
    codes: list[str] = []
    # a code span waits behind a mark the text does not hold (a NUL, unless the text has one)
    mark = next(c for c in _MARKS if c not in text)

    def keep_code(m):
        codes.append(m.group(2).strip() if m.group(2).strip() else m.group(2))
        return f"{mark}{len(codes) - 1}{mark}"

    # each step only where the text still holds the character its pattern needs (most cells have few)
    out = _INLINE_CODE.sub(keep_code, text) if "`" in text else text
    if "[" in out:
        if "![" in out:
            out = _IMAGE.sub(lambda m: m.group(1), out)
        out = _LINK.sub(lambda m: m.group(1) or m.group(2), out)
    if "<" in out:
        out = _AUTOLINK.sub(lambda m: m.group(1), out)
        out = _TAG.sub("", out)
    if "*" in out or "_" in out:
        for _ in range(3):
            new = _EMPH.sub(lambda m: m.group(2) or m.group(3) or m.group(4), out)
            if new == out:
                break
            out = new
    if "\\" in out:
        out = _ESCAPE.sub(r"\1", out)
    if codes:
        out = _code_mark(mark).sub(lambda m: codes[int(m.group(1))], out)
    return _blanks_joined(out).strip()


def _blanks_joined(text: str) -> str:
    """Each run of spaces and tabs as one space; a text without a tab or two spaces in a row has none to join
    (most have single spaces only, which sub() would replace one by one with themselves)."""
    return _BLANKS.sub(" ", text) if "\t" in text or "  " in text else text


_MARKS = ("\x00", "\ue000", "\ue001", "\ue002")  # a text holding all four is not a document


@cache
def _code_mark(mark: str) -> re.Pattern:
    return re.compile(f"{mark}(\\d+){mark}")


_MASKED = (
    _INLINE_CODE,
    re.compile(r"\]" + _TARGET),  # link targets
    re.compile(r"!\[|\[|<https?:[^>]*>|https?://\S+|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),
    # emphasis markers; each branch starts with its character (lookbehinds after it) so re can skip ahead
    re.compile(r"\*\*|__|\*(?<![\w*]\*)(?=\S)|\*(?<=\S\*)(?![\w*])|\[\^\w+\]|\\(?=[^\w\s])"),
)
# mask() has nothing to do without one of "`[]<*_\" or "http(s):" (one class first: re skips to its characters)
MARKUP_SIGN = re.compile(r"[`\[\]<*_\\h](?:(?<=h)ttps?:|(?<!h))")


def mask(text: str) -> str:
    """Same length as `text`: code spans, URLs, link targets, tags and emphasis markers become spaces."""
    if not MARKUP_SIGN.search(text):
        return text
    code, target, opening, emphasis = _MASKED
    # each pattern runs only where the text holds a sign it needs to match at all
    spans = [m.span() for m in code.finditer(text)] if "`" in text else []
    if "](" in text:
        spans += [m.span() for m in target.finditer(text)]
    if "[" in text or "<" in text or "http" in text:
        spans += [m.span() for m in opening.finditer(text)]
    if "*" in text or "_" in text or "[^" in text or "\\" in text:
        spans += [m.span() for m in emphasis.finditer(text)]
    return blanked(text, sorted(spans))


def blanked(text: str, spans) -> str:
    """`text` with the characters of `spans` (sorted, possibly overlapping) turned into spaces."""
    out, done = [], 0
    for start, end in spans:
        if end <= done:
            continue
        start = max(start, done)
        out.append(text[done:start])
        out.append(" " * (end - start))
        done = end
    out.append(text[done:])
    return "".join(out)
