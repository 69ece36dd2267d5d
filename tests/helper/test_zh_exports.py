"""Chinese teams' exports read as exported: alert event lists and change lists by their headers' shape,
header-style WeCom and Feishu chats whose messages start with a clock time, the zone a chat's preamble
states, and load columns (qps, 请求量) that are never the impact. Judged on evidence/zh-pay, written before
the readers were changed for it (its truth beside it)."""
from __future__ import annotations

import pytest
from evidence_support import draft_from, durations, metrics_of, milestones
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.columns import Columns, is_load
from postmortem_skill.helper.features.importers.tables import metric_milestones


@pytest.fixture
def pay(tmp_path, monkeypatch, capsys):
    draft, err = draft_from("zh-pay", tmp_path, monkeypatch, capsys, "INC-31", "--lang", "zh", "--tz", "Asia/Shanghai")
    return draft, err, capsys


def test_the_pay_folder_metrics_match_its_truth(pay):
    draft, err, capsys = pay
    assert "skipped" not in err and "no timestamp at the start" not in err and "without a date" not in err
    got = metrics_of(draft, capsys)
    assert milestones(got) == (
        "2026-12-03T06:02:00Z", "2026-12-03T06:07:10Z", "2026-12-03T06:10:15Z", "2026-12-03T06:32:00Z",
        "2026-12-03T07:10:00Z")
    assert durations(got) == (5, 3, 30, 68)
    assert "error_rate_pct's material rise" in err and "请求量" not in err.split("IMPACT STARTS")[1].split("\n")[0][60:]


def test_the_pay_draft_keeps_the_trigger_the_rollback_and_the_owners(pay):
    draft, _, _ = pay
    text = draft.read_text(encoding="utf-8")
    for words in ["CR-20261203-014 窗口开始", "(确认人 陈晨) [acknowledged]", "回滚完成", "@何军 负责", "@陈晨 跟进",
                  "周琳: 14:05 之后陆续有商户反馈支付失败"]:
        assert words in text, words


ALERTS = ("事件ID,规则名称,告警级别,首次触发时间,最后触发时间,恢复时间,事件状态,认领人,认领时间\n"
          "9001,order-api 错误率过高,P1,2026-05-02T10:04:00+08:00,2026-05-02T10:30:00+08:00,"
          "2026-05-02T10:31:00+08:00,已恢复,张伟,2026-05-02T10:06:30+08:00\n")


def test_an_alert_event_list_gives_its_firing_acknowledgement_and_recovery():
    events, problems = parse(ALERTS)
    assert not problems
    assert [(e.time.strftime("%H:%M:%S"), e.event, e.id) for e in events] == [
        ("02:04:00", "order-api 错误率过高 [P1, triggered]", "9001"),
        ("02:06:30", "order-api 错误率过高 (认领人 张伟) [acknowledged]", "9001"),
        ("02:31:00", "order-api 错误率过高 [resolved]", "9001")]  # not the last firing at 10:30


CHANGES = ("变更单号,变更标题,计划开始,计划结束,实际开始,实际结束,变更状态\n"
           "C-1,cart-api v2 发布,2026-05-02 09:00,2026-05-02 09:30,2026-05-02 09:05,2026-05-02 09:20,已完成\n"
           "C-2,search 词库更新,2026-05-02 11:00,2026-05-02 11:30,,,已取消\n")


def test_a_change_list_gives_windows_and_a_cancelled_one_once_saying_so():
    events, problems = parse(CHANGES)
    assert not problems
    assert [(e.time.strftime("%H:%M"), e.event) for e in events] == [
        ("09:05", "C-1 窗口开始：cart-api v2 发布"), ("09:20", "C-1 窗口结束：cart-api v2 发布"),
        ("11:00", "已取消：C-2 窗口开始（计划）：search 词库更新")]


@pytest.mark.parametrize("header, time, later", [
    ("告警名称,告警等级,发生时间,确认时间,清除时间", "发生时间", ["acknowledged", "resolved"]),
    ("告警流水号,告警名称,首次发生时间,最近发生时间,清除时间", "首次发生时间", ["resolved"]),
    ("规则标题,告警开始时间,持续时长,告警恢复时间", "告警开始时间", ["resolved"]),
    ("工单编号,变更主题,实际开始时间,实际结束时间", "实际开始时间", ["end"]),
    ("alert name,first triggered at,acked at,cleared at", "first triggered at", ["acknowledged", "resolved"]),
])
def test_time_columns_are_known_by_their_shape(header, time, later):
    columns = Columns(header.split(","))
    assert columns.ok() and columns.names[columns.time] == time
    assert [kind for _, kind in columns.later] == later


