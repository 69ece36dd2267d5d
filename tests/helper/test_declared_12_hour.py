"""Declarations that state their time on a 12-hour clock with a US zone word ("INC-15 mitigated as of 9:52 PM
CT", the INC-15 trial's Teams channel, Microsoft Graph `messages?$expand=replies`: createdDateTime in UTC,
the body HTML) mark the milestone at the stated time, as "as of 14:52 CET" does."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from evidence_support import stated_at

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.declared import declared

UTC = timezone.utc


@pytest.mark.parametrize("sentence, posted, expected", [
    ("INC-15 mitigated as of 9:52 PM CT.", "2025-11-19T03:57:20+00:00", "11-19 03:52"),
    ("INC-15 resolved as of 9:30 AM CT : v2.14.1 in production.", "2025-11-19T15:34:50+00:00", "11-19 15:30"),
    ("Mitigated as of 21:52 CT.", "2025-11-19T03:57:20+00:00", "11-19 03:52"),
    ("Mitigated as of 9:52pm ET.", "2025-11-19T02:57:20+00:00", "11-19 02:52"),
    ("Mitigated as of 9:52 p.m. CST.", "2025-11-19T03:57:20+00:00", "11-19 03:52"),  # US Central, not China
    ("Mitigated as of 9:52 PM CDT.", "2025-07-19T02:57:20+00:00", "07-19 02:52"),
    ("Mitigated as of 6:52 PM PT.", "2025-07-19T01:57:20+00:00", "07-19 01:52"),  # PDT in July
    ("Mitigated as of 9:52 PM EST.", "2025-11-19T02:57:20+00:00", "11-19 02:52"),
    ("Mitigated as of 8:14 AM IST.", "2025-11-19T02:50:00+00:00", "11-19 02:44"),  # India: the one that fits
    ("已于 14:52 CST 止血，已缓解", "2026-11-18T06:55:00+00:00", "11-18 06:52"),  # China, as before
    ("Mitigated as of 9:52 PM CT.", "2025-11-19T09:00:00+00:00", None),  # hours later: another message's
])
def test_twelve_hour_clocks_with_a_zone_word(sentence, posted, expected):
    assert stated_at(sentence, posted) == expected


def test_without_a_zone_word_the_chats_zone():
    chicago = ZoneInfo("America/Chicago")
    assert stated_at("INC-15 mitigated as of 9:52 PM.", "2025-11-19T03:57:20+00:00", chicago) == "11-19 03:52"


def test_a_german_ist_after_a_clock_names_no_zone():
    berlin = ZoneInfo("Europe/Berlin")
    assert stated_at("Mitigated um 14:52 ist alles gut.", "2024-11-19T14:00:00+00:00", berlin) == "11-19 13:52"


def test_teams_replies_mark_mitigated_and_resolved_at_the_stated_times():
    def reply(when, who, html):
        return {"id": when, "messageType": "message", "createdDateTime": when,
                "from": {"user": {"displayName": who}}, "body": {"contentType": "html", "content": html}}
    export = {"value": [dict(reply("2025-11-19T03:26:30.118Z", "Rachel Kim", "<p>I'm IC.</p>"), replies=[
        reply("2025-11-19T03:57:20.415Z", "Rachel Kim", "<p><b>INC-15 mitigated as of 9:52 PM CT.</b> "
                                                        "ping-writer is healthy on v2.13.2.</p>"),
        reply("2025-11-19T15:34:50.261Z", "Rachel Kim", "<p><b>INC-15 resolved as of 9:30 AM CT</b>: v2.14.1 "
                                                        "in production.</p>")])]}
    events, problems = parse(json.dumps(export))
    found = declared(events, ["chat"] * len(events))
    assert not problems
    assert {name: f"{when:%H:%M}" for name, (_, _, when) in found.items()} == {"mitigated": "03:52",
                                                                               "resolved": "15:30"}


def test_a_declaration_row_is_kept_whatever_it_says():
    t = datetime(2025, 11, 19, 3, 57, 20, tzinfo=UTC)
    rows = [Event(t + timedelta(minutes=n), f"rachel: {text}", None, f"c.json:{n}", None)
            for n, text in enumerate(["Is it mitigated as of 9:52 PM CT?", "Not mitigated yet as of 9:52 PM CT"])]
    assert declared(rows, ["chat", "chat"]) == {}
