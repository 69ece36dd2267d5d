"""Chat rows that are an action on the system: a release, a rollback, a restart, a failover, scaling, a
flag switched off, in English or Chinese. No I/O.

Each such sentence is one phase of its action: the decision ("Decision: roll back", "决定回滚"), the
start ("rollback started", "开始回滚"), or the finish ("restart complete", "回滚完成", "已发布"). A question,
a proposal or a negation ("should we roll back?", "happy to roll back if…", "no need to restart",
"要不要先回滚？") is talk about an action, not one, unless it states a decision. A later message naming the
version a rollback or deploy started towards ("all 8 pods on 1.13.2") is that action's finish.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = {
    "rollback": r"roll(?:ed|ing|s)?[ -]?back|\brevert(?:ed|ing|s)?\b|回滚|回退",
    "deploy": r"\b(?:re)?deploy(?:ed|ing|s)?\b(?!/)|\brelease[ds]?\b|\breleasing\b|\bship(?:ped|ping|s)?\b|"
              r"roll(?:ed|ing|s)?[ -]?out\b|\bwent (?:out|live)\b|\bis live\b|\bhotfix(?:ed)?\b|发布|上线|部署|下发",
    "restart": r"\brestart(?:ed|ing|s)?\b|\breboot(?:ed|ing|s)?\b|\bbounc(?:e|ed|ing)\b|重启",
    "failover": r"fail(?:ed|ing|s)?[ -]?over|\bswitch(?:ed|ing)? (?:traffic|over)|\bdrain(?:ed|ing)? (?:the )?"
                r"(?:region|zone|node|host|pool|cluster)|切流|切换流量|主备切换",
    # `scale the consumer down`, `kubectl scale deploy/x --replicas=2`
    "scaling": r"\bscal(?:e|ed|es|ing)\b(?: (?!to\b)[\w./-]{1,60}){0,3}? (?:up|out|down|in)\b|--replicas[= ]\d|"
               r"\bscal(?:e|ed|es|ing)\b[^.;]{0,40}?\bto \d+ (?:replicas?|pods?|instances?|nodes?|workers?)\b|"
               r"\badd(?:ed|ing)? (?:capacity|replicas|nodes|instances)|扩容|缩容",
    # turning load off is a mitigation too: throttling, pausing or stopping a consumer, shedding load
    "switch off": r"\bdisabl(?:e|ed|es|ing)\b|\bturn(?:ed|ing|s)? off\b|kill[ -]?switch|\bflag (?:off|flipped)\b|"
                  r"\bthrottl(?:e|ed|es|ing)\b|\brate[- ]limit(?:ed|ing|s)?\b|\bshed(?:ding)? load\b|"
                  r"\b(?:paus|stopp?)(?:e|ed|es|ing)? (?:the |all )?(?:[\w-]+ )?(?:consumers?|workers?|jobs?|queues?|"
                  r"cron|ingest(?:ion)?|sync)\b|降级|限流|熔断|关闭开关|关掉开关|暂停消费|停止消费",
}
_KINDS = {name: re.compile(pattern, re.I) for name, pattern in KINDS.items()}
_DECISION = re.compile(r"\bdecision\b|\bdecided?\b|\blet'?s\b|\bwe(?:'ll| will| are going to|'re going to)\b|"
                       r"\bgo(?:ing)? ahead\b|\bagreed\b|决定|拍板|同意(?:先)?(?:回滚|重启|切流|扩容|降级)", re.I)
_START = re.compile(r"\bstart(?:s|ed|ing)?\b|\bkick(?:ed|ing)? off\b|\bbegin(?:s|ning)?\b|\bbegan\b|\bin progress\b|"
                    r"\bunderway\b|\b(?:rolling back|reverting|restarting|rebooting|redeploying|deploying|releasing|"
                    r"failing over|scaling|disabling|throttling|pausing|stopping)\b|开始|正在|进行中",
                    re.I)
_FINISH = re.compile(r"\bcomplete[ds]?\b|\bdone\b|\bfinished\b|\bsucceeded\b|\bsuccessful(?:ly)?\b|"
                     r"\b(?:rolled back|reverted|restarted|rebooted|redeployed|deployed|released|shipped|rolled out|"
                     r"disabled|turned off|failed over|scaled|throttled|rate[- ]limited|paused|stopped)\b|"
                     r"\bwent (?:out|live)\b|\bis live\b|"
                     r"完成|成功|已(?:经)?(?:回滚|回退|发布|上线|部署|重启|切流|切换|扩容|缩容|降级|限流|下发)", re.I)
_TALK = re.compile(r"[?？]|\b(?:if|unless|should|could|would|might|maybe|perhaps|happy to|want(?:s)? to|shall|"
                   r"can (?:we|you|someone))\b|要不要|是否|如果|可以考虑|建议|也许|能不能", re.I)
_NEGATION = re.compile(r"(?:\b(?:no|not|don't|won't|never|without|no need to)\b|n't\b|不|别|无需|不用|没有?)"
                       r"[^,.;，。；]{0,20}$", re.I)
_VERSION = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)*(?![\w.%])")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")


@dataclass(frozen=True)
class Step:
    kind: str  # rollback, deploy, restart, failover, scaling, switch off
    phase: str  # decision, start, finish
    version: str | None = None  # the version named with it, e.g. 1.13.2


def steps(text: str) -> tuple[Step, ...]:
    """The actions a chat message takes or decides on, one step per kind, in the message's order."""
    found: dict[str, Step] = {}
    for sentence in _SENTENCES.split(text):
        decided = bool(_DECISION.search(sentence))
        if not decided and _TALK.search(sentence):
            continue
        for kind, pattern in _KINDS.items():
            m = pattern.search(sentence)
            if kind in found or not m or (not decided and _NEGATION.search(sentence[:m.start()])):
                continue
            phase = "decision" if decided else "start" if _START.search(sentence) else \
                "finish" if _FINISH.search(sentence) else None
            if phase:
                version = _VERSION.search(sentence)
                found[kind] = Step(kind, phase, version[0].lstrip("vV") if version else None)
    return tuple(found.values())


def versions(text: str) -> set[str]:
    return {v.lstrip("vV") for v in _VERSION.findall(text)}


def is_talk(text: str) -> bool:
    """A question or a proposal in every sentence: no action taken."""
    return all(_TALK.search(s) for s in _SENTENCES.split(text) if s.strip())
