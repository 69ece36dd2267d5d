"""Which split a labelled sentence belongs to (tests/helper/data/language/): the one rule the tests, the
trainer (tools/train_language.py) and the bench (bench/language.py) share.

A file with a `split` column says it per row (en.tsv, zh.tsv: dev, test). A file named `<lang>-dev<N>.tsv`
is an independent development set, split `dev<N>`: written by someone who never saw the rules, never
trained on, it chooses the judge's threshold. Every other file (`<lang>-gen-w*.tsv`, `<lang>-prose.tsv`)
is training data.
"""
from __future__ import annotations

import re
from pathlib import Path

from postmortem_skill.helper.engine.check import check_text

_DEV_SET = re.compile(r"-(dev\d+)\.tsv$")


def split_of(path: Path, row_split: str | None = None) -> str:
    if row_split:
        return row_split
    m = _DEV_SET.search(path.name)
    return m.group(1) if m else "train"


def is_dev_set(split: str) -> bool:
    """An independent development set (dev2, dev4, …), not en.tsv's own `dev` split."""
    return split.startswith("dev") and split[3:].isdigit()


def flagged(sentence: str) -> list[str]:
    """The language findings (warnings and errors, not the PM308 info) of a sentence alone in a narrative
    section, so that no forward-looking allowance applies: what counts as flagged everywhere."""
    heading = "## 根因分析" if any("\u4e00" <= ch <= "\u9fff" for ch in sentence) else "## What Happened"
    findings = check_text(f"{heading}\n\n{sentence}\n")
    return [f.rule for f in findings if f.rule.startswith("PM3") and f.severity != "info"]
