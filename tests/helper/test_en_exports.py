"""An English team's exports read as exported: Microsoft Graph channel messages with their replies, kubectl
events, a Jira Service Management change CSV (`14/Jul/26 10:17 AM`, naive), an Opsgenie CSV with CamelCase
headers, capacity and resource columns that are not the impact, and a declaration whose clock time is the
writers' local one. Judged on evidence/eu-quote, written before the readers were changed for it."""
from __future__ import annotations

import json

import pytest
from evidence_support import draft_from, durations, metrics_of, milestones
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.columns import Columns, is_capacity, is_resource
from postmortem_skill.helper.model.timeutil import written_timestamp


@pytest.fixture
def quote(tmp_path, monkeypatch, capsys):
    draft, err = draft_from("eu-quote", tmp_path, monkeypatch, capsys, "INC-77")
    return draft, err, capsys


def test_the_quote_folder_metrics_match_its_truth(quote):
    draft, err, capsys = quote
    assert "kubectl-events-pricing.json: skipped" not in err and "jsm-changes" in err  # naive: the zone note
    got = metrics_of(draft, capsys)
    assert milestones(got) == (
        "2026-07-14T07:48:05Z", "2026-07-14T07:55:10Z", "2026-07-14T07:59:10Z", "2026-07-14T08:25:00Z",
        "2026-07-14T11:05:00Z")
    assert durations(got) == (7, 4, 37, 197)
    assert "read as UTC+2 like the chat's other clock times" in err


def test_the_quote_draft_keeps_the_replies_and_the_owners(quote):
    draft, _, _ = quote
    text = draft.read_text(encoding="utf-8")
    for words in ["Helm rollback to 4.7.3 started", "I’ll take the liveness alert, PRC-412",
                  "Soak test is mine – PRC-413", "Runbook I can own (PRC-414)"]:
        assert words in text, words
    assert "&rsquo;" not in text and "&ndash;" not in text and "systemEventMessage" not in text


KUBE = json.dumps({"kind": "List", "items": [
    {"kind": "Event", "involvedObject": {"kind": "Node", "name": "ip-10-1-2-3"}, "reason": "OOMKilling",
     "message": "Memory cgroup out of memory: Killed process 42 (node)", "type": "Warning",
     "firstTimestamp": "2026-05-02T09:04:12Z", "lastTimestamp": "2026-05-02T09:45:33Z", "count": 41},
    {"kind": "Event", "regarding": {"kind": "Pod", "name": "api-1"}, "reason": "Scheduled", "note": "assigned",
     "type": "Normal", "eventTime": "2026-05-02T09:20:00.123456Z", "firstTimestamp": None}]})


def test_kubectl_events_give_first_and_last_sight_of_a_repeated_event():
    events, problems = parse(KUBE)
    assert not problems
    assert [(e.time.strftime("%H:%M:%S"), e.event) for e in events] == [
        ("09:04:12", "Warning Node/ip-10-1-2-3: OOMKilling: Memory cgroup out of memory: Killed process 42 (node)"),
        ("09:20:00", "Normal Pod/api-1: Scheduled: assigned"),
        ("09:45:33", "Warning Node/ip-10-1-2-3: OOMKilling: Memory cgroup out of memory: Killed process 42 (node) "
                     "(last of 41, since 09:04:12)")]


def test_graph_replies_are_rows_of_their_own_and_bots_are_named():
    export = json.dumps({"value": [{"createdDateTime": "2026-05-02T09:11:25Z", "messageType": "message",
                                    "from": {"user": None, "application": {"displayName": "Opsgenie"}},
                                    "body": {"content": "<b>[P2] #4821</b> restarts"},
                                    "replies": [{"createdDateTime": "2026-05-02T09:16:03Z",
                                                 "from": {"user": {"displayName": "Marta K"}},
                                                 "body": {"content": "<p>Acked &ndash; on it</p>"}}]}]})
    events, problems = parse(export)
    assert not problems
    assert [e.event for e in events] == ["Opsgenie: [P2] #4821 restarts", "Marta K: Acked – on it"]


def test_jira_and_opsgenie_headers_are_read_by_their_shape():
    jira = Columns(["Summary", "Issue key", "Issue id", "Custom field (Change start date)",
                    "Custom field (Change completion date)", "Created"])
    assert (jira.time, jira.id, jira.text, jira.later) == (3, 1, 0, [(4, "end")])
    opsgenie = Columns(["TinyId", "Message", "CreatedAt", "AcknowledgedAt", "AcknowledgedBy", "ClosedAt"])
    assert (opsgenie.time, opsgenie.id, opsgenie.who_acked) == (2, 0, 4)
    assert opsgenie.later == [(3, "acknowledged"), (5, "closed")]


def test_written_dates_with_a_month_name():
    assert str(written_timestamp("30/Nov/26 10:44 AM")) == "2026-11-30 10:44:00"
    assert str(written_timestamp("14/Jul/26 12:50 PM")) == "2026-07-14 12:50:00"
    assert str(written_timestamp("Nov 30, 2026 10:44 PM")) == "2026-11-30 22:44:00"
    assert written_timestamp("31/Feb/26 10:00") is None and written_timestamp("30/Nov/26 13:00 PM") is None


def test_capacity_and_resources_are_told_from_what_users_see():
    assert all(is_capacity(n) for n in ("pods_ready", "desired_replicas", "Instances", "ready nodes"))
    assert not any(is_capacity(n) for n in ("pod_restarts", "oom_kills_per_node", "error_rate_pct"))
    assert all(is_resource(n) for n in ("memory_pct_of_limit", "heap_used_pct", "cpu_usage"))
    assert not any(is_resource(n) for n in ("error_rate_pct", "p99_latency_ms", "pool_usage", "gc_failures"))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_is_a_date_with_a_month_name_or_none(text):
    found = written_timestamp(text)
    assert found is None or found.tzinfo is None


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>&"), min_size=1,
               max_size=60).filter(str.strip))
def test_any_reply_text_is_read_as_written(text):
    export = json.dumps({"value": [{"createdDateTime": "2026-05-02T09:11:25Z", "from": {"user": {"displayName": "A"}},
                                    "body": {"content": "<p>x</p>"},
                                    "replies": [{"createdDateTime": "2026-05-02T09:12:00Z",
                                                 "from": {"user": {"displayName": "Bo"}},
                                                 "body": {"content": f"<p>{text}</p>"}}]}]})
    events, problems = parse(export)
    assert not problems
    assert events[-1].event == f"Bo: {' '.join(text.split())}" or events[-1].event.startswith("Bo:")
