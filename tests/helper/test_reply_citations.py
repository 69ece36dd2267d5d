"""Each reply of a Teams thread cites its own line, not its thread root's; a Statuspage update in a list of
incidents cites its own object too.

Shapes: Microsoft Graph `GET /teams/{id}/channels/{id}/messages?$expand=replies` (`value[]` of root messages,
each with `replies[]`: id, replyToId, messageType, createdDateTime, from.user.displayName, body.contentType
html), as in the INC-15 trial's Teams export; Statuspage `GET /api/v2/incidents.json` (`incidents[]` with
`incident_updates[]`: id, status, body, created_at), as in the INC-13 trial's export."""
from __future__ import annotations

import json

from postmortem_skill.helper.features.importers import parse


def _message(ident, reply_to, who, when, html):
    return {"id": ident, "replyToId": reply_to, "etag": ident, "messageType": "message", "createdDateTime": when,
            "lastModifiedDateTime": when, "deletedDateTime": None, "subject": None,
            "from": {"application": None, "device": None,
                     "user": {"id": f"u-{who}", "displayName": who, "userIdentityType": "aadUser"}},
            "body": {"contentType": "html", "content": f"<p>{html}</p>"}, "attachments": [], "mentions": []}


def _cited(text: str, name: str) -> list[tuple[str, int]]:
    events, problems = parse(text, name=name)
    assert not problems
    return [(e.event, int(e.source.rsplit(":", 1)[1])) for e in events]


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_every_teams_reply_cites_its_own_line():
    root = _message("1763522590505", None, "Rachel Kim", "2025-11-19T03:23:10.505Z", "INC-15: ping-writer errors")
    root["replies"] = [
        _message("1763522692017", "1763522590505", "Tom Alvarez", "2025-11-19T03:24:52.017Z", "Support here"),
        _message("1763522790001", "1763522590505", "Rachel Kim", "2025-11-19T03:26:30.001Z", "I'm IC.")]
    text = json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#teams",
                       "@odata.count": 1, "value": [root]}, indent=2)
    assert _cited(text, "teams.json") == [
        ("Rachel Kim: INC-15: ping-writer errors", _line_of(text, '"id": "1763522590505"') - 1),  # its `{`
        ("Tom Alvarez: Support here", _line_of(text, '"id": "1763522692017"')),
        ("Rachel Kim: I'm IC.", _line_of(text, '"id": "1763522790001"'))]


def test_a_statuspage_update_in_a_list_of_incidents_cites_its_own_line():
    incident = {"id": "t3rm1n013kq7", "name": "Bookings failing", "status": "resolved",
                "created_at": "2024-11-19T14:33:41+01:00", "incident_updates": [
                    {"id": "u2", "status": "resolved", "body": "Resolved.", "created_at": "2024-11-20T10:20:05+01:00"},
                    {"id": "u1", "status": "investigating", "body": "Looking.",
                     "created_at": "2024-11-19T14:33:41+01:00"}]}
    text = json.dumps({"page": {"id": "p1"}, "incidents": [incident]}, indent=2)
    assert _cited(text, "sp.json") == [
        ("Bookings failing: Looking. [investigating]", _line_of(text, '"id": "u1"')),
        ("Bookings failing: Resolved. [resolved]", _line_of(text, '"id": "u2"'))]
