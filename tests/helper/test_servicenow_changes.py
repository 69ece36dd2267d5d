"""ServiceNow change requests (the change_request table) are change rows like a Jira or 变更单 list's.

The samples in evidence/exports/ are shaped like ServiceNow's own output: a list view exported as CSV, its header
the field names (`servicenow-change_request.csv`) or the column labels (`…-labels.csv`), every value quoted and
times in the exporting user's zone without an offset (here Europe/Berlin); and the Table API's answer to
`GET /api/now/table/change_request?sysparm_display_value=all` (`servicenow-change_request.json`), each value
`{"display_value", "value"}`, a time's `value` in UTC, `state` 4 for Canceled, reference fields with a `link`.
Fields as ServiceNow documents them: start_date/end_date the planned window, work_start/work_end the actual
one; opened_at, sys_created_on and sys_updated_on are the record's, never the change's time.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import Event, merge, parse
from postmortem_skill.helper.features.importers import pick as pick_module
from postmortem_skill.helper.features.importers.pick import pick

EXPORTS = Path(__file__).parent / "evidence" / "exports"
FIELDS = EXPORTS / "servicenow-change_request.csv"
LABELS = EXPORTS / "servicenow-change_request-labels.csv"
TABLE_API = EXPORTS / "servicenow-change_request.json"
BERLIN = ZoneInfo("Europe/Berlin")

ROWS = [  # UTC: the CSV's Berlin times less an hour
    ("2026-11-29 14:02", "CHG0030038 window start: Resize checkout-api cache", "CHG0030038"),
    ("2026-11-29 14:09", "CHG0030038 window end: Resize checkout-api cache", "CHG0030038"),
    ("2026-11-30 08:40", "CHG0030039 window start: Increase connection pool to 80 - cart-api", "CHG0030039"),
    ("2026-11-30 08:45", "CHG0030039 window end: Increase connection pool to 80 - cart-api", "CHG0030039"),
    ("2026-11-30 10:05", "CHG0030041 window start: Deploy checkout-api 4.2", "CHG0030041"),
    ("2026-11-30 10:20", "CHG0030041 window end: Deploy checkout-api 4.2", "CHG0030041"),
    ("2026-11-30 10:30", "cancelled: CHG0030042 window start (planned): Rotate TLS certificates - checkout-api",
     "CHG0030042"),
    ("2026-12-02 21:00", "CHG0030043 window start (planned): Patch payments-db hosts", "CHG0030043"),
    ("2026-12-02 22:00", "CHG0030043 window end (planned): Patch payments-db hosts", "CHG0030043")]


def rows(path: Path, zone=timezone.utc) -> tuple[list[tuple[str, str, str | None]], list]:
    events, problems = parse(path.read_text(encoding="utf-8"), zone)
    return [(e.time.strftime("%Y-%m-%d %H:%M"), e.event, e.id) for e in events], problems


def test_a_csv_export_with_field_names_gives_the_actual_window_else_the_planned_one():
    """Actual start and end when the change ran; a Scheduled change's planned window, said to be planned;
    the Canceled one a single row saying so; the New one, with no window at all, no row but a problem line
    (its opened_at, minutes after the impact, is not when anything happened)."""
    found, problems = rows(FIELDS, BERLIN)
    assert found == ROWS and [(p.line, p.reason) for p in problems] == [(7, NO_START)]


NO_START = "CHG0030044 has no start time (actual or planned): left out"


def test_a_csv_export_with_column_labels_gives_the_same_rows():
    found, problems = rows(LABELS, BERLIN)
    assert found == ROWS and [p.reason for p in problems] == [NO_START]


def test_no_row_is_timed_by_opened_created_or_updated():
    found, _ = rows(FIELDS, BERLIN)
    updated = {"2026-11-30 10:11", "2026-11-30 09:02", "2026-11-30 11:31", "2026-11-30 10:44", "2026-11-30 10:13"}
    assert not updated & {when for when, _, _ in found}  # CHG0030038's sys_updated_on is 11:11 Berlin: not a row


def test_the_table_api_answer_gives_the_same_rows_in_utc_without_a_zone():
    """`value` is UTC whatever the user's zone: read with any --tz, the same rows; the New change with no
    window is one problem line that says why it is left out."""
    for zone in (timezone.utc, BERLIN, ZoneInfo("Asia/Shanghai")):
        found, problems = rows(TABLE_API, zone)
        assert found == ROWS
        assert [p.reason for p in problems] == [
            "a change request with no actual or planned start (work_start, start_date): left out "
            "(opened_at and sys_updated_on are not when it ran)"]


def _plain(value: dict):
    return value["value"]


def _raw(value: dict):
    """The default answer's value: the raw string; a reference field `{"link", "value": sys_id}`."""
    return {"link": value["link"], "value": value["value"]} if "link" in value else value["value"]


def test_the_table_api_in_raw_values_is_utc_and_its_numeric_state_4_is_canceled():
    """The default answer (no sysparm_display_value): raw strings, times in UTC, state as its number, a
    reference field only its sys_id and link (so no CI name)."""
    answer = json.loads(TABLE_API.read_text(encoding="utf-8"))
    raw = {"result": [{k: _raw(v) for k, v in r.items()} for r in answer["result"]]}
    events, _ = parse(json.dumps(raw), BERLIN)
    assert [(e.time.strftime("%Y-%m-%d %H:%M"), e.event, e.id) for e in events] == _without_ci(ROWS)


