import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from corpus_support import CORPUS, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.engine.config import Config
from postmortem_skill.helper.model import milestones
from postmortem_skill.helper.model.document import parse_document

GOOD = """# Postmortem: Checkout errors after the 4.12 deploy
<!-- postmortem-template: quick -->

**Date**: 2026-03-04
**Authors**: Platform on-call (SRE)
**Status**: Draft
**Incident Severity**: SEV2
**Incident Duration**: 48 minutes

## Summary

Checkout returned errors for 48 minutes after a configuration change reduced the pool size.

## Timeline (All times UTC)

| Time | Event |
|---|---|
| 09:12 | **IMPACT STARTS** Error rate rises to 8% |
| 09:15 | **DETECTED** Error-rate alert pages the on-call |
| 09:17 | **ACKNOWLEDGED** On-call acknowledges the page |
| 09:38 | **MITIGATED** Pool size restored |
| 10:00 | **RESOLVED** Error rate back under 0.1% |

## Contributing Factors

- The deploy pipeline applies configuration without a canary stage.

## Action Items

| Priority | Action | Owner | Due Date | Ticket |
|---|---|---|---|---|
| P1 | Add a canary stage that blocks config changes when errors exceed 1% | Platform team | 2026-04-01 | OPS-12 |
| P2 | Alert when the pool is saturated for 2 minutes | TBD | 2026-04-15 | OPS-13 |
"""


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, text, name="pm.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_document_passes(tmp_path, capsys):
    code, out, _ = run(capsys, "validate", str(write(tmp_path, GOOD)))
    assert code == 0, out
    assert "PM503" in out and "info" in out  # TBD in a draft is info only


def test_final_with_tbd_is_an_error(tmp_path, capsys):
    code, out, _ = run(capsys, "validate", "--format", "json", str(write(tmp_path, GOOD.replace("Draft", "Final"))))
    findings = json.loads(out)["findings"]
    assert code == 1 and any(f["rule"] == "PM503" and f["severity"] == "error" for f in findings)
    assert set(findings[0]) >= {"file", "line", "column", "rule", "category", "severity", "message"}


def test_metrics_json_matches_contract(tmp_path, capsys):
    code, out, _ = run(capsys, "metrics", "--format", "json", str(write(tmp_path, GOOD)))
    assert code == 0
    assert json.loads(out) == {"impact_start": "2026-03-04T09:12:00Z", "detected": "2026-03-04T09:15:00Z",
                               "acknowledged": "2026-03-04T09:17:00Z", "mitigated": "2026-03-04T09:38:00Z",
                               "resolved": "2026-03-04T10:00:00Z", "time_to_detect": 3, "time_to_acknowledge": 2,
                               "time_to_mitigate": 26, "time_to_resolve": 48}
    code, out, _ = run(capsys, "metrics", str(write(tmp_path, GOOD)))
    assert "TTD" in out and "detected − impact start" in out
    assert "impact start:  2026-03-04T09:12:00Z\n" in out  # a UTC timeline: nothing else to show


def test_metrics_text_also_shows_the_timelines_own_clock(tmp_path, capsys):
    beijing = GOOD.replace("All times UTC", "All times UTC+8")
    code, out, _ = run(capsys, "metrics", str(write(tmp_path, beijing)))
    assert code == 0
    assert "impact start:  2026-03-04T01:12:00Z  (2026-03-04 09:12 UTC+8)" in out


def test_duration_mismatch_and_midnight(tmp_path):
    text = GOOD.replace("48 minutes\n", "30 minutes\n", 1)
    assert "PM406" in [f.rule for f in check_text(text)]
    crossing = GOOD.replace("| 10:00 |", "| 00:10 |")
    assert "PM404" in [f.rule for f in check_text(crossing)]
    dated = GOOD
    for old, new in (("09:12", "2026-03-04 23:50"), ("09:15", "2026-03-04 23:53"), ("09:17", "2026-03-04 23:55"),
                     ("09:38", "2026-03-05 00:01"), ("10:00", "2026-03-05 00:10")):
        dated = dated.replace(f"| {old} |", f"| {new} |")
    rules = [f.rule for f in check_text(dated.replace("48 minutes\n", "20 minutes\n", 1))]
    assert "PM404" not in rules and "PM405" not in rules and "PM406" not in rules


