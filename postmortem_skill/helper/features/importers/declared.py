"""Milestones the incident's own record declares. No I/O.

The incident lead writing "Mitigated at 14:47 UTC" or "Resolving INC-7 at 15:05" in the incident channel
is the evidence marking a milestone: it outranks a guess from the metrics, which may read a backlog's turn
or a series' return differently from the people who watched it. A status page's resolved post does not
count: it is communication, and often goes out well after the end.
A declaration is a sentence that says so without a question, a negation or a condition ("not mitigated
yet", "once it is resolved", "is it resolved?"); bots' copies do not declare anything.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from postmortem_skill.helper.features.importers.core import Event
from postmortem_skill.helper.features.importers.detect import BOT
from postmortem_skill.helper.features.importers.pick import event_text, speaker_of

_DECLARES = {
    "mitigated": re.compile(r"\bmitigated\b|\bmitigation (?:is )?(?:in place|complete|confirmed|done|effective)\b|"
                            r"已缓解|已止血|止血完成|影响已(?:经)?消除", re.I),
    "resolved": re.compile(r"\b(?:resolving|closing|resolved?|close)\s+(?:the\s+)?(?:incident|INC[-\s]?\d+)\b|"
                           r"\b(?:incident|INC[-\s]?\d+) (?:is |has been |now )?(?:resolved|closed)\b|"
                           r"(?:事故|故障|事件)(?:已经?|现已)(?:恢复|解决|关闭|结束)|宣布(?:恢复|结束)", re.I),
}
_NOT_A_DECLARATION = re.compile(r"\?|？|\b(?:not|n't|yet|once|until|when|if|before|after|whether|will|should|"
                                r"can|could|would|might|almost|nearly|partially)\b|未|没|尚|还没|是否|如果|一旦|之后|待",
                                re.I)
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")


def declared(events: Sequence[Event], kinds: Sequence[str]) -> dict[str, tuple[int, str]]:
    """{milestone: (row index, what it rests on)} for the first declaration of each in the evidence."""
    found: dict[str, tuple[int, str]] = {}
    for n, (event, kind) in enumerate(zip(events, kinds)):
        who = speaker_of(event.event)
        if kind != "chat" or not who or BOT.search(who):
            continue
        for sentence in _SENTENCE.findall(event_text(event)):
            for name, pattern in _DECLARES.items():
                if name not in found and pattern.search(sentence) and not _NOT_A_DECLARATION.search(sentence):
                    found[name] = (n, f"declared in the incident chat by {who}: “{sentence.strip()[:60]}”")
    return found
