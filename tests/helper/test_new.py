"""`postmortem new`: scaffolds, refusals, drafts from facts, and the Chinese round trip through validate."""
from __future__ import annotations

import json
import re

import pytest

from postmortem_skill.helper.cli import main

FACTS_YAML = """\
id: INC-42
title: Checkout errors after deploy
severity: sev2
date: 2026-03-04
authors: [Checkout team, SRE on-call]
timezone: Europe/Berlin
summary: Checkout returned errors for 47 minutes after a connection-pool change.
impact:
  failed checkouts: 1840
responders: [Incident commander (SRE on-call), Checkout engineer]
events:
  - {time: "2026-03-04 09:55", event: Deploy 4.12.0 raises the pool size, source: "https://ci.example/run/7"}
  - {time: "10:12", event: Checkout error rate above 5%, milestone: impact_start}
  - {time: "10:15", event: "**DETECTED** Error-rate page fires"}
  - {time: "10:38", event: Rolled back to 4.11.2, milestone: mitigated}
  - {time: "10:59", event: Error rate at baseline, milestone: resolved}
"""


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_default_folder_name_and_filled_variables(project, capsys):
    code, out, err = cli(capsys, "new", "INC-42", "--title", "Checkout errors", "--severity", "p1",
                         "--date", "2026-03-04")
    assert (code, err) == (0, "")
    assert out.strip() == "docs/postmortems/INC-42.md"
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert text.startswith("# Postmortem: Checkout errors\n<!-- postmortem-template: standard -->")
    for line in ("**Date**: 2026-03-04", "**Incident Severity**: P1", "**Status**: Draft", "**Incident ID**: INC-42"):
        assert line in text
    assert "{{" not in text and "**Authors**: [TODO:" in text and "**Incident Duration**: [TODO:" in text


def test_config_folder_and_severity_scale(project, capsys):
    (project / ".postmortem.yaml").write_text("folder: incidents\nseverity_scale: [Critical, Major]\n")
    code, out, _ = cli(capsys, "new", "INC-7", "--severity", "major")
    assert code == 0 and out.strip() == "incidents/INC-7.md"
    assert "**Incident Severity**: Major" in (project / "incidents/INC-7.md").read_text(encoding="utf-8")
    code, _, err = cli(capsys, "new", "INC-8", "--severity", "SEV2")
    assert code == 2 and "unknown severity 'SEV2' (one of Critical, Major)" in err


@pytest.mark.parametrize("template, heading", [("quick", "## Contributing Factors"),
                                               ("five-whys", "## 5 Whys Analysis")])
def test_other_templates(project, capsys, template, heading):
    code, out, _ = cli(capsys, "new", "INC-9", "--template", template, "--dir", "pm")
    assert code == 0 and out.strip() == "pm/INC-9.md"
    text = (project / "pm/INC-9.md").read_text(encoding="utf-8")
    assert f"<!-- postmortem-template: {template} -->" in text and heading in text


def test_zh_template(project, capsys):
    code, out, _ = cli(capsys, "new", "INC-10", "--lang", "zh", "--title", "订单服务超时")
    assert code == 0
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert text.startswith("# 复盘报告：订单服务超时") and "**状态**：草稿" in text
    for heading in ("基本信息", "事件摘要", "时间线", "根因分析", "影响评估", "处理过程回顾", "改进行动项", "经验教训"):
        assert re.search(rf"^## {heading}", text, re.M), heading


@pytest.mark.parametrize("incident_id", ["../x", "a/b", "two words", "..", ".hidden", "_x", "a\tb", "x" * 65, ""])
def test_refuses_ids_that_are_not_plain_names(project, capsys, incident_id):
    code, out, err = cli(capsys, "new", incident_id)
    assert code == 2 and out == "" and "not a plain incident id" in err and len(err.splitlines()) == 1
    assert not (project / "docs").exists()


