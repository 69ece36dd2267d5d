"""Edit user-owned shared files byte-exactly: one marked block, or one marked item in a YAML list.

Everything here works on bytes so that the encoding, BOM, line endings and trailing newline of the
user's text are kept as they are. Each insert returns what it added around our text so that removal
restores the previous bytes exactly.
"""
from __future__ import annotations

import re

from postmortem_skill.compiler.errors import SkillError

NAME = "postmortem-skill"
ITEM_MARK = f"# {NAME}"
BOM = b"\xef\xbb\xbf"


def markers(comment: str) -> tuple[bytes, bytes]:
    if comment == "hash":
        return f"# BEGIN {NAME}".encode(), f"# END {NAME}".encode()
    return f"<!-- BEGIN {NAME} -->".encode(), f"<!-- END {NAME} -->".encode()


def line_ending(data: bytes | None) -> bytes:
    return b"\r\n" if data and b"\r\n" in data else b"\n"


def _is_empty(data: bytes | None) -> bool:
    return not data or data == BOM


def block_bytes(inner: str, comment: str, eol: bytes = b"\n") -> bytes:
    begin, end = markers(comment)
    lines = inner.strip("\n").split("\n")
    return eol.join([begin, *(line.encode("utf-8") for line in lines), end])


def find_block(data: bytes, comment: str, where: str) -> tuple[int, int] | None:
    """(start, end) of our block including both marker lines (without the final line ending)."""
    begin, end = markers(comment)
    start = data.find(begin)
    if start < 0:
        return None
    stop = data.find(end, start)
    if stop < 0 or data.count(begin) > 1:
        raise SkillError(f"{where}: the {NAME} markers are damaged; fix or remove the block by hand")
    return start, stop + len(end)


def upsert_block(old: bytes | None, inner: str, comment: str, where: str) -> tuple[bytes, str, str]:
    """New bytes with our block in place, and the separators added before and after it."""
    eol = line_ending(old)
    block = block_bytes(inner, comment, eol)
    span = find_block(old, comment, where) if old else None
    if span:
        return old[:span[0]] + block + old[span[1]:], "", ""
    if _is_empty(old):
        before = b""
    else:
        before = eol if old.endswith(b"\n") else eol + eol
    after = eol
    return (old or b"") + before + block + after, before.decode(), after.decode()


def remove_block(data: bytes, comment: str, before: str, after: str, where: str) -> bytes:
    span = find_block(data, comment, where)
    if not span:
        return data
    start, stop = span
    pre, post = before.encode(), after.encode()
    if pre and data[:start].endswith(pre):
        start -= len(pre)
    if post and data[stop:].startswith(post):
        stop += len(post)
    elif not pre and not post and data[stop:stop + 2] in (b"\r\n",):
        stop += 2
    elif not pre and not post and data[stop:stop + 1] == b"\n":
        stop += 1
    return data[:start] + data[stop:]


def _item_line(item: str, indent: bytes) -> bytes:
    from postmortem_skill.compiler.frontmatter import scalar

    return indent + b"- " + scalar(item).encode("utf-8") + b"  " + ITEM_MARK.encode()


def _key_line(key: str) -> re.Pattern:
    return re.compile(rb"^" + re.escape(key.encode()) + rb":[ \t]*(?:#[^\r\n]*)?$")


def listed(data: bytes | None, key: str, item: str) -> bool:
    """True when the YAML in `data` already lists `item` under `key` (the user's own line)."""
    if _is_empty(data):
        return False
    import yaml

    try:
        parsed = yaml.safe_load((data or b"").decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get(key), list) and item in parsed[key]


def upsert_item(old: bytes | None, key: str, item: str, where: str) -> tuple[bytes, str]:
    """Add `item` (marked) to the top-level YAML list `key`; returns (new bytes, separator added).
    Callers check `listed` first: an item the user already lists is left alone."""
    eol = line_ending(old)
    mark = ITEM_MARK.encode()
    lines = (old or b"").split(eol) if not _is_empty(old) else []
    ours = [i for i, line in enumerate(lines) if line.rstrip().endswith(mark)]
    wanted = _item_line(item, b"  ")
    if ours:
        indent = lines[ours[-1]][:len(lines[ours[-1]]) - len(lines[ours[-1]].lstrip())]
        lines[ours[-1]] = _item_line(item, indent)
        return eol.join(lines), ""
    head = next((i for i, line in enumerate(lines) if _key_line(key).match(line)), None)
    if head is None:
        if any(re.match(rb"^" + re.escape(key.encode()) + rb"\s*:", line) for line in lines):
            raise SkillError(f"{where}: '{key}:' is not a block list; add {item} to it by hand")
        before = b"" if _is_empty(old) or old.endswith(b"\n") else eol
        added = key.encode() + b":  " + mark + eol + wanted + eol
        return (old or b"") + before + added, before.decode()
    last, indent = head, b"  "
    for i in range(head + 1, len(lines)):
        stripped = lines[i].lstrip()
        if stripped.startswith(b"- ") or stripped == b"-" or (lines[i][:1] in (b" ", b"\t") and stripped):
            if stripped.startswith(b"-") and last == head:
                indent = lines[i][:len(lines[i]) - len(stripped)]
            last = i
        elif stripped and not stripped.startswith(b"#"):
            break
    lines.insert(last + 1, _item_line(item, indent))
    return eol.join(lines), ""


def remove_item(data: bytes, before: str) -> bytes:
    eol = line_ending(data)
    mark = ITEM_MARK.encode()
    kept = [line for line in data.split(eol) if not line.rstrip().endswith(mark)]
    result = eol.join(kept)
    if before and result.endswith(before.encode()):
        result = result[:-len(before)]
    return result


def check_item(data: bytes, key: str, item: str, where: str):
    """Make sure the merged YAML still parses and lists the item."""
    import yaml

    try:
        parsed = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        raise SkillError(f"{where}: not valid YAML after adding {item!r}; add it by hand") from None
    if not isinstance(parsed, dict) or item not in (parsed.get(key) or []):
        raise SkillError(f"{where}: could not add {item!r} to '{key}:'; add it by hand")
