"""A structured log line keeps the small fields a reader needs: `msg (count=37, dry_run=false)`, in the line's
order, at most four within 80 characters; never a credential's field, never a field the row shows otherwise
(time, level, message, error, status as a label) or one that only says where the line came from (logger,
service, host, pod, trace ids).

Shapes: Loki `logcli query --output=jsonl` lines of a structlog service (the INC-13 trial's
booking-service_logs_excerpt.jsonl), Loki `/loki/api/v1/query_range` streams with logfmt lines, zap's
production encoder (`ts`, `caller`, `msg`), pino (`level` 30/40/50, `pid`, `hostname`), and an
Elasticsearch `_search` hit of an ECS document (`@timestamp`, `log.level`, `service.name`, `trace.id`)."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.jsonlogs import MOST_FIELD_CHARS, MOST_FIELDS


def rows(records: list[dict], name: str = "app.jsonl") -> list[str]:
    events, problems = parse("\n".join(json.dumps(r) for r in records) + "\n", name=name)
    assert not problems
    return [e.event for e in events]


def test_a_structlog_line_keeps_its_counts_and_flags_in_the_lines_order():
    k8s = {"namespace": "booking", "pod": "reconcile-job-manual-5hq9z"}
    assert rows([
        {"timestamp": "2024-11-19T13:03:07.944Z", "level": "warning", "logger": "booking-api",
         "event": "slot_lock_timeout", "slot_id": "sl_9f31c2", "path": "/v1/reservations", "status": 503,
         "kubernetes": k8s, "env": "prod"},
        {"ts": "2024-11-19T13:12:55.081Z", "level": "warn", "msg": "dead-lettered booking events", "count": 37,
         "dry_run": False},
        {"timestamp": "2024-11-20T08:40:12.314Z", "level": "info", "logger": "reconcile", "event": "reconcile_found",
         "count": 1874, "dry_run": False, "kubernetes": k8s, "env": "prod"},
    ]) == ["WARNING slot_lock_timeout (slot_id=sl_9f31c2, path=/v1/reservations) [503]",  # status stays the label
           "WARN dead-lettered booking events (count=37, dry_run=false)",
           "INFO reconcile_found (count=1874, dry_run=false)"]


def test_zap_and_pino_lines_show_their_own_fields_not_where_they_came_from():
    assert rows([
        {"level": "error", "ts": 1732021389.215, "caller": "consumer/batch.go:88", "msg": "charge failed",
         "order_id": "ord_88412", "attempt": 3, "duration_ms": 5012, "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
         "span_id": "00f067aa0ba902b7", "error": "card declined"},
        {"level": 40, "time": 1732021389215, "pid": 7, "hostname": "api-1", "name": "checkout", "v": 1,
         "msg": "retrying webhook", "attempt": 2, "queued": True},
    ]) == ["ERROR charge failed: card declined (order_id=ord_88412, attempt=3, duration_ms=5012)",
           "WARN retrying webhook (attempt=2, queued=true)"]


def test_credentials_are_never_shown_whatever_their_key_or_value():
    row, = rows([{"ts": "2024-11-19T13:00:00Z", "level": "warn", "msg": "upstream rejected call",
                  "token": "t0p", "password": "hunter2", "Authorization": "Basic dXNlcjpwYXNz", "cookie": "sid=1",
                  "session_id": "s1", "api_key": "k1", "note": "ghp_abcdefghijklmnopqrstuvwx", "code": 401}])
    assert row == "WARN upstream rejected call (code=401)"


def test_a_row_stays_one_readable_line():
    row, = rows([{"ts": "2024-11-19T13:00:00Z", "level": "info", "msg": "settled",
                  **{f"field_{n}": n for n in range(10)}, "sentence": "a value with spaces is the record's"}])
    assert row == "INFO settled (field_0=0, field_1=1, field_2=2, field_3=3)"


def test_logfmt_lines_from_loki_keep_their_fields_too():
    answer = {"status": "success", "data": {"resultType": "streams", "result": [{
        "stream": {"app": "ledger-sync", "namespace": "payments", "level": "error"},
        "values": [["1795648699000000000", 'ts=2026-11-24T23:18:19Z level=error caller=worker.go:51 '
                                           'msg="batch failed, will retry" batch=b-7c1e entries=2000 retry=true']],
    }]}}
    events, problems = parse(json.dumps(answer), name="loki.json")
    assert not problems
    assert [e.event for e in events] == ["ERROR batch failed, will retry (batch=b-7c1e, entries=2000, retry=true)"]


def test_an_ecs_document_shows_no_ecs_bookkeeping():
    answer = {"hits": {"hits": [{"_index": "logs-ledger", "_id": "a1", "_source": {
        "@timestamp": "2026-11-24T23:17:12.406Z", "log.level": "warn", "message": "accounting API rejected batch",
        "ecs.version": "8.11.0", "service.name": "ledger-sync", "trace.id": "abc", "host": {"name": "n1"},
        "http.response.status_code": 413, "batch.size": 2000}}]}}
    events, problems = parse(json.dumps(answer), name="es.json")
    assert not problems
    assert [e.event for e in events] == ["WARN accounting API rejected batch (http.response.status_code=413, "
                                         "batch.size=2000)"]


# free field names: a digit at the end keeps them off the names the reader reads a time, a message or a label from
_KEYS = st.from_regex(r"[a-z][a-z_.]{0,10}[0-9]", fullmatch=True)
_VALUES = st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=50), st.none(), st.lists(st.integers(), max_size=3))


@settings(max_examples=200, deadline=None)
@given(extra=st.dictionaries(_KEYS, _VALUES, max_size=12), secret=st.text(min_size=6, max_size=30))
def test_any_fields_give_one_line_with_at_most_four_short_pairs_and_no_secret(extra, secret):
    record = {"ts": "2024-11-19T13:00:00Z", "level": "info", "msg": "something happened", **extra,
              "password": f"pw-{secret}", "auth_token": f"tk-{secret}"}
    row, = rows([record])
    assert "\n" not in row and f"pw-{secret}" not in row and f"tk-{secret}" not in row
    if row != "INFO something happened":
        assert row.startswith("INFO something happened (") and row.endswith(")")
        inner = row[len("INFO something happened ("):-1]
        assert len(inner) <= MOST_FIELD_CHARS and inner.count(", ") < MOST_FIELDS


def test_the_same_line_from_another_pod_is_still_a_repeat_for_the_draft():
    from datetime import datetime, timedelta, timezone

    from postmortem_skill.helper.features.importers import Event
    from postmortem_skill.helper.features.importers.pick import pick

    t0 = datetime(2026, 11, 18, 14, 9, tzinfo=timezone.utc)
    lines = [Event(t0, "WARN query coupon_template timeout, retrying (template_id=880213)", "impact_start", "a.log:1"),
             Event(t0 + timedelta(seconds=1), "WARN query coupon_template timeout, retrying (template_id=880214)",
                   None, "a.log:2")]
    chat = [Event(t0 + timedelta(minutes=n), f"bob: message {n}", None, "chat.txt:9") for n in range(2, 40)]
    kept = [(lines + chat)[n].event for n in pick(lines + chat).kept]
    assert sum("coupon_template timeout" in row for row in kept) == 1