@pytest.mark.parametrize("name, load", [
    ("qps", True), ("qps_zone_h", True), ("ops_per_sec", True), ("connected_clients", True), ("请求量", True),
    ("throughput", True), ("error_rate_pct", False), ("latency_p99_ms", False), ("failed_requests", False),
    ("pool_usage_pct", False), ("consumer_lag", False), ("5xx_per_sec", False), ("订单成功数", False)])
def test_load_columns(name, load):
    assert is_load(name) is load


def _rows(header, values):
    return [(n + 2, [f"2026-05-02T10:{n:02d}:00Z", *v]) for n, v in enumerate(values)], Columns(header.split(","))


def test_traffic_rising_before_the_errors_is_not_the_impact_start():
    values = [(str(1000 + (60 * n if n > 5 else 0)), "0.1" if n < 20 else "9.0") for n in range(40)]
    rows, columns = _rows("time,qps,error_rate_pct", values)
    found = {line: name for line, (name, _) in metric_milestones(rows, columns).items()}
    assert found.get(22) == "impact_start" and "impact_start" not in {found.get(line) for line in range(2, 22)}


def test_a_traffic_fall_alone_still_counts():
    rows, columns = _rows("time,qps", [("1000",) if n < 20 else ("40",) for n in range(40)])
    found = {line: name for line, (name, _) in metric_milestones(rows, columns).items()}
    assert found.get(22) == "impact_start"


WECOM = """企业微信群聊「应急群」聊天记录
时间范围：2026-05-02 10:00 至 2026-05-02 12:00（北京时间）
======
告警机器人 2026-05-02 10:04:02
【P1 告警触发】order-api 错误率过高

王芳　2026-05-02 10:05:30
10:04 起错误率升高，在看

李雷 2026-05-02 10:40:00
决定：
1. 回滚
11:00 前出统计
"""

FEISHU = """飞书群聊记录导出
导出：周琳　2026-05-03 09:15
（时间为北京时间）

2026-05-02 10:06:10  周琳
10:03 之后有用户反馈下单失败

2026-05-02 10:20:00  吴桐
累计 12 条
"""


@pytest.mark.parametrize("text, expected", [
    (WECOM, [("02:04:02", "告警机器人: 【P1 告警触发】order-api 错误率过高"),
             ("02:05:30", "王芳: 10:04 起错误率升高，在看"),
             ("02:40:00", "李雷: 决定： 1. 回滚 11:00 前出统计")]),
    (FEISHU, [("02:06:10", "周琳: 10:03 之后有用户反馈下单失败"), ("02:20:00", "吴桐: 累计 12 条")]),
])
def test_header_chats_keep_every_line_of_a_message_and_read_the_zone_their_preamble_states(text, expected):
    events, problems = parse(text)
    assert not problems
    assert [(e.time.strftime("%H:%M:%S"), e.event) for e in events] == expected


_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["王芳", "Li Lei", "告警机器人"]), st.integers(0, 59),
                          st.lists(_LINE.filter(lambda s: s.strip()), min_size=1, max_size=3)), min_size=1, max_size=6),
       st.booleans())
def test_any_message_text_under_a_header_stays_with_its_header(messages, date_first):
    lines = ["群聊记录（北京时间）", ""]
    for who, minute, body in messages:
        stamp = f"2026-05-02 10:{minute:02d}:00"
        lines += [f"{stamp}  {who}" if date_first else f"{who} {stamp}", *body, ""]
    events, _ = parse("\n".join(lines))
    speakers = [e.event.split(":", 1)[0] for e in events]
    assert sorted(speakers) == sorted(who for who, _, _ in messages)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=2, max_size=8))
def test_any_header_row_gives_columns_or_none_without_failing(cells):
    columns = Columns(cells)
    picked = [i for i in (columns.time, columns.text, columns.id) if i is not None]
    assert len(picked) == len(set(picked)) and all(0 <= i < len(cells) for i in picked)
    assert all(i != columns.time for i, _ in columns.later)
