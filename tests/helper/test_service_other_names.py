"""The service under two names: the pages say ping-writer, the change calendar and the deploys say
tracklane-ingest (the repository ping-writer is a component of). Rows shaped like the INC-15 trial's
(change calendar CSV rows as `CHG-… window start: …`, Teams chat as `Name: text`, PagerDuty as `[Triggered] …`)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.pick import pick
from postmortem_skill.helper.features.importers.services import other_names

OURS = frozenset({"ping-writer"})


def test_a_change_naming_the_same_version_as_a_row_of_ours_is_ours():
    texts = ["Dan Okafor: rolling ping-writer back to v2.13.2 now", "api-gateway cert rotated"]
    changes = ["CHG-2293 window start: EMERGENCY: roll back tracklane-ingest to v2.13.2",
               "CHG-2288 window start: api-gateway: rotate *.tracklane.io TLS certificate",
               "CHG-2291 window start: telemetry-db: PostgreSQL minor upgrade 15.8 -> 15.10"]
    assert other_names(texts + changes, changes, OURS) == {"tracklane-ingest"}


def test_the_repositorys_own_names_count_a_single_word_does_not():
    assert other_names([], [], OURS, {"tracklane-ingest", "repo"}) == {"tracklane-ingest"}
    assert other_names(["x 2.13.2"], ["deploy tracklane-ingest 2.13.2"], frozenset()) == frozenset()  # none ours


def test_an_address_is_no_version():
    assert other_names(["ping-writer on 10.0.0.12"], ["deploy kafka-prod to 10.0.0.12"], OURS) == frozenset()


def _at(minute: int, text: str, source: str) -> Event:
    return Event(datetime(2025, 11, 19, 2, 30, tzinfo=timezone.utc) + timedelta(minutes=minute), text, None, source)


def test_the_rollback_of_the_repository_is_kept_not_left_out_as_another_services():
    events = [_at(2, "CHG-2289 window start: ping-writer flush interval 2s", "cal.csv:4"),
              _at(4, "CHG-2290 window start: Release tracklane-ingest v2.14.0", "cal.csv:5"),
              _at(10, "tracklane.ping_writer.batch.errors=0.94", "m.json:3")]
    events[2] = Event(events[2].time, events[2].event, "impact_start", events[2].source)
    events += [_at(39, "[Triggered] ping-writer batch error rate > 5% [critical]", "pd.json:9")]
    events += [_at(40 + n, f"Arjun Mehta: note {n}", "teams.json:%d" % (10 + n)) for n in range(30)]
    events += [_at(75, "CHG-2293 window start: EMERGENCY: roll back tracklane-ingest to v2.13.2", "cal.csv:8"),
               _at(76, "Dan Okafor: rolling ping-writer back to v2.13.2", "teams.json:90")]
    events[-3:] = sorted(events[-3:], key=lambda e: e.time)
    end = Event(events[-1].time + timedelta(minutes=10), "Rachel Kim: resolved", "resolved", "teams.json:99")
    events.append(end)
    rollback = next(n for n, e in enumerate(events) if "CHG-2293" in e.event)
    assert rollback in pick(events).kept  # the version ties tracklane-ingest to ping-writer
    assert "tracklane-ingest" not in pick(events).others
    alone = [e for e in events if "v2.13.2" not in e.event or "CHG" in e.event]  # no row ties them
    assert "tracklane-ingest" in pick(alone).others
    kept = pick(alone, repository={"tracklane-ingest"})  # … unless it is the repository the draft is written in
    assert "tracklane-ingest" not in kept.others
    assert next(n for n, e in enumerate(alone) if "CHG-2293" in e.event) in kept.kept


def test_the_repository_goes_by_its_folder_package_and_chart_names(tmp_path):
    import subprocess

    from postmortem_skill.helper.commands.new import repository_names

    repo = tmp_path / "tracklane-ingest"
    (repo / "deploy" / "helm" / "ping-writer").mkdir(parents=True)
    (repo / "package.json").write_text('{"name": "@tracklane/ingest-service", "version": "2.14.1"}')
    (repo / "pyproject.toml").write_text('[tool.ruff]\nname = "not-a-package"\n\n[project]\nname = "ingest-tools"\n')
    (repo / "deploy" / "helm" / "ping-writer" / "Chart.yaml").write_text("apiVersion: v2\nname: ping-writer\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert repository_names(repo) == {"tracklane-ingest", "ingest-service", "ingest-tools", "ping-writer"}
    assert repository_names(tmp_path) == set()  # not a repository
