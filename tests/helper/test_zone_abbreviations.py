"""Times that end in a zone's abbreviation (`2025-11-13 20:30 CST`).

The change calendar below is shaped like the INC-15 trial's export (a change calendar's *Export CSV*, times in
the exporting user's zone with its abbreviation after them); ServiceNow writes the same when the admin's
glide.sys.timeformat ends in SimpleDateFormat's `z`, Jira's `dd/MMM/yy h:mm a z` likewise. zoneinfo names the
abbreviation a zone uses at an instant (America/Chicago: CST in November, CDT in July).
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import Reader, parse, read, zonenames

CALENDAR = (
    "change_id,summary,service,category,risk,requested_by,implementer,planned_start,planned_end,actual_start,"
    "actual_end,state,close_notes\n"
    "CHG-2290,\"Release tracklane-ingest v2.14.0 (ping-writer batch size 2000, flush 2s)\",tracklane-ingest,"
    "Standard,Low,Dan Okafor,Dan Okafor,2025-11-18 20:30 CST,2025-11-18 21:00 CST,2025-11-18 20:34 CST,"
    "2025-11-18 20:39 CST,Closed - Successful,Rolled back 21:49 CST under INC-15 (see CHG-2293)\n"
    "CHG-2291,\"telemetry-db: PostgreSQL minor upgrade 15.8 -> 15.10 (RDS, Multi-AZ)\",telemetry-db,Normal,"
    "Medium,Marek Nowak,Sanjay Iyer,2025-11-18 22:00 CST,2025-11-18 23:30 CST,,,Cancelled,"
    "Cancelled 21:36 CST by Rachel Kim: INC-15 in progress. Not started.\n"
)
NAME = "change_calendar_2025-11-13_to_2025-11-19.csv"


def _utc(events):
    return [(e.time.strftime("%Y-%m-%d %H:%M"), e.event[:30]) for e in events]


def _timeline(tmp_path, capsys, *tz):
    (tmp_path / NAME).write_text(CALENDAR, encoding="utf-8")
    (tmp_path / "other.log").write_text("2025-11-19T02:44:07Z ERROR batch insert failed\n", encoding="utf-8")
    code = main(["timeline", str(tmp_path), "--format", "json", *[f"--tz={z}" for z in tz]])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else []), out.err


def test_a_change_calendar_in_cst_is_read_with_the_files_tz(tmp_path, capsys):
    code, rows, err = _timeline(tmp_path, capsys, "change_calendar*=America/Chicago")
    times = [(r["time"], r["event"][:22]) for r in rows if r["source"].endswith(":2") or r["source"].endswith(":3")]
    assert code == 0 and times == [
        ("2025-11-19T02:34:00Z", "CHG-2290 window start:"), ("2025-11-19T02:39:00Z", "CHG-2290 window end: R"),
        ("2025-11-19T04:00:00Z", "cancelled: CHG-2291 wi")]
    assert NAME not in err  # read, and its times named their zone: no note


def test_without_a_tz_cst_is_refused_in_one_line_naming_the_file_and_the_tz_to_pass(tmp_path, capsys):
    code, rows, err = _timeline(tmp_path, capsys)
    lines = [line for line in err.splitlines() if NAME in line]
    assert code == 0 and len(rows) == 1 and len(lines) == 1
    assert "skipped: time zone CST is US Central UTC−6 or China UTC+8" in lines[0]
    assert f"--tz '{NAME}=America/Chicago' or --tz '{NAME}=Asia/Shanghai'" in lines[0]


def test_a_tz_whose_names_do_not_include_the_abbreviation_does_not_settle_it(tmp_path, capsys):
    code, rows, err = _timeline(tmp_path, capsys, "change_calendar*=Europe/Berlin")
    assert "not a name of the file's zone Europe/Berlin" in err and len(rows) == 1


def test_china_standard_time_with_shanghai_and_an_offset_that_matches():
    for zone in (ZoneInfo("Asia/Shanghai"), timezone(timedelta(hours=8))):
        reader = Reader(zone, name="changes.csv")
        reader.zone_given = True
        events, problems = read("time,event\n2026-11-20 14:03 CST,Deploy coupon-service 2.4\n", reader)
        assert not problems and _utc(events) == [("2026-11-20 06:03", "Deploy coupon-service 2.4")]


def test_unambiguous_abbreviations_need_no_tz():
    text = ("time,event\n2025-11-18 21:30 EST,a\n2025-07-18 21:30 PDT,b\n2025-11-18 21:30 CET,c\n"
            "2025-07-18 21:30 BST,d\n2025-11-18 21:30 JST,e\n2025-11-18 21:30 (UTC),f\n2025-07-18 21:30 CT,g\n")
    events, problems = parse(text)
    assert not problems
    assert sorted(_utc(events)) == sorted([
        ("2025-11-19 02:30", "a"), ("2025-07-19 04:30", "b"), ("2025-11-18 20:30", "c"), ("2025-07-18 20:30", "d"),
        ("2025-11-18 12:30", "e"), ("2025-11-18 21:30", "f"), ("2025-07-19 02:30", "g")])


def test_the_zone_given_reads_its_own_names_daylight_and_standard():
    """CDT in July is the zone's own name then; `CST` written in July is the standard offset the writer named."""
    reader = Reader(ZoneInfo("America/Chicago"), name="changes.csv")
    reader.zone_given = True
    events, problems = read("time,event\n2025-07-18 20:30 CDT,a\n2025-07-18 20:30 CST,b\n", reader)
    assert not problems and _utc(events) == [("2025-07-19 01:30", "a"), ("2025-07-19 02:30", "b")]


