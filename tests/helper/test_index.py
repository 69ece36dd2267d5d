"""`postmortem index`: the README block, idempotence, bytes outside kept, en + zh, related both ways."""
from __future__ import annotations

import pytest

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.index import BEGIN, END

EN = """\
# Postmortem: Checkout errors after deploy
<!-- postmortem-template: quick -->

**Date**: 2026-03-04
**Status**: In Review
**Incident Severity**: SEV2
**Incident Duration**: 47 minutes
**Incident ID**: INC-42

## Timeline (All times UTC)

| Time (UTC) | Event |
|---|---|
| 09:12 | **IMPACT STARTS** Error rate above 5% |
| 09:15 | **DETECTED** Page fires |
| 09:59 | **RESOLVED** Error rate at baseline |

## Action Items

| Priority | Action | Owner | Due Date | Ticket | Status |
|---|---|---|---|---|---|
| P1 | Add a pool-size check to the deploy gate | Checkout team | 2026-03-20 | OPS-1 | Done |
| P2 | Alert on refused database connections | SRE | 2026-03-27 | OPS-2 | Open |

## Appendix

### Related Incidents

- INC-17 (the same pool limit, last year)
"""

ZH = """\
# 复盘报告：订单服务超时
<!-- postmortem-template: zh -->

**事件编号**：INC-17
**日期**：2025-11-20
**状态**：定稿
**事件等级**：P1
**持续时间**：1小时20分钟

## 时间线（UTC）

| 时间 | 事件 |
|---|---|
| 2025-11-20 23:30 | **影响开始** 下单超时 |
| 2025-11-20 23:44 | **发现** 告警触发 |
| 2025-11-21 00:50 | **恢复** 超时率回到基线 |

## 改进行动项

| 优先级 | 行动项 | 负责人 | 截止日期 | 工单 |
|---|---|---|---|---|
| P1 | 为连接池总量增加发布检查 | 交易平台组 | 2025-12-10 | OPS-9 |
"""


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "INC-42.md").write_text(EN, encoding="utf-8")
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "INC-17.md").write_text(ZH, encoding="utf-8")
    (tmp_path / "notes.md").write_text("just some notes, not a postmortem\n", encoding="utf-8")
    return tmp_path


def block_of(text: str) -> str:
    return text[text.index(BEGIN):text.index(END) + len(END)]


def test_creates_readme_with_rows_counts_chart_and_related(folder, capsys):
    code, out, _ = cli(capsys, "index", str(folder), "--today", "2026-03-25")
    assert code == 0 and "written (2 postmortems)" in out
    text = (folder / "README.md").read_text(encoding="utf-8")
    rows = [line for line in block_of(text).splitlines() if line.startswith("| 20") and "Q" not in line[:10]]
    assert rows == [
        "| 2026-03-04 | [INC-42](INC-42.md) | Checkout errors after deploy | SEV2 | In Review | 47 minutes "
        "| 3 min | 47 min | 1 | 0 | [INC-17](2025/INC-17.md) |",
        "| 2025-11-20 | [INC-17](2025/INC-17.md) | 订单服务超时 | P1 | 定稿 | 1小时20分钟 | 14 min | 80 min | 1 | 1 "
        "| [INC-42](INC-42.md) |",
    ]
    assert "**Action items**: 2 open, 1 overdue" in text
    assert "**By severity**: SEV2 1 · P1 1" in text
    assert "| 2025-Q4 | 1 |\n| 2026-Q1 | 1 |" in text
    assert 'x-axis ["2025-Q4", "2026-Q1"]' in text and "bar [1, 1]" in text and "```mermaid\nxychart-beta" in text
    assert "notes" not in block_of(text)


def test_second_run_writes_nothing(folder, capsys):
    cli(capsys, "index", str(folder))
    readme = folder / "README.md"
    before, stamp = readme.read_bytes(), readme.stat().st_mtime_ns
    code, out, _ = cli(capsys, "index", str(folder))
    assert code == 0 and "unchanged" in out
    assert readme.read_bytes() == before and readme.stat().st_mtime_ns == stamp


def test_bytes_outside_the_block_and_crlf_are_kept(folder, capsys):
    readme = folder / "README.md"
    head = "# Our incidents\r\n\r\nWritten by hand. Ünïcode stays.\r\n\r\n"
    tail = "\r\n## Process\r\n\r\nSee the runbook.\r\n"
    readme.write_bytes((head + BEGIN + "\r\nold stuff\r\n" + END + tail).encode("utf-8"))
    assert cli(capsys, "index", str(folder))[0] == 0
    data = readme.read_bytes().decode("utf-8")
    assert data.startswith(head + BEGIN) and data.endswith(END + tail)
    assert "old stuff" not in data and "\n" not in data.replace("\r\n", "")
    assert cli(capsys, "index", str(folder))[1].endswith("unchanged (2 postmortems)\n")


