"""`postmortem new ID --from EVIDENCE`: one command from an evidence folder to a sourced draft with the
milestones it can guess, the full timeline beside it, --force, and what `validate` says at the end."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from evidence_support import beside_evidence, listed_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.features.importers import Event, guess_milestones, thresholds
from postmortem_skill.helper.features.importers.tables import Columns, metric_milestones
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.milestones import compute

HERE = Path(__file__).parent / "evidence"
ROOT = Path(__file__).parents[2]


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return beside_evidence("inc-0000", tmp_path, monkeypatch)


def make(capsys, *extra, ident="INC-0000-EXAMPLE"):
    code, out, err = cli(capsys, "new", ident, "--severity", "SEV2", "--title", "Invoice emails not sent",
                         "--from", "../evidence", *extra)
    assert code == 0, err
    return Path(out.strip()), err


def test_one_command_writes_the_sourced_draft_and_the_full_timeline_beside_it(repo, capsys):
    before = snapshot(repo.parent / "evidence")
    draft, err = make(capsys, "--rows", "all")
    assert draft == Path("docs/postmortems/INC-0000-EXAMPLE.md")
    record = json.loads((repo / "docs/postmortems/INC-0000-EXAMPLE.timeline.json").read_text(encoding="utf-8"))
    code, out, _ = cli(capsys, "timeline", "../evidence", "--format", "json")
    assert [(r["time"], r["event"], r["source"]) for r in record] == \
        [(r["time"], r["event"], r["source"]) for r in json.loads(out)]  # the same readers, the same rows
    text = draft.read_text(encoding="utf-8")
    rows = [line for line in text.split("## Timeline", 1)[1].split("\n## ", 1)[0].splitlines()
            if line.startswith("| 20")]
    # every event with its source, another change's window two days later included: --rows all
    assert len(parse_document(text).timeline.rows) == len(rows) == len(record)
    assert all(re.search(r"\.(csv|json|md|txt):\d+ ?(\(.*\))? \|$", row) for row in rows)
    assert snapshot(repo.parent / "evidence") == before  # nothing written into the evidence folder
    assert "evidence/dashboard.png: binary file, not an evidence export (skipped)" in err
    assert "evidence/broker-metrics.csv: metrics: kept" in err and "left out lines" in err
    assert "- Evidence: `evidence` (outside the repository); merged timeline: " \
        "[INC-0000-EXAMPLE.timeline.json](INC-0000-EXAMPLE.timeline.json)" in text


def test_milestones_are_guessed_on_existing_rows_and_each_guess_is_explained(repo, capsys):
    draft, err = make(capsys)
    values = compute(parse_document(draft.read_text(encoding="utf-8")))
    # the fixture's incident: first degraded sample 14:00 (+08:00), page 14:02, ack in chat 14:05:02,
    # consumers back 14:32, lag at baseline 15:06 (docs/trials.md: TTD 2, TTA 3, TTM 32, TTR 66)
    assert (values["time_to_detect"], values["time_to_acknowledge"], values["time_to_mitigate"],
            values["time_to_resolve"]) == (2, 3, 32, 66)
    lines = err.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("milestones marked (guesses"))
    guesses = lines[start + 1:start + 6]
    assert [g.split()[0] for g in guesses] == ["IMPACT", "DETECTED", "ACKNOWLEDGED", "MITIGATED", "RESOLVED"]
    assert "(the first sample of consumer_lag's material rise (400 against its baseline 41))" in guesses[0]
    assert "(the page (InvoiceQueueLagHigh))" in guesses[1]
    assert "consumer_lag starts moving back here: from 12,800 at its worst" in guesses[3]
    assert "the first such move after the first mitigation action at 06:30 UTC" in guesses[3]
    assert "孙磊：ack, looking at the invoice-send consumer" in guesses[2]
    text = draft.read_text(encoding="utf-8")
    assert "- 1 hour 6 minutes: 2026-10-20 06:00 → 07:06 UTC (impact start → resolved)" in text
    assert "**Incident Duration**: 1 hour 6 minutes" in text


def test_the_draft_validates_with_only_placeholders_and_validate_ends_with_where_and_the_metrics(repo, capsys):
    draft, _ = make(capsys)
    text = draft.read_text(encoding="utf-8")
    assert {f.rule for f in check_text(text) if f.severity == "error"} == {"PM103"}
    code, out, _ = cli(capsys, "validate", str(draft))
    lines = out.splitlines()
    assert code == 1 and lines[-1] == "metrics: TTD 2 min · TTA 3 min · TTM 32 min · TTR 66 min"
    assert lines[-2].startswith("placeholders to fill: header (line 5), Executive Summary (")
    assert "Action Items (" in lines[-2] and "Timeline" not in lines[-2]  # every milestone found a row
    code, out, _ = cli(capsys, "validate", str(draft), "--format", "json")
    assert "metrics:" not in out and json.loads(out)["findings"]


def test_the_draft_is_lean_no_guidance_comments_to_delete(repo, capsys):
    draft, _ = make(capsys)
    comments = re.findall(r"<!--.*?-->", draft.read_text(encoding="utf-8"), re.S)
    assert comments == ["<!-- postmortem-template: standard -->"]
    code, out, _ = cli(capsys, "new", "INC-0000-EXAMPLE-2", "--lang", "zh")
    assert re.findall(r"<!--.*?-->", Path(out.strip()).read_text(encoding="utf-8"), re.S) == \
        ["<!-- postmortem-template: zh -->"]


def test_an_existing_draft_is_never_overwritten_without_force(repo, capsys):
    draft, _ = make(capsys)
    draft.write_text("my edits\n", encoding="utf-8")
    code, _, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--from", "../evidence")
    assert code == 2 and len(err.splitlines()) == 1
    assert "already exists; not overwritten (--force replaces it)" in err
    assert draft.read_text(encoding="utf-8") == "my edits\n"
    draft.unlink()  # the timeline JSON alone is also the user's: kept without --force
    code, _, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--from", "../evidence")
    assert code == 2 and "INC-0000-EXAMPLE.timeline.json: already exists" in err and not draft.exists()
    draft2, _ = make(capsys, "--force")
    assert "my edits" not in draft2.read_text(encoding="utf-8")


def test_force_rebuilds_with_another_zone(tmp_path, monkeypatch, capsys):
    shutil.copytree(HERE / "sev2-mixed", tmp_path / "evidence")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    _, err = make(capsys, ident="INC-0007-EXAMPLE")
    assert "feishu-客服群.txt: times carry no zone; read as UTC" in err
    draft, err = make(capsys, "--tz", "feishu*=Asia/Shanghai", "--force", ident="INC-0007-EXAMPLE")
    assert "times carry no zone" not in err
    text = draft.read_text(encoding="utf-8")
    assert "| 14:20:11 | 刘芳（客服）: 多个商户反馈今天 21:50 之后的订单没有结算到账" in text


def test_zh_draft_from_evidence_is_in_beijing_time(repo, capsys):
    code, out, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--lang", "zh", "--from", "../evidence")
    assert code == 0, err
    text = Path(out.strip()).read_text(encoding="utf-8")
    assert "## 时间线（UTC+8）" in text and "| 2026-10-20 14:02:00 | **发现** InvoiceQueueLagHigh" in text
    assert "- **影响时间窗**：2026-10-20 14:00 – 15:06（UTC+8）" in text
    assert "- 证据：`evidence` (outside the repository)；合并时间线：" in text


def test_milestones_the_evidence_marks_are_kept_and_nothing_guessed(tmp_path, monkeypatch, capsys):
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "log.txt").write_text(
        "2026-03-04T09:00:00Z deploy 4.12.0\n2026-03-04T09:05:00Z [DETECTED] page fired [firing]\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--from", "ev")
    assert code == 0 and "milestones marked" not in err
    assert "| 09:05 | **DETECTED** page fired [firing] |" in Path(out.strip()).read_text(encoding="utf-8")


def test_one_export_file_is_evidence_a_timeline_json_is_a_record(repo, capsys):
    code, out, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--from", "../evidence/alertmanager-webhook.json")
    assert code == 0, err
    assert Path("docs/postmortems/INC-0000-EXAMPLE.timeline.json").is_file()  # read as evidence
    code, out, err = cli(capsys, "new", "INC-0000-EXAMPLE-2", "--from",
                         "docs/postmortems/INC-0000-EXAMPLE.timeline.json", "--mark", "detected=1")
    assert code == 0, err
    assert not Path("docs/postmortems/INC-0000-EXAMPLE-2.timeline.json").exists()  # a record: no copy


@pytest.mark.parametrize("args, message", [
    (("--tz", "Asia/Shanghai"), "--tz and --commits go with --from EVIDENCE"),
    (("--commits",), "--tz and --commits go with --from EVIDENCE"),
    (("--from", "../evidence", "--tz", "Mars/Olympus"), "--tz"),
    (("--from", "../nowhere"), "../nowhere: no such file or folder"),
])
def test_bad_calls_are_one_line_exit_2(repo, capsys, args, message):
    code, _, err = cli(capsys, "new", "INC-0000-EXAMPLE", *args)
    assert code == 2 and message in err and len(err.splitlines()) == 1
    assert not Path("docs/postmortems").exists() or not any(Path("docs/postmortems").iterdir())


def test_a_folder_without_timestamps_is_exit_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "notes.md").write_text("# Notes\n\nnothing timed here\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "new", "INC-0000-EXAMPLE", "--from", "ev")
    assert code == 2 and err.startswith("postmortem: no timestamp found in ev")
    assert not (tmp_path / "docs").exists()


def git(repo, *args, when=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="Sam Example", GIT_AUTHOR_EMAIL="sam@example.com",
               GIT_COMMITTER_NAME="Sam Example", GIT_COMMITTER_EMAIL="sam@example.com",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_commits_in_the_incident_window_become_rows(repo, capsys):
    git(repo, "init", "-q")
    for subject, when in (("old work", "2026-10-01T10:00:00Z"), ("Lower the session timeout", "2026-10-20T05:20:00Z"),
                          ("after the incident", "2026-10-21T09:00:00Z")):
        (repo / "f.txt").write_text(subject, encoding="utf-8")
        git(repo, "add", "f.txt")
        git(repo, "commit", "-q", "-m", subject, when=when)
    draft, err = make(capsys, "--commits")
    assert "--commits: 1 commit of this repository between 2026-10-19 06:00 and 2026-10-20 07:06 UTC" in err
    text = draft.read_text(encoding="utf-8")
    assert re.search(r"\| 2026-10-20 05:20:00 \| Commit [0-9a-f]{7}: Lower the session timeout \| [0-9a-f]{12} \|",
                     text)
    assert "old work" not in text and "after the incident" not in text


# --------------------------------------------------------------------------- the guesses themselves


def rows_of(header: str, values: list[str]) -> tuple[list, Columns]:
    columns = Columns(header.split(","))
    return [(n + 2, [f"2026-11-18 13:{n:02d}:00", *v.split(",")]) for n, v in enumerate(values)], columns


def names(guesses: dict) -> dict:
    return {line: name for line, (name, _) in guesses.items()}


def test_metric_guesses_on_a_backlog_and_a_step():
    # a backlog: rises, peaks, drains; rebalances stop when it turns
    rows, columns = rows_of("time_utc,lag,rebalances", [
        "110,0", "105,0", "130,0", "118,0", "122,0", "2400,0", "8900,1", "61200,3", "212000,5", "207000,0",
        "150000,0", "60000,0", "0,0", "0,0"])
    assert names(metric_milestones(rows, columns)) == {7: "impact_start", 11: "mitigated", 14: "resolved"}
    # an error rate: a plateau with noise, then back to baseline at once (mitigated and resolved together)
    rows, columns = rows_of("time,error_pct", ["0.1", "0.2", "0.1", "0.1", "0.2", "18", "17", "19", "18",
                                               "0.1", "0.1", "0.2"])
    assert names(metric_milestones(rows, columns)) == {7: "impact_start", 11: "mitigated"}
    rows, columns = rows_of("time,flat", ["1"] * 14)
    assert metric_milestones(rows, columns) == {}


def test_detected_and_acknowledged_from_alert_statuses_and_chat():
    from datetime import datetime, timezone

    def at(minute, text, source=None):
        return Event(datetime(2026, 1, 1, 10, minute, tzinfo=timezone.utc), text, None, source)

    events = [at(0, "WARN retries rising [firing]"), at(2, "lag=900", "m.csv:3"), at(5, "LagHigh [page, firing]"),
              at(6, "oncall: ack, looking"), at(7, "LagHigh [acknowledged]")]
    marked, guesses = guess_milestones(events, {"m.csv:3": "impact_start"})
    assert [(g.row, g.name) for g in guesses] == [(2, "impact_start"), (3, "detected"), (4, "acknowledged")]
    # the alert before impact: no
    assert [e.milestone for e in marked] == [None, "impact_start", "detected", "acknowledged", None]


def test_thresholds_come_from_alert_texts_durations_left_out():
    events = [Event(None, "LagHigh: consumer lag above 20000 for 10m [page, firing]"),
              Event(None, "p95 delay above 5m"), Event(None, "错误率超过 5% [P1, firing]"),
              Event(None, "queue > 12k")]
    assert thresholds(events) == (5.0, 12000.0, 20000.0)


def test_timeline_keeps_the_sample_that_crosses_an_alerts_threshold_and_names_the_left_out(tmp_path, capsys):
    (tmp_path / "metrics.csv").write_text("time_utc,lag\n" + "".join(
        f"2026-11-18 13:{2 * n:02d}:00,{v}\n" for n, v in enumerate(
            [110, 105, 130, 118, 122, 140, 2400, 8900, 21000, 38500, 61200, 88400, 90100, 131000, 212000,
             207000, 188000, 9000, 0, 0])), encoding="utf-8")
    (tmp_path / "alerts.json").write_text(json.dumps({"alerts": [{
        "status": "firing", "labels": {"alertname": "LagHigh", "severity": "page"},
        "annotations": {"summary": "lag above 20000 for 10m"}, "startsAt": "2026-11-18T14:07:12Z",
        "fingerprint": "0000example"}]}), encoding="utf-8")
    code, out, err = cli(capsys, "timeline", str(tmp_path), "--format", "json")
    times = [r["time"] for r in json.loads(out) if "metrics.csv" in r["source"]]
    assert "2026-11-18T13:16:00Z" in times  # 8900 → 21000 crosses the alert's 20000
    code, out2, _ = cli(capsys, "timeline", str(tmp_path / "metrics.csv"), "--format", "json")
    assert "2026-11-18T13:16:00Z" not in {r["time"] for r in json.loads(out2)}  # no alert, no threshold
    note = next(line for line in err.splitlines() if "metrics: kept" in line)
    assert note.startswith(f"{tmp_path / 'metrics.csv'}: metrics: kept {len(times)} of 20 samples")
    left = [n for part in note.split("left out lines ")[1].split(", ")
            for n in (range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1))]
    assert len(left) == 20 - len(times)


# --------------------------------------------------------------------------- the skill says so


def test_skill_body_is_short_and_opens_with_the_common_path():
    text = (ROOT / "SKILL.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    assert len(body.strip().splitlines()) <= 160
    first_screen = "\n".join(body.strip().splitlines()[:45])
    assert "new INC-0000-EXAMPLE" in first_screen and "--from ../evidence" in first_screen
    assert "validate docs/postmortems/INC-0000-EXAMPLE.md" in first_screen
    assert "at the end\n  of the row, after the last `|`" in body  # where a suppression goes in a table
    assert "Status `open` (复盘: `未开始`)" in body
    zh = (ROOT / "prompts/templates/zh.md").read_text(encoding="utf-8")
    assert "| 未开始 |" in zh


def test_rule_bodies_name_the_common_path_commands():
    for name in ("pointer-rule.md.j2", "aider-conventions-block.md.j2", "command-postmortem.md.j2",
                 "gemini-command.toml.j2"):
        text = (ROOT / "postmortem_skill/targets/templates" / name).read_text(encoding="utf-8")
        assert "new|validate" not in text
        assert "--from <evidence folder>" in text and "scripts/postmortem validate" in text, name


def test_commits_outside_a_repository_is_a_note_and_the_draft_is_still_written(repo, capsys):
    draft, err = make(capsys, "--commits")
    assert "--commits: this folder: not a git repository; no commit rows" in err.splitlines()
    assert draft.is_file()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 10)), min_size=13,
                max_size=40))
def test_metric_guesses_on_any_series_are_ordered_marks_on_its_rows(values):
    rows, columns = rows_of("time,value", ["" if v is None else str(v) for v in values])
    found = names(metric_milestones(rows, columns))
    assert set(found) <= {line for line, _ in rows}
    assert set(found.values()) <= {"impact_start", "mitigated", "resolved"}
    lines = {name: sorted(line for line, m in found.items() if m == name) for name in set(found.values())}
    if found:  # one start, one resolution, any number of recoveries (mitigation candidates) between them
        assert len(lines["impact_start"]) == 1 and len(lines.get("resolved", [])) <= 1
        order = lines["impact_start"] + lines.get("mitigated", []) + lines.get("resolved", [])
        assert order == sorted(order)


@given(st.text(max_size=200))
def test_thresholds_of_any_text_are_numbers(text):
    assert all(isinstance(v, float) for v in thresholds([Event(None, text)]))


def test_another_change_s_window_stays_in_the_record_but_not_in_the_draft(repo, capsys):
    draft, err = make(capsys)
    text = draft.read_text(encoding="utf-8")
    record = (repo / "docs/postmortems/INC-0000-EXAMPLE.timeline.json").read_text(encoding="utf-8")
    assert "CHG-0000-EXAMPLE-2" in record and "CHG-0000-EXAMPLE-2" not in text  # OS patching, two days later
    assert "CHG-0000-EXAMPLE-1 window start" in text  # the trigger, hours before the impact
    assert "left out of the draft" in err and "CHG-0000-EXAMPLE-2" in err


def test_near_incident_keeps_everything_without_both_ends_of_the_impact():
    from datetime import datetime, timedelta, timezone

    from postmortem_skill.helper.features.importers import near_incident

    t0 = datetime(2026, 10, 20, 14, 0, tzinfo=timezone.utc)
    far = Event(t0 + timedelta(days=2), "CHG-9 window start: OS patching", id="CHG-9")
    chat = Event(t0 + timedelta(days=2), "Dana: final numbers: 312 duplicates")
    marked = [Event(t0, "lag rises", milestone="impact_start"), Event(t0 + timedelta(hours=1), "lag 0",
                                                                       milestone="resolved"), far, chat]
    assert near_incident(marked) == (marked[:2] + [chat], [far])  # a late chat row stays: it may hold the numbers
    unmarked = [Event(t0, "lag rises"), far]
    assert near_incident(unmarked) == (unmarked, [])


def test_a_long_draft_lists_its_rows_by_number_for_rows(repo, capsys):
    draft, err = make(capsys)
    record = json.loads((repo / "docs/postmortems/INC-0000-EXAMPLE.timeline.json").read_text(encoding="utf-8"))
    listed = listed_rows(draft)
    assert len(listed) == len(record) > 20
    star, number, when, text = listed[0][2], listed[0][3:6].strip(), listed[0][8:22].strip(), listed[0][24:]
    assert number == "1" and when == record[0]["time"][5:19].replace("T", " ")
    text, source = text.rsplit("  (", 1)  # the row's file and line close it
    assert record[0]["event"].startswith(text.rstrip("…")) and record[0]["source"].endswith(source.rstrip(")"))
    drafted = [r for r in parse_document(draft.read_text(encoding="utf-8")).timeline.rows]
    starred = [line for line in listed if line[2] == "*"]
    assert star == "*" and len(starred) == len(drafted) <= 20  # the change window that opened it is kept
    shown = err.split("rows in the draft (times in UTC):\n", 1)[1].splitlines()  # stderr: the draft's rows only
    assert [line[:6] for line in shown[:len(starred)]] == [line[:6] for line in starred]
    assert "INC-0000-EXAMPLE.rows.txt: every row of the timeline by number" in err
