"""The findings cache: unchanged documents are not checked again, and nothing stale is ever served."""
import json
import os

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.engine import check

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


def test_corrupt_or_unwritable_cache_only_costs_time(tmp_path, capsys, monkeypatch):
    docs = [str(p) for p in _pair(tmp_path)]
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "validate-v1.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("POSTMORTEM_CACHE_DIR", str(cache_dir))
    expected = _run(capsys, "--no-cache", *docs)
    assert _run(capsys, *docs) == expected
    monkeypatch.setenv("POSTMORTEM_CACHE_DIR", docs[0])  # a file, not a folder: cannot be written
    assert _run(capsys, *docs) == expected
