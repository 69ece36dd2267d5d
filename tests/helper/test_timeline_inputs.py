"""`postmortem timeline` on exports as tools write them: Alertmanager, Opsgenie, Elastic records, and chat
lines that give a time of day only (day from --date or a date line; midnight; a clock change)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_new_zipapp import app, run  # noqa: F401  (app is a fixture)

from postmortem_skill.helper.features import importers
from postmortem_skill.helper.model.timeutil import UTC, load_zone

ROOT = Path(__file__).resolve().parents[2]
NEW_YORK = load_zone("America/New_York")

ALERTMANAGER = [
    {"status": "firing", "startsAt": "2026-03-08T06:44:10Z", "endsAt": "0001-01-01T00:00:00Z",
     "labels": {"alertname": "ThumbnailErrorRateHigh", "severity": "page", "service": "media"},
     "annotations": {"summary": "thumbnail 404 rate 7.9% (threshold 2%)", "description": "404s on /thumb"}},
    {"status": "resolved", "startsAt": "2026-03-08T06:44:10Z", "endsAt": "2026-03-08T07:24:40Z",
     "labels": {"alertname": "ThumbnailErrorRateHigh", "severity": "page", "service": "media"},
     "annotations": {"summary": "thumbnail 404 rate 7.9% (threshold 2%)"}},
    {"status": "firing", "startsAt": "2026-03-08T06:50:00.5Z", "endsAt": "0001-01-01T00:00:00Z",
     "labels": {"alertname": "MediaLatencyHigh", "severity": "ticket"},
     "annotations": {"description": "p95 above 2 s"}},
]

# The US spring-forward night in the exporter's zone: 01:58 EST is followed by 03:03 EDT.
DST_CHAT = """\
# exported from #inc-media
[01:45] pagerbot: ThumbnailErrorRateHigh fired
[01:58] alice: 404s on /thumb since the media deploy
[03:03] bob: rolled back media-api to 2.14.1
[03:24] pagerbot: ThumbnailErrorRateHigh resolved
"""
DST_ROWS = [
    {"time": "2026-03-08T06:45:00Z", "event": "pagerbot: ThumbnailErrorRateHigh fired", "milestone": None},
    {"time": "2026-03-08T06:58:00Z", "event": "alice: 404s on /thumb since the media deploy", "milestone": None},
    {"time": "2026-03-08T07:03:00Z", "event": "bob: rolled back media-api to 2.14.1", "milestone": None},
    {"time": "2026-03-08T07:24:00Z", "event": "pagerbot: ThumbnailErrorRateHigh resolved", "milestone": None},
]


def postmortem(tmp_path, name, text, *args):
    """The real command line: `python3 -m postmortem_skill.helper timeline FILE ARGS…`."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "postmortem_skill.helper", "timeline", name, *args], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=60)


def rows_of(done):
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --------------------------------------------------------------------------- alert tools' records


def test_alertmanager_export_firing_and_resolved(tmp_path):
    done = postmortem(tmp_path, "alerts.json", json.dumps(ALERTMANAGER, indent=2), "--format", "json")
    assert done.stderr == ""
    assert [{k: r[k] for k in ("time", "milestone", "event")} for r in rows_of(done)] == [
        {"time": "2026-03-08T06:44:10Z", "milestone": None,
         "event": "ThumbnailErrorRateHigh: thumbnail 404 rate 7.9% (threshold 2%) [page, firing]"},
        {"time": "2026-03-08T06:50:00Z", "event": "MediaLatencyHigh: p95 above 2 s [ticket, firing]",
         "milestone": None},
        {"time": "2026-03-08T07:24:40Z", "milestone": None,
         "event": "ThumbnailErrorRateHigh: thumbnail 404 rate 7.9% (threshold 2%) [page, resolved]"},
    ]


