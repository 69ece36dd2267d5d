"""The rows `new --from EVIDENCE` keeps by itself tell the story: alerts and changes on services the incident
never touched stay out, the actions people took on the system in chat (the release, the decision, the start
and the finish of a rollback, restart or flag switch-off) stay in, and a declaration's stated time dates
its milestone. Judged on a folder written before the rules (evidence/cart-flag, truth beside it)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from evidence_support import draft_from, durations, listed_rows, metrics_of
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import Event, guess_milestones
from postmortem_skill.helper.features.importers.declared import stated_time
from postmortem_skill.helper.features.importers.operations import Step, steps
from postmortem_skill.helper.features.importers.pick import LIMIT, pick
from postmortem_skill.helper.features.importers.services import relevance, services

UTC = timezone.utc


@pytest.fixture
def cart(tmp_path, monkeypatch, capsys):
    draft, err = draft_from("cart-flag", tmp_path, monkeypatch, capsys, "INC-0412")
    record = json.loads(Path("docs/postmortems/INC-0412.timeline.json").read_text(encoding="utf-8"))
    kept = [record[int(line[3:6]) - 1] for line in listed_rows(draft) if line[2] == "*"]
    return draft, kept, err, capsys


def test_the_cart_folder_keeps_the_story_and_leaves_the_other_services_out(cart):
    _, kept, err, _ = cart
    texts = [row["event"] for row in kept]
    assert len(kept) <= LIMIT
    for words in ["Deploy cart-api 2.31.0", "Shipped cart-api 2.31.0",  # the trigger, in the list and in chat
                  "Decision: disable cart_merge_v2", "cart_merge_v2 disabled in the flag service",
                  "Restarting the 6 cart-api pods", "Restart complete", "CART-771", "OBS-219"]:
        assert any(words in text for text in texts), words
    others = ["auth-service", "billing-worker", "Deploy web-frontend", "recommendations-api", "should we roll back"]
    for other in others:
        assert not [text for text in texts if other in text], other
    assert "actions on the system" in err and "kept 20 of" in err
    assert "services the incident's pages do not name (auth-service, billing-worker, recommendations-api, " \
        "search-api, web-frontend)" in err


def test_the_cart_folder_metrics_match_its_truth(cart):
    draft, _, err, capsys = cart
    got = metrics_of(draft, capsys)
    assert durations(got) == (5, 3, 28, 52)
    assert got["mitigated"] == "2026-09-15T09:36:00Z"  # "Mitigated at 09:36 UTC", posted 09:38:45
    assert "posted 09:38:45 UTC; the row moved to the time it states" in err


@pytest.mark.parametrize("text, found", [
    ("[FIRING:1] NodeFilesystemAlmostFull search-indexer-2 (/var/lib/search)", {"search-indexer"}),
    ("INFO [orders-consumer-7f6c9d8b5-2xkqp] orders_consumer.main: starting", {"orders-consumer"}),
    ("order-service Redis 连接池使用率超过 90%", {"order-service"}),
    ("Deploy web-frontend 7.8.1", {"web-frontend"}),
    ("5xx ratio above 5% for 5 minutes", set()),
])
def test_services_a_row_names(text, found):
    assert services(text) == found


def test_relevance_reads_camel_case_alert_names_and_ignores_chat_words_no_tool_uses():
    ours = frozenset({"orders-consumer"})
    assert relevance("OrdersConsumerErrorRateHigh: error rate 8.5%", ours) == 0
    assert relevance("[FIRING:1] PaymentsApiLatencyHigh payments-api", ours) == 2
    assert relevance("Business event: flash sale live", ours) == 1
    assert relevance("drive-by: looks fine", ours, known=frozenset({"payments-api"})) == 1
    assert relevance("anything", frozenset()) == 1  # no incident service known: nothing judged


@pytest.mark.parametrize("text, expected", [
    ("Decision: roll back orders-consumer to the 1.13.2 image now, no live tuning.",
     [Step("rollback", "decision", "1.13.2")]),
    ("rollback started (8 pods)", [Step("rollback", "start")]),
    ("Restart complete, 6/6 pods ready, 5xx at 0.1%.", [Step("restart", "finish")]),
    ("order-service v3.8.0 已发布", [Step("deploy", "finish", "3.8.0")]),
    ("决定回滚到 v3.7.2", [Step("rollback", "decision", "3.7.2")]),
    ("开始重启 pod", [Step("restart", "start")]),
    ("切流完成", [Step("failover", "finish")]),
    ("Happy to roll back if you want it ruled out anyway.", []),
    ("should we roll back web-frontend too?", []),
    ("要不要先回滚？", []),
    ("No need to restart.", []),
    ("We did not roll back.", []),
])
def test_steps_tell_actions_from_talk(text, expected):
    assert list(steps(text)) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_steps_never_fail_and_give_one_step_per_kind(text):
    found = steps(text)
    assert len({s.kind for s in found}) == len(found)
    assert all(s.phase in ("decision", "start", "finish") for s in found)


T0 = datetime(2026, 9, 15, 9, 0, tzinfo=UTC)


def at(minute: float, text: str, source: str = "chat.json:1", milestone=None) -> Event:
    return Event(T0 + timedelta(minutes=minute), text, milestone, source)


def test_a_rollback_finish_is_the_later_message_naming_its_version_and_questions_stay_out():
    events = [at(0, "error_pct=9", "m.csv:2", "impact_start"), at(2, "LagHigh: api-gw lag [page, firing]", "am.json:1"),
              at(10, "ana: should we roll back api-gw?"), at(12, "ana: Rolling back api-gw to 4.2.1"),
              at(20, "ana: all 6 pods on 4.2.1 now"), at(40, "error_pct=0.1", "m.csv:9", "resolved")]
    events += [at(41 + n, f"bob: message {n}") for n in range(30)]
    kept = [events[n].event for n in pick(events).kept]
    assert "ana: Rolling back api-gw to 4.2.1" in kept and "ana: all 6 pods on 4.2.1 now" in kept
    assert "ana: should we roll back api-gw?" not in kept


def test_an_alert_on_another_service_is_dropped_unless_it_paged_inside_the_window():
    events = [at(-30, "DiskFull: billing-db disk 95% [page, firing]", "am.json:1"),
              at(0, "error_pct=9", "m.csv:2", "impact_start"),
              at(3, "ApiErrors: api-gw 5xx above 5% [page, firing]", "am.json:2", "detected"),
              at(5, "CacheSlow: search-cache p99 high [warning, firing]", "am.json:3"),
              at(6, "QueueStuck: mail-queue stuck [page, firing]", "am.json:4"),
              at(40, "error_pct=0.1", "m.csv:9", "resolved")]
    events += [at(41 + n, f"bob: message {n}") for n in range(30)]
    kept = [events[n].event for n in pick(events).kept]
    assert not [k for k in kept if "billing-db" in k or "search-cache" in k]
    assert any("mail-queue" in k for k in kept)  # paged inside the impact window: kept


@pytest.mark.parametrize("sentence, posted, zone, expected", [
    ("Mitigated at 14:47 UTC.", "14:48:02", UTC, "14:47"),
    ("故障已于 23:05 解除", "15:06:02", timezone(timedelta(hours=8)), "15:05"),  # the chat's own zone
    ("Mitigated at 22:47 北京时间", "14:49:20", UTC, "14:47"),  # the zone the sentence names
    ("Mitigated at 14:20 UTC.", "14:48:02", UTC, None),  # more than 15 minutes before: something else
    ("Mitigated at 14:50 UTC.", "14:48:02", UTC, None),  # after the message
    ("Mitigated.", "14:48:02", UTC, None),
])
def test_the_time_a_declaration_states(sentence, posted, zone, expected):
    when = stated_time(sentence, datetime.fromisoformat(f"2026-11-18T{posted}+00:00"), zone)
    assert (when and f"{when:%H:%M}") == expected


def test_a_declared_milestone_moves_to_its_stated_time_and_the_rows_stay_in_order():
    events = [at(0, "error_pct=9", "m.csv:2"), at(5, "LagHigh: lag [page, firing]", "am.json:1"),
              at(30, "error_pct=3", "m.csv:5"), at(36, "ops.log line"), at(38.75, "lin: Mitigated at 09:36 UTC."),
              at(60, "error_pct=0.1", "m.csv:9")]
    marked, guesses = guess_milestones(events, {"m.csv:2": "impact_start", "m.csv:9": "resolved"})
    mitigated = next(e for e in marked if e.milestone == "mitigated")
    assert mitigated.time == T0 + timedelta(minutes=36) and mitigated.event == "lin: Mitigated at 09:36 UTC."
    assert [e.time for e in marked] == sorted(e.time for e in marked)
    guess = next(g for g in guesses if g.name == "mitigated")
    assert marked[guess.row - 1] is mitigated and "posted 09:38:45 UTC" in guess.why


@pytest.mark.parametrize("log_after, moved", [(20, True), (90, False)])
def test_impact_start_moves_to_the_first_error_logged_inside_the_first_degraded_sample(log_after, moved):
    events = sorted([at(0, "error_pct=0.1", "m.csv:2"), at(1, "error_pct=4.2", "m.csv:3"),
                     at(2, "error_pct=6.0", "m.csv:4"), at(1 + log_after / 60, "WARN upstream rejected batch: 413",
                                                           "app.jsonl:5"),
                     at(9, "LagHigh: lag [page, firing]", "am.json:1")], key=lambda e: e.time)  # a timeline's order
    marked, guesses = guess_milestones(events, {"m.csv:3": "impact_start"})
    impact = next(e for e in marked if e.milestone == "impact_start")
    assert impact.event == ("WARN upstream rejected batch: 413" if moved else "error_pct=4.2")
    why = next(g for g in guesses if g.name == "impact_start").why
    assert ("the first error logged inside the first degraded sample" in why) is moved


def test_of_two_clocks_the_one_beside_the_declaration_states_it():
    sentence = "INC-14 结论：22:52 起已止血；数据修复完成，已于次日 10:12 完全恢复"
    words = sentence.index("已于")
    when = stated_time(sentence, datetime(2026, 11, 19, 2, 18, 22, tzinfo=UTC), timezone(timedelta(hours=8)),
                       (words, len(sentence)))
    assert f"{when:%H:%M}" == "02:12"


def test_chat_clocks_read_in_the_writers_zone_even_when_they_quote_earlier_and_planned_times():
    """A Beijing team's chat stored in UTC: most clocks are what just happened (lag of minutes at UTC+8);
    quoting earlier changes and a planned deploy fit UTC+9 as well, which must not win (INC-14 trial)."""
    from postmortem_skill.helper.features.importers.declared import declared, writers_offset
    from postmortem_skill.helper.features.importers.pick import classify

    base = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # 22:00 in Beijing

    def said(utc_minutes: float, text: str) -> Event:
        return Event(base + timedelta(minutes=utc_minutes), text, None, "feishu/messages.json:1")

    events = [said(22, "赵磊: 拉个应急群。22:17 起告警，错误率 30% 左右"),
              said(27, "赵磊: 今晚的变更：21:30 风控规则，22:00 coupon-svc 发布"),
              said(28, "王芳: 那个变更单 20:40 就取消了"), said(31, "赵磊: 刚才 22:31 有个磁盘告警，无关"),
              said(36.3, "赵磊: 连接池已发布，22:36 各 pod 都生效了"),
              said(56.5, "孙浩: 同步结论：22:52 起已止血，错误率回到基线。"),
              said(695, "周婷: v1.9.1 变更单批了，09:40 发"),
              said(732.7, "王芳: 修复脚本跑完了，10:12 结束"),
              said(738.4, "孙浩: INC-14 结论：已于次日 10:12 完全恢复。事件关闭，周五复盘")]
    kinds = classify(events)
    assert writers_offset(events, kinds) == timezone(timedelta(hours=8))
    found = declared(events, kinds)
    assert f"{found['mitigated'][2]:%H:%M}" == "14:52"  # 22:52 in Beijing
    assert f"{found['resolved'][2]:%d %H:%M}" == "19 02:12"  # 10:12 the next morning


def test_the_metric_peak_is_the_worst_sample_of_the_incident_not_of_the_night():
    """Orders per minute fall lower at 3 a.m. than during the incident: the draft's peak row is the
    incident's trough, between the impact start and the mitigation."""
    events = [at(0, "orders_per_min=5400", "m.csv:2", "impact_start"), at(10, "orders_per_min=4218", "m.csv:3"),
              at(20, "orders_per_min=4400", "m.csv:4"), at(30, "bob: rolled back", "chat.json:1", "mitigated"),
              at(35, "orders_per_min=5350", "m.csv:5"), at(240, "orders_per_min=3895", "m.csv:6")]
    events += [at(50 + n, f"bob: message {n}", "chat.json:2") for n in range(30)]
    events.sort(key=lambda e: e.time)
    kept = [events[n].event for n in pick(events).kept]
    assert "orders_per_min=4218" in kept and "orders_per_min=3895" not in kept


