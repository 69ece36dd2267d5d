"""The words a postmortem is made of, in one place: section names, header fields, milestones and their
markers, the templates' required sections and the default severity scale (English and Chinese). No I/O."""
from __future__ import annotations

import re
from functools import lru_cache

from postmortem_skill.helper.model import markdown

MILESTONES = ("impact_start", "detected", "acknowledged", "mitigated", "resolved")
MARKERS = {  # milestone -> (English marker, Chinese marker), as docs/document-format.md defines them
    "impact_start": ("IMPACT STARTS", "影响开始"),
    "detected": ("DETECTED", "发现"),
    "acknowledged": ("ACKNOWLEDGED", "响应"),
    "mitigated": ("MITIGATED", "缓解"),
    "resolved": ("RESOLVED", "恢复"),
}
# every marker a timeline cell may carry when read, canonical ones first
MARKERS_READ = {
    "impact_start": ("IMPACT STARTS", "IMPACT START", "IMPACT BEGINS", "OUTAGE BEGINS", "影响开始"),
    "detected": ("DETECTED", "发现"),
    "acknowledged": ("ACKNOWLEDGED", "响应"),
    "mitigated": ("MITIGATED", "OUTAGE MITIGATED", "缓解"),
    "resolved": ("RESOLVED", "OUTAGE ENDS", "恢复"),
}

# canonical key -> accepted normalised titles (English and Chinese)
SECTION_ALIASES = {
    "executive summary": ("executive summary", "事件摘要", "摘要"),
    "summary": ("summary", "executive summary", "incident summary", "overview", "事件摘要", "摘要", "概述"),
    "timeline": ("timeline", "incident timeline", "timeline of events", "时间线", "时间轴"),
    "root cause analysis": ("root cause analysis", "root causes", "root cause", "根因分析", "根因"),
    "contributing factors": ("contributing factors", "contributing conditions", "促成因素", "诱因"),
    "5 whys analysis": ("5 whys analysis", "5 whys", "five whys", "五个为什么", "5个为什么"),
    "detection": ("detection", "发现"),
    "response": ("response", "响应"),
    "impact": ("impact", "影响评估", "影响"),
    "lessons learned": ("lessons learned", "lessons", "经验教训"),
    "action items": ("action items", "action item", "corrective actions", "改进行动项", "行动项", "改进项"),
    "基本信息": ("基本信息",),
    "事件摘要": ("事件摘要", "摘要"),
    "时间线": ("时间线",),
    "根因分析": ("根因分析",),
    "影响评估": ("影响评估",),
    "处理过程回顾": ("处理过程回顾",),
    "改进行动项": ("改进行动项", "行动项"),
    "经验教训": ("经验教训",),
}

FORWARD_LOOKING = (
    "lessons learned", "lessons", "what could be improved", "action items", "detection gap", "open questions",
    "next steps", "remediation", "follow-up", "follow up", "takeaways", "improvements", "prevention",
    "what we are doing", "corrective actions", "经验教训", "需要改进", "改进行动项", "后续跟踪", "行动项",
    "改进措施", "防再发", "待确认问题", "待确认", "开放问题", "遗留问题", "待解决问题",
)

FIELDS = {
    "incident_id": ("incident id", "incident", "事件编号", "事件id", "故障编号"),
    "date": ("date", "incident date", "日期", "事件日期", "故障日期"),
    "authors": ("authors", "author", "作者", "编写人"),
    "status": ("status", "状态", "文档状态"),
    "severity": ("incident severity", "severity", "事件等级", "故障等级", "等级", "严重程度"),
    "duration": ("incident duration", "duration", "持续时间", "故障时长", "影响时长"),
}

REQUIRED = {
    "standard": ("Executive Summary", "Timeline", "Root Cause Analysis", "Detection", "Response", "Impact",
                 "Lessons Learned", "Action Items"),
    "quick": ("Summary", "Timeline", "Contributing Factors", "Action Items"),
    "five-whys": ("Summary", "Timeline", "5 Whys Analysis", "Contributing Factors", "Action Items"),
    "zh": ("基本信息", "事件摘要", "时间线", "根因分析", "影响评估", "处理过程回顾", "改进行动项", "经验教训"),
}
CORE = {"en": ("Summary", "Timeline", "Action Items"), "zh": ("摘要", "时间线", "行动项")}

DEFAULT_SCALE = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5", "P0", "P1", "P2", "P3", "P4")


@lru_cache(maxsize=4096)
def normalize_title(text: str) -> str:
    """'## 2. Timeline (All times UTC):[167]' -> 'timeline'; case-insensitive, notes and numbering removed."""
    t = markdown.plain(text)
    t = re.sub(r"\[\^?\w+\]", "", t)
    t = re.sub(r"\s*[(（][^()（）]*[)）]\s*", " ", t)
    t = re.sub(r"^\s*(?:\d+(?:\.\d+)*[.)、]?|[一二三四五六七八九十]+[、.])\s*", "", t)
    t = t.strip().rstrip(":：.。?？!！ ").strip()
    return re.sub(r"\s+", " ", t).lower()
