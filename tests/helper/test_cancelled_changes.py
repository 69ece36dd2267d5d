"""A change whose status says it never ran (Jira / ServiceNow / 变更单: Cancelled, Canceled, Rejected, Withdrawn,
已取消, 已驳回, 撤回) is one row at its planned start that says so first (`cancelled: …`, `已取消：…`), and is
never chosen for a draft: not as the change nearest the impact start, not as an action taken."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import Event, merge, parse
from postmortem_skill.helper.features.importers.core import not_done
from postmortem_skill.helper.features.importers.detect import first_mitigation
from postmortem_skill.helper.features.importers.pick import classify, pick

JIRA = ("Summary,Issue key,Status,Custom field (Change type),Custom field (Planned start),Custom field (Planned end),"
        "Custom field (Actual start),Custom field (Actual end)\n"
        "Deploy checkout-api 4.2,CHG-1,Done,Normal,20/Oct/26 9:00 AM,20/Oct/26 9:30 AM,20/Oct/26 9:02 AM,"
        "20/Oct/26 9:10 AM\n"
        "Rotate checkout-api keys,CHG-2,Cancelled,Standard,20/Oct/26 9:50 AM,20/Oct/26 10:10 AM,,\n"
        "Scale up checkout-api,CHG-3,Rejected,Emergency,20/Oct/26 10:20 AM,20/Oct/26 10:30 AM,,\n"
        "Resize checkout-db,CHG-4,Cancelled,Normal,20/Oct/26 10:40 AM,20/Oct/26 10:50 AM,20/Oct/26 10:41 AM,\n")
CALENDAR = ("# Change calendar\n\n| Change | Window (UTC) | Description | State |\n|---|---|---|---|\n"
            "| CHG0030001 | 2026-10-20 09:55 – 10:25 | Patch checkout hosts | Canceled |\n")
CHANGE_SHEET = ("## 变更记录\n\n| 变更单号 | 时间（北京时间） | 内容 | 状态 |\n|---|---|---|---|\n"
                "| BG-1 | 2026-10-20 17:50 – 18:10 | 调整 checkout-api 连接池 | 已驳回 |\n"
                "| BG-2 | 2026-10-20 18:20 | 回滚 checkout-api | 撤回 |\n"
                "| BG-3 | 2026-10-20 16:55 – 17:05 | 发布 checkout-api 4.2 | 已完成 |\n")


def texts(text: str) -> list[tuple[str, str]]:
    events, problems = parse(text)
    assert not problems
    return [(e.time.strftime("%H:%M"), e.event) for e in events]


def test_jira_cancelled_and_rejected_changes_are_one_row_saying_so():
    assert texts(JIRA) == [
        ("09:02", "CHG-1 window start: Deploy checkout-api 4.2"),
        ("09:10", "CHG-1 window end: Deploy checkout-api 4.2"),
        ("09:50", "cancelled: CHG-2 window start (planned): Rotate checkout-api keys"),
        ("10:20", "rejected: CHG-3 window start (planned): Scale up checkout-api"),
        ("10:41", "CHG-4 window start: Resize checkout-db")]  # it started: cancelled halfway is no change not made


def test_a_change_calendar_canceled_is_cancelled():
    assert texts(CALENDAR) == [("09:55", "cancelled: CHG0030001 window start: Patch checkout hosts")]


def test_a_chinese_change_sheet_says_rejected_and_withdrawn_in_chinese():
    assert texts(CHANGE_SHEET) == [
        ("08:55", "BG-3 窗口开始：发布 checkout-api 4.2"), ("09:05", "BG-3 窗口结束：发布 checkout-api 4.2"),
        ("09:50", "已驳回：BG-1 窗口开始：调整 checkout-api 连接池"), ("10:20", "已撤回：回滚 checkout-api")]


def test_the_words_that_say_a_change_never_ran():
    assert [not_done(w) for w in ("Cancelled", "canceled", " Rejected ", "Withdrawn", "Declined", "已取消", "驳回",
                                  "撤回", "作废")] == ["cancelled", "cancelled", "rejected", "withdrawn", "declined",
                                                     "已取消", "已驳回", "已撤回", "已作废"]
    assert not any(not_done(w) for w in ("Done", "Closed", "Rolled back", "Failed", "已完成", "已关闭", "Scheduled"))


def _incident(changes: list[Event]) -> list[Event]:
    start = datetime(2026, 10, 20, 10, 0, tzinfo=timezone.utc)
    chat = [Event(start + timedelta(minutes=n), f"ana: looking at dashboards, note {n}", source=f"chat.txt:{n + 1}")
            for n in range(30)]
    marks = [Event(start, "error_rate=9.5", "impact_start", "metrics.csv:2"),
             Event(start + timedelta(minutes=50), "error_rate=0.3", "resolved", "metrics.csv:3")]
    return merge([parse(JIRA)[0], changes, chat, marks])


def test_a_cancelled_change_is_never_the_change_nearest_the_impact_nor_an_action():
    events = _incident([])
    kinds = classify(events)
    cancelled = [n for n, e in enumerate(events) if e.event.startswith(("cancelled:", "rejected:"))]
    assert [kinds[n] for n in cancelled] == ["cancelled", "cancelled"]
    chosen = pick(events)
    kept = [events[n].event for n in chosen.kept]
    assert "CHG-1 window start: Deploy checkout-api 4.2" in kept
    assert not any(text.startswith(("cancelled", "rejected")) for text in kept)
    assert set(chosen.cancelled) == set(cancelled)
    first = first_mitigation(events, kinds, 0)  # `Scale up checkout-api` was rejected: no one scaled up
    assert first is None


def test_a_short_timeline_keeps_every_row_but_the_cancelled_ones():
    events, _ = parse(JIRA)
    chosen = pick(events)
    assert not chosen.reasons and len(chosen.kept) == len(events) - 2 and len(chosen.cancelled) == 2


def test_new_from_evidence_leaves_the_cancelled_change_out_and_says_so(tmp_path, monkeypatch, capsys):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "changes.csv").write_text(JIRA, encoding="utf-8")
    (tmp_path / "evidence" / "chat.txt").write_text(
        "\n".join(f"2026-10-20T{9 + n // 60:02d}:{n % 60:02d}:00Z ana: checking the dashboards ({n})"
                  for n in range(0, 90, 3)) + "\n", encoding="utf-8")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["new", "INC-9", "--from", "../evidence"]) == 0
    out, err = capsys.readouterr()
    draft = (tmp_path / "repo" / out.strip()).read_text(encoding="utf-8")
    assert "Deploy checkout-api 4.2" in draft and "Rotate checkout-api keys" not in draft
    assert "2 changes whose status says it never ran, cancelled or rejected (CHG-2, CHG-3)" in err
    record = json.loads((tmp_path / "repo" / "docs" / "postmortems" / "INC-9.timeline.json").read_text())
    assert any(r["event"].startswith("cancelled: CHG-2") for r in record)  # the record keeps it


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=',"\r\n'), max_size=12))
def test_any_status_gives_rows_that_say_never_ran_only_for_the_known_words(status):
    text = ("Summary,Issue key,Status,Custom field (Change type),Custom field (Planned start),"
            "Custom field (Planned end)\n"
            f"Patch hosts,CHG-9,{status},Normal,20/Oct/26 9:50 AM,20/Oct/26 10:10 AM\n")
    events, problems = parse(text)
    word = not_done(status)
    assert all(e.event.startswith(word) for e in events) if word else not any(
        e.event.startswith(("cancelled", "rejected", "已")) for e in events)
    assert not problems and (len(events) == 1 if word else [e.event for e in events] == [
        "CHG-9 window start (planned): Patch hosts", "CHG-9 window end (planned): Patch hosts"])


# JSON change records: a deploy tool's or a change list's JSON (`{"deployments": [...]}`, `{"changes": [...]}`, an
# array, JSON Lines) with a `status` or `state` field, as the CSV lists above give it: one row at the record's
# time that says so first, never chosen. (The shape of the fields follows the deploys.csv fixtures and GitLab's
# deployments API, whose `status` is `canceled` for a deployment that never ran.)
DEPLOYMENTS = json.dumps({"deployments": [
    {"id": "DEP-401", "created_at": "2026-10-20T09:02:00Z", "description": "Deploy checkout-api 4.2",
     "status": "succeeded", "service": "checkout-api"},
    {"id": "DEP-402", "created_at": "2026-10-20T09:55:00Z", "description": "Deploy checkout-api 4.3",
     "status": "canceled", "service": "checkout-api"},
    {"id": "DEP-403", "created_at": "2026-10-20T10:20:00Z", "description": "Roll back checkout-api to 4.1",
     "status": "cancelled", "service": "checkout-api", "priority": "high"}]}, indent=2)
CHANGES_JSONL = "\n".join(json.dumps(r, ensure_ascii=False) for r in [
    {"change_id": "CHG-11", "time": "2026-10-20T09:50:00Z", "title": "Rotate checkout-api keys", "state": "Rejected"},
    {"change_id": "BG-12", "time": "2026-10-20T09:58:00Z", "title": "回滚 checkout-api", "状态": "已取消"},
    {"change_id": "CHG-13", "time": "2026-10-20T09:59:00Z", "title": "Resize checkout-db", "state": "Done"}]) + "\n"


def test_json_deployments_that_never_ran_are_one_row_saying_so():
    events, problems = parse(DEPLOYMENTS)
    assert not problems
    assert [(e.time.strftime("%H:%M"), e.event, e.id) for e in events] == [
        ("09:02", "Deploy checkout-api 4.2 [succeeded]", "DEP-401"),
        ("09:55", "cancelled: Deploy checkout-api 4.3", "DEP-402"),
        ("10:20", "cancelled: Roll back checkout-api to 4.1 [high]", "DEP-403")]  # other labels stay


def test_json_lines_changes_rejected_and_cancelled_in_chinese():
    events, problems = parse(CHANGES_JSONL)
    assert not problems
    assert [(e.event, e.id) for e in events] == [
        ("rejected: Rotate checkout-api keys", "CHG-11"), ("已取消：回滚 checkout-api", "BG-12"),
        ("Resize checkout-db [Done]", "CHG-13")]


def test_a_cancelled_json_change_is_never_chosen_nor_a_mitigation():
    json_rows = merge([parse(DEPLOYMENTS)[0], parse(CHANGES_JSONL)[0]])
    events = _incident(json_rows)
    kinds = classify(events)
    never = [n for n, e in enumerate(events) if e.id in ("DEP-402", "DEP-403", "CHG-11", "BG-12")]
    assert [kinds[n] for n in never] == ["cancelled"] * 4
    chosen = pick(events)
    assert not set(never) & set(chosen.kept) and set(never) <= set(chosen.cancelled)
    assert first_mitigation(events, kinds, 0) is None  # the roll back and 回滚 never ran


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=12), st.sampled_from(["status", "state", "状态"]))
def test_any_json_status_gives_a_row_that_says_never_ran_only_for_the_known_words(status, key):
    record = {"time": "2026-10-20T09:50:00Z", "title": "Patch hosts", key: status}
    events, problems = parse(json.dumps([record]))
    word = not_done(status)
    assert not problems and len(events) == 1
    assert events[0].event.startswith(word) if word else events[0].event.startswith("Patch hosts")