def test_display_values_only_are_read_in_the_file_s_zone():
    """`sysparm_display_value=true`: every value the user's display value, times in their zone (`--tz`)."""
    answer = json.loads(TABLE_API.read_text(encoding="utf-8"))
    shown = {"result": [{k: v["display_value"] for k, v in r.items()} for r in answer["result"]]}
    events, _ = parse(json.dumps(shown), BERLIN)
    assert [(e.time.strftime("%Y-%m-%d %H:%M"), e.event, e.id) for e in events] == ROWS
    events, _ = parse(json.dumps(shown))  # read as UTC: an hour late, as any naive file read in the wrong zone
    assert events[4].time == datetime(2026, 11, 30, 11, 5, tzinfo=timezone.utc)


def test_a_list_json_export_of_records_is_read_too():
    """A list view's JSON export (`change_request.do?JSONv2`) wraps raw values in `records`."""
    answer = json.loads(TABLE_API.read_text(encoding="utf-8"))
    records = {"records": [{k: _plain(v) for k, v in r.items()} for r in answer["result"]]}
    events, _ = parse(json.dumps(records))
    assert [(e.time.strftime("%Y-%m-%d %H:%M"), e.event, e.id) for e in events] == _without_ci(ROWS)


def _without_ci(found: list) -> list:
    return [(when, text.replace(" - cart-api", "").replace(" - checkout-api", ""), ident)
            for when, text, ident in found]


def _incident() -> list[Event]:
    start = datetime(2026, 11, 30, 10, 12, tzinfo=timezone.utc)
    chat = [Event(start + timedelta(minutes=n), f"ana: looking at dashboards, note {n}", source=f"chat.txt:{n + 1}")
            for n in range(30)]
    alert = Event(start + timedelta(minutes=1), "CheckoutApi5xxHigh - checkout-api [P1, triggered]",
                  source="alerts.csv:2", id="7731")
    marks = [Event(start, "error_rate=9.5", "impact_start", "metrics.csv:2"),
             Event(start + timedelta(minutes=50), "error_rate=0.3", "resolved", "metrics.csv:3")]
    return merge([parse(FIELDS.read_text(encoding="utf-8"), BERLIN)[0], chat, [alert], marks])


def test_the_deploy_that_started_before_the_impact_is_the_likely_trigger():
    """Ranked as any change list's rows are: the closest change start before the impact on the incident's
    service first; the cancelled change is no candidate, the other service's change is left out."""
    events = _incident()
    kinds = pick_module.classify(events)
    anchor, end = pick_module._anchor_and_end(events, kinds)
    ranked = pick_module._changes(events, kinds, set(range(len(events))), anchor, end, frozenset({"checkout-api"}))
    assert events[ranked[0]].event == "CHG0030041 window start: Deploy checkout-api 4.2"
    assert not any("CHG0030042" in events[n].event or "cart-api" in events[n].event for n in ranked)
    chosen = pick(events)
    kept = [events[n].event for n in chosen.kept]
    assert "CHG0030041 window start: Deploy checkout-api 4.2" in kept
    assert not any("CHG0030042" in text or "CHG0030043" in text for text in kept)
    assert [events[n].id for n in chosen.cancelled] == ["CHG0030042"]


def test_new_from_a_folder_with_the_servicenow_export_drafts_with_the_deploy(tmp_path, monkeypatch, capsys):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "change_request.csv").write_text(FIELDS.read_text(encoding="utf-8"), encoding="utf-8")
    (evidence / "alerts.csv").write_text(
        "time,alert,status,id\n2026-11-30T10:13:00Z,CheckoutApi5xxHigh - checkout-api,P1,7731\n", encoding="utf-8")
    (evidence / "chat.txt").write_text(
        "\n".join(f"2026-11-30T{10 + n // 60:02d}:{n % 60:02d}:00Z ana: checking the dashboards ({n})"
                  for n in range(10, 70, 2)) + "\n", encoding="utf-8")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["new", "INC-31", "--from", "../evidence", "--tz", "change_request.csv=Europe/Berlin"]) == 0
    out, err = capsys.readouterr()
    draft = (tmp_path / "repo" / out.strip()).read_text(encoding="utf-8")
    assert "CHG0030041 window start: Deploy checkout-api 4.2" in draft
    assert "Rotate TLS certificates" not in draft and "CHG0030044" not in draft
    assert "(CHG0030042)" in err  # the change whose status says it never ran, named on stderr
    record = json.loads((tmp_path / "repo" / "docs" / "postmortems" / "INC-31.timeline.json").read_text())
    assert {r["time"] for r in record if r["id"] == "CHG0030041"} == {"2026-11-30T10:05:00Z", "2026-11-30T10:20:00Z"}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["New", "Assess", "Authorize", "Scheduled", "Implement", "Review", "Closed", "Canceled",
                        "-5", "-4", "-3", "-2", "-1", "0", "3", "4"]),
       st.booleans(), st.booleans())
def test_any_state_gives_one_cancelled_row_only_when_canceled_and_not_started(state, started, objects):
    record = {"number": "CHG0031000", "short_description": "Patch checkout-api hosts", "state": state,
              "start_date": "2026-11-30 09:00:00", "end_date": "2026-11-30 10:00:00",
              "work_start": "2026-11-30 09:05:00" if started else "", "work_end": "",
              "sys_updated_on": "2026-11-30 09:59:00"}
    if objects:
        record = {k: {"display_value": v, "value": v} for k, v in record.items()}
    events, problems = parse(json.dumps({"result": [record]}))
    texts = [e.event for e in events]
    canceled = state in ("Canceled", "4") and not started
    assert not problems
    assert texts == (["cancelled: CHG0031000 window start (planned): Patch checkout-api hosts"] if canceled else
                     ["CHG0031000 window start: Patch checkout-api hosts"] if started else
                     ["CHG0031000 window start (planned): Patch checkout-api hosts",
                      "CHG0031000 window end (planned): Patch checkout-api hosts"])
    assert all(e.time.minute != 59 for e in events)  # never the updated time
