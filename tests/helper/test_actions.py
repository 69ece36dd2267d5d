"""`postmortem actions`: every action item of an archive, statuses in both languages, overdue, formats."""
from __future__ import annotations

import csv
import io
import json
import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.model.rows import STATUSES, action_status

WITH_STATUS = """\
# Postmortem: Checkout errors after deploy

**Incident ID**: INC-42
**Date**: 2026-03-04
**Status**: In Review

## Action Items

| Priority | Action | Owner | Due Date | Ticket | Type | Status |
|---|---|---|---|---|---|---|
| P0 | Add a pool-size check to the deploy gate | Checkout team | 2026-03-20 | OPS-1 | prevent | Done |
| P1 | Alert on refused database connections | SRE | 2026-03-27 | OPS-2 | detect | 🚧 In progress |
| P1 | Page on pool wait p95 above 500 ms | SRE | 2026-04-30 | OPS-3 | detect | Open |
| P2 | Retry checkout writes with a budget | Checkout Web team | 2026-03-10 | TBD | mitigate | WONTFIX |
| P2 | Document the pool limits in the runbook | Payments team | 2026-03-12 | TBD | process | not started |
"""

NO_STATUS = """\
# Postmortem: Search index lag

**Date**: 2026-02-01

## Action Items

| Priority | Action | Owner | Due Date | Ticket |
|---|---|---|---|---|
| P1 | Alert when index lag exceeds 5 minutes | Search team | 2026-02-15 | SRCH-7 |
| P2 | Load-test the indexer at twice the peak rate | Search team | TBD | TBD |
| [TODO: P0–P3] | [TODO: verb + verifiable end state] | [TODO: team or role] | [TODO: YYYY-MM-DD] | [TODO: ticket] |
"""

