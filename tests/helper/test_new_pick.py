"""`new --from EVIDENCE` keeps a readable timeline by itself: at most 20 rows chosen by tiers
(importers/pick.py), what it kept and why on stderr, every row listed by number with `*` on the kept
ones; `--rows all`, `--rows +N` and `--rows 1-4` choose otherwise. The full timeline stays in the record."""
from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from evidence_support import listed_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import Event, from_records
from postmortem_skill.helper.features.importers import pick as pick_module
from postmortem_skill.helper.features.importers.pick import LIMIT, alert_name, classify, pick
from postmortem_skill.helper.model.document import parse_document

HERE = Path(__file__).parent / "evidence"
LONG_TZ = "inc-0031*=America/Los_Angeles"  # the Slack copy's clock times are the writer's, in California


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def long_folder(tmp_path, monkeypatch):
    """sev2-long: 71 rows from a deploy list, Alertmanager as a receiver logged it (JSON Lines, repeats and
    a flapping alert), PagerDuty log entries, a Statuspage incident, a metrics export and a Slack copy."""
    shutil.copytree(HERE / "sev2-long", tmp_path / "evidence")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def make(capsys, *extra, ident="INC-0031-EXAMPLE"):
    code, out, err = cli(capsys, "new", ident, "--severity", "SEV2", "--from", "../evidence", "--tz", LONG_TZ, *extra)
    assert code == 0, err
    return Path(out.strip()), err


def drafted(path: Path) -> list[str]:
    """The event texts of the draft's timeline, markers off, the TODO rows of missing milestones left out."""
    rows = parse_document(path.read_text(encoding="utf-8")).timeline.rows
    return [re.sub(r"^(?:IMPACT STARTS|DETECTED|ACKNOWLEDGED|MITIGATED|RESOLVED) ", "", r.event)
            for r in rows if "[TODO" not in r.event]


