"""A small YAML subset reader (standard library only), enough for `.postmortem.yaml` and facts files.

Supported: block mappings and sequences (nested by indentation, `- key: value` and `- - x` items), plain,
single- and double-quoted scalars on one line, `#` comments, flow sequences `[a, b]` and flow mappings
`{a: 1}` (one line), block scalars `|` and `>` (with `-`/`+` chomping), an optional leading `---` and a
trailing `...`. Scalars resolve as YAML 1.1 (PyYAML) does: `true/yes/on` and `false/no/off` (lower,
Title or UPPER case), `null`/`~`, decimal integers, floats with a dot; everything else is a string.
Two deliberate differences: dates and clock times (`2026-03-04`, `10:30`) stay strings.
Not supported, and refused with a `YamlError` naming the line rather than misread: anchors, aliases,
tags, directives, multi-document streams, complex keys (`? `), multi-line plain or quoted scalars,
multi-line flow collections, block scalar indentation indicators, octal/hex/binary numbers, `.inf` and
`.nan`, plain scalars that YAML would read otherwise (`a: b: c`, `a: - b`, a leading `,` `]` `}`), and
nesting deeper than MAX_DEPTH levels (it would exhaust the stack).
No I/O: use `loads(text)`.
"""
from __future__ import annotations

import re

__all__ = ["YamlError", "loads"]