def test_sarif_and_github_formats(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("Draft", "Final").replace("configuration change", "careless change"))
    code, out, _ = run(capsys, "validate", "--format", "sarif", str(path))
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    ids = {r["id"] for r in driver["rules"]}
    for result in log["runs"][0]["results"]:
        assert result["ruleId"] in ids and result["level"] in ("error", "warning", "note")
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
    code, out, _ = run(capsys, "validate", "--format", "github", str(path))
    assert out.startswith("::") and ",line=" in out and ",col=" in out and "title=PM" in out


def test_suppression_needs_a_reason(tmp_path):
    text = GOOD.replace("- The deploy", "<!-- postmortem-ignore PM301: quoting the vendor -->\n- The careless deploy")
    assert "PM301" not in [f.rule for f in check_text(text)]
    text = GOOD.replace("- The deploy", "<!-- postmortem-ignore PM301 -->\n- The careless deploy")
    rules = [f.rule for f in check_text(text)]
    assert "PM301" in rules and "PM106" in rules


def test_config_file_is_found_and_applied(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".postmortem.yaml").write_text("severity:\n  PM503: error\ndisabled_rules: [PM507]\n")
    sub = tmp_path / "docs" / "postmortems"
    sub.mkdir(parents=True)
    code, out, _ = run(capsys, "validate", "--format", "json", str(write(sub, GOOD)))
    findings = json.loads(out)["findings"]
    assert code == 1 and any(f["rule"] == "PM503" and f["severity"] == "error" for f in findings)


def test_config_severity_scale_and_phrases():
    config = Config({"severity_scale": ["S1", "S2"], "extra_phrases": {"blame": ["threw under the bus"]}})
    rules = [f.rule for f in check_text(GOOD.replace("- The deploy", "- Ops threw under the bus the deploy"), config)]
    assert "PM204" in rules and "PM301" in rules


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00bad", "binary"), (b"caf\xe9", "UTF-8"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "x.md"
    path.write_bytes(content)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2 and message in err and err.count("\n") == 1 and not out


def test_missing_path_empty_folder_and_large_file(tmp_path, capsys):
    assert run(capsys, "validate", str(tmp_path / "nope.md"))[0] == 2
    assert run(capsys, "validate", str(tmp_path))[0] == 2
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    code, _, err = run(capsys, "validate", str(big))
    assert code == 2 and "too large" in err


def test_a_file_is_read_whole_even_when_its_size_says_otherwise(tmp_path):
    """read_bytes asks for the size fstat gives and one byte more, then reads on: a regular file that
    reports 0 bytes (as /proc files do, or one growing while read) is still read whole, up to the limit."""
    import os

    from postmortem_skill.helper.errors import UsageError
    from postmortem_skill.helper.inputs import read_bytes

    exact = tmp_path / "exact.md"
    exact.write_bytes(b"x" * 10)
    assert read_bytes(exact, limit=10) == b"x" * 10
    if os.path.isfile("/proc/self/status") and os.stat("/proc/self/status").st_size == 0:
        data = read_bytes("/proc/self/status")
        assert data.startswith(b"Name:") and data.endswith(b"\n")
        with pytest.raises(UsageError, match="too large"):
            read_bytes("/proc/self/status", limit=16)


def test_folder_is_checked_recursively_in_parallel(tmp_path, capsys):
    for i in range(30):
        folder = tmp_path / f"d{i % 3}"
        folder.mkdir(exist_ok=True)
        write(folder, GOOD, f"pm{i}.md")
    code, out, _ = run(capsys, "validate", "--format", "json", str(tmp_path))
    files = {f["file"] for f in json.loads(out)["findings"]}
    assert code == 0 and len(files) == 30