def test_an_export_taken_after_the_incident_keeps_when_each_alert_fired(tmp_path):
    payload = {"status": "resolved", "alerts": [
        {"status": "resolved", "labels": {"alertname": "GatewaySaturation", "severity": "critical"},
         "annotations": {"summary": "concurrency at 97% of limit"},
         "startsAt": "2026-06-19T20:08:00+08:00", "endsAt": "2026-06-19T21:26:00+08:00"}]}
    rows = rows_of(postmortem(tmp_path, "grafana.json", json.dumps(payload), "--format", "json"))
    assert [(r["time"], r["event"]) for r in rows] == [
        ("2026-06-19T12:08:00Z", "GatewaySaturation: concurrency at 97% of limit [critical, firing]"),
        ("2026-06-19T13:26:00Z", "GatewaySaturation: concurrency at 97% of limit [critical, resolved]"),
    ]


def test_alertmanager_webhook_payload_and_unresolved_end_is_never_a_time(tmp_path):
    payload = {"receiver": "media", "status": "firing", "groupLabels": {"alertname": "X"},
               "alerts": [ALERTMANAGER[0], {**ALERTMANAGER[0], "startsAt": None, "status": "resolved"}]}
    done = postmortem(tmp_path, "hook.json", json.dumps(payload), "--format", "json")
    assert [r["time"] for r in rows_of(done)] == ["2026-03-08T06:44:10Z"]
    assert done.stderr.strip().startswith("hook.json:1: no time (expected one of time, timestamp, created_at")


def test_opsgenie_jsonl_and_elastic_records(tmp_path):
    text = "\n".join(json.dumps(r) for r in [
        {"id": "70413a06", "message": "media-api 5xx above 5%", "createdAt": "2026-03-08T06:46:00.123Z",
         "status": "closed", "priority": "P2", "tags": ["media"]},
        {"@timestamp": "2026-03-08T01:47:00-05:00", "message": "GET /thumb/9 404", "log": {"level": "warn"}},
        {"createdAt": "2026-03-08T06:40:00Z", "message": "deploy media-api 2.15.0", "labels": {"priority": "P5"}},
    ])
    rows = rows_of(postmortem(tmp_path, "opsgenie.jsonl", text, "--format", "json"))
    assert [(r["time"], r["event"]) for r in rows] == [
        ("2026-03-08T06:40:00Z", "deploy media-api 2.15.0 [P5]"),
        ("2026-03-08T06:46:00Z", "media-api 5xx above 5% [P2, closed]"),
        ("2026-03-08T06:47:00Z", "WARN GET /thumb/9 404"),  # ECS: the nested log.level leads, as in a log
    ]


def test_contract_keys_keep_priority_over_alert_keys():
    record = {"time": "2026-03-08T06:00:00Z", "startsAt": "2026-03-08T05:00:00Z", "status": "resolved",
              "endsAt": "2026-03-08T07:00:00Z", "message": "plain", "labels": {"severity": "page"},
              "annotations": {"summary": "not this"}}
    events, problems = importers.from_records([record])
    assert problems == [] and [(e.time.hour, e.event) for e in events] == [(6, "plain [resolved]")]


def test_alert_name_alone_and_summary_that_names_the_alert():
    events, _ = importers.from_records([
        {"startsAt": "2026-03-08T06:00:00Z", "labels": {"alertname": "DiskFull"}},
        {"startsAt": "2026-03-08T06:01:00Z", "labels": {"alertname": "DiskFull"},
         "annotations": {"summary": "DiskFull on media-3"}},
    ])
    assert [e.event for e in events] == ["DiskFull", "DiskFull on media-3"]


# --------------------------------------------------------------------------- chat lines with a time only


def test_time_only_chat_across_spring_forward_with_date(tmp_path):
    done = postmortem(tmp_path, "chat.txt", DST_CHAT, "--tz", "America/New_York", "--date", "2026-03-08",
                      "--format", "json")
    assert done.stderr == ""
    assert [{k: r[k] for k in ("time", "event", "milestone")} for r in rows_of(done)] == DST_ROWS
    assert [r["source"] for r in rows_of(done)] == ["chat.txt:2", "chat.txt:3", "chat.txt:4", "chat.txt:5"]