class YamlError(ValueError):
    """The text is not in the supported YAML subset; the message names the line."""

    def __init__(self, message: str, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = line


# Resolution as in YAML 1.1 (what PyYAML reads), limited to the forms the subset supports.
_TRUE = frozenset(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"))
_FALSE = frozenset(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"))
_NULL = frozenset(("null", "Null", "NULL", "~"))
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?$|\.[0-9][0-9_]*([eE][-+][0-9]+)?$")
# YAML 1.1 numbers outside the subset: refused so that they are quoted, never read as another value.
_UNSUPPORTED_NUMBER = re.compile(
    r"[-+]?(0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+)$|[-+]?\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$"
    r"|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*$")
# A plain key may hold `#` except after a space (that starts a comment).
_KEY = re.compile(r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{\[\]](?:\S|\s+(?=[^\s#]))*?)\s*:(?:\s+|$)""")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\", "/": "/", " ": " ", "e": "\x1b"}


MAX_DEPTH = 64  # no settings or facts file nests deeper; deeper input would exhaust the stack


def loads(text: str):
    """Parse `text` and return dicts, lists and scalars (an empty document gives None)."""
    lines = _logical_lines(text)
    if not lines:
        return None
    parser = _Parser(lines)
    value = parser.block(lines[0][1])
    parser._skip_blank()
    if parser.pos < len(parser.lines):
        number, _, content = parser.lines[parser.pos]
        raise YamlError(f"unexpected content {content.strip()[:40]!r} (check the indentation)", number)
    return value


def _logical_lines(text: str) -> list[tuple[int, int, str]]:
    """(line number, indent, content) for lines that carry content; raw text kept for block scalars."""
    out = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlError("tabs are not allowed for indentation", number)
        stripped = raw.strip()
        if number == 1 and stripped == "---" or stripped == "...":
            continue
        out.append((number, len(raw) - len(raw.lstrip(" ")), raw))
    return out


def _is_blank(raw: str) -> bool:
    stripped = raw.strip()
    return not stripped or stripped.startswith("#")


class _Parser:
    def __init__(self, lines):
        self.lines = lines
        self.pos = 0
        self.depth = 0

    def _skip_blank(self):
        while self.pos < len(self.lines) and _is_blank(self.lines[self.pos][2]):
            self.pos += 1

    def block(self, indent: int):
        self._skip_blank()
        if self.pos >= len(self.lines):
            return None
        number, actual, raw = self.lines[self.pos]
        content = raw.strip()
        is_list = content == "-" or content.startswith("- ")
        if is_list or _KEY.match(content):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise YamlError(f"nested more than {MAX_DEPTH} levels", number)
            try:
                return self._sequence(actual) if is_list else self._mapping(actual)
            finally:
                self.depth -= 1
        self.pos += 1
        return _scalar(_strip_comment(content), number)

    def _sequence(self, indent: int) -> list:
        items = []
        while True:
            self._skip_blank()
            if self.pos >= len(self.lines):
                return items
            number, actual, raw = self.lines[self.pos]
            content = raw.strip()
            if actual < indent:
                return items
            if actual > indent:
                raise YamlError("bad indentation in a list", number)
            if not (content == "-" or content.startswith("- ")):
                return items
            rest = content[1:].lstrip()
            if not rest or rest.startswith("#"):
                self.pos += 1
                items.append(self._nested(indent, number))
                continue
            # `- key: value` starts a mapping, `- - x` a list, whose items sit at the column after "- "
            column = actual + (len(content) - len(rest))
            if rest == "-" or rest.startswith("- "):
                self.lines[self.pos] = (number, column, " " * column + rest)
                items.append(self._sequence(column))
                continue
            if _KEY.match(rest) and not rest.startswith(("[", "{")):
                self.lines[self.pos] = (number, column, " " * column + rest)
                items.append(self._mapping(column))
                continue
            self.pos += 1
            items.append(self._inline_value(rest, number, actual))  # a block scalar: deeper than the "-"

    def _mapping(self, indent: int) -> dict:
        result: dict = {}
        while True:
            self._skip_blank()
            if self.pos >= len(self.lines):
                return result
            number, actual, raw = self.lines[self.pos]
            content = raw.strip()
            if actual < indent:
                return result
            if actual > indent:
                raise YamlError("bad indentation in a mapping", number)
            match = _KEY.match(content)
            if not match or content.startswith("- "):
                return result
            key = _key(match["key"].strip(), number)
            if key in result:
                raise YamlError(f"duplicate key {key!r}", number)
            rest = content[match.end():].strip()
            self.pos += 1
            if not rest or rest.startswith("#"):
                result[key] = self._nested(indent, number, allow_same_indent_list=True)
            else:
                result[key] = self._inline_value(rest, number, actual)
        return result

    def _nested(self, indent: int, number: int, allow_same_indent_list: bool = False):
        self._skip_blank()
        if self.pos >= len(self.lines):
            return None
        _, actual, raw = self.lines[self.pos]
        is_list = raw.strip() == "-" or raw.strip().startswith("- ")
        if actual > indent or (allow_same_indent_list and actual == indent and is_list):
            return self.block(actual)
        return None

    def _inline_value(self, rest: str, number: int, indent: int):
        if rest == "-" or rest.startswith("- "):
            raise YamlError("a list cannot start on the line of its key: put `- item` on the next lines", number)
        if rest[0] in "|>":
            return self._block_scalar(rest, number, indent)
        return _scalar(_strip_comment(rest), number)

    def _block_scalar(self, header: str, number: int, indent: int) -> str:
        match = re.fullmatch(r"([|>])([-+]?)\s*(#.*)?", header)
        if not match:
            raise YamlError(f"unsupported block scalar header {header!r}", number)
        style, chomp = match[1], match[2]
        body: list[str] = []
        block_indent = None
        while self.pos < len(self.lines):
            _, actual, raw = self.lines[self.pos]
            if raw.strip():
                if actual <= indent:
                    break
                if block_indent is None:
                    block_indent = actual
                if actual < block_indent:
                    break
                body.append(raw[block_indent:])
            else:
                body.append("")
            self.pos += 1
        while body and not body[-1] and chomp != "+":
            body.pop()
        if style == "|":
            text = "\n".join(body)
        elif any(line[:1] in (" ", "\t") for line in body if line):
            # more-indented lines keep their breaks in a folded scalar, a rule this reader does not implement
            raise YamlError("a folded block scalar (>) with more-indented lines is not supported: use |", number)
        else:
            text = re.sub(r"(?<!\n)\n(?!\n)", " ", "\n".join(body)).replace("\n\n", "\n")
        return text if chomp == "-" or not text else text + "\n"


def _strip_comment(text: str) -> str:
    """Remove a trailing ` # comment` that is not inside quotes."""
    quote, skip = None, False
    for i, ch in enumerate(text):
        if skip:  # the second character of an escape: \" inside "…", '' inside '…'
            skip = False
        elif quote:
            if quote == '"' and ch == "\\" or quote == "'" and ch == "'" and text[i + 1:i + 2] == "'":
                skip = True
            elif ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or text[:i].rstrip()[-1:] in (",", "[", "{", ":")):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.strip()


def _key(text: str, number: int):
    """A mapping key: quoted keys are strings, plain keys resolve like any plain scalar (`1:` is 1)."""
    if text[:1] in "'\"":
        return _unquote(text, number)
    if text[:1] in "?-" and text[1:2] in ("", " "):
        raise YamlError(f"complex keys are not supported: {text[:40]!r}", number)
    value = _scalar(text, number)
    if isinstance(value, (list, dict)):
        raise YamlError(f"a key must be a scalar: {text[:40]!r}", number)
    return value


def _unquote(text: str, number: int) -> str:
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        out, i, body = [], 0, text[1:-1]
        while i < len(body):
            ch = body[i]
            if ch == "\\" and i + 1 < len(body):
                nxt = body[i + 1]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2:i + 6]):
                    out.append(chr(int(body[i + 2:i + 6], 16)))
                    i += 6
                    continue
                if nxt not in _ESCAPES:
                    raise YamlError(f"unknown escape \\{nxt}", number)
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)
    if text[:1] in "'\"":
        raise YamlError(f"unterminated quoted string {text[:40]!r}", number)
    return text


def _scalar(text: str, number: int, depth: int = 0):
    if not text:
        return None
    if depth > MAX_DEPTH:
        raise YamlError(f"nested more than {MAX_DEPTH} levels", number)
    if text[0] in "'\"":
        return _unquote(text, number)
    if text[0] == "[":
        if not text.endswith("]"):
            raise YamlError("a flow list must close on the same line", number)
        return [_scalar(part, number, depth + 1) for part in _split_flow(text[1:-1], number)]
    if text[0] == "{":
        if not text.endswith("}"):
            raise YamlError("a flow mapping must close on the same line", number)
        result = {}
        for part in _split_flow(text[1:-1], number):
            match = _KEY.match(part + " ")
            if not match or match.end() > len(part) + 1:
                raise YamlError(f"expected `key: value` in {part[:40]!r}", number)
            key = _key(match["key"].strip(), number)
            if key in result:
                raise YamlError(f"duplicate key {key!r}", number)
            result[key] = _scalar(part[match.end():].strip(), number, depth + 1)
        return result
    if text[0] in "&*!%@`,]}|>":
        raise YamlError(f"unsupported YAML feature in {text[:40]!r} (quote the value if it is text)", number)
    if text[0] in "?:-" and text[1:2] in ("", " "):
        raise YamlError(f"{text[:40]!r} is not a plain value in YAML: quote it", number)
    if ": " in text or text.endswith(":"):
        raise YamlError(f"a value containing ': ' must be quoted: {text[:40]!r}", number)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _NULL:
        return None
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _FLOAT.match(text):
        return float(text.replace("_", ""))
    if _UNSUPPORTED_NUMBER.match(text):
        raise YamlError(f"{text!r}: this number form is not supported; write it in decimal or quote it", number)
    return text


def _split_flow(body: str, number: int) -> list[str]:
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    if quote or depth:
        raise YamlError("unbalanced flow collection", number)
    last = body[start:].strip()
    if last:
        parts.append(last)
    return [p for p in parts if p]