def test_rules_command_and_generated_doc(capsys):
    code, out, _ = run(capsys, "rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and len({r["id"] for r in rules}) == len(rules)
    assert {r["category"] for r in rules} == {"structure", "metadata", "timeline", "action-items", "language",
                                              "security"}
    from postmortem_skill.helper.report.rules_doc import render

    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: python3 -m postmortem_skill.helper.report.rules_doc > docs/rules.md"


def test_every_rule_has_doc_examples():
    from postmortem_skill.helper.rules.registry import REGISTRY

    for r in REGISTRY:
        assert r.doc and r.bad and r.good and r.summary, r.id


def test_security_findings():
    text = GOOD + "\nConnection: postgres://app:hunter2hunter2@db.prod:5432/x and AKIAABCDEFGHIJKLMNOP\n" \
                  "Reported by jane.doe@gmail.com from 81.2.69.160; security@example.com and 10.0.0.1 are fine.\n"
    found = [(f.rule, f.severity) for f in check_text(text)]
    assert found.count(("PM601", "error")) == 2
    assert ("PM602", "warning") in found and ("PM604", "warning") in found
    assert len([r for r, _ in found if r in ("PM602", "PM604")]) == 2


def test_fresh_scaffold_markers_are_errors():
    text = GOOD.replace("**Authors**: Platform on-call (SRE)", "**Authors**: [TODO: names or roles]") \
        + "\n## Notes\n\n{{title}} <!-- TODO in a guidance comment is fine -->\n"
    placeholders = [f for f in check_text(text) if f.rule == "PM103"]
    assert len(placeholders) == 2 and all(f.severity == "error" for f in placeholders)


def test_chinese_document():
    text = ("# 复盘报告：支付回调超时\n\n**日期**：2026-03-04\n**状态**：草稿\n\n"
            "## 时间线（UTC+8）\n\n| 时间 | 事件 |\n|---|---|\n"
            "| 14:23 | **影响开始** 回调超时 |\n| 15:08 | **恢复** 回调恢复 |\n\n"
            "## 根因分析\n\n值班同学粗心，改错了超时配置。\n")
    findings = check_text(text)
    assert any(f.rule == "PM301" and "指责" in f.message for f in findings)
    from postmortem_skill.helper.model.document import parse_document
    from postmortem_skill.helper.model.milestones import compute
    assert compute(parse_document(text))["resolved"] == datetime(2026, 3, 4, 7, 8, tzinfo=timezone.utc)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_corpus_blameless_are_quiet_and_bad_fail():
    def language(name):
        return [f for f in check_text((CORPUS / name).read_text(encoding="utf-8")) if f.category == "language"]
    for name in ("01-google-shakespeare.md", "04-dfds-k8s-node-deletion.md", "06-posthog-feature-flags-outage.md",
                 "12-github-oct21-2018.md", "13-cloudflare-2025-12-05.md", "17-zh-midas-notes-db-path.md"):
        if (CORPUS / name).exists():
            assert language(name) == [], name
    if (CORPUS / "10-pypi-leaked-pat-2024.md").exists():
        assert {f.message for f in language("10-pypi-leaked-pat-2024.md")} and \
            all("laz" in f.message for f in language("10-pypi-leaked-pat-2024.md"))
    for name in ("02-google-workbook-bad-diskerase.md", "18-NEGATIVE-secondary-gitlab-2017-anatomy.md"):
        if (CORPUS / name).exists():
            assert len(language(name)) >= 4, name
    bad = CORPUS / "02-google-workbook-bad-diskerase.md"
    if bad.exists():
        assert main(["validate", str(bad)]) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_no_text_makes_validate_raise(text):
    check_text(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "# Postmortem: x\n", "**Date**: 2026-02-30\n", "**Status**: Final\n", "## Timeline (UTC)\n", "## 时间线\n",
    "| Time | Event |\n|---|---|\n", "| 25:99 | **DETECTED** |\n", "| 2026-01-01 00:00 | **RESOLVED** x |\n",
    "## Action Items\n", "| Priority | Action | Owner | Due Date | Ticket |\n|---|---|---|---|---|\n",
    "| P1 | Improve | TBD | 1999-01-01 | |\n", "```\n", "> quote\n", "- item\n", "值班同学本应及时升级。\n",
    "<!-- postmortem-ignore PM301 -->\n", "**Incident Duration**: 1h 2m\n", "\n"]), max_size=25).map("".join))
def test_structured_noise_never_raises(text):
    check_text(text)


def test_whole_process_is_fast_and_isolated(tmp_path):
    path = write(tmp_path, GOOD * 4)
    result = subprocess.run([sys.executable, "-I", "-m", "postmortem_skill.helper", "validate", str(path)],
                            cwd=REPO, capture_output=True, text=True, timeout=30)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["worked-example.md", "worked-example.zh.md"])
