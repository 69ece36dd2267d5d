"""`postmortem timeline`: formats, time zones (midnight, DST), milestones, malformed rows."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features import importers
from postmortem_skill.helper.model.timeutil import load_zone, localize


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def as_json(capsys, path, *extra):
    code, out, err = cli(capsys, "timeline", path, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out), err


def test_json_lines_offsets_become_utc_and_rows_are_sorted(tmp_path, capsys):
    path = write(tmp_path, "alerts.jsonl", "\n".join([
        '{"created_at": "2026-05-01T20:10:00+02:00", "summary": "Error rate above 5%"}',
        '{"timestamp": "2026-05-01T17:58:10Z", "message": "Deploy 4.12.0 started"}',
    ]))
    rows, err = as_json(capsys, path)
    assert err == ""
    assert rows == [
        {"time": "2026-05-01T17:58:10Z", "event": "Deploy 4.12.0 started", "milestone": None,
         "source": f"{path}:2", "id": None},
        {"time": "2026-05-01T18:10:00Z", "event": "Error rate above 5%", "milestone": None,
         "source": f"{path}:1", "id": None},
    ]


def test_json_array_epoch_seconds_and_milliseconds(tmp_path, capsys):
    stamp = int(datetime(2026, 3, 4, 9, 12, tzinfo=timezone.utc).timestamp())
    path = write(tmp_path, "a.json", json.dumps([
        {"ts": stamp * 1000 + 60_000, "text": "second"},
        {"ts": str(stamp), "text": "first"},
    ]))
    rows, _ = as_json(capsys, path)
    assert [(r["time"], r["event"]) for r in rows] == [
        ("2026-03-04T09:12:00Z", "first"), ("2026-03-04T09:13:00Z", "second")]


def test_slack_like_export_under_messages_skips_joins(tmp_path, capsys):
    export = {"messages": [
        {"type": "message", "subtype": "channel_join", "ts": "1772615520.000100", "text": "joined"},
        {"type": "message", "ts": "1772615580.000200", "user": "U1", "text": "[DETECTED] checkout 500s"},
    ]}
    path = write(tmp_path, "slack.json", json.dumps(export, indent=1))
    rows, _ = as_json(capsys, path)
    assert rows == [{"time": "2026-03-04T09:13:00Z", "event": "checkout 500s", "milestone": "detected",
                     "source": f"{path}:9", "id": None}]


def test_csv_with_milestone_and_source_columns(tmp_path, capsys):
    path = write(tmp_path, "t.csv", "Time,Event,Milestone,Source\n"
                 "2026-03-04 09:20,Rolled back to 4.11.2,mitigated,https://ci/run/7\n"
                 "2026-03-04 09:12,Error rate rises,impact start,\n")
    code, out, _ = cli(capsys, "timeline", path)
    assert code == 0
    assert out.splitlines() == [
        "| Time (UTC) | Event | Source |",
        "|---|---|---|",
        f"| 09:12 | **IMPACT STARTS** Error rate rises | {path}:3 |",
        "| 09:20 | **MITIGATED** Rolled back to 4.11.2 | https://ci/run/7 |",
    ]


def test_log_lines_with_brackets_and_zh_markers(tmp_path, capsys):
    path = write(tmp_path, "app.log", "[2026-03-04 17:15:00] 【发现】 告警：订单服务错误率升高\n"
                 "2026-03-04T17:40:00+08:00 **恢复** 服务恢复正常\n")
    rows, _ = as_json(capsys, path, "--tz", "Asia/Shanghai")
    assert [(r["time"], r["event"], r["milestone"], r["source"]) for r in rows] == [
        ("2026-03-04T09:15:00Z", "告警：订单服务错误率升高", "detected", f"{path}:1"),
        ("2026-03-04T09:40:00Z", "服务恢复正常", "resolved", f"{path}:2"),
    ]


def test_crossing_midnight_in_utc_dates_every_row(tmp_path, capsys):
    path = write(tmp_path, "late.log", "2026-03-04 15:50 impact begins\n2026-03-04 16:20 fixed\n")
    code, out, _ = cli(capsys, "timeline", path, "--tz", "America/Los_Angeles")
    assert code == 0
    assert "| 2026-03-04 23:50 | impact begins |" in out
    assert "| 2026-03-05 00:20 | fixed |" in out
    code, out, _ = cli(capsys, "timeline", path, "--tz", "Asia/Tokyo")
    assert "| 06:50 | impact begins |" in out and "2026-03-04" not in out


def test_new_york_spring_forward(tmp_path, capsys):
    path = write(tmp_path, "ny.log", "2026-03-08 01:59 before\n2026-03-08 02:30 skipped hour\n"
                 "2026-03-08 03:01 after\n")
    rows, err = as_json(capsys, path, "--tz", "America/New_York")
    assert [r["time"] for r in rows] == ["2026-03-08T06:59:00Z", "2026-03-08T07:01:00Z"]
    assert f"{path}:2: 2026-03-08 02:30 does not exist in America/New_York" in err


def test_berlin_fall_back_ordered_log_uses_second_pass(tmp_path, capsys):
    # 02:50 CEST (00:50Z), then 02:10 in the repeated hour (CET, 01:10Z), then 03:05 CET (02:05Z)
    path = write(tmp_path, "be.log", "2026-10-25 02:50 first pass\n2026-10-25 02:10 second pass\n"
                 "2026-10-25 03:05 after\n")
    rows, _ = as_json(capsys, path, "--tz", "Europe/Berlin")
    assert [(r["time"], r["event"]) for r in rows] == [
        ("2026-10-25T00:50:00Z", "first pass"),
        ("2026-10-25T01:10:00Z", "second pass"),
        ("2026-10-25T02:05:00Z", "after"),
    ]


def test_localize_ambiguous_defaults_to_first_occurrence():
    berlin = load_zone("Europe/Berlin")
    assert localize(datetime(2026, 10, 25, 2, 30), berlin).hour == 0  # CEST, 00:30Z
    with pytest.raises(ValueError, match="does not exist"):
        localize(datetime(2026, 3, 29, 2, 30), berlin)


@pytest.mark.parametrize("zone, expected", [("+08:00", "01:00"), ("UTC+8", "01:00"), ("-0530", "14:30"),
                                            ("UTC", "09:00")])
def test_fixed_offset_zones(tmp_path, capsys, zone, expected):
    path = write(tmp_path, "x.log", "2026-03-04 09:00 something\n")
    code, out, _ = cli(capsys, "timeline", path, "--tz", zone)
    assert code == 0 and f"| {expected} | something |" in out


def test_malformed_rows_reported_with_line_numbers(tmp_path, capsys):
    path = write(tmp_path, "bad.jsonl", "\n".join([
        '{"time": "2026-03-04T09:00:00Z", "event": "ok"}',
        '{"time": "yesterday", "event": "vague"}',
        '{"event": "no time"}',
        "{broken",
        '{"time": "2026-03-04T09:05:00Z", "event": "x", "milestone": "identified"}',
        '{"time": "2026-03-04T09:06:00Z"}',
    ]))
    code, out, err = cli(capsys, "timeline", path, "--format", "json")
    assert code == 0
    lines = err.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]
    assert "unreadable time 'yesterday'" in lines[0]
    assert "unknown milestone 'identified'" in lines[3]
    assert [r["event"] for r in json.loads(out)] == ["ok", "x"]


def test_json_array_error_names_its_line(tmp_path, capsys):
    path = write(tmp_path, "a.json", '[\n {"time": "2026-03-04T09:00:00Z", "event": "ok"},\n {"time": oops}\n]')
    code, out, err = cli(capsys, "timeline", path)
    assert code == 0 and "| 09:00 | ok |" in out
    assert err.startswith(f"{path}:3: invalid JSON")


def test_csv_row_with_wrong_cell_count(tmp_path, capsys):
    path = write(tmp_path, "t.csv", "time,event\n2026-03-04 09:00,ok\n2026-03-04 09:01,too,many\n")
    code, _, err = cli(capsys, "timeline", path)
    lines = err.strip().splitlines()
    assert code == 0 and lines[0] == f"{path}:3: 3 cells where the header has 2"
    assert lines[1:] == [f"{path}: times carry no zone; read as UTC — use --tz 't.csv=ZONE' if they are local "
                         "(check one against a log or metric)"]  # a table's naive times are named like a chat's


@pytest.mark.parametrize("content", ["", "just some prose\nno times\n", '[{"time": "x", "event": "y"}]'])
def test_nothing_usable_exits_2(tmp_path, capsys, content):
    code, out, err = cli(capsys, "timeline", write(tmp_path, "f.txt", content))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith("no usable timeline rows")


def test_unknown_zone_and_missing_file_exit_2(tmp_path, capsys):
    path = write(tmp_path, "x.log", "2026-03-04 09:00 a\n")
    code, _, err = cli(capsys, "timeline", path, "--tz", "Mars/Olympus")
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in err and len(err.splitlines()) == 1
    code, _, err = cli(capsys, "timeline", str(tmp_path / "absent.log"))
    assert code == 2 and "no such file" in err


def test_mermaid_block_escapes_colons(tmp_path, capsys):
    path = write(tmp_path, "x.log", "2026-03-04T23:50:00Z **DETECTED** db: slow; #5\n"
                 "2026-03-05T00:10:00Z **RESOLVED** ok\n")
    code, out, _ = cli(capsys, "timeline", path, "--format", "mermaid")
    assert code == 0
    assert out.splitlines() == [
        "```mermaid", "timeline", "    title Incident timeline (UTC)",
        "    section 2026-03-04", "        23#58;50 : DETECTED - db#58; slow#59; #35;5",
        "    section 2026-03-05", "        00#58;10 : RESOLVED - ok", "```"]


def test_milestone_names_and_markers():
    assert importers.MILESTONES == ("impact_start", "detected", "acknowledged", "mitigated", "resolved")
    assert importers.milestone_name("Impact starts") == "impact_start"
    assert importers.milestone_name("ACK") == "acknowledged"
    assert importers.milestone_name("缓解") == "mitigated"
    assert importers.split_marker("[ALERT] disk full") == (None, "[ALERT] disk full")
    assert importers.split_marker("**RESOLVED:** done") == ("resolved", "done")


def _cells(row: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", row.strip())[1:-1]
    return [p.strip().replace("\\|", "|") for p in parts]


free_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(
    lambda s: s.strip() and not s.strip().endswith("\\"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3 * 86400), free_text), min_size=1, max_size=8))
def test_free_text_round_trip_json_to_markdown(rows):
    base = int(datetime(2026, 3, 4, tzinfo=timezone.utc).timestamp())
    source = "\n".join(json.dumps({"time": base + t, "event": text}) for t, text in rows)
    events, problems = importers.parse(source)
    assert not problems
    again, _ = importers.parse(importers.to_json(events))
    assert [(e.time, e.event, e.milestone) for e in again] == [
        (e.time.replace(microsecond=0), e.event, e.milestone) for e in events]
    table = importers.to_markdown(events).splitlines()[2:]
    assert len(table) == len(events)
    for row, event in zip(table, events):
        cells = _cells(row)
        assert len(cells) == 3
        marker = f"**{importers.MARKERS[event.milestone][0]}** " if event.milestone else ""
        assert cells[1] == marker + " ".join(event.event.split())
        assert cells[2] == f"({event.id})" if event.id else cells[2] == ""
    mermaid = importers.to_mermaid(events)
    assert mermaid.count("\n") == len(events) + 4 + len({e.time.date() for e in events})


def test_metrics_csv_without_event_column_becomes_measurement_events():
    text = "time,p95_s,queue_depth\n2026-11-19T02:05:00Z,38,21000\n2026-11-19T01:45:00Z,1.8,\n"
    events, problems = importers.parse(text)
    assert problems == []
    assert [e.event for e in events] == ["p95_s=1.8", "p95_s=38, queue_depth=21000"]


def test_chat_export_comment_lines_are_not_bad_rows():
    text = "# exported from #inc-7, times are Asia/Shanghai\n2026-11-19 10:19:05 oncall: ack\n"
    events, problems = importers.parse(text, load_zone("Asia/Shanghai"))
    assert problems == []
    assert events[0].time.hour == 2 and events[0].event == "oncall: ack"


def test_alert_level_and_status_stay_with_the_event():
    text = '[{"ts": "2026-11-21T15:02:10+08:00", "message": "db CPU > 90%", "level": "P2", "status": "firing"}]'
    events, problems = importers.parse(text)
    assert problems == [] and events[0].event == "db CPU > 90% [P2, firing]"


# --------------------------------------------------------------------------- reading a drafted row back

_DOC = "# Postmortem: x\n\n**Date**: 2026-03-04\n\n## Timeline (All times UTC)\n\n{table}\n"


def _rows(table: str):
    from postmortem_skill.helper.model.document import parse_document

    return parse_document(_DOC.format(table=table)).timeline.rows


def test_an_event_quoting_a_clock_time_is_read_as_the_event_not_its_source():
    rows = _rows("| Time (UTC) | Event | Source |\n|---|---|---|\n"
                 "| 14:03:20 | chen.yu: ack, looking. lag started climbing around 13:52 | chat.json:15 |\n"
                 "| 14:12 | **MITIGATED** rollback at 14:10 took | deploys.csv:4 |")
    assert [r.event for r in rows] == ["chen.yu: ack, looking. lag started climbing around 13:52",
                                       "MITIGATED rollback at 14:10 took"]
    assert rows[1].milestone == "mitigated"
    dated = _rows("| Date | Time | Event |\n|---|---|---|\n| 2026-03-04 | 14:05 | Rollback |\n"
                  "| 2026-03-04 | **14:06 UTC** | Error rate falls |")
    assert [r.event for r in dated] == ["Rollback", "Error rate falls"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="|\n\r`*_[]<>\\&#!", blacklist_categories=("Cs", "Cc")),
               min_size=1, max_size=60).filter(lambda t: t.strip()),
       st.integers(0, 23), st.integers(0, 59))
def test_a_drafted_row_reads_back_as_its_event_whatever_its_text(text, hour, minute):
    """What `new` writes (time | event | source) reads back as the event, clock times in it or not."""
    event = f"{text.strip()} around {hour:02d}:{minute:02d}"
    rows = _rows(f"| Time (UTC) | Event | Source |\n|---|---|---|\n| 09:12 | {event} | chat.txt:3 |")
    assert len(rows) == 1 and rows[0].event.split() == event.split()
