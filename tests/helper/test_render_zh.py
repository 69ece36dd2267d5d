"""A 复盘's timeline says in Chinese the words our readers add to a row; what the evidence said stays as said."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from postmortem_skill.helper.features.importers import Event
from postmortem_skill.helper.features.importers.render import event_cell, said_in_chinese, to_json


@pytest.mark.parametrize("row, chinese", [
    ("Argo CD deployed coupon-svc v1.9.0 (revision 0efd0fc, sync 43)",
     "Argo CD 完成部署 coupon-svc v1.9.0 (revision 0efd0fc, sync 43)"),
    ("Argo CD started deploying coupon-svc v1.8.2 (revision 937c022, sync 44, rollback to the revision of sync 42, "
     "automated)", "Argo CD 开始部署 coupon-svc v1.8.2 (revision 937c022, sync 44, 回滚到 sync 42 的版本, 自动同步)"),
    ("Argo CD deploy of booking ended, phase Failed (revision abc1234, automated)",
     "Argo CD 部署 booking 结束，阶段 Failed (revision abc1234, 自动同步)"),
    ("Commit 0efd0fc (tag v1.9.0): feat: 会员专享券", "提交 0efd0fc (tag v1.9.0): feat: 会员专享券"),
    ("deploy main (04de8b4) to production finished (success)", "部署 main (04de8b4) 到 production 完成 (success)"),
    ("CHG-7 window start: Broker config", "CHG-7 窗口开始：Broker config"),
    ("cancelled: CHG-9 window start (planned): upgrade", "已取消：CHG-9 窗口开始（计划）：upgrade"),
    # the evidence's own words
    ("Kim: the window start moved, automated rollback to the revision of sync 3", None),
    ("赵磊: rollback 已经开始了", None),
    ("Acknowledged by 赵磊 (Zhao Lei).", None),
])
def test_the_words_a_reader_added_are_said_in_chinese(row, chinese):
    assert said_in_chinese(row) == (chinese or row)


def test_only_the_chinese_draft_changes_and_the_record_keeps_english():
    event = Event(datetime(2026, 11, 18, 14, 7, tzinfo=timezone.utc), "Argo CD deployed coupon-svc v1.9.0 (sync 43)")
    assert event_cell(event, "en") == "Argo CD deployed coupon-svc v1.9.0 (sync 43)"
    assert event_cell(event, "zh") == "Argo CD 完成部署 coupon-svc v1.9.0 (sync 43)"
    assert "Argo CD deployed" in to_json([event])


@given(st.from_regex(r"\A[^\W\d][\w.]{0,12}: .{0,60}\Z"))
def test_a_chat_line_is_never_rewritten(line):
    assume(not line.startswith("cancelled: "))  # the prefix a change list's reader writes, not a speaker
    assert said_in_chinese(line) == line