ZH = """\
# 复盘报告：订单服务超时

**事件编号**：INC-17
**日期**：2025-11-20
**状态**：定稿

## 改进行动项

| 优先级 | 行动项 | 负责人 | 截止日期 | 工单 | 类型 | 状态 |
|---|---|---|---|---|---|---|
| P0 | 为连接池总量增加发布检查 | 交易平台组 | 2025-12-10 | OPS-9 | 预防 | 已完成 |
| P1 | 增加连接池等待时间告警 | SRE 团队 | 2026-01-15 | OPS-10 | 发现 | 进行中 |
| P1 | 压测订单服务的重试预算 | 订单组 | 2026-03-01 | 待定 | 缓解 | 未开始 |
| P2 | 重写订单服务的连接池 | 订单组 | 2026-02-01 | 待定 | 预防 | 不做 |
"""


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def archive(tmp_path):
    (tmp_path / "2026").mkdir()
    (tmp_path / "2026" / "INC-42.md").write_text(WITH_STATUS, encoding="utf-8")
    (tmp_path / "2026" / "search-lag.md").write_text(NO_STATUS, encoding="utf-8")
    (tmp_path / "INC-17.md").write_text(ZH, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Postmortems\n\n**Date**: 2026-01-01\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Notes\n\nnot a postmortem\n", encoding="utf-8")
    return tmp_path


def listed(capsys, *args):
    code, out, err = cli(capsys, "actions", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_lists_every_item_with_the_contract_fields(archive, capsys):
    rows = listed(capsys, str(archive), "--today", "2026-03-25")
    # a folder's own files first, then its sub-folders, each sorted: the order validate reads them in
    assert [(r["incident"], r["status"]) for r in rows] == [
        ("INC-17", "done"), ("INC-17", "in progress"), ("INC-17", "open"), ("INC-17", "won't do"),
        ("INC-42", "done"), ("INC-42", "in progress"), ("INC-42", "open"), ("INC-42", "won't do"),
        ("INC-42", "open"),
        ("search-lag", "open"), ("search-lag", "open"),
    ]
    first = rows[4]
    assert list(first) == ["file", "line", "incident", "priority", "action", "owner", "due", "ticket", "status",
                           "overdue"]
    assert first["file"].endswith("INC-42.md") and first["line"] == 11 and first["priority"] == "P0"
    assert first["owner"] == "Checkout team" and first["due"] == "2026-03-20" and first["ticket"] == "OPS-1"
    assert rows[10]["due"] == "TBD" and rows[6]["overdue"] is False  # no date: never overdue
    assert all(r["action"] and "TODO" not in r["action"] for r in rows)  # the template row is not an item


def test_overdue_lists_exactly_the_open_items_past_due(archive, capsys):
    rows = listed(capsys, str(archive), "--overdue", "--today", "2026-03-25")
    assert [(r["incident"], r["action"]) for r in rows] == [
        ("INC-17", "增加连接池等待时间告警"),  # 进行中, due 01-15
        ("INC-17", "压测订单服务的重试预算"),  # 未开始, due 03-01
        ("INC-42", "Document the pool limits in the runbook"),  # not started, due 03-12
        ("search-lag", "Alert when index lag exceeds 5 minutes"),  # no Status column: open, due 02-15
    ]
    # done, won't do, due today or later: not overdue
    assert listed(capsys, str(archive), "--overdue", "--today", "2026-01-15") == []
    later = listed(capsys, str(archive), "--overdue", "--today", "2026-05-01")
    assert len(later) == 6 and {r["status"] for r in later} == {"open", "in progress"}


def test_files_and_folders_mix_and_readme_is_skipped(archive, capsys):
    rows = listed(capsys, str(archive / "INC-17.md"), str(archive / "2026"), "--today", "2026-03-25")
    assert len(rows) == 4 + 5 + 2
    assert not any(r["file"].endswith("README.md") for r in rows)


def test_text_groups_by_postmortem_and_counts_at_the_end(archive, capsys):
    code, out, _ = cli(capsys, "actions", str(archive), "--today", "2026-03-25")
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == ("11 action items in 3 postmortems: 5 open, 2 in progress, 2 done, 2 won't do; "
                         "4 overdue (due before 2026-03-25)")
    headers = [line for line in lines if line and not line.startswith(" ")][:-1]
    assert [h.split()[0] for h in headers] == ["INC-17", "INC-42", "search-lag"]
    assert sum("OVERDUE" in line for line in lines) == 4


def test_csv_has_a_header_and_one_row_per_item(archive, capsys):
    code, out, _ = cli(capsys, "actions", str(archive), "--format", "csv", "--today", "2026-03-25")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 11
    assert rows[1]["status"] == "in progress" and rows[1]["overdue"] == "true" and rows[1]["owner"] == "SRE 团队"
    assert rows[0]["overdue"] == "false"


def test_gh_prints_quoted_commands_for_open_items_without_a_ticket(archive, capsys):
    code, out, _ = cli(capsys, "actions", str(archive), "--format", "gh", "--today", "2026-03-25")
    assert code == 0
    commands = [shlex.split(line) for line in out.splitlines() if not line.startswith("#")]
    titles = [c[c.index("--title") + 1] for c in commands]
    assert titles == ["[INC-17] 压测订单服务的重试预算", "[INC-42] Document the pool limits in the runbook",
                      "[search-lag] Load-test the indexer at twice the peak rate"]
    assert all(c[:3] == ["gh", "issue", "create"] and "--body" in c for c in commands)
    assert "Owner: 订单组" in commands[0][commands[0].index("--body") + 1]
    tracked = [line for line in out.splitlines() if "already tracked" in line]
    assert len(tracked) == 4 and any("OPS-2" in line for line in tracked)  # open items that have a ticket


def test_gh_quotes_what_a_shell_would_expand(tmp_path, capsys):
    doc = WITH_STATUS.replace("Document the pool limits in the runbook", "Remove `rm -rf $HOME`'s \"quotes\"; && x")
    (tmp_path / "x.md").write_text(doc, encoding="utf-8")
    out = cli(capsys, "actions", str(tmp_path), "--format", "gh")[1]
    line = next(line for line in out.splitlines() if line.startswith("gh "))
    title = shlex.split(line)[4]
    assert title == "[INC-42] Remove rm -rf $HOME's \"quotes\"; && x"


@pytest.mark.parametrize("args, message", [
    (["--today", "2026-13-01"], "--today '2026-13-01' is not a date"),
    (["--today", "tomorrow"], "is not a date"),
    (["--today", "20260301"], "is not a date"),
])
def test_bad_today_is_exit_2(archive, capsys, args, message):
    code, out, err = cli(capsys, "actions", str(archive), *args)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""


def test_folder_without_postmortems_is_exit_2(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("# Notes\n\nhello\n", encoding="utf-8")
    code, _, err = cli(capsys, "actions", str(tmp_path))
    assert code == 2 and "no postmortems" in err and err.count("\n") == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli(capsys, "actions", str(empty))
    assert code == 2 and err.count("\n") == 1


def test_damaged_file_is_exit_2(archive, capsys):
    (archive / "broken.md").write_bytes(b"# Postmortem: x\n\n**Date**: 2026-01-01\n\xff\xfe bad")
    code, _, err = cli(capsys, "actions", str(archive))
    assert code == 2 and "not UTF-8" in err and err.count("\n") == 1


def test_a_named_file_that_is_not_a_postmortem_is_exit_2(archive, capsys):
    code, _, err = cli(capsys, "actions", str(archive / "notes.md"))
    assert code == 2 and "not a postmortem" in err


def test_help_teaches_statuses_formats_and_examples(capsys):
    with pytest.raises(SystemExit):
        main(["actions", "--help"])
    out = capsys.readouterr().out
    for words in ("won't do", "已完成", "--overdue", "gh issue create", "Nothing is run", "examples:"):
        assert words in out


@pytest.mark.parametrize("text, status", [
    ("Done", "done"), ("done ✅", "done"), ("✅", "done"), ("**Closed**", "done"), ("Done (2026-03-20)", "done"),
    ("completed", "done"), ("已完成", "done"), ("已关闭", "done"),
    ("In progress", "in progress"), ("in-progress", "in progress"), ("WIP", "in progress"), ("进行中", "in progress"),
    ("Won't do", "won't do"), ("won’t fix", "won't do"), ("WONTFIX", "won't do"), ("Cancelled", "won't do"),
    ("不做", "won't do"), ("已取消", "won't do"),
    ("Open", "open"), ("not started", "open"), ("未开始", "open"), ("未完成", "open"), ("", "open"),
    ("TBD", "open"), ("待定", "open"), ("Doneish", "open"), ("blocked", "open"),
])
def test_status_words(text, status):
    assert action_status(text) == status


@given(st.text(max_size=40))
def test_any_status_text_reads_as_one_of_four(text):
    assert action_status(text) in STATUSES


def test_overdue_text_counts_only_what_it_lists(archive, capsys):
    code, out, _ = cli(capsys, "actions", str(archive), "--overdue", "--today", "2026-03-25")
    assert code == 0
    assert out.splitlines()[-1] == ("4 overdue action items in 3 of 3 postmortems: 3 open, 1 in progress "
                                    "(due before 2026-03-25)")
    out = cli(capsys, "actions", str(archive), "--overdue", "--today", "2025-01-01")[1]
    assert out.strip() == "no overdue action items in 3 postmortems (due before 2025-01-01)"


def test_a_published_postmortem_without_header_fields_is_read_by_its_action_table(tmp_path, capsys):
    (tmp_path / "outage.md").write_text(
        "# Search outage, 12 May\n\nSearch was down.\n\n## Action Items\n\n| Action | Owner | Status |\n|---|---|---|\n"
        "| Add a load-shedding limit to the search frontend | Search team | WIP |\n", encoding="utf-8")
    rows = listed(capsys, str(tmp_path))
    assert [(r["incident"], r["status"], r["due"]) for r in rows] == [("outage", "in progress", "")]


@pytest.mark.parametrize("due, status, rules", [
    ("—", "done", []), ("", "done", []), ("n/a", "won't do", []),  # finished work needs no due date
    ("—", "open", ["PM504"]), ("", "open", ["PM502"]), ("next sprint", "open", ["PM504"]),
])
def test_a_done_item_needs_no_due_date(due, status, rules):
    text = ("## Action Items\n\n| Priority | Action | Owner | Due Date | Ticket | Type | Status |\n"
            "|---|---|---|---|---|---|---|\n"
            f"| P1 | Reject a batch size above the API maximum at config load | Jonas | {due} | PR #68 | prevent | "
            f"{status} |\n")
    from postmortem_skill.helper.engine.check import check_text

    assert [f.rule for f in check_text(text) if f.rule in ("PM502", "PM504")] == rules