def test_appends_block_to_readme_without_one(folder, capsys):
    readme = folder / "README.md"
    readme.write_text("# Postmortems\n\nHand-written intro.", encoding="utf-8")
    cli(capsys, "index", str(folder))
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Postmortems\n\nHand-written intro.\n\n" + BEGIN) and text.endswith(END + "\n")


def test_new_postmortem_updates_the_block(folder, capsys):
    cli(capsys, "index", str(folder))
    (folder / "INC-50.md").write_text(EN.replace("INC-42", "INC-50").replace("2026-03-04", "2026-05-01")
                                      .replace("SEV2", "SEV1"), encoding="utf-8")
    code, out, _ = cli(capsys, "index", str(folder))
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert "updated (3 postmortems)" in out and "[INC-50](INC-50.md)" in text and "SEV1 1 · SEV2 1 · P1 1" in text
    assert "| 2026-Q2 | 1 |" in text


@pytest.mark.parametrize("readme", [BEGIN + "\n", END + "\n" + BEGIN + "\n", BEGIN + BEGIN + END])
def test_unbalanced_markers_exit_2_and_keep_file(folder, capsys, readme):
    (folder / "README.md").write_text(readme, encoding="utf-8")
    code, _, err = cli(capsys, "index", str(folder))
    assert code == 2 and "fix it by hand" in err and len(err.splitlines()) == 1
    assert (folder / "README.md").read_text(encoding="utf-8") == readme


def test_not_a_folder_exit_2(tmp_path, capsys):
    code, _, err = cli(capsys, "index", str(tmp_path / "missing"))
    assert code == 2 and "not a folder" in err


def test_empty_folder_gets_an_empty_index(tmp_path, capsys):
    assert cli(capsys, "index", str(tmp_path))[0] == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "0 postmortems." in text and "xychart" not in text


def test_a_mostly_chinese_archive_gets_a_chinese_index(tmp_path, capsys):
    for name in ("INC-17.md", "INC-18.md"):
        (tmp_path / name).write_text(ZH.replace("INC-17", name[:-3]), encoding="utf-8")
    (tmp_path / "INC-42.md").write_text(EN, encoding="utf-8")
    assert cli(capsys, "index", str(tmp_path))[0] == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# 复盘报告\n") and "共 3 篇复盘。" in text and "| 日期 | 编号 | 标题 |" in text
    assert "**按等级**：" in text and 'title "每季度事件数"' in text


def test_open_and_overdue_counts_follow_status_and_due_date(tmp_path, capsys):
    doc = EN.replace("| Priority | Action | Owner | Due Date | Ticket | Status |\n|---|---|---|---|---|---|\n", (
        "| Priority | Action | Owner | Due Date | Ticket | Status |\n|---|---|---|---|---|---|\n"
        "| P1 | Shard the connection pool | Checkout team | 2026-03-10 | OPS-3 | In progress |\n"
        "| P2 | Rewrite the checkout service | Checkout team | 2026-03-10 | OPS-4 | Won't do |\n"
        "| P3 | Load-test the pool | Checkout team | TBD | TBD | |\n"))
    (tmp_path / "INC-42.md").write_text(doc, encoding="utf-8")
    assert cli(capsys, "index", str(tmp_path), "--today", "2026-03-28")[0] == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| 2026-03-04"))
    # open: in progress, open (due 03-27), the TBD one; overdue: the two with a date before 03-28
    assert "| 47 min | 3 | 2 | —" in row
    assert "**Action items**: 3 open, 2 overdue" in text


def test_overdue_counts_are_idempotent_within_a_day_and_move_with_it(folder, capsys):
    cli(capsys, "index", str(folder), "--today", "2026-03-25")
    readme = folder / "README.md"
    before = readme.read_bytes()
    assert "unchanged" in cli(capsys, "index", str(folder), "--today", "2026-03-25")[1]
    assert readme.read_bytes() == before
    assert "updated" in cli(capsys, "index", str(folder), "--today", "2026-03-28")[1]  # OPS-2 is now overdue
    assert "**Action items**: 2 open, 2 overdue" in readme.read_text(encoding="utf-8")


def test_chinese_index_counts_actions_in_chinese(tmp_path, capsys):
    (tmp_path / "INC-17.md").write_text(ZH, encoding="utf-8")
    assert cli(capsys, "index", str(tmp_path), "--today", "2026-01-01")[0] == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| 未完成行动项 | 逾期 |" in text and "**行动项**：未完成 1 项，逾期 1 项" in text


def test_bad_today_is_exit_2(folder, capsys):
    code, _, err = cli(capsys, "index", str(folder), "--today", "yesterday")
    assert code == 2 and "not a date" in err and not (folder / "README.md").exists()