def metrics(capsys, path: Path) -> dict:
    code, out, err = cli(capsys, "metrics", str(path), "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_a_long_folder_gives_20_rows_that_tell_the_story_and_the_same_metrics_as_all_rows(long_folder, capsys):
    draft, err = make(capsys)
    record = json.loads(Path("docs/postmortems/INC-0031-EXAMPLE.timeline.json").read_text(encoding="utf-8"))
    rows = drafted(draft)
    assert len(record) >= 60 and len(rows) == LIMIT
    story = ["Deploy payments-gateway 2.19.0 (db pool max 50 -> 10",  # the trigger, the closest change before
             "PaymentsApi5xxHigh: 5xx ratio above 5%",  # the page
             "support has 40+ tickets",  # customers
             "Checkout failures: Some customers cannot complete checkout",  # the status page's first post ...
             "escalating to secondary",
             "changed the pool max from 50 to 10",  # the cause found
             "rolling back payments-gateway",
             "5xx dropping",
             "rollback finished, pool max back to 50",  # the rollback's finish as well as its start
             "marco.b takes the config validation", "priya.n: I'll add a deploy gate", "dana.lee owns the customer"]
    for words in story:
        assert any(words in row for row in rows), words
    unrelated = ["search-api", "web-frontend", "recommendations", "Notified payments", "Triggered through the API"]
    assert not [row for row in rows if any(word in row for word in unrelated)]
    assert sum("CheckoutLatencyP99High" in row for row in rows) <= 1  # a flapping alert: its first firing
    assert sum(row.startswith("error_pct=") for row in rows) <= 4  # milestone samples, one peak at most
    assert "kept 20 of 71 rows (milestones, changes near impact, actions on the system, first alerts, status page, " \
        "who takes which follow-up, one chat row per action" in err and "all rows: --rows all" in err
    everything, _ = make(capsys, "--rows", "all", "--force", ident="INC-0031-EXAMPLE-ALL")
    assert len(drafted(everything)) == len(record)
    assert metrics(capsys, draft) == metrics(capsys, everything)


def test_the_listing_stars_the_kept_rows_and_rows_plus_adds_to_the_choice(long_folder, capsys):
    draft, err = make(capsys)
    listed = listed_rows(draft)
    starred = [int(line[3:6]) for line in listed if line[2] == "*"]
    assert len(listed) == 71 and len(starred) == LIMIT
    record = json.loads(Path("docs/postmortems/INC-0031-EXAMPLE.timeline.json").read_text(encoding="utf-8"))
    assert [record[n - 1]["event"] for n in starred] == drafted(draft)
    left_out = next(n for n in range(1, 72) if n not in starred)
    code, out, err = cli(capsys, "new", "INC-0031-EXAMPLE-2", "--rows", f"+{left_out}",
                         "--from", "docs/postmortems/INC-0031-EXAMPLE.timeline.json")
    assert code == 0, err
    assert drafted(Path(out.strip())) == [record[n - 1]["event"] for n in sorted([*starred, left_out])]
    assert "kept 21 of 71 rows (" in err and "--rows +)" in err


def test_a_record_chooses_the_same_rows_and_mark_moves_a_milestone_onto_a_kept_row(long_folder, capsys):
    draft, _ = make(capsys)
    record_path = "docs/postmortems/INC-0031-EXAMPLE.timeline.json"
    record = json.loads(Path(record_path).read_text(encoding="utf-8"))
    code, out, err = cli(capsys, "new", "INC-0031-EXAMPLE-2", "--from", record_path)
    assert code == 0 and drafted(Path(out.strip())) == drafted(draft)
    page = next(n for n, r in enumerate(record, 1) if r["event"].startswith("Triggered through the API"))
    code, out, err = cli(capsys, "new", "INC-0031-EXAMPLE-3", "--from", record_path, "--mark", f"detected={page}")
    assert code == 0, err
    text = Path(out.strip()).read_text(encoding="utf-8")
    assert "**DETECTED** Triggered through the API" in text and text.count("**DETECTED**") == 1
    assert len(drafted(Path(out.strip()))) <= LIMIT


def test_explicit_rows_are_kept_as_given_with_the_milestone_rows(long_folder, capsys):
    draft, err = make(capsys, "--rows", "1-3,8")
    rows = drafted(draft)
    assert rows[:3] == ["Deploy web-frontend 8.0.9 [succeeded]", "Deploy search-api 3.4.0 [succeeded]",
                        "Deploy recommendations 1.22.0 [succeeded]"]
    assert rows[3] == "error_pct=4.00, p99_ms=1400"  # row 8: the impact start, as asked
    # the other rows are the guessed milestones: a list that leaves them out does not turn them into TODOs
    timeline = parse_document(draft.read_text(encoding="utf-8")).timeline.rows
    others = [r for r in timeline if not any(r.event.endswith(asked) for asked in rows[:4])]
    assert others and all(r.milestone for r in others)
    assert not [r for r in timeline if "[TODO" in r.event]
    assert "--rows all\n" not in err and "docs/postmortems/INC-0031-EXAMPLE.rows.txt: every row" in err


@pytest.mark.parametrize("rows, message", [
    ("+0", "--rows: '0' is outside the 71 events (1-71)"), ("0-3", "--rows: '0-3' is outside the 71 events (1-71)"),
    ("some", "--rows: 'some' is not a number or a range like 3-7 (or all, or +N to add)"),
])
def test_bad_rows_are_one_line_exit_2_and_nothing_written(long_folder, capsys, rows, message):
    code, _, err = cli(capsys, "new", "INC-0031-EXAMPLE", "--from", "../evidence", "--tz", LONG_TZ, "--rows", rows)
    assert code == 2 and err.splitlines()[-1] == f"postmortem: {message}" and "Traceback" not in err
    assert not Path("docs").exists()


def test_a_short_timeline_is_kept_whole_and_says_nothing_about_choosing(tmp_path, monkeypatch, capsys):
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "log.txt").write_text("".join(f"2026-03-04T09:{n:02d}:00Z step {n}\n" for n in range(12)),
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "new", "INC-1", "--from", "ev")
    assert code == 0 and len(drafted(Path(out.strip()))) == 12
    assert "--rows all" not in err and "rows of " not in err


