"""A Pacific team's exports as the tools write them (evidence/ledger-sync): zap JSON logs, Slack bot posts whose
words are in attachments, `argocd app history` printed with aligned columns and Go times, and declarations
that state a 12-hour Pacific clock ("Mitigated as of 4:39 PT", posted 00:44 UTC)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from evidence_support import draft_from, metrics_of, milestones, stated_at
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.pick import alert_state, classify
from postmortem_skill.helper.model.timeutil import match_timestamp

UTC = timezone.utc


@pytest.fixture
def ledger(tmp_path, monkeypatch, capsys):
    draft, err = draft_from("ledger-sync", tmp_path, monkeypatch, capsys, "INC-11",
                            "--tz", "Sync health*=America/Los_Angeles")
    return draft, err, capsys


def test_the_ledger_sync_folder_gives_the_declared_milestones(ledger):
    draft, err, capsys = ledger
    for skipped in ("ledger-sync.jsonl: skipped", "app-history.txt: skipped", "no event text"):
        assert skipped not in err
    got = milestones(metrics_of(draft, capsys))
    # detected is the warning before the page: it went to a channel only, and Jonas says later he saw it
    assert got == ("2026-11-24T23:17:12Z", "2026-11-24T23:27:04Z", "2026-11-24T23:50:41Z", "2026-11-25T00:39:00Z",
                   "2026-11-25T19:52:00Z")
    assert "counted because jonas says at 23:55 UTC it was seen" in err and "UTC+4" not in err
    text = draft.read_text(encoding="utf-8")
    assert "deployed revision v1.14.0 (04de8b4)" in text  # the trigger's deploy, at its deploy time


@pytest.mark.parametrize("record, expected", [
    ({"level": "warn", "ts": "2026-11-24T23:17:12.406Z", "caller": "syncer/worker.go:104",
      "msg": "accounting API rejected batch", "status": "413", "error": "accounting API 413: batch_too_large"},
     "WARN accounting API rejected batch: accounting API 413: batch_too_large [413]"),
    ({"time": "2026-11-24T23:18:19Z", "level": "ERROR", "msg": "batch failed", "err": "giving up after 8 attempts"},
     "ERROR batch failed: giving up after 8 attempts"),  # slog
    ({"level": 50, "time": 1795648699000, "pid": 7, "hostname": "api-1", "msg": "upstream timed out"},
     "ERROR upstream timed out"),  # pino: numeric level, epoch milliseconds
    ({"@timestamp": "2026-11-24T23:18:19Z", "log.level": "warn", "message": "pool exhausted",
      "error": {"message": "no free connection"}}, "WARN pool exhausted: no free connection"),  # ECS
    ({"log": "panic: nil map\n", "stream": "stderr", "time": "2026-11-24T23:18:19.5Z"}, "panic: nil map"),  # docker
    ({"timestamp": "2024-11-19T13:03:09.215Z", "level": "error", "logger": "confirmation-consumer",
      "event": "batch_failed", "size": 500, "error": "canceling statement due to lock timeout"},
     "ERROR batch_failed: canceling statement due to lock timeout (size=500)"),  # structlog: the message is `event`
])
def test_a_structured_log_line_reads_as_a_text_log_line(record, expected):
    events, problems = parse(json.dumps(record))
    assert not problems and [e.event for e in events] == [expected]


def test_a_log_line_at_error_level_is_no_alert():
    events, _ = parse("\n".join(json.dumps(r) for r in [
        {"level": "error", "ts": "2026-11-24T23:18:19Z", "msg": "batch failed"},
        {"labels": {"alertname": "LagHigh", "severity": "critical"}, "status": "firing",
         "startsAt": "2026-11-24T23:37:04Z", "annotations": {"summary": "lag above 15 min"}}]))
    assert [alert_state(e) for e in events] == [None, "fired"]
    assert classify(events)[0] != "alert"


SLACK_DAY = [
    {"type": "message", "user": "U1", "text": "rolling back", "ts": "1795564840.118420",
     "thread_ts": "1795564840.118420", "reply_count": 1, "replies": [{"user": "U2", "ts": "1795564870.662013"}]},
    {"type": "message", "user": "U2", "text": "413 -&gt; retry &amp; see <https://wiki.example/rb|the runbook>",
     "ts": "1795564870.662013", "thread_ts": "1795564840.118420"},
    {"type": "message", "subtype": "bot_message", "username": "Argo CD", "text": "", "ts": "1795565000.000100",
     "attachments": [{"fallback": "Application ledger-sync has been successfully synced.",
                      "text": ":white_check_mark: Application ledger-sync has been successfully synced.\nDetails: x"}]},
    {"type": "message", "subtype": "bot_message", "username": "PagerDuty", "text": "", "ts": "1795565100.000100",
     "attachments": [{"title": "Resolved", "text": "<https://pd.example/i/Q2|#4127> LagCritical\nby API"}]},
]


def test_slack_bot_posts_are_read_from_their_attachments_and_reply_pointers_are_not_messages():
    events, problems = parse(json.dumps(SLACK_DAY), people={"U1": "priya", "U2": "marco"})
    assert not problems
    assert [e.event for e in events] == [
        "priya: rolling back", "marco: 413 -> retry & see the runbook",
        "Argo CD: Application ledger-sync has been successfully synced.",
        "PagerDuty: Resolved #4127 LagCritical"]


@pytest.mark.parametrize("text, iso", [
    ("2026-11-24 21:41:37 +0000 UTC", "2026-11-24T21:41:37+00:00"),
    ("2026-11-24 13:41:37 -0800 PST", "2026-11-24T13:41:37-08:00"),
    ("2026-11-24 21:41:37 +0000 INFO starting", "2026-11-24T21:41:37+00:00"),  # a level is no zone
])
def test_go_times_name_their_zone_after_the_offset(text, iso):
    when, end = match_timestamp(text)
    assert when.isoformat() == iso and not text[end:].strip().startswith(("UTC", "PST"))


ARGOCD = """SOURCE  https://github.com/acme/ledger-sync.git
ID      DATE                           REVISION
4       2026-11-24 17:48:10 +0000 UTC  v1.13.2 (40fd816)
5       2026-11-24 21:41:37 +0000 UTC  v1.14.0 (04de8b4)
"""


def test_an_aligned_deploy_history_is_a_change_list():
    events, problems = parse(ARGOCD)
    assert not problems
    assert [(e.time.isoformat(), e.event) for e in events] == [
        ("2026-11-24T17:48:10+00:00", "deployed revision v1.13.2 (40fd816)"),
        ("2026-11-24T21:41:37+00:00", "deployed revision v1.14.0 (04de8b4)")]
    assert classify(events) == ["change", "change"]


def test_an_aligned_table_with_a_text_column_and_a_stray_line():
    table = ("TIME                  SERVICE   MESSAGE\n"
             "2026-11-24T23:17:00Z  ledger    first 413 from the accounting API\n"
             "2026-11-24T23:20:00Z  ledger    lag above 5 min\n"
             "(output truncated by the pager at 2 rows)\n")
    events, problems = parse(table)
    assert [e.event for e in events] == ["first 413 from the accounting API", "lag above 5 min"]
    assert [(p.line, p.reason) for p in problems] == [(4, "not aligned with the table's header columns")]


def test_a_log_whose_first_line_is_upper_case_is_not_a_table():
    events, _ = parse("ERROR  disk full on /var\n2026-11-24T23:17:00Z ERROR disk full\n")
    assert [e.event for e in events] == ["ERROR disk full"]


@pytest.mark.parametrize("sentence, posted, expected", [
    ("Mitigated as of 4:39 PT: lag is back under the SLO.", "2026-11-25T00:44:05+00:00", "11-25 00:39"),
    ("INC-11 resolved as of 11:52 PT, when the v1.14.1 rollout completed.", "2026-11-25T20:31:05+00:00",
     "11-25 19:52"),
    ("Mitigated at 4:39 pm PST.", "2026-11-25T00:44:05+00:00", "11-25 00:39"),
    ("Mitigated at 14:20 UTC.", "2026-11-18T14:48:02+00:00", "11-18 14:20"),  # the declaration's own clock
    ("Mitigated, the errors began at 14:20 UTC.", "2026-11-18T14:48:02+00:00", None),  # about something else
    ("Mitigated as of 4:39 PT.", "2026-11-25T05:00:00+00:00", None),  # hours after: not this message's
])
def test_a_declaration_states_its_time_in_the_zone_it_names(sentence, posted, expected):
    assert stated_at(sentence, posted) == expected


def test_a_condition_after_the_declaration_does_not_undo_it():
    from postmortem_skill.helper.features.importers.core import Event
    from postmortem_skill.helper.features.importers.declared import declared
    t = datetime(2026, 11, 25, 20, 31, 5, tzinfo=UTC)
    rows = [Event(t, "priya: INC-11 resolved as of 11:52 PT, when the rollout completed.", None, "c.json:2", None),
            Event(t + timedelta(minutes=1), "marco: we will close the incident once the fix ships", None,
                  "c.json:3", None)]
    found = declared(rows, ["chat", "chat"])
    assert set(found) == {"resolved"} and found["resolved"][0] == 0


@pytest.mark.parametrize("text, found", [
    ("*Resolved as of 10:12 CET*: all 1,874 reservations confirmed. Closing INC-13.", "09:12"),  # stated first
    ("Resolved at 10:12, the backlog is drained.", "09:12"),  # the chat's clock: Berlin
    ("The DNS part resolved at 09:50, but bookings still fail.", None),  # not a declaration of the incident
])
def test_a_message_that_opens_by_stating_the_resolution(text, found):
    from postmortem_skill.helper.features.importers.core import Event
    from postmortem_skill.helper.features.importers.declared import declared
    from postmortem_skill.helper.model.timeutil import load_zone
    t = datetime(2024, 11, 20, 9, 15, 2, tzinfo=UTC)
    berlin = load_zone("Europe/Berlin")
    result = declared([Event(t, f"lukas: {text}", None, "c.json:2", None)], ["chat"], lambda source: berlin)
    when = result.get("resolved", (None, None, None))[2]
    assert (f"{when.astimezone(UTC):%H:%M}" if when else None) == found


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ABCDEF IDTME_-0123456789:\n"), max_size=60), max_size=6))
def test_any_upper_case_text_parses_without_error(lines):
    parse("\n".join(lines))


def _detected(later: str) -> str:
    from postmortem_skill.helper.features.importers.core import Event
    from postmortem_skill.helper.features.importers.detect import detection
    t = datetime(2026, 11, 24, 23, 27, 4, tzinfo=UTC)
    rows = [Event(t, "LagHigh: lag above 5 min [warning, firing]", None, "am.jsonl:1", None),
            Event(t + timedelta(minutes=10), "LagCritical: lag above 15 min [critical, firing]", None, "am.jsonl:2"),
            Event(t + timedelta(minutes=28), f"jonas: {later}", None, "chat.json:4", None)]
    found = detection(rows, ["alert", "alert", "chat"], 0)
    return rows[found[0]].event.split(":")[0]


@pytest.mark.parametrize("later, detected", [
    ("fwiw the LagHigh warning hit #alerts at 3:27. I saw it and figured it was the daily catch-up.", "LagHigh"),
    ("Nobody saw the LagHigh warning, it goes to a muted channel.", "LagCritical"),
    ("I saw the page at 3:37 and escalated.", "LagCritical"),  # the page, not the warning
])
def test_a_warning_someone_says_they_saw_is_detection(later, detected):
    assert _detected(later) == detected


def test_a_source_whose_file_name_has_spaces_is_still_a_link(tmp_path):
    from postmortem_skill.helper.commands.new import linked_source
    csv = tmp_path / "ops" / "grafana" / "Sync health-data 09_02_41.csv"
    csv.parent.mkdir(parents=True)
    csv.write_text("time,lag\n", encoding="utf-8")
    link = linked_source(f"{csv}:19", tmp_path / "docs" / "postmortems", tmp_path, None)
    # a space would end the link's target: percent-encoded, it still points at the file and line
    assert link == "[Sync health-data 09_02_41.csv:19](../../ops/grafana/Sync%20health-data%2009_02_41.csv#L19)"
