"""The findings cache: unchanged documents are not checked again, and nothing stale is ever served."""
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.engine import cache, check

DOC = "# Postmortem: Cache test\n\n**Date**: 2026-02-30\n\n## Executive Summary\n\nThe operator was careless.\n"


def _run(capsys, *args):
    code = main(["validate", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["findings"]


def _pair(tmp_path, text=DOC):
    """The cache serves runs over several files (one file checks faster than the cache loads)."""
    for name in ("INC-1.md", "INC-2.md"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "INC-1.md", tmp_path / "INC-2.md"


def _forbid_checking(monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("a cached document was checked again")
    monkeypatch.setattr(check, "check_text", boom)


def test_second_run_serves_the_same_findings_without_checking(tmp_path, capsys, monkeypatch):
    docs = [str(p) for p in _pair(tmp_path)]
    first = _run(capsys, *docs)
    assert first[0] == 1 and first[1]
    _forbid_checking(monkeypatch)
    assert _run(capsys, *docs) == first


def test_edited_document_or_settings_are_checked_again(tmp_path, capsys):
    one, two = _pair(tmp_path)
    _run(capsys, str(one), str(two))
    (tmp_path / ".postmortem.yaml").write_text("disabled_rules: [PM301]\n", encoding="utf-8")
    assert "PM301" not in [f["rule"] for f in _run(capsys, str(one), str(two))[1]]
    one.write_text(DOC.replace("careless", "paged"), encoding="utf-8")
    found = _run(capsys, str(one), str(two))[1]
    assert [f["rule"] for f in found if f["file"] == str(one)].count("PM201") == 1


def test_no_cache_and_single_files_write_nothing(tmp_path, capsys):
    one, two = _pair(tmp_path)
    _run(capsys, "--no-cache", str(one), str(two))
    _run(capsys, str(one))
    assert not any(os.scandir(os.environ["POSTMORTEM_CACHE_DIR"]))


def _cache_file():
    return Path(os.environ["POSTMORTEM_CACHE_DIR"]) / cache.FILE


def _entries():
    with sqlite3.connect(_cache_file()) as db:
        return db.execute("SELECT key, rows FROM findings ORDER BY rowid").fetchall()


def test_the_cache_is_an_sqlite_database_of_finding_rows(tmp_path, capsys):
    one, two = _pair(tmp_path)
    found = _run(capsys, str(one), str(two))[1]
    entries = _entries()
    assert len(entries) == 1  # two identical documents: one key
    rows = json.loads(entries[0][1])
    assert [row[0] for row in rows] == [f["rule"] for f in found if f["file"] == str(one)]


@pytest.mark.parametrize("damage", [
    b"{not json", b"SQLite format 3\0" + b"\xff" * 200, b"",
])
def test_a_file_that_is_not_our_database_is_replaced(tmp_path, capsys, monkeypatch, damage):
    docs = [str(p) for p in _pair(tmp_path)]
    expected = _run(capsys, "--no-cache", *docs)
    _cache_file().write_bytes(damage)
    assert _run(capsys, *docs) == expected
    assert len(_entries()) == 1  # rebuilt, and it serves the next run
    _forbid_checking(monkeypatch)
    assert _run(capsys, *docs) == expected


def test_a_table_of_another_shape_is_replaced(tmp_path, capsys):
    docs = [str(p) for p in _pair(tmp_path)]
    with sqlite3.connect(_cache_file()) as db:
        db.execute("CREATE TABLE findings (a INTEGER, b BLOB)")
        db.execute("INSERT INTO findings VALUES (1, x'00')")
    expected = _run(capsys, "--no-cache", *docs)
    assert _run(capsys, *docs) == expected
    assert len(_entries()) == 1


@pytest.mark.parametrize("stored", [
    "{not json", '{"a": 1}', "42", '[[201, 1, 1, "error", "metadata", "the id is not a string", null]]',
    '[["PM201", "one", 1, "error", "metadata", "line is not a number", null]]',
    '[["PM201", 1, 1, "fatal", "metadata", "no such severity", null]]',
    '[["PM201", 1, 1, "error", "weather", "no such category", null]]', '[["PM201", 1]]', '[null]',
])
def test_a_damaged_entry_is_ignored_and_written_again(tmp_path, capsys, stored):
    docs = [str(p) for p in _pair(tmp_path)]
    expected = _run(capsys, *docs)
    with sqlite3.connect(_cache_file()) as db:
        db.execute("UPDATE findings SET rows = ?", (stored,))
    assert _run(capsys, *docs) == expected
    rows = json.loads(_entries()[0][1])  # written again, whole
    assert [row[0] for row in rows] == [f["rule"] for f in expected[1] if f["file"] == docs[0]]


def test_a_wrongly_typed_column_is_a_miss_not_a_traceback(tmp_path, capsys):
    docs = [str(p) for p in _pair(tmp_path)]
    expected = _run(capsys, *docs)
    with sqlite3.connect(_cache_file()) as db:
        db.execute("UPDATE findings SET rows = x'deadbeef'")
    assert _run(capsys, *docs) == expected


def test_the_cache_keeps_the_newest_entries_up_to_its_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cache, "_MAX_ROWS", 3)
    paths = []
    for i in range(5):
        path = tmp_path / f"INC-{i}.md"
        path.write_text(DOC.replace("Cache test", f"Cache test {i}"), encoding="utf-8")
        paths.append(str(path))
    _run(capsys, *paths[:2])
    _run(capsys, *paths[2:])
    assert len(_entries()) == 3
    monkeypatch.setattr(check, "check_text", lambda *_a, **_k: [])  # cached ones keep their findings
    found = _run(capsys, *paths)[1]
    assert {f["file"] for f in found} == set(paths[2:])


def test_an_entry_too_large_is_not_kept(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cache, "_MAX_ENTRY_BYTES", 10)
    _run(capsys, *[str(p) for p in _pair(tmp_path)])
    assert _entries() == []


def test_the_old_json_cache_is_removed(tmp_path, capsys):
    old = Path(os.environ["POSTMORTEM_CACHE_DIR"]) / "validate-v1.json"
    old.write_text("{}", encoding="utf-8")
    _run(capsys, *[str(p) for p in _pair(tmp_path)])
    assert not old.exists()


def test_unwritable_cache_only_costs_time(tmp_path, capsys, monkeypatch):
    docs = [str(p) for p in _pair(tmp_path)]
    expected = _run(capsys, "--no-cache", *docs)
    monkeypatch.setenv("POSTMORTEM_CACHE_DIR", docs[0])  # a file, not a folder: cannot be written
    assert _run(capsys, *docs) == expected
    assert Path(docs[0]).read_text(encoding="utf-8") == DOC


def test_each_file_is_read_once(tmp_path, capsys, monkeypatch):
    from postmortem_skill.helper import inputs

    reads = []
    for name in ("read_text", "read_utf8"):
        real = getattr(inputs, name)
        monkeypatch.setattr(inputs, name, lambda path, real=real: reads.append(path) or real(path))
    one, two = _pair(tmp_path)
    _run(capsys, str(one), str(two))
    _run(capsys, str(one))
    assert reads == [one, two, one]


def test_a_python_without_sqlite3_runs_without_a_cache(tmp_path, capsys, monkeypatch):
    docs = [str(p) for p in _pair(tmp_path)]
    expected = _run(capsys, "--no-cache", *docs)
    for name in ("sqlite3", "_sqlite3"):  # what `import` meets in such a build
        monkeypatch.setitem(sys.modules, name, None)
    assert _run(capsys, *docs) == expected
    assert not _cache_file().exists()
