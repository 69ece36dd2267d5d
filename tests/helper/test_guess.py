"""The milestone guesses `new --from EVIDENCE` makes: a metric recovery is a material, sustained move back
(not noise or drift on a plateau), the first after a mitigation action when there is one; detection is a
page, an alert that may have paged, or a person's report, never a warning nobody answered."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.features.importers import Event, guess_milestones
from postmortem_skill.helper.features.importers.recovery import analyse

HERE = Path(__file__).parent / "evidence"


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def guessed(capsys, tmp_path, monkeypatch, folder: str, *extra) -> tuple[dict, dict, str]:
    """(metrics JSON, milestone → event text, stderr) of `new --from` on a copy of an evidence folder."""
    shutil.copytree(HERE / folder, tmp_path / "evidence")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    code, out, err = cli(capsys, "new", "INC-1", "--severity", "SEV2", "--from", "../evidence", *extra)
    assert code == 0, err
    record = json.loads(Path("docs/postmortems/INC-1.timeline.json").read_text(encoding="utf-8"))
    marked = {r["milestone"]: r["event"] for r in record if r.get("milestone")}
    code, out, _ = cli(capsys, "metrics", out.strip(), "--format", "json")
    return json.loads(out), marked, err


# --------------------------------------------------------------------------- the folders' truth


def test_sev2_long_mitigation_follows_the_rollback_and_detection_is_the_page(tmp_path, monkeypatch, capsys):
    metrics, marked, err = guessed(capsys, tmp_path, monkeypatch, "sev2-long",
                                   "--tz", "inc-0031*=America/Los_Angeles")
    assert {k: v for k, v in metrics.items() if not k.startswith("time_")} == {
        "impact_start": "2026-05-12T13:24:00Z",
        "detected": "2026-05-12T13:31:00Z",  # the page, not the 13:27 warning that only went to Slack
        "acknowledged": "2026-05-12T13:37:00Z",
        "mitigated": "2026-05-12T14:06:00Z",  # the first falling sample after the 14:04 rollback, not 13:51
        "resolved": "2026-05-12T14:16:00Z"}
    assert (metrics["time_to_detect"], metrics["time_to_acknowledge"], metrics["time_to_mitigate"],
            metrics["time_to_resolve"]) == (7, 6, 42, 52)
    assert marked["detected"].startswith("PaymentsApi5xxHigh")
    line = next(x for x in err.splitlines() if x.lstrip().startswith("DETECTED"))
    assert "(the page (PaymentsApi5xxHigh); not the earlier warning PaymentsDBPoolSaturated at 13:27 UTC: to a " \
           "channel only, nobody answered before the page (a detection finding))" in line
    line = next(x for x in err.splitlines() if x.lstrip().startswith("MITIGATED"))
    assert "error_pct starts moving back here: from 31 at its worst to 20 2 samples on" in line
    assert "after the first mitigation action at 13:58 UTC (marco.b: rolling back payments-gateway" in line


def test_a_chinese_folder_opsgenie_datadog_and_dingtalk(tmp_path, monkeypatch, capsys):
    """zh-order (Asia/Shanghai): a P4 Opsgenie warning that a person answered in the DingTalk group before
    the P1 page, a Datadog `/api/v1/query` export (error rate up, successful orders down) with a partial
    recovery before the rollback and the real one after it, a catch-up above the baseline before resolved."""
    metrics, marked, err = guessed(capsys, tmp_path, monkeypatch, "zh-order", "--tz", "dingtalk*=Asia/Shanghai")
    assert metrics == {"impact_start": "2026-06-09T02:15:00Z", "detected": "2026-06-09T02:17:00Z",
                       "acknowledged": "2026-06-09T02:19:00Z", "mitigated": "2026-06-09T02:41:00Z",
                       "resolved": "2026-06-09T02:50:00Z", "time_to_detect": 2, "time_to_acknowledge": 2,
                       "time_to_mitigate": 26, "time_to_resolve": 35}
    assert marked["detected"] == "order-service Redis 连接池使用率超过 90% [P4, triggered]"
    assert marked["acknowledged"] == "王强: 收到，看到连接池告警了，我来看"
    assert marked["mitigated"] == "order_api.error_rate=9.5, order_api.success_per_min=1050"  # not 10:33's 14.8
    assert "counted because a person answered it at 02:19 UTC (王强: 收到" in err
    assert "after the first mitigation action at 02:36 UTC (李娜: 开始回滚 order-service 到 v3.7.2)" in err
    assert "datadog-order-api.json: metrics: kept" in err


# --------------------------------------------------------------------------- recovery on small series


def onsets(values):
    found = analyse(values)
    return [r.onset for r in found.recoveries] if found else None


@pytest.mark.parametrize("values, expected", [
    # a plateau that drifts down by 0.1 a sample, then a rollback: the move starts at the first big step
    ([0.2, 0.3, 0.2, 0.3, 0.2, 20, 31, 30.9, 30.8, 30.7, 30.6, 30.5, 29.0, 24.5, 20, 11, 2, 0.3, 0.2, 0.3],
     [12]),
    # a noisy plateau (±1 on 18): the step from 19 to 18 is noise, the move starts at 0.1
    ([0.1, 0.2, 0.1, 0.1, 0.2, 18, 17, 19, 18, 17, 19, 18, 0.1, 0.1, 0.2], [12]),
    # a backlog: the peak is where it stopped growing, the first sample after it starts the drain
    ([110, 105, 130, 118, 122, 2400, 8900, 61200, 212000, 207000, 150000, 60000, 0, 0], [9]),
    # throughput, lower is worse: down to 35, back past the baseline to 900
    ([410, 416, 410, 416, 410, 35, 38, 35, 38, 35, 38, 900, 900, 900, 900], [11]),
    # two plateaus: a partial recovery (autoscaling) and the real one; both are candidates
    ([1, 1, 1, 1, 1, 40, 41, 40, 41, 40, 20, 21, 20, 21, 20, 21, 1, 1, 1, 1], [10, 16]),
    # a drop of 10% of the excursion that holds is not material
    ([0, 1, 0, 1, 0, 100, 100, 100, 90, 90, 90, 90, 90], []),
    # one good sample in a bad stretch is not a recovery
    ([0, 1, 0, 1, 0, 100, 100, 100, 0, 100, 100, 100, 100], []),
    # samples missing on the plateau and in the fall: the fall is still found
    ([5, 5, 6, 5, 6, 50, None, 52, 51, None, 50, 30, None, 6, 5, 5], [11]),
])
def test_recovery_on_small_series(values, expected):
    assert onsets(values) == expected


def test_a_lone_outlier_neither_starts_an_excursion_nor_sizes_it():
    assert analyse([5, 6, 5, 6, 5, 5, 900, 5, 6, 5, 6, 5, 5]) is None
    # a spike on a plateau does not make the plateau look like a recovery from it
    assert onsets([0, 1, 0, 1, 0, 50, 51, 50, 200, 50, 51, 50, 51, 50]) == []


@settings(max_examples=300, deadline=None)
@given(base=st.floats(0, 1000), height=st.floats(10, 1e6), lower_is_worse=st.booleans(),
       before=st.integers(5, 12), plateau=st.integers(3, 30), seed=st.lists(st.floats(-1, 1), min_size=60,
                                                                             max_size=60))
def test_noise_on_a_plateau_never_makes_a_recovery(base, height, lower_is_worse, before, plateau, seed):
    sign = -1 if lower_is_worse else 1
    noise = iter(seed)
    values = [base + 0.001 * height * next(noise) for _ in range(before)]
    values += [base + sign * height * (1 + 0.1 * next(noise)) for _ in range(plateau)]  # ±10% of the height
    found = analyse(values)
    assert found is not None and found.start == before and found.recoveries == ()


@settings(max_examples=300, deadline=None)
@given(base=st.floats(0, 1000), height=st.floats(10, 1e6), lower_is_worse=st.booleans(),
       plateau=st.integers(6, 20), ramp=st.integers(1, 3), after=st.integers(3, 10),
       seed=st.lists(st.floats(0, 1), min_size=60, max_size=60), gap=st.integers(0, 40))
def test_a_real_recovery_is_found_where_the_fall_starts(base, height, lower_is_worse, plateau, ramp, after, seed,
                                                        gap):
    """A plateau that wobbles (±5%, up and down in turn), then a fall over 1-3 samples back to the baseline."""
    sign, noise = (-1 if lower_is_worse else 1), iter(seed)
    values = [base + 0.001 * height * next(noise) for _ in range(6)]
    values += [base + sign * height * (1 + 0.05 * (-1) ** k * next(noise)) for k in range(plateau)]
    fall = len(values)
    values += [base + sign * height * (1 - (k + 1) / (ramp + 1)) for k in range(ramp)]
    values += [base + 0.001 * height * next(noise) for _ in range(after)]
    if 7 < gap < len(values) and gap not in range(fall - 3, fall + ramp + 1):
        values[gap] = None  # a missing sample away from the fall (one next to it breaks the wobble's turns)
    found = analyse(values)
    assert found is not None and found.recoveries
    assert fall - 1 <= found.recoveries[0].onset <= fall  # the plateau's last step down may look like the start
    assert found.back is not None and found.back >= fall


# --------------------------------------------------------------------------- detection and the action


def at(minute, text, source=None):
    return Event(datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc) + timedelta(minutes=minute), text, None, source)


def marks(events, hints):
    marked, guesses = guess_milestones(events, hints)
    return {g.name: (events[g.row - 1].event, g.why) for g in guesses}


def test_a_warning_nobody_answered_is_not_detection_the_page_is():
    events = [at(0, "error_pct=9", "m.csv:2"), at(3, "PoolSaturated: pool above 90% [warning, firing]"),
              at(4, "bot: PoolSaturated firing (warning)"), at(7, "Api5xxHigh: 5xx above 5% [critical, firing]"),
              at(9, "sam: ack")]
    found = marks(events, {"m.csv:2": "impact_start"})
    assert found["detected"][0].startswith("Api5xxHigh")
    assert "not the earlier warning PoolSaturated at 10:03 UTC" in found["detected"][1]
    assert found["acknowledged"][0] == "sam: ack"


def test_a_warning_a_person_answered_is_detection_at_its_own_time():
    events = [at(0, "error_pct=9", "m.csv:2"), at(3, "PoolSaturated: pool above 90% [warning, firing]"),
              at(5, "dana: looking at the PoolSaturated warning"), at(7, "Api5xxHigh [page, firing]")]
    found = marks(events, {"m.csv:2": "impact_start"})
    assert found["detected"][0].startswith("PoolSaturated")
    assert "counted because a person answered it at 10:05 UTC" in found["detected"][1]


def test_a_person_reporting_the_problem_before_any_page_is_detection():
    events = [at(0, "p99=2400", "m.csv:2"), at(2, "Slow [info, firing]"), at(4, "lunch.bot: menu posted"),
              at(5, "王强：客户反馈支付报错"), at(9, "Api5xxHigh [P1, triggered]")]
    found = marks(events, {"m.csv:2": "impact_start"})
    assert found["detected"][0] == "王强：客户反馈支付报错"
    assert found["detected"][1].startswith("a person reporting the problem in chat before any page")


def test_an_alert_whose_export_says_nothing_of_paging_is_detection_and_says_so():
    events = [at(0, "lag=900", "m.csv:2"), at(2, "[Triggered] send rate is 0")]
    assert "its export does not say whether it paged: check" in marks(events, {"m.csv:2": "impact_start"})[
        "detected"][1]


def test_the_recovery_after_the_first_mitigation_action_is_preferred():
    hints = {"m.csv:2": "impact_start", "m.csv:3": ("mitigated", "autoscaling"),
             "m.csv:5": ("mitigated", "after the rollback"), "m.csv:6": "resolved"}
    events = [at(0, "e=40", "m.csv:2"), at(5, "e=20", "m.csv:3"), at(8, "ops: can you roll back?"),
              at(9, "ops: rolled back to 1.2"), at(11, "e=2", "m.csv:5"), at(15, "e=0", "m.csv:6")]
    found = marks(events, hints)
    assert found["mitigated"][0] == "e=2"
    assert "after the first mitigation action at 10:09 UTC (ops: rolled back to 1.2)" in found["mitigated"][1]
    without = [e for e in events if "roll" not in e.event]
    assert marks(without, hints)["mitigated"][0] == "e=20"  # no action: the first recovery


# --------------------------------------------------------------------------- what the incident's record declares


def test_a_declaration_in_the_incident_chat_outranks_the_metrics():
    hints = {"m.csv:2": "impact_start", "m.csv:4": ("mitigated", "lag turns"), "m.csv:6": "resolved"}
    events = [at(0, "lag=9000", "m.csv:2"), at(8, "ops: rolled back to 1.2"), at(10, "lag=30000", "m.csv:4"),
              at(13, "lin: Mitigated at 10:12 UTC. Keeping it open for monitoring before resolving."),
              at(20, "lag=900", "m.csv:6"), at(26, "lin: All clean. Resolving INC-7 at 10:26 UTC.")]
    found = marks(events, hints)
    assert found["mitigated"][0].startswith("lin: Mitigated at 10:12")
    assert found["mitigated"][1].startswith("declared in the incident chat by lin: “Mitigated at 10:12 UTC.”")
    assert "the metrics suggest 10:10 UTC (row 3: lag turns" in found["mitigated"][1]
    assert found["resolved"][0].startswith("lin: All clean.")


@pytest.mark.parametrize("text", ["lin: is it mitigated?", "lin: not mitigated yet, lag still climbing",
                                  "lin: we can resolve the incident once lag is at baseline",
                                  "pagerduty-bot: Incident resolved", "王强：故障是否已恢复？", "王强：事故还没恢复"])
def test_questions_negations_conditions_and_bots_declare_nothing(text):
    hints = {"m.csv:2": "impact_start", "m.csv:4": "resolved"}
    events = [at(0, "lag=9000", "m.csv:2"), at(5, text), at(20, "lag=900", "m.csv:4")]
    assert marks(events, hints)["resolved"][0] == "lag=900"
    assert "mitigated" not in marks(events, hints)


def test_chinese_declarations():
    hints = {"m.csv:2": "impact_start"}
    events = [at(0, "err=9", "m.csv:2"), at(9, "张伟：回滚完成，已止血"),
              at(30, "张伟：观察 15 分钟无异常，事故已恢复，关闭群公告")]
    found = marks(events, hints)
    assert found["mitigated"][0].startswith("张伟：回滚完成") and found["resolved"][0].startswith("张伟：观察")


# --------------------------------------------------------------------------- where impact starts

@pytest.mark.parametrize("values, start, onset", [
    # a small shift (restarts, a sale opening) and only later the take-off: impact starts at the take-off
    ([955, 1067, 1126, 1067, 1023, 1021, 994, 725, 2380, 3120, 2710, 3340, 2580, 2920, 2140, 6810, 10870,
      14230, 16940, 22640, 33520, 30000], 8, 15),
    # a backlog that grows from the first sample off its baseline: no earlier shift, the same sample
    ([110, 105, 130, 118, 122, 2400, 8900, 61200, 212000, 207000, 150000, 60000, 0, 0], 5, 5),
    # a step straight to the plateau
    ([0.1, 0.2, 0.1, 0.1, 0.2, 18, 17, 19, 18, 17, 19, 18, 0.1, 0.1, 0.2], 5, 5),
])
def test_impact_starts_where_the_rise_became_material(values, start, onset):
    excursion = analyse(values)
    assert (excursion.start, excursion.onset) == (start, onset)


def test_an_earlier_small_shift_is_named_not_marked(tmp_path, monkeypatch, capsys):
    values = [955, 1067, 1126, 1067, 1023, 1021, 994, 725, 2380, 3120, 2710, 3340, 2580, 2920, 2140, 6810, 10870,
              14230, 16940, 22640, 33520, 30000, 20000, 9000, 1100, 1000, 1050, 990, 1010, 1000]
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "lag.csv").write_text("time_utc,consumer_lag\n" + "".join(
        f"2026-11-18T13:{m:02d}:00Z,{v}\n" for m, v in enumerate(values)), encoding="utf-8")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    code, _, err = cli(capsys, "new", "INC-1", "--severity", "SEV2", "--from", "../evidence")
    assert code == 0, err
    impact = next(line for line in err.splitlines() if line.strip().startswith("IMPACT STARTS"))
    assert "13:15:00Z" in impact and "consumer_lag=6810" in impact
    assert "first left its baseline earlier, by less (2026-11-18T13:08:00Z, line 10)" in impact


@settings(max_examples=200, deadline=None)
@given(st.integers(5, 12), st.sampled_from([0, 2, 3, 5, 8]), st.floats(50, 1e5), st.floats(0.0, 0.08),
       st.randoms(use_true_random=False))
def test_impact_starts_at_the_take_off_after_any_small_shift(before, shifted, height, shift, rng):
    """A small shift held for two samples or more, then a take-off: impact starts at the take-off. (One
    shifted sample right before it is the first step of the climb, and is read so.)"""
    noise = height * 0.003
    base = [100 + rng.uniform(-noise, noise) for _ in range(before)]
    small = [100 + height * shift + rng.uniform(-noise, noise) for _ in range(shifted)]
    take_off = [100 + height * (0.6 + 0.1 * k) for k in range(5)]
    excursion = analyse(base + small + take_off)
    assert excursion is not None and excursion.onset == before + shifted