def test_time_only_chat_from_the_zipapp(app, tmp_path):  # noqa: F811
    (tmp_path / "chat.txt").write_text(DST_CHAT, encoding="utf-8")
    done = run(app, tmp_path, "timeline", "chat.txt", "--tz", "America/New_York", "--date", "2026-03-08")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2:] == [
        "| 06:45 | pagerbot: ThumbnailErrorRateHigh fired | chat.txt:2 |",
        "| 06:58 | alice: 404s on /thumb since the media deploy | chat.txt:3 |",
        "| 07:03 | bob: rolled back media-api to 2.14.1 | chat.txt:4 |",
        "| 07:24 | pagerbot: ThumbnailErrorRateHigh resolved | chat.txt:5 |",
    ]


def test_date_line_sets_the_day_and_midnight_moves_it_on(tmp_path):
    text = ("--- 2026-03-07 ---\n[23:50] pagerbot: QueueDepthHigh fired\n[23:58:30] carol: ack\n"
            "[00:12] carol: drained the dead-letter queue\n# 2026-03-09\n09:00 dave: follow-up review\n")
    rows = rows_of(postmortem(tmp_path, "chat.log", text, "--format", "json"))
    assert [(r["time"], r["event"]) for r in rows] == [
        ("2026-03-07T23:50:00Z", "pagerbot: QueueDepthHigh fired"),
        ("2026-03-07T23:58:30Z", "carol: ack"),
        ("2026-03-08T00:12:00Z", "carol: drained the dead-letter queue"),
        ("2026-03-09T09:00:00Z", "dave: follow-up review"),
    ]


def test_a_small_step_back_stays_on_the_day_for_the_repeated_hour():
    # Autumn in New York: 01:50 EDT (05:50Z), then 01:10 in the repeated hour (EST, 06:10Z)
    text = "[01:50] first pass\n[01:10] second pass\n[02:05] after\n"
    events, problems = importers.parse(text, NEW_YORK, date(2026, 11, 1))
    assert problems == []
    assert [(e.time.strftime("%d %H:%M"), e.event) for e in events] == [
        ("01 05:50", "first pass"), ("01 06:10", "second pass"), ("01 07:05", "after")]


def test_skipped_hour_am_pm_and_bad_clock_are_problems_with_line_numbers():
    text = "[01:59] a\n[02:30] b\n[3:05 AM] c\n12:10 pm d\n25:10 e\n"
    events, problems = importers.parse(text, NEW_YORK, date(2026, 3, 8))
    assert [(e.time.strftime("%H:%M"), e.event) for e in events] == [("06:59", "a"), ("07:05", "c"),
                                                                    ("16:10", "d")]
    assert [(p.line, p.reason) for p in problems] == [
        (2, "2026-03-08 02:30 does not exist in America/New_York (the clocks moved forward)"),
        (5, "not a time of day: '25:10'")]


def test_time_only_chat_without_a_date_exits_2_with_one_teaching_line(tmp_path):
    done = postmortem(tmp_path, "chat.txt", DST_CHAT, "--tz", "America/New_York")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("give the day with --date YYYY-MM-DD") == 1
    assert done.stderr.splitlines() == [
        "postmortem: chat.txt: all 4 rows (from line 2): a time without a date: give the day with --date "
        "YYYY-MM-DD or a date line above it (and the exporter's zone with --tz); no usable timeline rows"]


def test_lines_before_the_first_date_line_are_reported_each(tmp_path):
    done = postmortem(tmp_path, "chat.txt", "[09:00] early\n2026-03-04\n[09:05] later\n", "--format", "json")
    assert [r["time"] for r in rows_of(done)] == ["2026-03-04T09:05:00Z"]
    assert done.stderr.startswith("chat.txt:1: a time without a date")


def test_bad_date_option_and_bad_date_line(tmp_path):
    done = postmortem(tmp_path, "chat.txt", DST_CHAT, "--date", "03/08/2026")
    assert done.returncode == 2 and done.stderr == "postmortem: --date: not a date in YYYY-MM-DD form: '03/08/2026'\n"
    events, problems = importers.parse("# 2026-02-30\n[09:00] x\n", day=date(2026, 2, 27))
    assert [p.reason for p in problems] == ["not a real date: '2026-02-30'"] and events[0].time.day == 27


