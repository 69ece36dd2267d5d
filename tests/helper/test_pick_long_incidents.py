"""The 20-row pick for an incident that runs overnight (importers/pick.py): the first of a new kind (the first
dead letter, the first customer report, a mitigation step) ranks above a second copy of the page, a metric
sample that is neither peak nor milestone, and the talk of the next morning; those come back only when the
draft has room.

The rows are as the readers write them for the exports of a real session (docs/trials.md, session 12):
Grafana "Inspect → Data → Download CSV" (series joined by time: `name=value, …` with the series' display
names and units), Datadog monitor events and Opsgenie alerts (`[triggered]`), the Opsgenie alert log
(`GET /v2/alerts/{id}/logs`: "Escalation [x] started with rule: …"), Loki `logcli --output=jsonl` lines
(`LEVEL event`), a Slack export (`Name: text`), Argo CD history and a Statuspage incident."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from postmortem_skill.helper.features.importers import Event
from postmortem_skill.helper.features.importers.operations import steps
from postmortem_skill.helper.features.importers.pick import classify, pick

T0 = datetime(2024, 11, 19, 13, 0, tzinfo=timezone.utc)


def at(minute: float, text: str, source: str, milestone=None, ident=None) -> Event:
    return Event(T0 + timedelta(minutes=minute), text, milestone, source, ident)


def grafana(minute: int, rate: str, p95: int, per_min: int, milestone=None) -> Event:
    return at(minute, f"booking-api 5xx error rate={rate}%, booking-api p95 latency={p95} ms, bookings/min={per_min}",
              f"grafana_booking-overview.csv:{minute + 40}", milestone)


def slack(minute: float, text: str, milestone=None) -> Event:
    return at(minute, text, f"slack_export/inc-13/2024-11-19.json:{int(minute * 10)}", milestone)


def overnight() -> list[Event]:
    """Impact 13:03, page 13:17, mitigated 13:52, resolved 09:12 the next morning; 40-odd rows."""
    rows = [
        grafana(-30, "0.35", 193, 137),
        at(-1.5, "Argo CD deployed booking-service v2.14.0 (revision b23413a, sync 40)", "argocd_app.json:105"),
        grafana(3, "0.88", 884, 128),
        at(3.1, "WARNING slot_lock_timeout [503]", "booking-service_logs.jsonl:5", "impact_start"),
        at(3.2, "ERROR batch_failed: canceling statement due to lock timeout", "booking-service_logs.jsonl:6"),
        at(7, "booking-api p95 latency high [warn]", "datadog_events.json:161", ident="90412231"),
        grafana(10, "9.80", 2410, 80),
        at(12.9, "WARNING dead_lettered", "booking-service_logs.jsonl:11"),
        at(17, "booking-api 5xx error rate above 5% [triggered]", "datadog_events.json:117", "detected", "90412230"),
        at(17.1, "Escalation [booking-primary_escalation] started with rule: notify [booking-primary] schedule.",
           "opsgenie_alert-4127_logs.json:52"),
        grafana(18, "16.93", 3267, 56),
        at(22.1, "Escalation [booking-primary_escalation] escalated to next rule: notify [booking-secondary] "
                 "schedule (alert not acknowledged in 5m).", "opsgenie_alert-4127_logs.json:31"),
        at(22.7, "[Datadog] [P1] booking-api 5xx error rate above 5% [P1, acknowledged]", "opsgenie_alerts.json:3",
           "acknowledged", "4127"),
        slack(25, "Lukas Brandt: Taking IC. Mira on ops/dashboards, Sofia please handle customer comms."),
        slack(25.7, "Sofia Keller: Support has 14 tickets so far, first one came in 14:09, all booking failed."),
        grafana(26, "14.10", 3010, 60),
        slack(28.6, "Jonas Weber: I rolled out v2.14.0 at 13:58. It raises CONFIRMATION_BATCH_SIZE from 50 to 500."),
        at(33.7, "Bookings failing for some customers: We are investigating elevated errors. [investigating]",
           "statuspage_incidents.json:10", ident="t3rm1n013"),
        slack(35.7, "Deniz Aydın: Unrelated page just came in: search-indexer-2 disk >85%. I'll take it."),
        slack(36.2, "Lukas Brandt: Decision: roll back to v2.13.2. @Jonas please do the Argo rollback. "
                    "@Mira meanwhile scale confirmation-consumer down to take lock pressure off the API."),
        slack(38.6, "Mira Hoffmann: `kubectl -n booking scale deploy/booking-service-consumer --replicas=2` done "
                    "(was 6)."),
        grafana(40, "7.10", 1400, 105),
        slack(42.1, "Ana Costa: Found why it's so sticky: retry.py re-publishes failed batches immediately."),
        at(44.3, "Argo CD started deploying booking-service v2.13.2 (revision b3b6bfb, sync 41, rollback to the "
                 "revision of sync 39)", "argocd_app.json:124"),
        slack(44.4, "Jonas Weber: Argo rollback to v2.13.2 (history 39) started"),
        slack(47.7, "Jonas Weber: Sync done, all consumer pods on 2.13.2 with batch size 50."),
        grafana(50, "1.10", 320, 130),
        slack(52, "Lukas Brandt: Declaring mitigated as of 14:52 CET.", "mitigated"),
        grafana(55, "0.33", 181, 141),
        slack(62, "Jonas Weber: I'll take the retry budget"),
        slack(62.8, "Lukas Brandt: @Ana Costa can you own the backfill?"),
        slack(64.2, "Mira Hoffmann: I'll take the alert routing for the latency warn"),
        slack(85, "Lukas Brandt: Leaving the incident open overnight, consumer stays on 2.13.2."),
        at(1135, "INFO reconcile_found (count=1874, dry_run=true)", "booking-service_logs.jsonl:23"),
        slack(1140, "Jonas Weber: v2.14.1 tagged: retries now go through the retry queue with backoff."),
        at(1173, "Argo CD deployed booking-service v2.14.1 (revision 5526e8e, sync 42)", "argocd_app.json:145"),
        slack(1180, "Ana Costa: Backfill started."),
        slack(1212, "Lukas Brandt: Resolved as of 10:12 CET: all 1,874 stuck reservations confirmed.", "resolved"),
        slack(1212.5, "Ana Costa: Backfill done: 1,874/1,874 confirmed, DLQ drained."),
        at(1220, "Bookings failing for some customers: This incident has been resolved. [resolved]",
           "statuspage_incidents.json:40", ident="t3rm1n013"),
        slack(1231, "Mira Hoffmann: Handing the alert-routing follow-up to @Deniz Aydın, notes in BOOK-1412."),
    ]
    return sorted(rows, key=lambda e: e.time)


def kept_texts(events, limit=20):
    return [events[n].event for n in pick(events, limit=limit).kept]


def has(rows, words):
    return any(words in row for row in rows)


def test_the_first_of_each_new_kind_outranks_a_second_page_a_plain_sample_and_the_next_morning():
    rows = kept_texts(overnight())
    assert len(rows) == 20
    for words in ("WARNING dead_lettered",  # the first sign of harm to data
                  "Support has 14 tickets",  # how customers told us
                  "--replicas=2",  # a mitigation step before the rollback
                  "Decision: roll back", "Sync done", "rate=16.93%"):  # the rollback, the metric peak
        assert has(rows, words), words
    for words in ("rate=0.35%",  # a baseline sample: neither the peak nor a milestone
                  "Escalation [booking-primary_escalation]",  # the pager's own copies of the page
                  "Unrelated page",  # about another alert
                  "Jonas Weber: Argo rollback to v2.13.2",  # Argo CD's row says the same, 6 s earlier
                  "Backfill started", "v2.14.1", "Handing the alert-routing"):  # the next morning
        assert not has(rows, words), words


def test_rows_long_after_the_mitigation_come_back_when_the_draft_has_room():
    rows = kept_texts(overnight(), limit=30)
    assert has(rows, "deployed booking-service v2.14.1") and has(rows, "This incident has been resolved")


def test_a_metrics_export_with_spaces_and_units_in_its_series_names_is_metric_rows():
    events = [grafana(0, "0.35", 193, 137), grafana(1, "0.88", 884, 128),
              at(2, "coupon-service QPS=4608, coupon-service P99 (ms)=64, 下单成功率 (%)=99.62", "g2.csv:2"),
              at(3, "coupon-service QPS=7742, coupon-service P99 (ms)=3060, 下单成功率 (%)=70.1", "g2.csv:3"),
              at(4, 'http_errors_ratio{pod="a",ns="shop"}=4.2, http_errors_ratio{pod="b",ns="shop"}=1', "p.json:1"),
              at(5, 'http_errors_ratio{pod="a",ns="shop"}=0.2, http_errors_ratio{pod="b",ns="shop"}=0.1', "p.json:2"),
              at(6, "raised batch_size=2000", "notes.txt:1"),  # one line of that shape in a file: a sentence
              at(7, "INFO reconcile_found (count=1874, dry_run=true)", "app.jsonl:3"),
              at(8, "INFO reconcile_done (confirmed=1874)", "app.jsonl:4")]
    assert classify(events)[:6] == ["metric"] * 6
    assert "metric" not in classify(events)[6:]


@pytest.mark.parametrize("text, kind, phase", [
    ("Mira: `kubectl -n booking scale deploy/booking-service-consumer --replicas=2` done (was 6).", "scaling",
     "finish"),
    ("ops: scaled the consumer down to 2 replicas", "scaling", "finish"),
    ("ops: scaled to 8 replicas", "scaling", "finish"),
    ("chen.yu: paused the settlement consumer", "switch off", "finish"),
    ("dana: throttling the importer to 50 rps now", "switch off", "start"),
    ("Decision: pause the consumer until the fix is out", "switch off", "decision"),
])
def test_scaling_throttling_and_pausing_a_consumer_are_actions_on_the_system(text, kind, phase):
    assert [(s.kind, s.phase) for s in steps(text)] == [(kind, phase)]


@pytest.mark.parametrize("text", ["should we scale down?", "the consumer stopped", "no need to pause the consumer"])
def test_talk_about_scaling_or_pausing_is_no_action(text):
    assert steps(text) == ()