def test_ist_is_refused_without_a_tz_and_read_with_kolkata():
    events, problems = parse("time,event\n2025-11-19 08:14:07 IST,first timeout\n", name="notes.csv")
    assert not events and "India UTC+5:30, Ireland UTC+1 or Israel UTC+2" in problems[0].reason
    reader = Reader(ZoneInfo("Asia/Kolkata"), name="notes.csv")
    reader.zone_given = True
    events, _ = read("time,event\n2025-11-19 08:14:07 IST,first timeout\n", reader)
    assert _utc(events) == [("2025-11-19 02:44", "first timeout")]


def test_log_lines_and_chat_headers_with_an_abbreviation_after_the_time():
    log = "2025-11-19 03:09:04 EST ERROR pool exhausted\n[2025-11-19 03:10:00 CET] WARN slow\n"
    events, problems = parse(log)
    assert not problems and _utc(events) == [("2025-11-19 02:10", "WARN slow"),
                                             ("2025-11-19 08:09", "ERROR pool exhausted")]
    chat = "Rachel Kim 2025-11-18 21:09 CDT\nwe are on it\nArjun Mehta 2025-11-18 21:12 CDT\nack\n"
    events, problems = parse(chat)
    assert not problems and _utc(events) == [("2025-11-19 02:09", "Rachel Kim: we are on it"),
                                             ("2025-11-19 02:12", "Arjun Mehta: ack")]


def test_jira_dates_with_an_abbreviation():
    events, problems = parse("Summary,Issue key,Custom field (Change start date),Created\n"
                             "Deploy v2.14.0,CHG-2290,18/Nov/25 8:30 PM EST,18/Nov/25 4:02 PM EST\n")
    assert not problems and _utc(events) == [("2025-11-19 01:30", "Deploy v2.14.0")]


_FIXED = {name: hours for name, hours in zonenames._HOURS.items() if name != "Z"}


@given(st.sampled_from(sorted(_FIXED)), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))
def test_every_unambiguous_name_reads_as_its_offset(name, naive):
    text = f"{naive:%Y-%m-%d %H:%M} {name}"
    assert zonenames.split(text) == (f"{naive:%Y-%m-%d %H:%M}", name)
    zone = zonenames.zone_of(name, naive, None, "x.csv")
    assert zone.utcoffset(None) == timedelta(hours=_FIXED[name])


@given(st.text(max_size=40))
def test_any_text_splits_only_on_a_known_name_after_a_digit_or_am_pm(text):
    found = zonenames.split(text)
    assert found is None or (found[1] in zonenames.NAMES and found[0][-1:].lower() in set("0123456789m."))
