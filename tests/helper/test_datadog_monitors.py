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
from postmortem_skill.helper.features.importers.datadog import group, split_title
from postmortem_skill.helper.features.importers.pick import (
    alert_name,
    alert_scope,
    alert_state,
    classify,
    label_words,
    paged,
    pick,
)

EXPORTS = Path(__file__).parent / "evidence" / "exports"
V1 = EXPORTS / "datadog-monitor-events.json"
V2 = EXPORTS / "datadog-monitor-events-v2.json"
GROUPS = EXPORTS / "datadog-monitor-groups.json"  # one multi-alert monitor (by service), two of its groups


def rows(path: Path) -> list[Event]:
    events, problems = parse(path.read_text(encoding="utf-8"), name=path.name)
    assert not problems
    return events


def test_v1_monitor_events_are_alert_rows_named_by_the_monitor():
    assert [(e.time.strftime("%H:%M:%S"), e.event, e.id) for e in rows(V1)] == [
        ("09:58:00", "checkout-api 5xx rate {service:checkout-api,env:prod} [P1, no data]", "101"),
        ("10:01:00", "search-api p95 latency {service:search-api,env:prod} [warn]", "202"),
        ("10:02:30", "checkout-api 5xx rate {service:checkout-api,env:prod} [P1, triggered]", "101"),
        ("10:03:10", "Disk almost full {host:web-3} - checkout-api [P3, triggered]", "303"),  # the service tag
        ("10:20:00", "checkout-api 5xx rate {service:checkout-api,env:prod} [P1, re-triggered]", "101"),
        ("10:40:00", "checkout-api 5xx rate {service:checkout-api,env:prod} [P1, recovered]", "101"),
        ("10:45:00", "search-api p95 latency {service:search-api,env:prod} [recovered]", "202")]


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


def test_a_trigger_that_notifies_channels_only_is_no_page():
    """A monitor's message names who it notifies: `@slack-…` only reached a channel (the warning nobody saw
    before the page); `@opsgenie-…`, `@pagerduty-…` paged; a message naming no one leaves the question open."""
    def event(text):
        record = {"events": [{"id": 1, "title": "[Triggered] [P2] booking-api p95 latency high", "text": text,
                              "date_happened": 1732021861, "alert_type": "error",
                              "source_type_name": "Monitor Alert"}]}
        (row,), problems = parse(json.dumps(record), name="datadog.json")
        return row
    channel = event("%%%\nCritical threshold exceeded.\n\n@slack-booking-alerts\n%%%")
    assert channel.event == "booking-api p95 latency high [P2, no page, triggered]" and not paged(channel)
    for text in ("%%%\n@opsgenie-booking-primary @slack-booking-alerts\n%%%", "%%%\nthreshold exceeded\n%%%"):
        assert event(text).event == "booking-api p95 latency high [P2, triggered]" and paged(event(text))


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
    assert (detected.time.strftime("%H:%M:%S"), detected.event) == (
        "10:02:30", "checkout-api 5xx rate {service:checkout-api,env:prod} [P1, triggered]")
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
    assert "checkout-api 5xx rate {service:checkout-api,env:prod} [P1, triggered]" in chosen
    assert "Disk almost full {host:web-3} - checkout-api [P3, triggered]" in chosen
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


# A multi-alert monitor alerts per group: Datadog titles each event `[Triggered on {service:checkout}] …` and lists
# the group in `monitor_groups` (v1 and v2; v2 also `monitor.groups`, per the API's EventAttributes and MonitorType).


def test_a_multi_alert_monitor_s_rows_keep_their_group():
    assert [(e.time.strftime("%H:%M:%S"), e.event, e.id) for e in rows(GROUPS)] == [
        ("10:02:00", "HighErrorRate {service:checkout} [P2, triggered]", "404"),
        ("10:03:30", "HighErrorRate {service:cart} [P2, triggered]", "404"),
        ("10:15:00", "HighErrorRate {service:checkout} [P2, re-triggered]", "404"),
        ("10:31:00", "HighErrorRate {service:cart} [P2, recovered]", "404"),
        ("10:40:00", "HighErrorRate {service:checkout} [P2, recovered]", "404")]


