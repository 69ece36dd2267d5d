"""Argo CD applications are deploy rows: one per sync in `status.history`, at its deployedAt (and its
deployStartedAt), and the operation state's sync when the history does not hold it (a failed or running one).

The samples are shaped like Argo CD's own output. `argocd-app-get.json` is `argocd app get APP -o json`: the
Application without apiVersion and kind, as the API server returns it; `argocd-applications-list.json` is
`kubectl get applications -n argocd -o json`, a `List` whose items carry both. Field names and meanings are
those of argo-cd's pkg/apis/application/v1alpha1/types.go: RevisionHistory (`id`, `revision` or multi-source
`revisions`, `deployStartedAt`, `deployedAt` "the time the sync operation completed", `source` or `sources`,
`initiatedBy` {`username`, `automated`}) and OperationState (`operation`, `phase`, `message`, `syncResult`
{`revision`, `source`, `resources`}, `startedAt`, `finishedAt`, `retryCount`).
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import from_records, parse
from postmortem_skill.helper.features.importers import pick as pick_module
from postmortem_skill.helper.features.importers.pick import alert_state, classify
from postmortem_skill.helper.model.document import parse_document

EXPORTS = Path(__file__).parent / "evidence" / "exports"
APP_GET = EXPORTS / "argocd-app-get.json"
APP_LIST = EXPORTS / "argocd-applications-list.json"


def rows(path: Path):
    events, problems = parse(path.read_text(encoding="utf-8"), name=path.name)
    return events, problems


def test_argocd_app_get_gives_a_row_per_sync_start_and_end_and_the_failed_operation():
    events, problems = rows(APP_GET)
    assert not problems
    assert [(e.time.strftime("%Y-%m-%d %H:%M:%S"), e.event, e.id) for e in events] == [
        ("2026-03-02 09:13:30", "Argo CD started deploying checkout-api v4.6.2 (revision 9f2d4a1, sync 118)",
         "sync 118"),
        ("2026-03-02 09:14:51", "Argo CD deployed checkout-api v4.6.2 (revision 9f2d4a1, sync 118)", "sync 118"),
        ("2026-03-04 13:00:02", "Argo CD started deploying checkout-api v4.7.0 (revision 3c8e1f5, sync 119, automated)",
         "sync 119"),
        ("2026-03-04 13:02:17", "Argo CD deployed checkout-api v4.7.0 (revision 3c8e1f5, sync 119, automated)",
         "sync 119"),
        ("2026-03-04 13:39:55", "Argo CD started deploying checkout-api v4.6.2 (revision 9f2d4a1, sync 120, rollback "
                                "to the revision of sync 118)", "sync 120"),
        ("2026-03-04 13:41:09", "Argo CD deployed checkout-api v4.6.2 (revision 9f2d4a1, sync 120, rollback to the "
                                "revision of sync 118)", "sync 120"),
        ("2026-03-04 15:20:44", "Argo CD started deploying checkout-api v4.8.0 (revision e41c09d)", None),
        ("2026-03-04 15:21:03", "Argo CD deploy of checkout-api v4.8.0 ended, phase Failed (revision e41c09d, one or "
                                "more objects failed to apply, reason: Deployment.apps \"checkout-api\" is invalid: "
                                "spec.template.spec.containers[0].resources.requests: Invalid value …)", None)]


def test_each_row_cites_the_line_of_its_own_time():
    events, _ = rows(APP_GET)
    lines = APP_GET.read_text(encoding="utf-8").splitlines()
    for event in events:
        line = int(event.source.rsplit(":", 1)[1])
        assert event.time.strftime("%Y-%m-%dT%H:%M:%SZ") in lines[line - 1], event


def test_who_started_a_sync_is_left_out_as_other_change_readers_leave_out_people():
    """`initiatedBy.username` is a person (or a bot account): ServiceNow's assigned_to and a commit's author are
    not rows either; `postmortem evidence --authors` is the one place a writer asks for names."""
    events, _ = rows(APP_GET)
    text = " ".join(e.event for e in events)
    assert "priya" not in text and "release-bot" not in text and "admin" not in text


def test_argocd_rows_are_changes_not_alerts_or_chat():
    events, _ = rows(APP_GET)
    assert set(classify(events)) == {"change"}
    assert [alert_state(e) for e in events] == [None] * len(events)


def test_kubectl_list_of_applications_multi_source_and_a_running_sync():
    """A multi-source app names each source's target (a Helm chart by its name and version, whose revision is
    that version) and the git revision; its operation state is the history's last sync, so no second row. A
    running sync is in no history: one row at its start, saying it is running."""
    events, problems = rows(APP_LIST)
    assert not problems
    assert [(e.time.strftime("%H:%M:%S"), e.event) for e in events] == [
        ("12:51:38", "Argo CD started deploying storefront-web release + redis 18.1.0 (revision 77ab3e0, sync 31, "
                     "automated)"),
        ("12:51:40", "Argo CD deployed storefront-web release + redis 18.1.0 (revision 77ab3e0, sync 31, automated)"),
        ("13:05:12", "Argo CD started deploying payments-worker (revision c0ffee1), phase Running")]
    assert "admin" not in " ".join(e.event for e in events)


def test_a_bare_history_list_is_read_too():
    """`kubectl get application APP -o jsonpath='{.status.history}'`: the entries without their Application."""
    text = json.dumps([{"id": 7, "revision": "b23413a541e46b115d28a930cbce5e8f26e5cc90",
                        "deployStartedAt": "2024-11-19T12:58:10Z", "deployedAt": "2024-11-19T12:59:34Z",
                        "source": {"repoURL": "https://git.example.com/x.git", "targetRevision": "v2.14.0"},
                        "initiatedBy": {"username": "jonas.weber"}}])
    events, problems = parse(text)
    assert not problems
    assert [e.event for e in events] == ["Argo CD started deploying the application v2.14.0 (revision b23413a, sync 7)",
                                         "Argo CD deployed the application v2.14.0 (revision b23413a, sync 7)"]


def test_a_sync_with_no_start_time_or_a_history_of_one_instant_is_one_row():
    app = {"metadata": {"name": "api"}, "spec": {}, "status": {"history": [
        {"id": 3, "revision": "HEAD-less", "deployedAt": "2026-01-05T10:00:00Z"},
        {"id": 4, "revision": "0123456789abcdef0123456789abcdef01234567", "deployedAt": "2026-01-05T11:00:00Z",
         "deployStartedAt": "2026-01-05T11:00:00Z", "source": {"targetRevision": "main"}}]}}
    events, problems = parse(json.dumps(app))
    assert not problems
    assert [e.event for e in events] == ["Argo CD deployed api (revision HEAD-less, sync 3)",
                                         "Argo CD deployed api main (revision 0123456, sync 4)"]


# --------------------------------------------------------------------------- the trigger in a draft

BOOKING = {  # INC-13's shape: booking-service deployed, the pages name booking-api
    "metadata": {"name": "booking-service", "namespace": "argocd"},
    "spec": {"source": {"repoURL": "https://git.example.com/booking.git", "targetRevision": "v2.14.1"}},
    "status": {"history": [
        {"id": 39, "revision": "b3b6bfb195003222c9b07cdc9d7d1e8046c067ec", "deployStartedAt": "2024-11-12T09:30:05Z",
         "deployedAt": "2024-11-12T09:31:29Z", "source": {"targetRevision": "v2.13.2"}},
        {"id": 40, "revision": "b23413a541e46b115d28a930cbce5e8f26e5cc90", "deployStartedAt": "2024-11-19T12:58:10Z",
         "deployedAt": "2024-11-19T12:59:34Z", "initiatedBy": {"username": "jonas.weber"},
         "source": {"targetRevision": "v2.14.0"}},
        {"id": 41, "revision": "b3b6bfb195003222c9b07cdc9d7d1e8046c067ec", "deployStartedAt": "2024-11-19T13:44:20Z",
         "deployedAt": "2024-11-19T13:47:30Z", "source": {"targetRevision": "v2.13.2"}}],
        "operationState": {"phase": "Succeeded", "startedAt": "2024-11-19T13:44:20Z",
                           "finishedAt": "2024-11-19T13:47:30Z",
                           "syncResult": {"revision": "b3b6bfb195003222c9b07cdc9d7d1e8046c067ec"}}}}
COMMITS = [  # `postmortem evidence --format json`, or `new --commits`: the commit names no service
    {"time": "2024-11-18T16:20:45Z", "commit": "b23413a541e46b115d28a930cbce5e8f26e5cc90",
     "subject": "helm: raise confirmation consumer batch size 50 -> 500", "tags": ["v2.14.0"]},
    {"time": "2024-11-15T14:48:02Z", "commit": "5ed3b74aa0c2e3b1d5f6a7b8c9d0e1f2a3b4c5d6",
     "subject": "flags: enable waitlist_v2 for 10% of venues", "tags": []}]
ALERTS = [  # an Opsgenie-shaped page naming booking-api, the service users call
    {"createdAt": "2024-11-19T13:17:05Z", "message": "booking-api 5xx error rate above 5%", "tinyId": "4127",
     "priority": "P1", "status": "open"}]


def _chat(start: datetime, count: int) -> str:
    said = ["looking at the dashboards", "errors on booking", "checking the consumer", "lock timeouts in the db",
            "customers report failed bookings", "paging the db owner"]
    return "\n".join(f"{(start + timedelta(minutes=2 * n)).strftime('%Y-%m-%dT%H:%M:%SZ')} mira: {said[n % len(said)]}"
                     f" ({n})" for n in range(count)) + "\n"


@pytest.fixture
def booking(tmp_path, monkeypatch):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "argocd_app_booking-service.json").write_text(json.dumps(BOOKING, indent=2), encoding="utf-8")
    (evidence / "commits.json").write_text(json.dumps(COMMITS), encoding="utf-8")
    (evidence / "opsgenie_alerts.json").write_text(json.dumps(ALERTS), encoding="utf-8")
    chat = _chat(datetime(2024, 11, 19, 13, 4, tzinfo=timezone.utc), 30)
    (evidence / "chat.log").write_text("2024-11-19T13:03:00Z [IMPACT STARTS] 5xx left baseline\n" + chat,
                                       encoding="utf-8")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    return evidence


def test_the_deploy_nearest_the_impact_start_is_the_change_the_draft_keeps(booking, capsys):
    """The commit was made the day before; the deploy that shipped it (its hash, its tag) is when it reached
    production. The commit names no service and the deploy names booking-service, not the paged booking-api,
    yet the deploy ships the commit, so it counts as much as the commit and, closest before the impact, is
    the trigger row."""
    code = main(["new", "INC-13", "--severity", "SEV2", "--from", str(booking)])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows_ = [r.event for r in parse_document(Path(out.strip()).read_text(encoding="utf-8")).timeline.rows]
    assert "Argo CD deployed booking-service v2.14.0 (revision b23413a, sync 40)" in rows_
    record = json.loads(Path("docs/postmortems/INC-13.timeline.json").read_text(encoding="utf-8"))
    events, _ = from_records(record)
    kinds = classify(events)
    impact = next(n for n, e in enumerate(events) if e.milestone == "impact_start")
    changes = pick_module._changes(events, kinds, set(range(len(events))), events[impact].time, events[-1].time,
                                   frozenset({"booking-api"}))
    assert events[changes[0]].event == "Argo CD deployed booking-service v2.14.0 (revision b23413a, sync 40)"
    assert "jonas" not in Path(out.strip()).read_text(encoding="utf-8")


def test_a_deploy_that_ships_no_commit_row_keeps_its_own_relevance():
    events, _ = from_records([
        {"time": "2024-11-19T12:00:00Z", "event": "Commit 1111111: tidy the README"},
        {"time": "2024-11-19T12:59:34Z", "event": "Argo CD deployed search-indexer v9.1.0 (revision 2222222, sync 5)"}])
    assert pick_module._shipped(events, [0, 1]) == {}
    events, _ = from_records([
        {"time": "2024-11-19T12:00:00Z", "event": "Commit 1111111 (tag v9.1.0): tidy the README"},
        {"time": "2024-11-19T12:59:34Z", "event": "Argo CD deployed search-indexer v9.1.0 (revision 2222222, sync 5)"}])
    assert pick_module._shipped(events, [0, 1]) == {1: 0}


# (the text leaves out what the last assertion looks for: a container or None printed into a row)
_TEXT = st.text(alphabet=st.characters(blacklist_characters="{}[]"), max_size=12).filter(lambda t: "None" not in t)


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=12))
def test_any_values_in_an_application_are_rows_or_problems_never_a_crash(value):
    app = {"metadata": {"name": "api"}, "spec": {}, "status": {
        "history": [{"id": value, "revision": value, "deployedAt": "2026-01-05T10:00:00Z", "source": value,
                     "sources": value, "revisions": value, "initiatedBy": value, "deployStartedAt": value}],
        "operationState": {"startedAt": "2026-01-05T10:05:00Z", "phase": value, "message": value,
                           "syncResult": value, "operation": value, "finishedAt": value}}}
    events, problems = parse(json.dumps(app))
    assert events or problems
    assert all(not re.search(r"\bNone\b|\{|\[\]", e.event) for e in events)
