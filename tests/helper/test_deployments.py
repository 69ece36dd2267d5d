"""Deployments as GitLab (`GET /projects/:id/deployments`) and GitHub (`GET /repos/:o/:r/deployments`) list them:
change rows that name the ref, the commit and the environment; a canceled one never ran."""
from __future__ import annotations

from pathlib import Path

from postmortem_skill.helper.features.importers import parse
from postmortem_skill.helper.features.importers.pick import alert_state, classify

EXPORTS = Path(__file__).parent / "evidence" / "exports"


def test_gitlab_deployments_start_and_finish_and_a_canceled_one_never_ran():
    events, problems = parse((EXPORTS / "gitlab-deployments.json").read_text(encoding="utf-8"))
    assert not problems
    assert [(e.time.isoformat(timespec="seconds"), e.event) for e in events] == [
        ("2026-11-24T21:40:02+00:00", "deploy main (04de8b4) to production started"),
        ("2026-11-24T21:42:10+00:00", "deploy main (04de8b4) to production finished (success)"),
        ("2026-11-25T00:05:30+00:00", "cancelled: deploy hotfix (40fd816) to production")]
    assert classify(events) == ["change", "change", "cancelled"]
    assert [alert_state(e) for e in events] == [None, None, None]


def test_github_deployments_keep_their_description():
    events, problems = parse((EXPORTS / "github-deployments.json").read_text(encoding="utf-8"))
    assert not problems
    assert [e.event for e in events] == ["deploy v1.14.0 (a84d88e) to production (Deploy request from CI)"]
    assert classify(events) == ["change"]


def test_a_record_with_a_sha_but_no_environment_is_read_as_before():
    events, _ = parse('[{"created_at": "2026-11-24T21:40:02Z", "sha": "04de8b4c", "ref": "main", '
                      '"message": "pipeline passed"}]')
    assert [e.event for e in events] == ["pipeline passed"]


def test_a_change_with_no_start_is_said_not_dropped():
    text = ("Change ID,Title,Actual start,Actual end,Status\n"
            "CHG-1,Deploy api 2.3,2026-11-24 21:40,2026-11-24 21:45,Closed\n"
            "CHG-2,Rotate certs,,,Scheduled\n")
    events, problems = parse(text)
    assert [e.id for e in events] == ["CHG-1", "CHG-1"]
    assert [(p.line, p.reason) for p in problems] == [(3, "CHG-2 has no start time (actual or planned): left out")]
