"""Read and write YAML frontmatter: one-line scalars that always parse back to the value meant."""
from __future__ import annotations

import json
import re
from functools import lru_cache

from postmortem_skill.compiler.errors import SkillError

FENCE = "---"


def split(text: str, where: str) -> tuple[dict, str]:
    """Return (frontmatter mapping, body) of a Markdown text that starts with a --- fence."""
    import yaml

    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise SkillError(f"{where}: no YAML frontmatter (the file must start with '---')")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise SkillError(f"{where}: frontmatter is not closed by a '---' line") from None
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        raise SkillError(f"{where}: frontmatter is not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise SkillError(f"{where}: frontmatter must be a mapping of keys to values")
    return data, "\n".join(lines[end + 1:])


def one_line(text: str) -> str:
    """Collapse runs of whitespace (including newlines) to single spaces."""
    return " ".join(str(text).split())


_NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _parses_back(text: str, value) -> bool:
    import yaml

    try:
        return "\n" not in text and yaml.safe_load(f"k: {text}\n") == {"k": value}
    except yaml.YAMLError:
        return False


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}    # YAML 1.1 reads these as bool/null


def scalar(value) -> str:
    """A YAML scalar on one line that parses back to `value` (str, bool, int, float or None)."""
    if not isinstance(value, str):
        return json.dumps(value)
    if _PLAIN.match(value) and value.lower() not in _WORDS:
        return value             # a file name or word: plain, as PyYAML would dump it, without importing it
    return _string_scalar(value)


@lru_cache(maxsize=512)
def _string_scalar(value: str) -> str:
    # a pure function of the string, called ~90 times per install --all for ~20 distinct values
    # (the same description in every skill copy and rule), so each is dumped and re-parsed once
    import yaml

    dumped = yaml.safe_dump({"k": value}, allow_unicode=True, width=float("inf"))
    if dumped.count("\n") == 1 and dumped.startswith("k: ") and _parses_back(dumped[3:-1], value):
        return dumped[3:-1]
    quoted = json.dumps(value, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def emit(mapping: dict) -> str:
    """Frontmatter block (with fences and final newline); keys keep their order."""
    import yaml

    lines = [FENCE]
    for key, value in mapping.items():
        if isinstance(value, (dict, list)):
            nested = yaml.safe_dump({key: value}, allow_unicode=True, width=float("inf"),
                                    sort_keys=False, default_flow_style=False)
            lines.append(nested.rstrip("\n"))
        else:
            lines.append(f"{key}: {scalar(value)}")
    lines.append(FENCE)
    return "\n".join(lines) + "\n"
