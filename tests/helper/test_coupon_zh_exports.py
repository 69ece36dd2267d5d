"""A Chinese team's exports as the tools write them (evidence/coupon-zh): Feishu's messages API with senders as
open_ids and a member list beside them, alert cards, `@_user_N` mentions, a business volume that rises with a
campaign (traffic, not impact) and a declaration whose sentence holds decimals ("99.6%，已止血")."""
from __future__ import annotations

import json

import pytest
from evidence_support import draft_from, metrics_of, milestones

from postmortem_skill.helper.features.importers import parse, people_of
from postmortem_skill.helper.features.importers.columns import is_volume


@pytest.fixture
def coupon(tmp_path, monkeypatch, capsys):
    draft, err = draft_from("coupon-zh", tmp_path, monkeypatch, capsys, "INC-12", "--lang", "zh",
                            "--tz", "Asia/Shanghai")
    return draft, err, capsys


def test_the_coupon_folder_gives_the_truth(coupon):
    draft, err, capsys = coupon
    assert "no event text" not in err and "feishu_im_v1_chat_members.json: skipped" not in err
    assert milestones(metrics_of(draft, capsys)) == (
        "2026-11-20T06:03:19Z", "2026-11-20T06:05:15Z", "2026-11-20T06:17:52Z", "2026-11-20T07:22:00Z",
        "2026-11-21T02:32:00Z")
    text = draft.read_text(encoding="utf-8")
    assert "陈晨: 收到电话告警" in text and "ou_" not in text and "@_user_" not in text


MEMBERS = {"code": 0, "data": {"has_more": False, "items": [
    {"member_id": "ou_a1", "member_id_type": "open_id", "name": "张伟", "tenant_key": "t"},
    {"member_id": "ou_b2", "member_id_type": "open_id", "name": "王磊", "tenant_key": "t"}]}}


def _message(n: int, msg_type: str, content: dict, sender: str = "ou_a1", **extra) -> dict:
    return {"message_id": f"om_{n}", "msg_type": msg_type, "create_time": str(1795154716612 + n * 60000),
            "chat_id": "oc_1", "sender": {"id": sender, "id_type": "open_id", "sender_type": "user"},
            "body": {"content": json.dumps(content, ensure_ascii=False)}, **extra}


PAGE = {"code": 0, "msg": "success", "data": {"has_more": False, "items": [
    _message(0, "interactive", {"title": "【二级告警】coupon-service 5xx > 2%",
                                "elements": [[{"tag": "text", "text": "触发值：9.87"}]]}, sender="cli_x"),
    _message(1, "text", {"text": "@_user_1 看一下 coupon_db 慢查询"},
             mentions=[{"key": "@_user_1", "id": "ou_b2", "id_type": "open_id", "name": "王磊"}]),
    _message(2, "post", {"title": "阶段同步", "content": [[{"tag": "text", "text": "回滚完成，"},
                                                        {"tag": "at", "user_id": "@_user_1", "user_name": "王磊"},
                                                        {"tag": "text", "text": " 继续观察"}]]}, sender="ou_b2"),
    _message(3, "image", {"image_key": "img_v2_1"}, sender="ou_b2"),
]}}


def test_feishu_messages_are_named_and_read_as_people_see_them():
    people = people_of(json.dumps(MEMBERS))
    assert people == {"ou_a1": "张伟", "ou_b2": "王磊"}
    events, problems = parse(json.dumps(PAGE, ensure_ascii=False, indent=2), name="page.json", people=people)
    assert not problems
    assert [e.event for e in events] == ["【二级告警】coupon-service 5xx > 2%", "张伟: @王磊 看一下 coupon_db 慢查询",
                                         "王磊: 阶段同步 回滚完成， 王磊  继续观察", "王磊: [image]"]
    lines = [int(e.source.rsplit(":", 1)[-1]) for e in events]
    assert lines == sorted(set(lines)) and lines[0] > 1  # each item's own line in the page, not the wrapper's


@pytest.mark.parametrize("name, volume", [
    ("订单量 (单/分钟)", True), ("orders_per_min", True), ("GMV", True), ("下单成功率 (%)", False),
    ("failed_orders", False), ("qps", False), ("p99_ms", False),
])
def test_business_volume_columns(name, volume):
    assert is_volume(name) is volume


def test_a_wecom_archive_reads_as_chat():
    from pathlib import Path
    text = (Path(__file__).parent / "evidence" / "exports" / "wecom-archive.jsonl").read_text(encoding="utf-8")
    events, problems = parse(text, people={"zhangwei": "张伟"})
    assert not problems
    assert [(f"{e.time:%H:%M:%S}", e.event) for e in events] == [
        ("06:05:16", "张伟: coupon-service 5xx 上来了，我先看"), ("06:17:52", "chenchen: [image]")]