def test_two_groups_of_one_monitor_are_two_alerts_and_a_copy_without_group_is_none():
    """Each group's first firing is kept (same monitor, same id); its re-trigger is not, nor another tool's
    copy that names the monitor but no group."""
    start = datetime(2026, 10, 20, 10, 0, tzinfo=timezone.utc)
    copy = Event(start + timedelta(minutes=2, seconds=20), "[Datadog] [P2] HighErrorRate [P2, triggered]",
                 source="opsgenie.csv:2", id="5120")
    impact = Event(start, "error_rate=9.5", "impact_start", "metrics.csv:2")
    events = merge([rows(GROUPS), [copy, impact], _chatter(start + timedelta(seconds=5), 30)])
    chosen = [events[n].event for n in pick(events).kept]
    assert [text for text in chosen if "HighErrorRate" in text] == [
        "HighErrorRate {service:checkout} [P2, triggered]", "HighErrorRate {service:cart} [P2, triggered]"]


def test_the_group_is_no_part_of_the_alert_name():
    assert alert_name("HighErrorRate {service:checkout} [P2, triggered]") == "higherrorrate"
    assert alert_name("Disk almost full {host:web-3} - checkout-api [P3, triggered]") == "disk almost full"
    assert alert_scope("Disk almost full {host:web-3} - checkout-api [P3, triggered]") == "{host:web-3}"
    assert alert_scope("checkout-api 5xx rate [P1, triggered]") is None
    assert alert_scope("rate(http_requests_total{job=\"api\"}[5m]) above 5% [page, firing]") is None


def _v2_without_title_groups(holder: str) -> str:
    """The v2 fixture with each title's `on {…}` taken off and its group only in `holder`."""
    export = json.loads(V2.read_text(encoding="utf-8"))
    for item in export["data"]:
        inner = item["attributes"]["attributes"]
        inner["title"] = inner["title"].replace(" on {service:checkout-api,env:prod}", "").replace(
            " on {service:search-api,env:prod}", "").replace(" on {host:web-3}", "")
        groups = inner.pop("monitor_groups")
        if holder == "monitor.groups":
            inner["monitor"]["groups"] = groups
        else:
            inner["monitor_groups"] = groups
    return json.dumps(export)


def test_v2_takes_the_group_from_monitor_groups_when_the_title_names_none():
    for holder in ("monitor_groups", "monitor.groups"):
        events, problems = parse(_v2_without_title_groups(holder))
        assert not problems
        assert [e.event for e in events] == [
            "checkout-api 5xx rate {service:checkout-api} [P1, no data]",
            "search-api p95 latency {service:search-api} [warn]",
            "checkout-api 5xx rate {service:checkout-api} [P1, triggered]",
            "Disk almost full {service:checkout-api} [P3, triggered]",
            "checkout-api 5xx rate {service:checkout-api} [P1, re-triggered]"]


def test_a_simple_monitor_names_no_group():
    assert group("[Triggered] [P1] queue depth", {}, {}) == ""
    assert group("[Triggered] [P1] queue depth", {"monitor_groups": []}, {"groups": None}) == ""
    assert group("[Warn on {host:db-1,env:prod}] replication lag", {"monitor_groups": ["host:db-2"]}, {}) == (
        "{host:db-1,env:prod}")  # the title's, as Datadog shows it


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="{}[]"), min_size=1, max_size=15), max_size=3),
       st.sampled_from(["Triggered", "Recovered", "Warn"]))
def test_any_groups_give_one_row_whose_alert_name_leaves_them_out(groups, state):
    scope = ",".join(f"g:{g}" for g in groups)
    title = f"[{state} on {{{scope}}}] [P2] HighErrorRate" if groups else f"[{state}] [P2] HighErrorRate"
    export = json.dumps({"events": [{"id": 1, "date_happened": 1792490400, "source_type_name": "Monitor Alert",
                                     "title": title, "monitor_transition": state, "monitor_id": 9}]})
    events, problems = parse(export)
    assert not problems and len(events) == 1
    assert alert_name(events[0].event) == "higherrorrate"