def test_worked_examples_validate_clean(name):
    path = REPO / "prompts" / "examples" / name
    findings = check_text(path.read_text(encoding="utf-8"))
    assert [f for f in findings if f.severity != "info"] == []


@pytest.mark.parametrize("name", ["standard.md", "quick.md", "five-whys.md", "zh.md"])
def test_fresh_templates_report_placeholders(name):
    path = REPO / "prompts" / "templates" / name
    assert any(f.rule == "PM103" and f.severity == "error" for f in check_text(path.read_text(encoding="utf-8")))


def test_alerts_fire_but_people_are_not_fired():
    text = GOOD.replace("Error-rate alert pages the on-call", "Error-rate alert fired and paged the on-call")
    assert "PM306" not in [f.rule for f in check_text(text)]
    assert "PM306" in [f.rule for f in check_text(GOOD + "\nThe operator was fired after the outage.\n")]


def test_tbd_cells_of_a_draft_are_one_finding_per_table_and_one_error_per_row_once_final():
    text = GOOD.replace("| Platform team | 2026-04-01 | OPS-12 |", "| TBD | TBD | TBD |")
    tbd = [f for f in check_text(text) if f.rule == "PM503"]
    assert len(tbd) == 1 and tbd[0].severity == "info"
    assert tbd[0].message.startswith("2 action items still say TBD (Owner in 2")
    final = [f for f in check_text(text.replace("**Status**: Draft", "**Status**: Final")) if f.rule == "PM503"]
    assert len(final) == 2 and {f.severity for f in final} == {"error"}
    assert "Owner, Due Date and Ticket are TBD" in final[0].message


def test_placeholder_advice_depends_on_where_it_stands():
    text = GOOD.replace("Pool size restored", "[TODO: what stopped the impact]").replace(
        "| Platform team |", "| [TODO: owner] |")
    hints = {f.line: f.suggestion for f in check_text(text) if f.rule == "PM103"}
    prose, cell = sorted(hints)
    assert "Open Questions" in hints[prose] and "TBD" not in hints[prose]
    assert "TBD" in hints[cell]


def test_ambiguous_zone_is_named_not_guessed():
    text = GOOD.replace("## Timeline (All times UTC)", "## Timeline (CST)")
    zone = [f for f in check_text(text) if f.rule == "PM403"]
    assert len(zone) == 1 and "'CST' is ambiguous" in zone[0].message
    assert all(value is None for key, value in milestones.compute(parse_document(text)).items()
               if not key.startswith("time_to"))


def test_two_times_in_one_cell_do_not_parse():
    text = GOOD.replace("| 09:12 |", "| 09:12 (17:12 Beijing) |")
    assert "PM402" in [f.rule for f in check_text(text)]


def test_chinese_open_questions_are_forward_looking():
    doc = parse_document("# 复盘报告：测试\n\n## 待确认问题\n\n- 如果当时有灰度发布，是否就能更早发现？\n")
    assert all("forward" in s.flags for s in doc.sentences if "灰度" in s.text)


def test_a_todo_time_is_one_placeholder_not_also_a_bad_time(tmp_path, capsys):
    text = GOOD.replace("| 09:12 |", "| [TODO: time] |")
    rules = [f.rule for f in check_text(text) if f.line == text.splitlines().index(
        "| [TODO: time] | **IMPACT STARTS** Error rate rises to 8% |") + 1]
    assert rules == ["PM103"]
    code, out, _ = run(capsys, "validate", str(write(tmp_path, text)))
    assert code == 1 and "(1 of the errors are placeholders still to fill)" in out
    assert "placeholders to fill: Timeline (All times UTC) (line 18)" in out.splitlines()


def test_long_placeholders_are_clipped_at_a_readable_length():
    slot = "[TODO: " + "support tickets, customer reports and SLA credits " * 4 + "]"
    found = [f for f in check_text(GOOD.replace("Pool size restored", slot)) if f.rule == "PM103"]
    assert found and found[0].message.endswith("…") and len(found[0].message) < 140


def test_placeholder_header_values_are_reported_once():
    text = GOOD.replace("**Date**: 2026-03-04", "**Date**: [TODO: YYYY-MM-DD, the day the impact started]")
    assert [f.rule for f in check_text(text) if f.line == 4] == ["PM103"]


