"""`postmortem timeline PATH...` over an evidence folder: merged, sourced, zones the inputs name, exports
as the common tools write them, bad files and rows, and the pipe into `new --from`."""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.features import importers
from postmortem_skill.helper.model import miniyaml
from postmortem_skill.helper.model.document import parse_document

HERE = Path(__file__).parent / "evidence"
FOLDER = HERE / "inc-0000"
EXPORTS = HERE / "exports"


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A scratch repository holding a copy of the evidence folder; the commands run from its root."""
    shutil.copytree(FOLDER, tmp_path / "evidence")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rows_of(capsys, *args):
    code, out, err = cli(capsys, "timeline", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out), err


# --------------------------------------------------------------------------- the folder


def test_every_file_with_a_timestamp_gives_rows_each_with_its_source(repo, capsys):
    rows, err = rows_of(capsys, "evidence")
    files = {r["source"].rsplit(":", 1)[0] for r in rows}
    assert files == {f"evidence/{name}" for name in (
        "alertmanager-webhook.json", "broker-metrics.csv", "change-calendar.md", "chat-inc-channel.txt",
        "follow-up-notes.txt", "pagerduty-incidents.csv", "变更单.md")}
    assert all(r["source"].rsplit(":", 1)[1].isdigit() for r in rows)
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)  # a date row sorts on its day
    assert sorted(err.splitlines()) == [
        "evidence/broker-metrics.csv: metrics: kept 11 of 90 samples (baseline left and regained, jumps, turns, "
        "alert thresholds crossed, peaks); left out lines 3-11, 13-27, 29-35, 37-42, 45-59, 61-73, 75-76, 79-90",
        "evidence/dashboard.png: binary file, not an evidence export (skipped)",
        "evidence/release-notes.md: skipped: no timestamp at the start of the line (2 lines, first 3)"]


def test_zones_named_by_the_inputs_win_over_tz(repo, capsys):
    for extra in ((), ("--tz", "America/New_York")):
        rows, _ = rows_of(capsys, "evidence", *extra)
        by_text = {r["event"]: r["time"] for r in rows}
        assert by_text["孙磊：ack, looking at the invoice-send consumer"] == "2026-10-20T06:05:02Z"  # +0800
        assert by_text["CHG-0000-EXAMPLE-1 window start: Broker config: consumer session timeout 45 s → 10 s"] \
            == "2026-10-20T05:30:00Z"  # Window (UTC)
        rollback = "BG-0000-EXAMPLE 窗口开始：回滚 broker 会话超时配置到 45 秒"
        assert by_text[rollback] == "2026-10-20T06:30:00Z"  # 时间（北京时间）
        assert "2026-10-20T05:50:00Z" in {r["time"] for r in rows if r["source"].endswith("broker-metrics.csv:2")}


def test_change_windows_give_start_and_end_rows_naming_the_change(repo, capsys):
    rows, _ = rows_of(capsys, "evidence/change-calendar.md")
    assert [(r["time"], r["id"], r["event"].split(":")[0]) for r in rows] == [
        ("2026-10-20T05:30:00Z", "CHG-0000-EXAMPLE-1", "CHG-0000-EXAMPLE-1 window start"),
        ("2026-10-20T06:00:00Z", "CHG-0000-EXAMPLE-1", "CHG-0000-EXAMPLE-1 window end"),
        ("2026-10-22T02:00:00Z", "CHG-0000-EXAMPLE-2", "CHG-0000-EXAMPLE-2 window start"),
        ("2026-10-22T03:00:00Z", "CHG-0000-EXAMPLE-2", "CHG-0000-EXAMPLE-2 window end")]


def test_alert_ids_and_statuses_survive(repo, capsys):
    rows, _ = rows_of(capsys, "evidence/alertmanager-webhook.json", "evidence/pagerduty-incidents.csv")
    assert [(r["time"], r["id"], r["event"].rsplit("[", 1)[1]) for r in rows] == [
        ("2026-10-20T06:02:00Z", "0000example0001", "P2, firing]"),
        ("2026-10-20T06:16:00Z", "0000example0002", "P1, firing]"),
        ("2026-10-20T06:16:10Z", "Q0EXAMPLE0001", "high, triggered]"),
        ("2026-10-20T06:18:00Z", "Q0EXAMPLE0001", "acknowledged]"),
        ("2026-10-20T06:41:00Z", "0000example0002", "P1, resolved]"),
        ("2026-10-20T06:41:05Z", "Q0EXAMPLE0001", "resolved]"),
        ("2026-10-20T07:06:30Z", "0000example0001", "P2, resolved]")]


def test_metrics_are_condensed_to_the_rows_and_columns_that_change(repo, capsys):
    rows, _ = rows_of(capsys, "evidence/broker-metrics.csv")
    assert 5 <= len(rows) <= 15  # of 90 rows
    assert all("broker=" not in r["event"] for r in rows)  # the same in every row
    assert any(r["event"].startswith("consumer_lag=12800") for r in rows)  # the peak
    assert any(r["time"] == "2026-10-20T06:00:00Z" for r in rows)  # rebalances start


def test_a_date_only_entry_is_a_date_row(repo, capsys):
    rows, _ = rows_of(capsys, "evidence/follow-up-notes.txt")
    assert rows == [{"time": "2026-10-21", "event": "Manual re-issue of the 1,840 invoice emails missed during "
                     "the incident", "milestone": None, "source": "evidence/follow-up-notes.txt:1", "id": None}]
    code, out, _ = cli(capsys, "timeline", "evidence/follow-up-notes.txt", "evidence/chat-inc-channel.txt")
    assert code == 0 and "| 2026-10-21 | Manual re-issue" in out


def test_out_tz_shows_beijing_time_and_json_stays_utc(repo, capsys):
    code, out, _ = cli(capsys, "timeline", "evidence/alertmanager-webhook.json", "--out-tz", "+08:00")
    assert code == 0
    assert out.splitlines()[0] == "| Time (UTC+08:00) | Event | Source |"
    assert "| 14:02:00 | InvoiceQueueLagHigh" in out
    code, out, _ = cli(capsys, "timeline", "evidence/alertmanager-webhook.json", "--out-tz", "+08:00",
                       "--format", "mermaid")
    assert "title Incident timeline (UTC+08:00)" in out and "14#58;02" in out
    rows, _ = rows_of(capsys, "evidence/alertmanager-webhook.json", "--out-tz", "+08:00")
    assert rows[0]["time"] == "2026-10-20T06:02:00Z"


def test_exact_duplicates_across_files_are_dropped(repo, capsys):
    shutil.copy(repo / "evidence/chat-inc-channel.txt", repo / "evidence/chat-copy.txt")
    rows, _ = rows_of(capsys, "evidence/chat-inc-channel.txt", "evidence/chat-copy.txt")
    assert len(rows) == 7 and {r["source"].split(":")[0] for r in rows} == {"evidence/chat-inc-channel.txt"}


def test_nothing_is_written(repo, capsys):
    before = sorted(str(p) for p in repo.rglob("*"))
    for form in ("markdown", "json", "mermaid", "facts"):
        assert cli(capsys, "timeline", "evidence", "--format", form)[0] == 0
    assert sorted(str(p) for p in repo.rglob("*")) == before


def test_a_folder_with_no_timestamp_is_exit_2_with_one_line(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("# Notes\n\nnothing dated here\n", encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x00\x00")
    code, out, err = cli(capsys, "timeline", str(tmp_path))
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"postmortem: no timestamp found in {tmp_path} (2 files read)")


def test_missing_path_is_exit_2(tmp_path, capsys):
    code, _, err = cli(capsys, "timeline", str(tmp_path / "nope"))
    assert code == 2 and "no such file or folder" in err and len(err.splitlines()) == 1


def test_standard_input_over_the_limit_is_an_error_not_a_cut(monkeypatch, capsys):
    from postmortem_skill.helper.commands import timeline

    monkeypatch.setattr(timeline, "MAX_BYTES", 64)
    line = "2026-10-20T06:00:00Z something happened\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((line * 5).encode())))
    code, out, err = cli(capsys, "timeline", "-")
    assert code == 2 and out == "" and "standard input is larger than" in err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    code, out, _ = cli(capsys, "timeline", "-", "--format", "json")
    assert code == 0 and json.loads(out)[0]["source"] == "-:1"


# --------------------------------------------------------------------------- exports as the tools write them


EXPECTED = {  # file: [(time, start of the event, id)]
    "opsgenie-alerts.json": [("2026-10-20T06:02:00Z", "invoice-send consumer lag above 10000 [P2, triggered]", "9001"),
                             ("2026-10-20T06:05:00Z", "invoice-send consumer lag above 10000 [P2, ack", "9001"),
                             ("2026-10-20T07:06:30Z", "invoice-send consumer lag above 10000 [P2, closed]", "9001")],
    "pagerduty-log-entries.json": [("2026-10-20T06:16:10Z", "Triggered through the API", "Q0EXAMPLE0001"),
                                   ("2026-10-20T06:18:00Z", "Acknowledged by", "Q0EXAMPLE0001"),
                                   ("2026-10-20T06:41:05Z", "Resolved by", "Q0EXAMPLE0001")],
    "statuspage-incident.json": [("2026-10-20T06:20:00Z", "Delayed invoice emails: Invoice emails are", "p0example00a"),
                                 ("2026-10-20T06:45:00Z", "Delayed invoice emails: A fix", "p0example00a"),
                                 ("2026-10-20T07:10:00Z", "Delayed invoice emails: All", "p0example00a")],
    "datadog-events.json": [("2026-10-20T06:16:00Z", "invoice-mailer send rate is 0 [triggered]", "1000000000000001"),
                            ("2026-10-20T06:41:00Z", "invoice-mailer send rate is 0 [recovered]", "1000000000000002")],
    "slack-inc-channel.json": [("2026-10-20T06:19:03Z", "sun.lei: chen.yu takes the consumer fix", None),
                               ("2026-10-20T06:31:55Z", "chen.yu: rolled back", None)],
    "teams-messages.json": [("2026-10-20T06:05:02Z", "Sun Lei: ack, looking at the invoice-send consumer", None),
                            ("2026-10-20T06:12:40Z", "Chen Yu: rebalancing every 30 s", None)],
    "feishu-messages.json": [("2026-10-20T06:05:02Z", "收到，正在看 invoice-send 消费者", None),
                             ("2026-10-20T06:19:03Z", "孙磊负责补发遗漏的发票邮件", None)],
    "dingtalk-chat.txt": [("2026-10-20T06:05:02Z", "孙磊: 收到，正在看 invoice-send 消费者", None),
                          ("2026-10-20T06:12:40Z", "陈宇: 消费组每 30 秒重平衡一次 会话超时报错", None)],
    "wechat-work-chat.txt": [("2026-10-20T06:05:00Z", "孙磊：收到，正在看", None),
                             ("2026-10-20T06:31:00Z", "陈宇：已回滚", None)],
    "alerts.tsv": [("2026-10-20T06:02:00Z", "InvoiceQueueLagHigh [P2, 触发]", None),
                   ("2026-10-20T06:05:00Z", "InvoiceQueueLagHigh [P2, 确认]", None),
                   ("2026-10-20T07:06:30Z", "InvoiceQueueLagHigh [P2, 恢复]", None)],
    "告警记录.csv": [("2026-10-20T06:02:00Z", "消费延迟过高 [P2, 触发]", "AL-0000-EXAMPLE"),
                 ("2026-10-20T07:06:30Z", "消费延迟过高 [P2, 恢复]", "AL-0000-EXAMPLE")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exports_as_exported(name, capsys):
    rows, err = rows_of(capsys, str(EXPORTS / name), "--tz", "Asia/Shanghai")
    assert err == ""
    assert len(rows) == len(EXPECTED[name])
    for row, (time, start, ident) in zip(rows, EXPECTED[name]):
        assert (row["time"], row["id"]) == (time, ident) and row["event"].startswith(start), row


def test_wrong_json_types_are_one_line_each_never_a_traceback(capsys):
    rows, err = rows_of(capsys, str(EXPORTS / "bad-types.json"))
    assert [r["event"] for r in rows] == ["a good row"]
    lines = err.splitlines()
    assert all(line.startswith(str(EXPORTS / "bad-types.json") + ":") for line in lines)
    assert any("unreadable time '12'" in line for line in lines)
    assert any("not an object but null" in line for line in lines)
    assert "Traceback" not in err


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["time", "ts", "event", "text", "startsAt", "endsAt", "status", "labels",
                                         "annotations", "incident_updates", "body", "report", "id", "data"]),
                        inner, max_size=5), max_leaves=12))
def test_any_json_value_gives_rows_or_problems(value):
    events, problems = importers.parse(json.dumps(value))
    assert all(e.time.tzinfo is not None and isinstance(e.event, str) for e in events)
    assert all(isinstance(p.line, int) and p.reason for p in problems)


# --------------------------------------------------------------------------- into the scaffold


def test_facts_skeleton_parses_and_keeps_every_event(repo, capsys):
    code, out, _ = cli(capsys, "timeline", "evidence", "--format", "facts")
    assert code == 0
    facts = miniyaml.loads(out)
    rows, _ = rows_of(capsys, "evidence")
    assert facts["title"] in (None, "") and facts["status"] == "Draft"
    assert [(e["time"], e["event"], e["source"], e["id"]) for e in facts["events"]] == [
        (r["time"], r["event"], r["source"], r["id"]) for r in rows]


def _timeline_rows(path: Path):
    doc = parse_document(path.read_text(encoding="utf-8"))
    return doc.timeline.rows


def test_new_from_the_timeline_json_keeps_every_event_with_its_source(repo, capsys):
    rows, _ = rows_of(capsys, "evidence")
    (repo / "docs/postmortems").mkdir(parents=True)
    (repo / "docs/postmortems/INC-0000-EXAMPLE.timeline.json").write_text(json.dumps(rows), encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--from", "docs/postmortems/INC-0000-EXAMPLE.timeline.json",
                         "--rows", "all")
    assert code == 0, err
    draft = repo / out.strip()
    text = draft.read_text(encoding="utf-8")
    for row in rows:
        name, line = row["source"].rsplit(":", 1)
        assert f"[{Path(name).name}:{line}](../../{name}#L{line})" in text
    timed = [r for r in _timeline_rows(draft) if "[TODO" not in r.time_text]
    assert len(timed) == len(rows)
    errors = {f.rule for f in check_text(text) if f.severity == "error"}
    assert errors == {"PM103"}  # only the placeholders left for the writer


def test_new_zh_from_the_timeline_json_writes_beijing_time(repo, capsys):
    rows, _ = rows_of(capsys, "evidence/alertmanager-webhook.json")
    (repo / "t.json").write_text(json.dumps(rows), encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--lang", "zh", "--from", "t.json")
    assert code == 0, err
    text = (repo / out.strip()).read_text(encoding="utf-8")
    assert "| 时间（UTC+8） | 事件 | 来源 |" in text and "| 14:02:00 | InvoiceQueueLagHigh" in text
    assert {f.rule for f in check_text(text) if f.severity == "error"} == {"PM103"}


def test_evidence_outside_the_repository_is_cited_by_name_and_line(tmp_path, capsys, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    outside = os.path.relpath(FOLDER / "chat-inc-channel.txt", project)
    rows, _ = rows_of(capsys, outside)
    (project / "t.json").write_text(json.dumps(rows), encoding="utf-8")
    code, out, _ = cli(capsys, "new", "INC-1", "--from", "t.json")
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert "| chat-inc-channel.txt:2 |" in text and "../" not in text.split("## Timeline")[1].split("##")[0]


def test_a_date_column_or_date_dates_a_time_of_day_column(tmp_path, capsys):
    split = tmp_path / "split.csv"
    split.write_text("日期,时间,事件\n2026/10/20,14:02,告警触发\n2026/10/20,14:40,恢复\n", encoding="utf-8")
    rows, _ = rows_of(capsys, str(split), "--tz", "+08:00")
    assert [(r["time"], r["event"]) for r in rows] == [("2026-10-20T06:02:00Z", "告警触发"),
                                                       ("2026-10-20T06:40:00Z", "恢复")]
    clock = tmp_path / "clock.csv"
    clock.write_text("time,event\n14:02,a\n14:05,b\n", encoding="utf-8")
    rows, _ = rows_of(capsys, str(clock), "--date", "2026-10-20")
    assert [r["time"] for r in rows] == ["2026-10-20T14:02:00Z", "2026-10-20T14:05:00Z"]
    code, _, err = cli(capsys, "timeline", str(clock))
    assert code == 2 and "give the day with --date" in err and len(err.splitlines()) == 1


def test_an_excel_export_in_gb18030_is_read(tmp_path, capsys):
    path = tmp_path / "告警.csv"
    path.write_bytes("发生时间,内容\n2026-10-20 14:02,消费延迟过高\n".encode("gb18030"))
    rows, _ = rows_of(capsys, str(path), "--tz", "Asia/Shanghai")
    assert [(r["time"], r["event"]) for r in rows] == [("2026-10-20T06:02:00Z", "消费延迟过高")]


_PIECES = st.sampled_from(["2026-10-20 14:02", "2026-10-20T06:00:00Z", "14:03", "[01:45]", "2026-10-21",
                           "|", " – ", ",", "\t", "\n", "time,event", "| Time (UTC) | Event |", "|---|---|",
                           "孙磊：", "name ", "#", "{", "[", "\"", "时间（北京时间）", "window", "x"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.sampled_from([None, "2026-10-20"]))
def test_any_text_gives_rows_or_problems_never_an_exception(text, day):
    from datetime import date

    events, problems = importers.parse(text, day=date.fromisoformat(day) if day else None, name="f")
    assert all(e.source and e.source.startswith("f:") for e in events)
    assert all(p.line >= 1 for p in problems)
    importers.to_markdown(events), importers.to_json(events), importers.to_facts(events)


def test_change_windows_written_the_short_ways(tmp_path, capsys):
    path = tmp_path / "变更.md"
    path.write_text("| 变更单号 | 实施时间 | 内容 |\n|---|---|---|\n| BG-1 | 2026-10-20 14:00-15:00 | 扩容 |\n"
                    "| BG-2 | 2026-10-20 23:30 ~ 00:30 | 切换 |\n| BG-3 | 2026-10-22 | 复查 |\n", encoding="utf-8")
    rows, _ = rows_of(capsys, str(path), "--tz", "+08:00")
    assert [(r["time"], r["id"], r["event"]) for r in rows] == [
        ("2026-10-20T06:00:00Z", "BG-1", "BG-1 窗口开始：扩容"),
        ("2026-10-20T07:00:00Z", "BG-1", "BG-1 窗口结束：扩容"),
        ("2026-10-20T15:30:00Z", "BG-2", "BG-2 窗口开始：切换"),
        ("2026-10-20T16:30:00Z", "BG-2", "BG-2 窗口结束：切换"),
        ("2026-10-22", "BG-3", "复查")]


def test_excel_delimiter_hint_above_the_header(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("sep=,\n\ntime,event\n2026-10-20 06:00,a\n", encoding="utf-8")
    rows, err = rows_of(capsys, str(path))
    assert "times carry no zone" in err and len(err.splitlines()) == 1  # the only note: the hint is no row
    assert [(r["event"], r["source"]) for r in rows] == [("a", f"{path}:4")]


def test_each_status_page_update_cites_its_own_object(tmp_path, monkeypatch, capsys):
    """A Statuspage incident (GET /v1/pages/{page_id}/incidents/{incident_id}): one row per update, each at
    the line of the update's own `"id"`, not the incident's first line (INC-14 trial: three rows cited line 1)."""
    shutil.copy(EXPORTS / "statuspage-incident.json", tmp_path / "statuspage-incident.json")
    monkeypatch.chdir(tmp_path)
    rows, _ = rows_of(capsys, "statuspage-incident.json")
    text = (tmp_path / "statuspage-incident.json").read_text(encoding="utf-8").splitlines()
    lines = [int(r["source"].rsplit(":", 1)[1]) for r in rows]
    assert [text[n - 1].split('"id": "')[1][:2] for n in lines] == ["u1", "u2", "u3"]
