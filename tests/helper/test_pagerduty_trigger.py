"""A PagerDuty trigger log entry names what paged.

Shape: PagerDuty REST `GET /incidents/{id}/log_entries` (`log_entries[]`: type trigger_log_entry /
acknowledge_log_entry …, summary "Triggered through the API.", created_at, channel {type, summary} for an
Events API trigger, incident {summary} = the incident's title with its `[#number]`). Values from the INC-11 and
INC-15 trials' exports, trimmed.
"""
from __future__ import annotations

import json

from postmortem_skill.helper.features.importers import parse


def _entry(kind, summary, when, channel=None, incident="[#1187] [Triggered] ping-writer batch error rate > 5%"):
    return {"id": f"R{kind[:3].upper()}1", "type": kind, "summary": summary, "created_at": when,
            "channel": channel or {"type": "auto"}, "incident": {"id": "Q3JW8ZK2V1HX0A", "summary": incident}}


def _texts(entries):
    events, problems = parse(json.dumps({"log_entries": entries, "limit": 25, "more": False}, indent=2),
                             name="pagerduty_log_entries.json")
    assert not problems
    return [e.event for e in events]


def test_the_trigger_says_what_paged_from_its_incident_title():
    texts = _texts([_entry("acknowledge_log_entry", "Acknowledged by Arjun Mehta.", "2025-11-19T03:21:37Z"),
                    _entry("trigger_log_entry", "Triggered through the API.", "2025-11-19T03:09:04Z")])
    assert texts[0] == "Triggered through the API ([Triggered] ping-writer batch error rate > 5%)"
    assert texts[1] == "Acknowledged by Arjun Mehta."  # other entries as they were


def test_an_events_api_trigger_uses_its_channel_summary():
    channel = {"type": "api", "summary": "[FIRING:1] LedgerSyncLagCritical ledger-sync"}
    texts = _texts([_entry("trigger_log_entry", "Triggered through the API.", "2026-11-24T23:37:35Z", channel)])
    assert texts == ["Triggered through the API ([FIRING:1] LedgerSyncLagCritical ledger-sync)"]


def test_a_trigger_that_already_names_it_is_left_alone():
    said = "Triggered via Datadog: [Triggered] ping-writer batch error rate > 5%"
    texts = _texts([_entry("trigger_log_entry", said, "2025-11-19T03:09:04Z",
                           incident="[Triggered] ping-writer batch error rate > 5%")])
    assert texts == [said]