@pytest.mark.parametrize("args, message", [
    (["--date", "2026-02-30"], "not a real date"),
    (["--date", "04/03/2026"], "YYYY-MM-DD"),
    (["--severity", "SEV9"], "unknown severity 'SEV9'"),
    (["--lang", "zh", "--template", "quick"], "--lang zh has one template"),
    (["--template", "long"], "invalid choice"),
])
def test_refuses_bad_values(project, capsys, args, message):
    code, _, err = cli(capsys, "new", "INC-1", *args)
    assert code == 2 and message in err and len(err.splitlines()) == 1
    assert not (project / "docs/postmortems/INC-1.md").exists()


def test_never_overwrites(project, capsys):
    assert cli(capsys, "new", "INC-1")[0] == 0
    path = project / "docs/postmortems/INC-1.md"
    path.write_text("my edits\n")
    code, _, err = cli(capsys, "new", "INC-1", "--title", "again")
    assert code == 2 and "already exists; not overwritten (--force replaces it)" in err
    assert path.read_text() == "my edits\n"
    code, _, err = cli(capsys, "new", "INC-1", "--title", "again", "--force")
    assert code == 0 and "# Postmortem: again" in path.read_text()


def test_draft_from_yaml_facts(project, capsys):
    (project / "facts.yaml").write_text(FACTS_YAML, encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-42", "--from", "facts.yaml")
    assert (code, err) == (0, ""), err
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert "**Incident Duration**: 47 minutes" in text and "**Incident Severity**: SEV2" in text
    assert "**Authors**: Checkout team, SRE on-call" in text
    assert "Checkout returned errors for 47 minutes after a connection-pool change." in text
    assert "- failed checkouts: 1840" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[:7] == [
        "| Time (UTC) | Event | Source |",
        "| 08:55 | Deploy 4.12.0 raises the pool size | https://ci.example/run/7 |",
        "| 09:12 | **IMPACT STARTS** Checkout error rate above 5% |  |",
        "| 09:15 | **DETECTED** Error-rate page fires |  |",
        "| 09:38 | **MITIGATED** Rolled back to 4.11.2 |  |",
        "| 09:59 | **RESOLVED** Error rate at baseline |  |",
        "| [TODO: time] | **ACKNOWLEDGED** [TODO: what happened] |  |",
    ]
    assert "**Responders**: Incident commander (SRE on-call), Checkout engineer" in text
    assert "**Metrics**: TTD 3 min · TTM 26 min · TTR 47 min" in text
    assert "[TODO: the sequence of events in plain words]" in text  # what the facts do not say stays open


def test_json_facts_cross_midnight_and_options_win(project, capsys):
    facts = {"title": "Night batch stalled", "severity": "SEV3", "events": [
        {"time": "2026-03-04T15:40:00-08:00", "event": "Batch queue stops draining", "milestone": "impact_start"},
        {"time": "2026-03-05T00:10:00Z", "event": "Queue drained", "milestone": "resolved"},
    ]}
    (project / "f.json").write_text(json.dumps(facts), encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-5", "--from", "f.json", "--title", "Batch queue stalled")
    assert code == 0, err
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert "# Postmortem: Batch queue stalled" in text
    assert "**Date**: 2026-03-04" in text  # the UTC day of the impact start
    assert "**Incident Duration**: 30 minutes" in text
    assert "| 2026-03-04 23:40 | **IMPACT STARTS** Batch queue stops draining |" in text
    assert "**Metrics**: TTR 30 min" in text


@pytest.mark.parametrize("content, message", [
    ("events:\n  - {time: yesterday, event: x}\n", "events item 1: unreadable time 'yesterday'"),
    ("events:\n  - {time: '2026-03-04 09:00', event: x, milestone: identified}\n", "unknown milestone"),
    ("events:\n  - {time: '2026-03-04 09:00', event: a, milestone: resolved}\n"
     "  - {time: '2026-03-04 09:10', event: b, milestone: resolved}\n", "resolved is marked more than once"),
    ("events:\n  - {time: '2026-03-04 09:00', event: x, milestone: [impact_start, detected]}\n",
     "one milestone per event"),
    ("id: INC-99\n", "differs from 'INC-1'"),
    ("timezone: Mars/Base\n", "unknown time zone"),
    ("title: [unclosed\n", "facts.yaml: line 1"),
    ("- just\n- a list\n", "must hold a mapping"),
])
def test_bad_facts_exit_2(project, capsys, content, message):
    (project / "facts.yaml").write_text(content, encoding="utf-8")
    code, _, err = cli(capsys, "new", "INC-1", "--from", "facts.yaml")
    assert code == 2 and message in err and len(err.splitlines()) == 1, err
    assert not (project / "docs/postmortems/INC-1.md").exists()


def test_quick_template_keeps_the_impact_facts(project, capsys):
    (project / "facts.yaml").write_text("impact:\n  - 312 customers got a duplicate e-mail\n", encoding="utf-8")
    code, out, _ = cli(capsys, "new", "INC-1", "--from", "facts.yaml", "--template", "quick")
    text = (project / out.strip()).read_text(encoding="utf-8")
    summary = text.split("## Summary", 1)[1].split("\n## ", 1)[0]
    assert code == 0 and "**Impact**:\n\n- 312 customers got a duplicate e-mail" in summary


# --------------------------------------------------------------------------- Chinese round trip

ZH_FACTS = """\
title: 订单服务超时导致下单失败
severity: P1
date: 2026-03-04
authors: [交易平台组, SRE 值班]
timezone: Asia/Shanghai
summary: 3 月 4 日 17:12 至 17:59（UTC+8），订单服务因数据库连接池配置变更耗尽连接，\
约 4.1% 的下单请求超时失败。回滚配置后服务恢复。
impact:
  - 失败下单请求约 18,400 次，占同期下单请求的 4.1%
  - 约 12,000 名用户至少遇到一次下单失败
  - 客服工单 63 张
responders: [事件指挥（SRE 值班）, 交易平台工程师, 对外沟通负责人]
events:
  - {time: "16:55", event: 发布 4.12.0，连接池上限由 50 调整为 200, source: "https://ci.example.com/runs/7"}
  - {time: "17:12", event: 下单接口超时率升至 4%, milestone: impact_start, source: "https://grafana.example.com/d/orders"}
  - {time: "17:15", event: 超时率告警触发并通知值班, milestone: detected}
  - {time: "17:17", event: SRE 值班确认告警并拉起事件频道, milestone: acknowledged}
  - {time: "17:38", event: 回滚至 4.11.2, milestone: mitigated}
  - {time: "17:59", event: 超时率回到基线 0.1%, milestone: resolved}
"""

ZH_SECTIONS = {  # heading -> what replaces the TODO slots in that section
    "基本信息": ["- **影响范围**：华东区订单服务的下单接口；查询与支付接口未受影响",
              "- **复盘会议**：2026-03-06，交易平台组、SRE、客服"],
    "直接原因": ["4.12.0 把连接池上限从 50 调到 200，四个实例合计超过数据库允许的最大连接数 600，新连接被数据库拒绝。"],
    "促成因素": ["1. 发布检查没有比较连接池总量与数据库连接上限——见变更单 CHG-311。",
             "2. 数据库拒绝连接的指标没有告警，只有接口超时率告警——见告警配置。"],
    "做得好的": ["- 告警在影响开始 3 分钟后触发，值班 2 分钟内确认。"],
    "需要改进": ["- 回滚前花了 15 分钟排查网络，因为仪表盘上看不到数据库拒绝连接的次数。"],
    "技术": ["- 配置里的容量参数需要和下游的上限一起校验。"],
    "流程": ["- 回滚预案写进了发布单，止损步骤很快。"],
    "侥幸之处": ["- 事件发生在晚高峰之前，下单量只有峰值的一半。"],
    "待确认问题": ["- 无"],
    "相关事件": ["- INC-17"],
    "参考资料": ["- 监控面板：https://grafana.example.com/d/orders"],
}
ZH_ACTIONS = [
    "| P1 | 在发布检查中加入连接池总量与数据库上限的比较，超限时阻止发布 | 交易平台组 | 2026-03-20 | OPS-101 | 预防 |",
    "| P1 | 为数据库拒绝连接次数增加告警，阈值每分钟 10 次 | SRE 团队 | 2026-03-13 | OPS-102 | 发现 |",
    "| P2 | 在订单服务仪表盘增加连接池使用率面板 | 待定 | 2026-03-27 | OPS-103 | 缓解 |",
]


def fill_zh(text: str) -> str:
    text = re.sub(r"<!--(?!\s*postmortem-template).*?-->\n?", "", text, flags=re.S)  # guidance, once written
    out, heading, used = [], None, set()
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if "[TODO" not in line:
            out.append(line)
        elif heading == "改进行动项":
            out.extend(ZH_ACTIONS)
        elif heading in ZH_SECTIONS and heading not in used:
            used.add(heading)
            out.extend(ZH_SECTIONS[heading])
        elif heading not in ZH_SECTIONS:
            raise AssertionError(f"a TODO slot in section {heading!r} has no filling: {line}")
    return "\n".join(out) + "\n"


def test_zh_round_trip_scaffold_fill_validate(project, capsys):
    (project / "facts.yaml").write_text(ZH_FACTS, encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-42", "--lang", "zh", "--from", "facts.yaml")
    assert code == 0, err
    path = project / out.strip()
    draft = path.read_text(encoding="utf-8")
    # the Chinese template's timeline is in UTC+8, as its heading says: the facts' times land there unchanged
    assert "**持续时间**：47分钟" in draft and "**事件等级**：P1" in draft and "## 时间线（UTC+8）" in draft
    assert "| 时间（UTC+8） | 事件 | 来源 |" in draft
    assert "| 17:12 | **影响开始** 下单接口超时率升至 4% | https://grafana.example.com/d/orders |" in draft
    assert "- **影响时间窗**：2026-03-04 17:12 – 17:59（UTC+8）" in draft
    assert "- **参与角色**：事件指挥（SRE 值班）, 交易平台工程师, 对外沟通负责人" in draft
    path.write_text(fill_zh(draft), encoding="utf-8")
    assert "TODO" not in path.read_text(encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(path), "--format", "json")
    findings = json.loads(out)["findings"]
    assert [f for f in findings if f["severity"] in ("error", "warning")] == [], findings
    assert code == 0


def test_a_source_naming_a_project_file_becomes_a_link_from_the_document(project, capsys):
    (project / "evidence").mkdir()
    (project / "evidence" / "metrics.csv").write_text("time,x\n", encoding="utf-8")
    (project / "facts.yaml").write_text(
        "date: 2026-03-04\nevents:\n"
        "  - {time: '09:12', event: Errors rise, milestone: impact_start, source: evidence/metrics.csv}\n"
        "  - {time: '09:15', event: Page, milestone: detected, source: evidence/alerts.json}\n"  # no such file
        "  - {time: '09:20', event: Rollback, source: 'https://ci.example/run/7'}\n", encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-9", "--from", "facts.yaml")
    assert code == 0, err
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert "| 09:12 | **IMPACT STARTS** Errors rise | [metrics.csv](../../evidence/metrics.csv) |" in text
    assert "| 09:15 | **DETECTED** Page | evidence/alerts.json |" in text  # not a file here: kept as written
    assert "| 09:20 | Rollback | https://ci.example/run/7 |" in text


def test_a_chat_with_clock_times_only_is_dated_by_date(project, capsys):
    (project / "chat.txt").write_text("[14:03] dana: checkout errors climbing\n[14:10] bo: rolled back\n",
                                      encoding="utf-8")
    code, out, err = cli(capsys, "new", "INC-1", "--from", "chat.txt", "--date", "2026-03-08")
    assert code == 0, err
    record = json.loads((project / "docs" / "postmortems" / "INC-1.timeline.json").read_text(encoding="utf-8"))
    assert [row["time"] for row in record] == ["2026-03-08T14:03:00Z", "2026-03-08T14:10:00Z"]
