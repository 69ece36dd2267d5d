"""Log-query exports are log lines, never alerts: a level in the row is how loud a line was, not an alert's state.

Shapes: CloudWatch Logs Insights, the console's *Export results → Download table (CSV)* (`@timestamp, @logStream,
level, msg, …`, the INC-15 trial's export, trimmed) and `aws logs get-query-results` (AWS API reference,
GetQueryResults: `results` is a list of rows, each a list of `{"field", "value"}`, plus `statistics` and `status`;
`@ptr` in every row); Datadog Log Explorer's CSV export (Date, Host, Service, Status, Message) and the Logs API
(`POST /api/v2/logs/events/search`: `data[]` of `{"id", "type": "log", "attributes": {timestamp, status, service,
host, message, tags, attributes}}`); Grafana Explore's CSV of a Loki query (the Loki data frame's fields: labels,
Time, Line, tsNs, id); GCP Cloud Logging's `gcloud logging read --format=json` (LogEntry: insertId, logName,
receiveTimestamp, resource, severity, timestamp, `textPayload` or `jsonPayload`) and an Elasticsearch `_search`
hit whose document says `level`, not ECS `log.level`."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import guess_milestones, parse
from postmortem_skill.helper.features.importers.logquery import is_log_table
from postmortem_skill.helper.features.importers.pick import alert_state, classify

INSIGHTS_CSV = """\
@timestamp,@logStream,level,msg,count,duration_ms,attempt,tenant_id,err
2025-11-19 02:38:52.114,ping-writer-7f9c8d6b5-2xkqp,info,batch written,2000,3412,,,
2025-11-19 02:44:07.312,ping-writer-7f9c8d6b5-c4hvn,warn,batch insert failed,2000,8004,1,,canceling statement due to statement timeout
2025-11-19 02:47:31.851,ping-writer-7f9c8d6b5-8mzrt,error,"retries exhausted, dead-lettering batch",2000,,,,canceling statement due to statement timeout
2025-11-19 02:58:40.203,ingest-api-5d8f7b6c4-k2mpt,warn,location served from postgres fallback (cache miss),,2318,,7c1e9a4d-2b6f-4e83-a0d5-91f3c8b2e6a4,
"""  # noqa: E501


def texts(text: str, name: str) -> list[tuple[str, str]]:
    events, problems = parse(text, name=name)
    assert not problems
    assert all(alert_state(e) is None for e in events)  # a log line is no alert
    assert "alert" not in classify(events)
    return [(f"{e.time:%H:%M:%S}", e.event) for e in events]


def test_an_insights_table_reads_as_log_lines_with_the_stream_out_of_the_text():
    assert texts(INSIGHTS_CSV, "cloudwatch_logs_insights.csv") == [
        ("02:38:52", "INFO batch written (count=2000, duration_ms=3412)"),
        ("02:44:07", "WARN batch insert failed: canceling statement due to statement timeout "
                     "(count=2000, duration_ms=8004, attempt=1)"),
        ("02:47:31", "ERROR retries exhausted, dead-lettering batch: canceling statement due to statement timeout "
                     "(count=2000)"),
        ("02:58:40", "WARN location served from postgres fallback (cache miss) (duration_ms=2318)")]


def test_get_query_results_rows_cite_their_own_lines_and_read_a_json_message():
    answer = {"results": [
        [{"field": "@timestamp", "value": "2025-11-19 02:44:07.312"},
         {"field": "@logStream", "value": "ping-writer-7f9c8d6b5-c4hvn"},
         {"field": "@message", "value": json.dumps({"level": "warn", "msg": "batch insert failed", "count": 2000,
                                                    "err": "canceling statement due to statement timeout"})},
         {"field": "@ptr", "value": "CmAKJwojNTE2MDY0MTk0NjMxOi9la3MvdGwtcHJvZC9waW5nLXdyaXRlchAB"}],
        [{"field": "@timestamp", "value": "2025-11-19 02:47:31.851"},
         {"field": "@message", "value": "ERROR retries exhausted, dead-lettering batch"},
         {"field": "@ptr", "value": "CmAKJwojNTE2MDY0MTk0NjMxOi9la3MvdGwtcHJvZC9waW5nLXdyaXRlchAC"}]],
        "statistics": {"recordsMatched": 2.0, "recordsScanned": 51234.0, "bytesScanned": 9876543.0},
        "status": "Complete"}
    text = json.dumps(answer, indent=2)
    assert texts(text, "q.json") == [
        ("02:44:07", "WARN batch insert failed: canceling statement due to statement timeout (count=2000)"),
        ("02:47:31", "ERROR retries exhausted, dead-lettering batch")]
    events, _ = parse(text, name="q.json")
    assert [e.source for e in events] == ["q.json:3", "q.json:21"]  # each row's own `[`


def test_a_datadog_log_explorer_csv_takes_its_status_as_the_level():
    csv = ('Date,Host,Service,Status,Message\n'
           '2025-11-19T02:44:07.312Z,ip-10-4-2-17,ping-writer,warn,batch insert failed after 8004 ms\n'
           '2025-11-19T02:47:31.851Z,ip-10-4-2-17,ping-writer,error,"retries exhausted, dead-lettering batch"\n')
    assert texts(csv, "extract-2025-11-19.csv") == [
        ("02:44:07", "WARN batch insert failed after 8004 ms"),
        ("02:47:31", "ERROR retries exhausted, dead-lettering batch")]


def test_datadog_logs_api_items_are_log_lines():
    answer = {"data": [{"id": "AAAAAZPz1", "type": "log", "attributes": {
        "timestamp": "2025-11-19T02:47:31.851Z", "status": "error", "service": "ping-writer", "host": "ip-10-4-2-17",
        "message": "retries exhausted, dead-lettering batch", "tags": ["env:prod"],
        "attributes": {"count": 2000}}}], "links": {}, "meta": {"page": {}}}
    assert texts(json.dumps(answer, indent=2), "logs.json") == [
        ("02:47:31", "ERROR retries exhausted, dead-lettering batch")]


def test_a_grafana_explore_csv_of_loki_lines_drops_its_row_ids_and_reads_its_lines():
    csv = ('labels,Time,Line,tsNs,id\n'
           '"{""app"":""ping-writer"",""level"":""error""}",2025-11-19 02:47:31.851,'
           '"level=error msg=""retries exhausted"" count=2000",1763520451851000000,1763520451851000000_a1b2c3d4\n'
           '"{""app"":""ping-writer""}",2025-11-19 02:48:00.000,plain line from the writer,'
           '1763520480000000000,1763520480000000000_e5f6a7b8\n')
    assert texts(csv, "Explore-logs-2025-11-19.csv") == [
        ("02:47:31", "ERROR retries exhausted (count=2000)"),
        ("02:48:00", "plain line from the writer")]


def test_cloud_logging_entries_read_their_payload_and_severity():
    entries = [
        {"insertId": "1x9k2a", "jsonPayload": {"message": "batch insert failed", "count": 2000, "attempt": 1},
         "logName": "projects/tl/logs/stdout", "receiveTimestamp": "2025-11-19T02:44:08.001Z",
         "resource": {"type": "k8s_container", "labels": {"pod_name": "ping-writer-7f9c8d6b5-c4hvn"}},
         "severity": "WARNING", "timestamp": "2025-11-19T02:44:07.312Z"},
        {"insertId": "1x9k2b", "textPayload": "retries exhausted, dead-lettering batch",
         "logName": "projects/tl/logs/stderr", "receiveTimestamp": "2025-11-19T02:47:32.001Z",
         "resource": {"type": "k8s_container", "labels": {}}, "severity": "ERROR",
         "timestamp": "2025-11-19T02:47:31.851Z"},
        {"insertId": "1x9k2c", "textPayload": "consumer started", "severity": "DEFAULT",
         "timestamp": "2025-11-19T02:48:00Z"}]
    assert texts(json.dumps(entries, indent=2), "gcloud.json") == [
        ("02:44:07", "WARNING batch insert failed (count=2000, attempt=1)"),
        ("02:47:31", "ERROR retries exhausted, dead-lettering batch"),
        ("02:48:00", "consumer started")]


def test_an_elasticsearch_document_with_a_plain_level_is_a_log_line():
    answer = {"hits": {"total": {"value": 1}, "hits": [{"_index": "logs-ingest", "_id": "h1", "_source": {
        "@timestamp": "2025-11-19T02:47:31.851Z", "level": "error", "message": "retries exhausted",
        "kubernetes": {"pod": {"name": "ping-writer-7f9c8d6b5-8mzrt"}}}}]}}
    assert texts(json.dumps(answer, indent=2), "es.json") == [("02:47:31", "ERROR retries exhausted")]


def test_an_alert_list_with_a_message_column_stays_an_alert_list():
    csv = ('"TinyId","Message","Status","Priority","Source","CreatedAt"\n'
           '"4127","booking-api 5xx rate above 5%","open","P2","Datadog","2024-11-19 13:03:00"\n')
    assert not is_log_table(next(iter([csv.splitlines()[0].replace('"', '').split(",")])))
    events, _ = parse(csv, name="opsgenie.csv")
    assert alert_state(events[0]) == "fired"


def test_the_page_not_a_logged_error_is_detection():
    alerts = ("time,alert,severity,status\n"
              "2025-11-19T03:09:04Z,ping-writer batch error rate > 5%,critical,triggered\n")
    logs, _ = parse(INSIGHTS_CSV, name="insights.csv")
    paged, _ = parse(alerts, name="alerts.csv")
    events = sorted(logs + paged, key=lambda e: e.time)
    _, guesses = guess_milestones(events, {})
    detected = next(g for g in guesses if g.name == "detected")
    assert f"{events[detected.row - 1].time:%H:%M:%S}" == "03:09:04"


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                        max_size=40), min_size=1, max_size=3))
def test_any_message_is_one_row_and_no_alert(messages):
    lines = ["@timestamp,@logStream,level,msg"]
    lines += [f'2025-11-19 02:4{n}:00.000,ping-writer-1,error,"{m.replace(chr(34), chr(34) * 2)}"'
              for n, m in enumerate(messages)]
    events, problems = parse("\n".join(lines) + "\n", name="q.csv")
    assert not problems and len(events) == len(messages)
    assert all(alert_state(e) is None for e in events)
