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
