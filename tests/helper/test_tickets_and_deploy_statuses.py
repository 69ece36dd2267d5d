"""Zendesk tickets and comments, GitHub deployment statuses.

Shapes as the APIs document them: Zendesk Support API `GET /api/v2/tickets/{id}.json` (`{"ticket": {…}}`: id,
subject, priority, requester_id, via.source.from.address, created_at) and `GET /api/v2/tickets/{id}/comments.json`
(`{"comments": [...]}`: author_id, body, plain_body, public, created_at; `?include=users` adds a `users` list);
GitHub REST `GET /repos/{o}/{r}/deployments/{id}/statuses` (a list, newest first: state, description,
environment, creator.login, created_at, deployment_url) beside `GET …/deployments` (id, ref, statuses_url).
Values from the INC-15 trial's exports, trimmed.
"""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.zendesk import without_emails

TICKET = json.dumps({"ticket": {
    "url": "https://tracklane.zendesk.com/api/v2/tickets/48213.json", "id": 48213,
    "via": {"channel": "email",
            "source": {"from": {"address": "dispatch@brightlinefreight.com", "name": "Karen Holt"}}},
    "created_at": "2025-11-19T03:02:41Z", "updated_at": "2025-11-19T15:45:02Z", "type": "incident",
    "subject": "Live map not updating for our trucks", "description": "Hi, since about 8:45 tonight …",
    "priority": "high", "status": "solved", "requester_id": 39120044817, "tags": ["inc-15", "live_map"]}}, indent=2)


def _comment(ident, author, body, public, when):
    return {"id": ident, "type": "Comment", "author_id": author, "body": body, "html_body": f"<p>{body}</p>",
            "plain_body": body, "public": public, "attachments": [], "created_at": when}


COMMENTS = {"comments": [
    _comment(1, 39120044817, "Hi, the live map stopped updating. Reply to dispatch@brightlinefreight.com", True,
             "2025-11-19T03:02:41Z"),
    _comment(2, 24810093311, "Internal: reproduced.", False, "2025-11-19T03:11:20Z"),
    _comment(3, 24810093311, "Hi Karen, our engineering team is on it.", True, "2025-11-19T03:33:10Z")],
    "next_page": None, "previous_page": None, "count": 3}


def test_a_ticket_is_a_customer_report_at_its_creation_without_the_requesters_address():
    events, problems = parse(TICKET, name="zendesk_ticket_48213.json")
    assert not problems
    assert [(f"{e.time:%H:%M:%S}", e.event, e.id, e.source) for e in events] == [
        ("03:02:41", "Zendesk ticket #48213 opened: Live map not updating for our trucks (priority high)", "48213",
         "zendesk_ticket_48213.json:14")]


def test_public_comments_are_chat_rows_by_their_author_internal_notes_left_out():
    events, problems = parse(json.dumps(COMMENTS, indent=2), name="c.json")
    assert not problems
    assert [e.event for e in events] == [
        "Zendesk user 39120044817: Hi, the live map stopped updating. Reply to [e-mail]",
        "Zendesk user 24810093311: Hi Karen, our engineering team is on it."]
    named = dict(COMMENTS, users=[{"id": 39120044817, "name": "Karen Holt", "email": "k@example.com"},
                                  {"id": 24810093311, "name": "Tom Alvarez"}])
    events, _ = parse(json.dumps(named, indent=2))
    assert [e.event.split(":")[0] for e in events] == ["Karen Holt", "Tom Alvarez"]


def _status(ident, deployment, state, when, environment="production"):
    return {"url": f"https://api.github.com/repos/t/i/deployments/{deployment}/statuses/{ident}", "id": ident,
            "state": state, "creator": {"login": "github-actions[bot]"}, "description": "",
            "environment": environment, "created_at": when, "updated_at": when,
            "deployment_url": f"https://api.github.com/repos/t/i/deployments/{deployment}"}


STATUSES = [_status(4, 2332401377, "inactive", "2025-11-19T03:49:12Z"),
            _status(3, 2332401377, "success", "2025-11-19T02:39:27Z"),
            _status(2, 2332401377, "in_progress", "2025-11-19T02:35:01Z"),
            _status(1, 2332401377, "queued", "2025-11-19T02:34:12Z")]
DEPLOYMENTS = [{"url": "https://api.github.com/repos/t/i/deployments/2332401377", "id": 2332401377,
                "environment": "production", "description": "deploy v2.14.0 to production",
                "created_at": "2025-11-19T02:34:10Z", "updated_at": "2025-11-19T03:49:12Z",
                "statuses_url": "https://api.github.com/repos/t/i/deployments/2332401377/statuses",
                "sha": "d8caea2f00", "ref": "v2.14.0", "task": "deploy"}]


def test_deployment_statuses_are_change_rows_of_the_states_that_matter(tmp_path, capsys):
    folder = tmp_path / "github"
    folder.mkdir()
    (folder / "deployment_2332401377_statuses.json").write_text(json.dumps(STATUSES, indent=2), encoding="utf-8")
    (folder / "deployments.json").write_text(json.dumps(DEPLOYMENTS, indent=2), encoding="utf-8")
    assert main(["timeline", str(folder), "--format", "json"]) == 0
    rows = [(r["time"], r["event"], r["source"].rsplit("/", 1)[-1]) for r in json.loads(capsys.readouterr().out)
            if r["event"].startswith("GitHub")]
    assert rows == [
        ("2025-11-19T02:35:01Z", "GitHub deployment 2332401377 to production: in_progress (v2.14.0)",
         "deployment_2332401377_statuses.json:28"),
        ("2025-11-19T02:39:27Z", "GitHub deployment 2332401377 to production: success (v2.14.0)",
         "deployment_2332401377_statuses.json:15")]


def test_without_the_deployments_list_the_status_has_no_ref():
    events, problems = parse(json.dumps([_status(5, 812, "failure", "2025-11-19T02:39:27Z")]))
    assert not problems and [e.event for e in events] == ["GitHub deployment 812 to production: failure"]


@given(st.text(max_size=60))
def test_no_e_mail_address_survives(text):
    assert "@" not in without_emails(f"{text} a.b+c@d-e.example.com ").split("[e-mail]")[-1]
