"""Datadog monitor events (Events API v1 `events[]` and v2 `data[].attributes`) are alerts like the other alert
tools' rows: the monitor's name without its `[Triggered on {…}]` prefix is the alert name, `[P1]` and the
transition are its labels, a `service:` tag names its service; they take part in row choice (first alert per
name, alerts on the incident's services, a page inside the window) and in the detected guess (first page)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import Event, guess_milestones, merge, parse
from postmortem_skill.helper.features.importers.datadog import split_title
from postmortem_skill.helper.features.importers.pick import alert_name, alert_state, classify, label_words, paged, pick

EXPORTS = Path(__file__).parent / "evidence" / "exports"
V1 = EXPORTS / "datadog-monitor-events.json"
V2 = EXPORTS / "datadog-monitor-events-v2.json"


def rows(path: Path) -> list[Event]:
    events, problems = parse(path.read_text(encoding="utf-8"), name=path.name)
    assert not problems
    return events


def test_v1_monitor_events_are_alert_rows_named_by_the_monitor():
    assert [(e.time.strftime("%H:%M:%S"), e.event, e.id) for e in rows(V1)] == [
        ("09:58:00", "checkout-api 5xx rate [P1, no data]", "101"),
        ("10:01:00", "search-api p95 latency [warn]", "202"),
        ("10:02:30", "checkout-api 5xx rate [P1, triggered]", "101"),
        ("10:03:10", "Disk almost full - checkout-api [P3, triggered]", "303"),  # the service tag, added
        ("10:20:00", "checkout-api 5xx rate [P1, re-triggered]", "101"),
        ("10:40:00", "checkout-api 5xx rate [P1, recovered]", "101"),
        ("10:45:00", "search-api p95 latency [recovered]", "202")]


def test_v2_events_give_the_same_rows_from_the_monitor_transition():
    """v2 nests the event in `attributes.attributes`, times it by an ISO `timestamp`, and says the transition
    as `monitor.transition` (`renotify` to Alert is a re-trigger); a priority missing from the title comes
    from `monitor.priority`."""
    assert [(e.time.strftime("%H:%M:%S"), e.event, e.id) for e in rows(V2)] == [
        (e.time.strftime("%H:%M:%S"), e.event, e.id) for e in rows(V1)][:5]


def test_the_states_fired_resolved_and_no_data():
    states = {label_words(e.event)[-1]: (alert_state(e), paged(e)) for e in rows(V1)}
    assert states == {"no data": ("other", False), "warn": ("fired", False), "triggered": ("fired", True),
                      "re-triggered": ("fired", True), "recovered": ("other", False)}
    assert all(kind == "alert" for kind in classify(rows(V1)))


def test_a_warn_on_a_paging_monitor_is_no_page():
    warn = Event(datetime(2026, 10, 20, 10, tzinfo=timezone.utc), "checkout-api 5xx rate [P1, warn]")
    assert alert_state(warn) == "fired" and not paged(warn)


def test_titles_in_either_order_and_groups_that_are_part_of_the_name():
    assert split_title("[Triggered on {service:invoice-api,env:prod}] [P1] invoice-api 5xx error rate") == (
        "triggered", "P1", "invoice-api 5xx error rate")
    assert split_title("[P2] [Re-Triggered] queue depth") == ("re-triggered", "P2", "queue depth")
    assert split_title("[Triggered] [Synthetics] customer-portal – login journey") == (
        "triggered", None, "[Synthetics] customer-portal – login journey")
    assert split_title("Deployed checkout-api 4.2") == (None, None, "Deployed checkout-api 4.2")


def test_a_datadog_event_that_is_no_monitor_stays_a_plain_row():
    export = json.dumps({"events": [{"id": 9, "date_happened": 1792490400, "alert_type": "info",
                                     "source_type_name": "My Apps", "title": "Deployed checkout-api 4.2",
                                     "tags": ["service:checkout-api"]}]})
    events, problems = parse(export)
    assert not problems and events[0].event == "Deployed checkout-api 4.2 [info]"


def test_the_detected_guess_is_the_first_page_not_no_data_nor_another_services_warning():
    events, guesses = guess_milestones(rows(V1), {})
    detected = next(e for e in events if e.milestone == "detected")
    assert (detected.time.strftime("%H:%M:%S"), detected.event) == ("10:02:30", "checkout-api 5xx rate [P1, triggered]")
    assert "the page (checkout-api 5xx rate)" in next(g.why for g in guesses if g.name == "detected")


def _chatter(start: datetime, count: int) -> list[Event]:
    return [Event(start + timedelta(minutes=n), f"ana: looking at dashboards, note {n}", source=f"chat.txt:{n + 1}")
            for n in range(count)]


def test_row_choice_first_alert_per_name_on_the_incidents_services():
    """The first firing of each monitor is kept; its re-trigger, an Opsgenie copy of it (`[Datadog] [P1] …`)
    and another service's warning are not."""
    copy = Event(datetime(2026, 10, 20, 10, 2, 45, tzinfo=timezone.utc),
                 "[Datadog] [P1] checkout-api 5xx rate [P1, triggered]", source="opsgenie.csv:2", id="4821")
    start = datetime(2026, 10, 20, 10, 0, tzinfo=timezone.utc)
    impact = Event(start, "error_rate=9.5", "impact_start", "metrics.csv:2")
    events = merge([rows(V1), [copy, impact], _chatter(start + timedelta(seconds=5), 30)])
    chosen = [events[n].event for n in pick(events).kept]
    assert "checkout-api 5xx rate [P1, triggered]" in chosen
    assert "Disk almost full - checkout-api [P3, triggered]" in chosen
    assert not any(text.startswith("[Datadog]") or "re-triggered" in text or "search-api" in text or
                   "no data" in text for text in chosen)
    assert alert_name(copy.event) == alert_name("checkout-api 5xx rate [P1, triggered]") == "checkout-api 5xx rate"


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["Triggered", "Recovered", "Warn", "No Data", "Re-Triggered", "P1"]),
       st.lists(st.text(max_size=20), max_size=3))
def test_any_monitor_title_gives_a_row_or_a_problem(title, state, tags):
    export = json.dumps({"events": [{"id": 1, "date_happened": 1792490400, "source_type_name": "Monitor Alert",
                                     "alert_type": "error", "title": f"[{state} on {{x:y}}] {title}",
                                     "monitor_transition": state, "tags": tags}]})
    events, problems = parse(export)
    assert len(events) + len(problems) == 1
    assert all(isinstance(e.event, str) and e.event.strip() for e in events)