def test_a_warning_row_is_not_the_same_log_line_as_the_impact_start_again():
    """Two pods log the same line in the same second; the first is the impact start: the draft keeps the
    next kind of line, not the copy."""
    line = "WARN query coupon_template timeout: context deadline exceeded"
    events = [at(0, "error_pct=0.1", "m.csv:2"), at(9, line, "app.jsonl:1", "impact_start"),
              at(9, line, "app.jsonl:2"), at(9.05, "ERROR LockCoupon failed: load template: deadline exceeded",
                                             "app.jsonl:3"),
              at(17, "LockErrors: coupon [critical, firing]", "am.json:1", "detected")]
    events += [at(60 + n, f"bob: message {n}", "chat.json:1") for n in range(30)]
    kept = [n for n in pick(events).kept]
    texts = [events[n].event for n in kept]
    assert texts.count(line) == 1 and any(t.startswith("ERROR LockCoupon") for t in texts)


def test_chinese_chat_keeps_the_cause_found_and_not_a_question_as_the_recovery():
    """「key 有问题」 is the cause found; 「好像恢复了？」 asks whether it recovered (a decoy the IC rejects)."""
    events = [at(0, "error_pct=0.2", "m.csv:2", "impact_start"),
              at(8, "LockErrors: coupon [critical, firing]", "am.json:1", "detected"),
              at(21, "周婷: 看了下本地缓存命中率，从 98% 掉到 3% 了。。key 有问题", "feishu.json:3"),
              at(30, "陈静: 好像恢复了？页面能打开了", "feishu.json:5"),
              at(44, "赵磊: 错误率回落到 0.4%，已恢复正常", "feishu.json:7"),
              at(45, "error_pct=0.2", "m.csv:9", "mitigated")]
    events += [at(60 + n, f"王芳: 消息 {n}", "feishu.json:9") for n in range(30)]
    kept = [events[n].event for n in pick(events).kept]
    assert any("key 有问题" in k for k in kept)
    assert not any("好像恢复了" in k for k in kept) and any("已恢复正常" in k for k in kept)
