"""Service logs as log stores answer a query: Loki's query_range (streams of `[nanoseconds, line]` pairs; JSON,
logfmt or plain lines; a stream's level label), Elasticsearch's `_search` (`hits.hits[]._source`, ECS fields,
flat or nested) and CloudWatch Logs' `filter-log-events` (`events[]`, epoch milliseconds)."""
from __future__ import annotations

from pathlib import Path

import pytest

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.pick import alert_state

EXPORTS = Path(__file__).parent / "evidence" / "exports"


@pytest.mark.parametrize("name, expected", [
    ("loki-query_range.json", [
        ("23:17:12", "WARN accounting API rejected batch: accounting API 413: batch_too_large [413]"),
        ("23:17:13", "WARN accounting API rejected batch [413]"),
        ("23:18:19", "ERROR batch failed, will retry: giving up after 8 attempts (batch=b-7c1e)"),  # logfmt, its field
        ("23:18:21", "ERROR panic: runtime error: invalid memory address")]),  # the stream's level
    ("elasticsearch-search.json", [
        ("23:17:12", "WARN accounting API rejected batch: accounting API 413"),
        ("23:18:19", "ERROR batch failed, will retry")]),
    ("cloudwatch-filter-log-events.json", [
        ("23:17:12", "2026-11-24T23:17:12.406Z WARN accounting API rejected batch status=413")]),
])
def test_a_log_store_answer_reads_as_log_lines(name, expected):
    events, problems = parse((EXPORTS / name).read_text(encoding="utf-8"), name=name)
    assert not problems
    assert [(f"{e.time:%H:%M:%S}", e.event) for e in events] == expected
    assert all(alert_state(e) is None for e in events)  # a log line is no alert
    lines = [int(e.source.rsplit(":", 1)[1]) for e in events]
    assert lines == sorted(lines)


def test_a_prometheus_range_query_reads_as_a_metrics_export():
    events, problems = parse((EXPORTS / "prometheus-query_range.json").read_text(encoding="utf-8"),
                             name="prom.json")
    assert not problems
    texts = [e.event for e in events]
    # one column a series, named by the label that tells them apart; condensed to where the values move
    assert texts[0] == ("http_requests_errors_ratio{pod=checkout-7d9f-a}=0.1, "
                        "http_requests_errors_ratio{pod=checkout-7d9f-b}=0.1")
    assert len(events) < 14 and any("=4.2" in t for t in texts)
    assert all(int(e.source.rsplit(":", 1)[1]) > 1 for e in events)  # each sample cited by its own line
