"""lazy(pattern, flags): re.compile(pattern, flags), compiled when first used.

Compiling the patterns was most of what importing the rules cost validate of one file, and many are for
documents that file is not (Chinese, other time formats, a kind of table, a line with a secret). After the
first use the pattern's methods are the compiled pattern's own, so a lazy pattern is as fast to call. Use it
for module-level patterns that are only called (search, match, sub, ...), never passed to re or compared.

may_hold_cjk(text) says whether a pattern of Chinese characters is worth compiling for a text: a class as wide
as [\u3400-\u9fff] costs 2 ms to compile (re fills a table of 65,536 entries), more than a document's check.
"""
from __future__ import annotations

import re

_COPIED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "groupindex", "groups",
           "pattern", "flags")


class _Lazy:
    def __init__(self, pattern: str, flags: int = 0):
        self._args = (pattern, flags)

    def __getattr__(self, name):
        compiled = re.compile(*self._args)
        for attribute in _COPIED:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self):
        return f"lazy({self._args[0]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern:
    return _Lazy(pattern, flags)  # type: ignore[return-value]


# the first byte in UTF-8 of every character from U+3000 to U+9FFF and from U+F000 to U+FFFF
_CJK_LEAD = re.compile(rb"[\xe3-\xe9\xef]")


_CJK_LEADS = tuple(bytes([lead]) for lead in (*range(0xE3, 0xEA), 0xEF))
_LONG = 2000  # from about this length eight memchr scans beat one pass of the class


def may_hold_cjk(text: str) -> bool:
    """False only when `text` has no character in U+3400-U+9FFF or U+F900-U+FAFF."""
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    if len(data) < _LONG:
        return _CJK_LEAD.search(data) is not None
    return any(lead in data for lead in _CJK_LEADS)  # a whole document: a byte search per lead byte (memchr)
