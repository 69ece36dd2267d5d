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
    if data and b"\r\n" in data:
        return b"\r\n"
    if data and b"\r" in data and b"\n" not in data:
        return b"\r"                    # classic Mac line endings
    return b"\n"


_OTHER_ENCODINGS = ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"), (b"\x00\x00\xfe\xff", "UTF-32"))


def check_encoding(data: bytes | None, where: str):
    """Our text is UTF-8: a shared file in another encoding is refused, never mixed."""
    if not data:
        return
    named = next((name for bom, name in _OTHER_ENCODINGS if data.startswith(bom)), None)
    if named is None and b"\x00" in data:
        named = "UTF-16 or another wide encoding"
    if named is None:
        try:
            data.decode("utf-8")
            return
        except UnicodeDecodeError:
            named = "a legacy code page, not UTF-8"
    raise SkillError(f"{where} is encoded as {named}; save it as UTF-8 and run again "
                     "(or add the postmortem-skill lines by hand)")


def _is_empty(data: bytes | None) -> bool:
    return not data or data == BOM


def block_bytes(inner: str, comment: str, eol: bytes = b"\n") -> bytes:
    begin, end = markers(comment)
    lines = inner.strip("\n").split("\n")
    return eol.join([begin, *(line.encode("utf-8") for line in lines), end])


def find_block(data: bytes, comment: str, where: str) -> tuple[int, int] | None:
    """(start, end) of our block including both marker lines (without the final line ending); None when
    neither marker is there. A marker missing, doubled or out of order is damage."""
    begin, end = markers(comment)
    begins, ends = data.count(begin), data.count(end)
    if begins == ends == 0:
        return None
    start, stop = data.find(begin), data.find(end)
    if begins != 1 or ends != 1 or stop < start:
        raise SkillError(f"{where}: the {NAME} markers are damaged (BEGIN x{begins}, END x{ends}); "
                         "fix or remove the block by hand")
    return start, stop + len(end)


def block_digest(data: bytes, span: tuple[int, int]) -> str:
    """SHA-256 of the block with its line endings made LF (git may convert them; that is not an edit)."""
    import hashlib

    text = data[span[0]:span[1]].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return hashlib.sha256(text).hexdigest()


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
        before = eol if old.endswith((b"\n", b"\r")) else eol + eol
    after = eol
    return (old or b"") + before + block + after, before.decode(), after.decode()


def _as_now(separator: str, eol: bytes) -> list[bytes]:
    """The separator as recorded, and as it reads after the file's line endings were converted to eol."""
    recorded = separator.encode()
    plain = recorded.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return sorted({recorded, plain.replace(b"\n", eol)}, key=len, reverse=True)    # "\r\n" before "\n"


def remove_block(data: bytes, comment: str, before: str, after: str, where: str) -> bytes:
    """Take our block out with the separators install added, leaving every other byte as it is now.
    The block's own line endings tell whether the file was converted since (git's autocrlf, an editor)."""
    span = find_block(data, comment, where)
    if not span:
        return data
    start, stop = span
    inside = data[start + len(markers(comment)[0]):]
    eol = next((e for e in (b"\r\n", b"\n", b"\r") if inside.startswith(e)), b"\n")
    pre = next((p for p in _as_now(before, eol) if p and data[:start].endswith(p)), b"")
    post = next((p for p in _as_now(after, eol) if p and data[stop:].startswith(p)), b"")
    if not pre and not post:        # a block that replaced the user's: its own line ending goes with it
        post = next((e for e in (b"\r\n", b"\n", b"\r") if data[stop:].startswith(e)), b"")
    return data[:start - len(pre)] + data[stop + len(post):]


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
    Callers check `listed` first: an item the user already lists is left alone. Only a structure we
    can take out again exactly is edited; otherwise the user gets the line to add by hand."""
    new, before = _upsert_item(old, key, item, where)
    if remove_item(new, before) != (remove_item(old, "") if old else b""):
        raise SkillError(f"{where}: its layout is one install cannot edit and restore exactly; "
                         f"add {hand_line(key, item)} by hand")
    return new, before


def _upsert_item(old: bytes | None, key: str, item: str, where: str) -> tuple[bytes, str]:
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
            raise SkillError(f"{where}: '{key}:' is not a block list; add {hand_line(key, item)} by hand")
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


def hand_line(key: str, item: str) -> str:
    from postmortem_skill.compiler.frontmatter import scalar

    return f"'{key}:' with the item '- {scalar(item)}'"


def remove_item(data: bytes, before: str) -> bytes:
    """Drop our marked lines. A key line install added stays (unmarked) while items the user added
    since still hang under it: removing it would make them part of the key above."""
    eol = line_ending(data)
    mark = ITEM_MARK.encode()
    lines = data.split(eol)
    kept = []
    for i, line in enumerate(lines):
        if not line.rstrip().endswith(mark):
            kept.append(line)
        elif not line[:1].isspace() and _users_items_follow(lines, i, mark):
            kept.append(line.rstrip()[:-len(mark)].rstrip())
    result = eol.join(kept)
    if before and result.endswith(before.encode()):
        result = result[:-len(before)]
    return result


def _users_items_follow(lines: list[bytes], head: int, mark: bytes) -> bool:
    for line in lines[head + 1:]:
        stripped = line.strip()
        if stripped and not line[:1].isspace() and not stripped.startswith(b"-"):
            return False                                   # the next key: the list ended
        if stripped and not stripped.startswith(b"#") and not line.rstrip().endswith(mark):
            return True
    return False


def check_item(data: bytes, key: str, item: str, where: str):
    """Make sure the merged YAML still parses and lists the item."""
    import yaml

    try:
        parsed = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        raise SkillError(f"{where}: not valid YAML after adding {item!r}; add {hand_line(key, item)} by hand") from None
    if not isinstance(parsed, dict) or item not in (parsed.get(key) or []):
        raise SkillError(f"{where}: could not add {item!r} to '{key}:'; add {hand_line(key, item)} by hand")