def test_a_facts_file_keeps_every_event_it_lists(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    events = "".join(f"  - {{time: '2026-03-04 09:{n:02d}', event: 'Step {n}'}}\n" for n in range(30))
    Path("f.yaml").write_text("title: Many steps\nevents:\n" + events, encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-2", "--from", "f.yaml")
    assert code == 0 and len(drafted(Path(out.strip()))) == 30


# --------------------------------------------------------------------------- the tiers on small cases

T0 = datetime(2026, 5, 12, 13, 0, tzinfo=timezone.utc)


def at(minute: float, text: str, source: str = "x.log:1", milestone=None, ident=None) -> Event:
    return Event(T0 + timedelta(minutes=minute), text, milestone, source, ident)


def test_classify_tells_metrics_alerts_status_posts_changes_and_chat_apart():
    events = [at(0, "error_pct=0.2, p99_ms=410", "m.csv:2"),
              at(1, "LagHigh: lag above 2000 [page, firing]", "am.json:3"),
              at(2, "Checkout failures: investigating [investigating]", "sp.json:1", ident="sp1"),
              at(3, "Checkout failures: all good [resolved]", "sp.json:1", ident="sp1"),
              at(4, "window start: CHG-1", "cal.md:5"),
              at(5, "chen.yu: rolling back", "chat.txt:2"),
              at(6, "maria: the deploy changed the batch size", "chat.txt:3"),
              at(7, "INFO deploy api 5.3.0 started", "api.log:1"),
              at(8, "WARN commit latency 1800 ms", "api.log:2")]
    assert classify(events) == ["metric", "alert", "status page", "status page", "change", "chat", "chat", "change",
                                "other"]


@pytest.mark.parametrize("text, name", [
    ("SettlementConsumerLagHigh: consumer lag above 2000 messages [page, firing]", "settlementconsumerlaghigh"),
    ("SettlementConsumerLagHigh - settlement-consumer [high, triggered]", "settlementconsumerlaghigh"),
    ("InvoiceEmailsNotSent on invoice-mailer [high, triggered]", "invoiceemailsnotsent"),
    ("[Triggered] invoice-mailer send rate is 0 [error, normal]", "invoice-mailer send rate is"),
    ("order-service Redis 连接池使用率超过 90% [P4, triggered]", "order-service redis 连接池使用率超过"),
    ("order-service 接口错误率超过 5% [P1, triggered]", "order-service 接口错误率超过"),  # two alerts, one service
    ("消费延迟过高 [P2, 触发]", "消费延迟过高"),
])
def test_alert_names_match_across_tools(text, name):
    assert alert_name(text) == name


def noise(count: int) -> list[Event]:
    return [at(30 + n * 0.5, f"bob: message {n}", "chat.txt:9") for n in range(count)]


def test_the_first_alert_per_name_and_one_chat_row_per_action():
    events = sorted([at(0, "error_pct=5", "m.csv:2", "impact_start"),
                     at(1, "LagHigh: lag above 2000 [page, firing]", "am.json:1"),
                     at(1.5, "LagHigh - consumer [high, triggered]", "pd.csv:2"),
                     at(1.6, "pagerbot: LagHigh triggered, paging @chen", "chat.txt:1"),
                     at(2, "DiskSlow: io wait above 50 [warning, firing]", "am.json:2"),
                     at(3, "chen: rolling back api to 5.2", "chat.txt:2"),
                     at(4, "chen: rolled back, rollback done", "chat.txt:3"),
                     at(5, "LagHigh: lag above 2000 [page, resolved]", "am.json:1"),
                     at(60, "error_pct=0.2", "m.csv:9", "resolved"),
                     *noise(30)], key=lambda e: e.time)
    kept = [events[n].event for n in pick(events).kept]
    assert "LagHigh: lag above 2000 [page, firing]" in kept and "DiskSlow: io wait above 50 [warning, firing]" in kept
    assert not [k for k in kept if k.startswith(("LagHigh -", "pagerbot", "LagHigh: lag above 2000 [page, res"))]
    assert "chen: rolling back api to 5.2" in kept and "chen: rolled back, rollback done" in kept  # start, finish
    assert not [k for k in kept if k.startswith("bob:")] or len(kept) <= LIMIT


def test_changes_near_the_impact_start_come_before_earlier_ones():
    events = [at(-300 + n * 20, f"Deploy other-service 1.{n}", "deploys.csv:2") for n in range(14)]
    events += [at(-4, "Deploy api 2.19.0", "deploys.csv:20"), at(0, "error_pct=5", "m.csv:2", "impact_start"),
               at(20, "Rollback api to 2.18.3", "deploys.csv:21"), at(40, "error_pct=0.2", "m.csv:9", "resolved")]
    events += noise(20)
    events.sort(key=lambda e: e.time)
    chosen = pick(events)
    kept = [events[n].event for n in chosen.kept]
    assert "Deploy api 2.19.0" in kept and "Rollback api to 2.18.3" in kept
    assert sum(k.startswith("Deploy other-service") for k in kept) <= 2
    assert "changes near impact" in chosen.reasons


# --------------------------------------------------------------------------- any evidence

_TEXTS = st.one_of(
    st.text(min_size=1, max_size=60).filter(str.strip),
    st.sampled_from(["LagHigh: lag above 2000 [page, firing]", "LagHigh [resolved]", "error_pct=31.0, p99=3400",
                     "chen.yu: rolling back", "maria: takes the fix", "Deploy api 2.19.0", "window end: CHG-1",
                     "WARN pool exhausted", "Status: investigating [investigating]", "Status: ok [resolved]",
                     "Triggered through the API", "王强: 已转给值班", "INFO rollback complete"]))
_ROWS = st.lists(st.tuples(st.integers(0, 48 * 60), _TEXTS, st.sampled_from(["a.csv:1", "b.json:2", "c.txt:3", None]),
                           st.sampled_from([None, "id1", "id2"])), min_size=0, max_size=90)


def _events(rows, milestones) -> list[Event]:
    events = sorted((at(m, text, source, None, ident) for m, text, source, ident in rows), key=lambda e: e.time)
    for name, index in milestones.items():
        if events:
            i = index % len(events)
            if events[i].milestone is None:
                events[i] = Event(events[i].time, events[i].event, name, events[i].source, events[i].id)
    return events


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.dictionaries(st.sampled_from(["impact_start", "detected", "acknowledged", "mitigated", "resolved"]),
                              st.integers(0, 200)),
       st.sets(st.integers(0, 200), max_size=3))
def test_any_evidence_gives_at_most_20_rows_milestones_and_marks_kept_in_order_deterministically(rows, miles, marks):
    events = _events(rows, miles)
    marked = {m % len(events) for m in marks} if events else set()
    chosen = pick(events, marked)
    assert len(chosen.kept) <= LIMIT
    assert list(chosen.kept) == sorted(set(chosen.kept)) and all(0 <= n < len(events) for n in chosen.kept)
    assert {n for n, e in enumerate(events) if e.milestone} | marked <= set(chosen.kept)
    assert pick(list(events), set(marked)) == chosen
    if len(events) <= LIMIT:
        assert set(chosen.kept) | set(chosen.far) == set(range(len(events)))


@settings(max_examples=50, deadline=None)
@given(_ROWS)
def test_timeline_json_rows_round_trip_through_the_choice(rows):
    """The record path reads each JSON row back as an event; the choice is the same as on the events."""
    events = _events(rows, {})
    records = [{"time": e.time.isoformat().replace("+00:00", "Z"), "event": e.event, "milestone": None,
                "source": e.source, "id": e.id} for e in events]
    again = [from_records([r])[0][0] for r in records]
    assert pick(again) == pick(events)


def test_the_change_that_started_a_rollout_comes_before_the_rollouts_own_steps():
    events = [at(-86, "CHG-1182 window start: Deploy invoice-api v2.14.0", "jira.csv:3"),
              at(-85.9, "Normal Deployment/invoice-api: ScalingReplicaSet: Scaled up replica set api-7c9f to 1",
                 "k8s.json:1"),
              at(-80, "CHG-1182 window end: Deploy invoice-api v2.14.0", "jira.csv:3"),
              at(-79.9, "Normal Deployment/invoice-api: ScalingReplicaSet: Scaled down replica set api-5b2d to 0",
                 "k8s.json:2"),
              at(0, "error_pct=5", "m.csv:2", "impact_start"),
              at(10, "CHG-1185 window start: Rollback invoice-api to v2.13.2", "jira.csv:5"),
              at(11, "Normal Deployment/invoice-api: ScalingReplicaSet: Scaled up replica set api-5b2d to 4",
                 "k8s.json:3"),
              at(25, "CHG-1186 window start: Scale invoice-api to 8 replicas", "jira.csv:6"),
              at(40, "error_pct=0.2", "m.csv:9", "resolved")]
    events += noise(30)
    events.sort(key=lambda e: e.time)
    kinds = pick_module.classify(events)
    anchor, end = pick_module._anchor_and_end(events, kinds)
    ranked = pick_module._changes(events, kinds, set(range(len(events))), anchor, end, frozenset({"invoice-api"}))
    assert events[ranked[0]].event == "CHG-1182 window start: Deploy invoice-api v2.14.0"  # the likely trigger first


def test_the_row_list_file_gives_chat_rows_the_room_metric_rows_do_not_need_and_stderr_stays_short(capsys):
    """Every row goes to ID.rows.txt (a metric sample cut shorter than a chat message); stderr has one line
    pointing to it and the draft's rows only: an assistant's shell cuts a long output."""
    from postmortem_skill.helper.commands import redraft
    from postmortem_skill.helper.commands.new import _say_rows
    from postmortem_skill.helper.features.scaffold import UTC_CLOCK

    samples = [{"time": f"2026-11-20T06:{n % 60:02d}:00Z", "event": "error_pct=4.00, p99_ms=1400, " * 6}
               for n in range(150)]
    chat = [{"time": "2026-11-20T07:00:00Z", "event": "dana: " + "rolled back the config and watched the pool " * 6}
            for _ in range(60)]
    text = redraft.listing(samples + chat, "INC-1.timeline.json", {1, 200}, UTC_CLOCK, "INC-1", "draft\n")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(lines) == 210 and len(lines[0]) < 130 and len(lines[-1]) > 170  # chat rows get the room
    assert lines[0][2] == "*" and lines[199][2] == "*" and lines[1][2] == " "
    assert lines[-1].endswith(chat[0]["event"].strip())  # a chat message whole: it is read, not only picked
    _say_rows(samples + chat, Path("INC-1.rows.txt"), {1, 200}, UTC_CLOCK)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("INC-1.rows.txt: every row of the timeline by number") and len(err) == 4
    assert all(len(line) < 110 for line in err[2:])