@pytest.mark.parametrize("slot, shown", [("- [TODO]", "[TODO]"),
                                         ("- [TODO: how the change was tested, and whether any test", "[TODO: how")])
def test_bare_and_wrapped_placeholders_show_their_text(slot, shown):
    text = GOOD + "\n## Open Questions\n\n" + slot + "\n  covers a bounce]\n"
    found = [f for f in check_text(text) if f.rule == "PM103"]
    assert len(found) == 1 and found[0].message.split(": ", 1)[1].startswith(shown)


def test_prefixed_secret_names_in_code_spans_are_credentials():
    text = GOOD + ("\n## Notes\n\n- Pasted in the channel: `AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ1x`\n"
                   "- `DB_PASSWORD: hunter2hunter2`\n- `secret_name: prod-db-credentials` names a secret, no value\n")
    lines = [f.line for f in check_text(text) if f.rule == "PM601"]
    notes = text.splitlines().index("## Notes") + 1
    assert lines == [notes + 2, notes + 3]


def test_undated_rows_after_midnight_are_flagged_but_read_as_the_next_day():
    text = GOOD.replace("| 09:12 |", "| 23:12 |").replace("| 09:15 |", "| 23:15 |").replace(
        "| 09:17 |", "| 23:17 |").replace("| 09:38 |", "| 23:38 |").replace("| 10:00 |", "| 00:00 |")
    rules = [f.rule for f in check_text(text)]
    assert "PM404" in rules and "PM405" not in rules and "PM406" not in rules
    assert milestones.compute(parse_document(text))["time_to_resolve"] == 48
    assert milestones.compute(parse_document(text))["resolved"] == datetime(2026, 3, 5, tzinfo=timezone.utc)


def test_a_five_whys_chain_ending_at_an_author_is_person_terminal():
    text = GOOD.replace("**Authors**: Platform on-call (SRE)", "**Authors**: Dana Whitfield") + (
        "\n## 5 Whys Analysis\n\n1. Why was the flag used? The runbook shows it.\n"
        "2. Why was the runbook stale? Dana Whitfield did not update it.\n")
    assert "PM305" in [f.rule for f in check_text(text)]


@pytest.mark.parametrize("stated, flagged", [("48 minutes", False), ("47 minutes", False), ("45 minutes", True),
                                             ("1 hour", False), ("2 hours", True), ("0.8 hours", False)])
def test_stated_duration_agrees_at_its_own_precision(stated, flagged):
    text = GOOD.replace("**Incident Duration**: 48 minutes", f"**Incident Duration**: {stated}")
    assert ("PM406" in [f.rule for f in check_text(text)]) is flagged


def test_a_placeholder_in_the_heading_states_no_zone():
    text = GOOD.replace("## Timeline (All times UTC)", "## Timeline ([TODO: zone of these times, then convert to UTC])")
    assert "PM403" in [f.rule for f in check_text(text)]
    assert milestones.compute(parse_document(text))["impact_start"] is None


def test_a_finding_carries_its_rule_from_check_to_report(tmp_path, capsys):
    from postmortem_skill.helper.rules.registry import BY_ID

    text = "# Postmortem: X\n\n**Date**: 2026-02-30\n\n## Executive Summary\n\nThe operator was careless.\n"
    findings = check_text(text, file="INC-1.md")
    assert findings and all(f.source is BY_ID[f.rule] and f.category == f.source.category for f in findings)
    assert [f.as_dict() for f in findings][0]["file"] == "INC-1.md"
    path = tmp_path / "INC-1.md"
    path.write_text(text, encoding="utf-8")
    main(["validate", "--format", "json", str(path)])
    reported = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["category"], f["severity"]) for f in reported] == \
        [(f.rule, f.source.category, f.severity) for f in findings]


def test_rules_explains_the_checks_it_is_given(capsys):
    code, out, _ = run(capsys, "rules", "PM305", "blame")
    assert code == 0
    assert out.startswith("PM301 blame (language, error by default)") and "PM305 person-as-cause" in out
    assert "bad:" in out and "good:" in out
    code, _, err = run(capsys, "rules", "PM999")
    assert code == 2 and err.strip() == "postmortem: no such rule: PM999 (postmortem rules lists them)"
