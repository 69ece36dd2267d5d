"""The evidence folder of a SEV2 as a trial met it (tests/helper/evidence/sev2-mixed): an Alertmanager
webhook in Z, a PagerDuty CSV in +08:00, a Slack export folder with users.json, a Feishu text export in
naive Beijing time with date-first headers, a nested Statuspage incident, a metrics CSV, a change
calendar, a service log, and the commits `postmortem evidence --format json` lists."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features import importers

FOLDER = Path(__file__).parent / "evidence" / "sev2-mixed"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    shutil.copytree(FOLDER, tmp_path / "evidence")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def timeline(capsys, *args):
    code = main(["timeline", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), err.splitlines()


def by_source(rows, name):
    return [r for r in rows if r["source"].startswith(name)]


def test_feishu_headers_with_the_date_first_give_the_message_with_its_speaker(repo, capsys):
    rows, err = timeline(capsys, "evidence", "--tz", "feishu*=Asia/Shanghai")
    feishu = by_source(rows, "evidence/feishu")
    assert [(r["time"], r["event"]) for r in feishu] == [
        ("2026-11-18T14:20:11Z", "刘芳（客服）: 多个商户反馈今天 21:50 之后的订单没有结算到账 请技术同学看一下"),
        ("2026-11-18T14:24:40Z", "王强: 已转给结算值班，INC-0007-EXAMPLE 在处理"),
        ("2026-11-18T14:45:02Z", "刘芳（客服）: 商户确认 22:42 开始陆续到账")]
    assert not any("feishu" in line and "no zone" in line for line in err)


def test_a_log_line_followed_by_a_trace_stays_a_log_line():
    text = ("2026-11-18 13:52:03 worker crashed\n  at settle(batch.py:12)\n"
            "2026-11-18 13:52:09 WARN retrying\n2026-11-18 13:53:00 restarted\n")
    events, _ = importers.parse(text)
    assert [e.event for e in events] == ["worker crashed", "WARN retrying", "restarted"]


def test_naive_times_read_by_default_are_named_once_per_file(repo, capsys):
    rows, err = timeline(capsys, "evidence")
    notes = [line for line in err if "carry no zone" in line]
    assert notes == ["evidence/feishu-客服群.txt: times carry no zone; read as UTC — use --tz "
                     "'feishu-客服群.txt=ZONE' if they are local (check one against a log or metric)"]
    assert by_source(rows, "evidence/feishu")[0]["time"] == "2026-11-18T22:20:11Z"


def test_plain_tz_keeps_working_and_a_glob_wins_for_its_files(repo, capsys):
    rows, _ = timeline(capsys, "evidence", "--tz", "+08:00")
    assert by_source(rows, "evidence/feishu")[0]["time"] == "2026-11-18T14:20:11Z"
    rows, _ = timeline(capsys, "evidence", "--tz", "Europe/Berlin", "--tz", "*/feishu-*.txt=Asia/Shanghai")
    assert by_source(rows, "evidence/feishu")[0]["time"] == "2026-11-18T14:20:11Z"


@pytest.mark.parametrize("bad", ["=Asia/Shanghai", "feishu*=Mars/Olympus", "UTC"])
def test_bad_zone_options_are_one_line_and_exit_2(repo, capsys, bad):
    args = ["timeline", "evidence", "--tz", bad] + (["--tz", "+08:00"] if bad == "UTC" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--tz" in err


def test_slack_export_names_authors_and_mentions_from_users_json(repo, capsys):
    rows, err = timeline(capsys, "evidence")
    slack = [r["event"] for r in by_source(rows, "evidence/slack")]
    assert slack[0] == "pagerbot: SettlementConsumerLagHigh triggered, paging @chen.yu"
    assert "Maria Kowalski: @chen.yu takes the batch-size validation fix; I'll add a lag SLO alert" in slack
    assert not any("has joined" in e for e in slack)
    assert any(line.startswith("evidence/slack/users.json: the export's users") for line in err)


def test_statuspage_nested_updates_and_pagerduty_on_columns(repo, capsys):
    rows, _ = timeline(capsys, "evidence")
    status = by_source(rows, "evidence/statuspage")
    assert [r["time"] for r in status] == ["2026-11-18T14:15:00Z", "2026-11-18T14:50:00Z", "2026-11-18T15:12:00Z"]
    assert status[-1]["event"].endswith("[resolved]") and status[0]["id"] == "spexample0007"
    pager = by_source(rows, "evidence/pagerduty")
    assert [r["time"] for r in pager] == ["2026-11-18T13:58:30Z", "2026-11-18T14:03:10Z", "2026-11-18T15:10:00Z"]
    assert [r["event"].rsplit("[", 1)[1] for r in pager] == ["high, triggered]", "acknowledged]", "resolved]"]
    assert {r["id"] for r in pager} == {"PEXAMPLE07"}


def test_metrics_keep_the_first_degraded_sample_and_every_turn(repo, capsys):
    rows, _ = timeline(capsys, "evidence/settlement-metrics.csv")
    times = [r["time"][11:16] for r in rows]
    assert "13:52" in times  # lag 140 → 2400: impact starts
    assert "14:38" in times  # the peak
    assert "14:51" in times  # back to the baseline
    assert len(rows) <= 12  # of 101 samples


def test_a_value_leaving_its_baseline_is_kept_even_when_the_step_is_small():
    lines = ["time_utc,lag"] + [f"2026-11-18T13:{m:02d}:00Z,{140 + m % 2}" for m in range(30, 52)]
    lines += [f"2026-11-18T13:{m:02d}:00Z,{2400 + (m - 52) * 300}" for m in range(52, 60)]
    lines += [f"2026-11-18T14:{m:02d}:00Z,{4800 + m * 300}" for m in range(0, 20)]
    events, _ = importers.parse("\n".join(lines))
    assert "lag=2400" in [e.event for e in events]


def test_a_departure_tiny_next_to_a_later_peak_still_leaves_the_baseline():
    quiet = [110, 105, 130, 118, 122, 140]
    rising = [2400, 8900, 21000, 38500, 61200, 88400, 131000, 164000, 212000, 150000, 60000, 0, 0]
    lines = ["time_utc,consumer_lag"] + [f"2026-11-18T13:{2 * n:02d}:00Z,{v}" for n, v in enumerate(quiet + rising)]
    events, _ = importers.parse("\n".join(lines))
    kept = [e.event for e in events]
    assert "consumer_lag=2400" in kept  # 1% of the peak, but twenty times the quiet baseline
    assert "consumer_lag=212000" in kept and "consumer_lag=0" in kept


def test_slack_channel_lists_are_export_metadata_not_failures(repo, capsys):
    _, err = timeline(capsys, "evidence")
    assert any(line.startswith("evidence/slack/channels.json: the export's list of channels") for line in err)
    assert not any("channels.json: skipped" in line for line in err)


def test_the_evidence_commits_are_read_with_the_folder(repo, capsys, tmp_path):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["init", "-q", "code"], check=True)
    env = {"GIT_AUTHOR_DATE": "2026-11-18T13:30:00Z", "GIT_COMMITTER_DATE": "2026-11-18T13:30:00Z",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "settlement-consumer: batch size from config"],
                   check=True, cwd="code", env=env)
    assert main(["evidence", "--repo", "code", "--since", "2026-11-18T12:00:00Z", "--until",
                 "2026-11-18T16:00:00Z", "--format", "json"]) == 0
    Path("commits.json").write_text(capsys.readouterr().out, encoding="utf-8")
    rows, _ = timeline(capsys, "evidence", "commits.json")
    commit = by_source(rows, "commits.json")
    assert len(commit) == 1 and commit[0]["event"].startswith("commit ")
    assert commit[0]["event"].endswith(" settlement-consumer: batch size from config")
    assert commit[0]["id"] == commit[0]["event"].split()[1] and len(commit[0]["id"]) == 7


def test_the_whole_folder_pipes_into_new(repo, capsys):
    rows, _ = timeline(capsys, "evidence", "--tz", "feishu*=Asia/Shanghai")
    Path("docs/postmortems").mkdir(parents=True)
    Path("docs/postmortems/INC-0007-EXAMPLE.timeline.json").write_text(json.dumps(rows), encoding="utf-8")
    assert main(["new", "INC-0007-EXAMPLE", "--severity", "SEV2", "--title", "Delayed settlements",
                 "--from", "docs/postmortems/INC-0007-EXAMPLE.timeline.json"]) == 0
    capsys.readouterr()
    draft = Path("docs/postmortems/INC-0007-EXAMPLE.md").read_text(encoding="utf-8")
    assert "刘芳（客服）: 多个商户反馈" in draft and "| 14:20:11 |" in draft or "14:20" in draft
    assert not any(p.name.endswith((".json", ".yaml")) and "timeline" in p.name for p in Path("evidence").iterdir())


def test_new_keeps_the_picked_rows_and_marks_milestones_by_number(repo, capsys):
    rows, _ = timeline(capsys, "evidence", "--tz", "feishu*=Asia/Shanghai")
    Path("docs/postmortems").mkdir(parents=True)
    record = Path("docs/postmortems/INC-0007-EXAMPLE.timeline.json")
    record.write_text(json.dumps(rows), encoding="utf-8")
    first = next(n for n, r in enumerate(rows, 1) if r["event"].startswith("consumer_lag=2400"))
    alert = next(n for n, r in enumerate(rows, 1) if r["event"].endswith("[page, firing]"))
    assert main(["new", "INC-0007-EXAMPLE", "--severity", "SEV2", "--title", "Delayed settlements",
                 "--from", str(record), "--rows", f"2-4,{alert}",
                 "--mark", f"impact_start={first},detected={alert}"]) == 0
    capsys.readouterr()
    draft = Path("docs/postmortems/INC-0007-EXAMPLE.md").read_text(encoding="utf-8")
    table = [line for line in draft.splitlines() if line.startswith("| 1")]
    assert len(table) == 5  # rows 2-4, the alert, and the marked impact start
    assert any("**IMPACT STARTS** consumer_lag=2400" in line for line in table)
    assert any("**DETECTED** SettlementConsumerLagHigh" in line for line in table)
    assert json.loads(record.read_text(encoding="utf-8")) == rows  # the record is untouched


@pytest.mark.parametrize("option", [["--rows", "0-3"], ["--rows", "2-999"], ["--rows", "a"],
                                    ["--mark", "impact_start=x"], ["--mark", "detected=999"], ["--mark", "nothing=1"]])
def test_bad_picks_are_one_line_and_exit_2(repo, capsys, option):
    Path("t.json").write_text(json.dumps([{"time": "2026-11-18T13:52:00Z", "event": "lag 2400"}]), encoding="utf-8")
    code = main(["new", "INC-0007-EXAMPLE", "--from", "t.json", *option])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and option[0] in err


def test_evidence_outside_the_project_is_cited_by_its_path_in_the_evidence_folder(tmp_path, monkeypatch, capsys):
    shutil.copytree(FOLDER, tmp_path / "evidence")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    rows, _ = timeline(capsys, "../evidence")
    Path("t.json").write_text(json.dumps(rows), encoding="utf-8")
    assert main(["new", "INC-0007-EXAMPLE", "--from", "t.json", "--rows", "all"]) == 0
    draft = Path(capsys.readouterr().out.strip()).read_text(encoding="utf-8")
    assert "| slack/inc-0007-example/2026-11-18.json:9 |" in draft
    assert "| feishu-客服群.txt:1 |" in draft and "../evidence" not in draft