def test_help_lists_the_new_inputs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "postmortem_skill.helper", "timeline", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for words in ("--date YYYY-MM-DD", "startsAt", "createdAt", "@timestamp", "annotations", "time_utc",
                  "--out-tz", "window", "facts", "[01:45] pagerbot: ThumbnailErrorRateHigh fired"):
        assert words in done.stdout


# --------------------------------------------------------------------------- properties

line_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)
clocks = st.tuples(st.integers(0, 23), st.integers(0, 59))


@settings(max_examples=150, deadline=None)
@given(clocks, st.sampled_from(["[{}]", "{}", "{}]"]), line_text)
def test_text_after_a_time_only_prefix_is_kept(clock, form, text):
    prefix = form.format("%02d:%02d" % clock)
    events, problems = importers.parse(f"{prefix} pagerbot: {text}.\n", UTC, date(2026, 3, 9))
    assert problems == []
    assert [(e.time.hour, e.time.minute, e.event) for e in events] == [(*clock, f"pagerbot: {text}.")]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(clocks, line_text), min_size=1, max_size=12))
def test_any_chat_over_a_clock_change_never_crashes(lines):
    text = "\n".join("[%02d:%02d] %s" % (*clock, words) for clock, words in lines)
    events, problems = importers.parse(text, NEW_YORK, date(2026, 3, 8))
    assert len(events) + len(problems) == len(lines)
    assert all(p.reason.endswith("(the clocks moved forward)") or p.reason.startswith("no event text")
               for p in problems)
    assert [e.time for e in events] == sorted(e.time for e in events)



def test_alertmanager_payloads_a_receiver_logged_one_a_line_give_their_alerts():
    lines = [json.dumps({"receiver": "pager", "status": "firing", "alerts": ALERTMANAGER[:1]}),
             json.dumps({"receiver": "pager", "status": "firing", "alerts": ALERTMANAGER[:1]}),  # a repeat
             json.dumps({"receiver": "pager", "status": "resolved", "alerts": ALERTMANAGER[1:]})]
    events, problems = importers.parse("\n".join(lines) + "\n", name="am.jsonl")
    assert problems == []
    assert [(e.event, e.source) for e in importers.merge([events])] == [  # the repeat merged away
        ("ThumbnailErrorRateHigh: thumbnail 404 rate 7.9% (threshold 2%) [page, firing]", "am.jsonl:1"),
        ("MediaLatencyHigh: p95 above 2 s [ticket, firing]", "am.jsonl:3"),
        ("ThumbnailErrorRateHigh: thumbnail 404 rate 7.9% (threshold 2%) [page, resolved]", "am.jsonl:3")]


def test_alertmanager_payloads_saved_as_one_json_array_give_their_alerts():
    payloads = [{"receiver": "pager", "status": "firing", "alerts": ALERTMANAGER[:1]},
                {"receiver": "pager", "status": "firing", "alerts": ALERTMANAGER[:1]},  # a repeat
                {"receiver": "pager", "status": "resolved", "alerts": ALERTMANAGER[1:]}]
    text = json.dumps(payloads, indent=2)
    events, problems = importers.parse(text, name="alertmanager.json")
    assert problems == []
    rows = [(e.event, e.source) for e in importers.merge([events])]
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line == "  {"]  # each payload's line
    assert [event for event, _ in rows] == [
        "ThumbnailErrorRateHigh: thumbnail 404 rate 7.9% (threshold 2%) [page, firing]",
        "MediaLatencyHigh: p95 above 2 s [ticket, firing]",
        "ThumbnailErrorRateHigh: thumbnail 404 rate 7.9% (threshold 2%) [page, resolved]"]
    assert [source for _, source in rows] == [f"alertmanager.json:{starts[0]}", *[f"alertmanager.json:{starts[2]}"] * 2]


def test_a_deploy_list_with_a_finished_at_column_is_a_table_not_log_lines():
    text = ("finished_at,service,version,description,status\n"
            "2026-05-12T13:18:00Z,payments-gateway,2.19.0,Deploy payments-gateway 2.19.0,succeeded\n")
    events, problems = importers.parse(text, name="deploys.csv")
    assert problems == [] and [e.event for e in events] == ["Deploy payments-gateway 2.19.0 [succeeded]"]
