"""Tables printed with aligned columns, as command-line tools print them (`argocd app history`, `kubectl
get`, `flux get`, `helm list`): a header of upper-case column names two or more spaces apart, and rows whose
cells start where the header's names do. A line above the header (`SOURCE  https://…`) is the command's
preamble, not a row. Each row is read as a CSV row would be (`tables.add_row`). A deploy history that has a
REVISION column and no text column (`argocd app history`) says what each row is: `deployed revision v1.14.0
(04de8b4)`. No I/O."""
from __future__ import annotations

import re

from postmortem_skill.helper.features.importers.columns import Columns
from postmortem_skill.helper.features.importers.core import Reader
from postmortem_skill.helper.features.importers.tables import add_row

_NAME = r"[A-Z][A-Z0-9_.()/%#-]*"
_HEADER = re.compile(rf"{_NAME}(?: {_NAME})*(?: {{2,}}{_NAME}(?: {_NAME})*)+")
_GAP = re.compile(r" {2,}")
_PREAMBLE_LINES = 4


def _header(lines: list[str]) -> tuple[int, list[int], Columns] | None:
    """(index of the header line, where each column starts, its columns) among the first lines, when one
    names a time column."""
    for i, line in enumerate(lines[:_PREAMBLE_LINES + 1]):
        text = line.rstrip()
        if "\t" in text or not _HEADER.fullmatch(text):
            continue
        names = _GAP.split(text)
        columns = Columns(names)
        if columns.text is None and "revision" in columns.names:
            columns = Columns(names + ["event"])
        if columns.ok():
            starts = [0] + [m.end() for m in _GAP.finditer(text)]
            return i, starts, columns
    return None


def _cells(line: str, starts: list[int], count: int) -> list[str] | None:
    """A row's cells: split where two or more spaces part them when that gives one cell per column, else
    cut at the header's column starts (a cell with two spaces inside, or an empty one)."""
    cells = _GAP.split(line.strip())
    if len(cells) == count:
        return cells
    if any(0 < start <= len(line) and line[start - 1] != " " for start in starts):
        return None  # a cell runs into the next column: not a row of this table
    bounds = starts + [len(line)]
    return [line[a:b].strip() for a, b in zip(bounds, bounds[1:])]


def read_aligned(text: str, reader: Reader) -> bool:
    """Rows of a column-aligned table whose header names a time column; False when the text is none."""
    lines = text.splitlines()
    found = _header(lines)
    if found is None:
        return False
    at, starts, columns = found
    for number, line in enumerate(lines[at + 1:], at + 2):
        if not line.strip():
            continue
        cells = _cells(line, starts, len(starts))
        if cells is None:
            reader.problem(number, "not aligned with the table's header columns")
            continue
        if len(cells) < len(columns.names):  # the deploy history's own text
            cells.append(f"deployed revision {cells[columns.names.index('revision')]}")
        add_row(reader, number, cells, columns)
    return True
