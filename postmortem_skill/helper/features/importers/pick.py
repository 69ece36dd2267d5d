"""The rows of a long merged timeline that go into a draft: at most LIMIT, in time order. No I/O.

A merged evidence folder easily holds 60+ rows: every alert state from two tools, every chat message,
every change in the calendar. The draft gets the rows that tell the story, chosen by tiers:

  milestones and rows the user marks      always
  changes near the impact start           the trigger is usually the closest change before it
  the first alert per alert name          not the second tool's copy, not its acknowledgement or resolution
  status page                             each incident's first post and its resolved post
  one chat row per kind of action         the first of each: data loss, customer report, cause found, …
  warnings near the impact start          first log warning/error of each shape, closest first
  the metric peak                         the size of the impact (other samples only as milestones)
  the pager's escalation                  its own log of the page: a copy of the alert row, last
  one row per source not yet heard        so that no evidence file is silent

Each tier first gets a core share, then what is left of LIMIT goes to the tiers in order. Rows more than
an hour after the mitigation are the aftermath: only who takes which follow-up looks at them at first,
the others when room is left. Rows the full timeline keeps but the draft leaves out stay in the record
(`ID.timeline.json`).
"""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from postmortem_skill.helper.features.importers.columns import is_load
from postmortem_skill.helper.features.importers.core import NOT_DONE_ROW, Event
from postmortem_skill.helper.features.importers.operations import KINDS, is_talk, steps, versions
from postmortem_skill.helper.features.importers.services import incident_services, other_names, relevance, services

LIMIT = 20


@dataclass(frozen=True)
class Pick:
    kept: tuple[int, ...]  # indices into the events, ascending (the events are in time order)
    reasons: tuple[str, ...]  # the tiers that gave rows, in tier order; () when every row fitted
    far: tuple[int, ...] = ()  # another change's window rows, hours from the incident: never picked
    others: tuple[str, ...] = ()  # the other services whose alerts and changes were left out
    cancelled: tuple[int, ...] = ()  # changes whose status says they never ran: never picked


# --------------------------------------------------------------------------- what a row is

_LABEL = re.compile(r"\[([^\[\]]{1,60})\]\s*$")
_LEADING_STATE = re.compile(r"^\s*\[(?P<state>[A-Za-z]+)(?::\d+)?\]\s*")
_FIGURE = re.compile(r"\s*(?<![A-Za-z0-9_.])\d[\d.,]*(?:%|\b)")
_LEADING_GROUPS = re.compile(r"^\s*(?:\[[^\[\]]{1,40}\]\s*)+")  # `[Datadog] [P2] name`: one tool's copy of another's
_PAGER_LOG = re.compile(r"^(?P<state>triggered|acknowledged|resolved|escalated|assigned|notified|reassigned)\b"
                        r"(?: (?:by|through|via|to)\b|$)", re.I)
_FIRED = {"firing", "triggered", "trigger", "alerting", "alarm", "open", "critical", "触发", "告警中", "告警",
          "re-triggered", "warn", "re-warn"}  # the last three: Datadog monitor transitions
_ALERT_STATES = _FIRED | {"acknowledged", "acked", "resolved", "closed", "recovered", "ok", "success", "no data",
                          "确认", "已确认", "恢复", "已恢复", "关闭"}
_WARNED = {"warn", "re-warn", "no page"}  # a monitor's warning threshold, or one that told a channel only: no page
_SEVERITY = re.compile(r"^(?:p[0-5]|sev ?[0-5]|critical|crit|page|high|warning|warn|major|minor|error)$", re.I)
_STATUS_POSTS = {"investigating", "identified", "monitoring", "verifying", "update", "in progress", "scheduled",
                 "postmortem", "completed"}
_METRIC = re.compile(r"^\s*[\w.:/-]+=\S+(?:,\s*[\w.:/-]+=\S+)*\s*$")
# a metrics export's sample as its reader writes it: `series name=value, …`; names with spaces and units
# (`booking-api p95 latency=193 ms`, `下单成功率 (%)=99.62`) and label sets (`ratio{pod="a",ns="b"}=4.2`)
_LABEL_SET = re.compile(r"\{[^{}]{0,300}\}")
_SAMPLE = re.compile(r"(?:[^=,:()\s]|\s(?!\s)|:(?!\s)|\([^=,()]{0,20}\))(?:[^=,:()]|:(?!\s)|\([^=,()]{0,20}\)){0,80}"
                     r"=[^=,()]{1,40}")
_WINDOW = re.compile(r"\bwindow (?:start|end)\b|窗口(?:开始|结束)", re.I)
# `Commit 1a2b3c4 (tag v4.12.0): subject` (--commits), `commit 1a2b3c4 subject` (`postmortem evidence --format json`)
_COMMIT_ROW = re.compile(r"^commit (?P<hash>[0-9a-f]{7})\b(?: \(tags? (?P<tags>[^()]{1,200})\))?", re.I)
_WINDOW_END = re.compile(r"\bwindow end\b|窗口结束", re.I)
_CHANGE = re.compile(
    r"\b(?:deploy(?:s|ed|ing|ment)?|release[ds]?|roll(?:ed|ing)?[ -]?out|rollouts?|migrat(?:e|ed|ion|ing)|"
    r"upgrad(?:e|ed|ing)|config(?:uration)? (?:change|push|update)|feature flag|flag (?:flip|change)|"
    r"change request|CHG-\w+|roll(?:ed|ing)?[ -]?back|revert(?:ed)?)\b|^Commit [0-9a-f]{7}\b|变更|发布|上线|部署|回滚",
    re.I)
_SPEAKER = re.compile(r"^(?P<who>[^\s:：\[\]|=][^:：\[\]|=]{0,38}?)\s*[:：]\s*\S")
_LOG_LEVEL = re.compile(r"^\s*\[?(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|FATAL|CRIT(?:ICAL)?|"
                        r"PANIC|SEVERE|ALERT|EMERG)\b\]?", re.I)
_TROUBLE = re.compile(r"^\s*\[?(?:WARN(?:ING)?|ERROR|ERR|FATAL|CRIT(?:ICAL)?|PANIC|SEVERE|ALERT|EMERG)\b|"
                      r"\b(?:exception|traceback|panic|timed? ?out|timeout|refused|OOM|out of memory|"
                      r"failed|failure|unavailable)\b|错误|异常|超时|失败", re.I)

# One chat row per kind of action, the first of each (a row may be the first of several kinds).
ACTIONS = (
    ("rollback", r"roll(?:ed|ing)?[ -]?back|\brevert|回滚|回退"),
    ("restart", r"\brestart|\breboot|\bbounc(?:e|ed|ing)\b|\bredeploy|重启"),
    ("failover", r"fail(?:ed|ing)?[ -]?over|switch(?:ed|ing)? traffic|\bdrain(?:ed|ing)? (?:the )?(?:region|zone|"
                 r"node|host|pool)|切流|切换"),
    ("scaling", r"\bscal(?:e|ed|ing) (?:up|out)|\badd(?:ed|ing)? (?:capacity|replicas|nodes|instances)|扩容"),
    ("switch off", r"feature flag|kill[ -]?switch|\bdisabl(?:e|ed|ing)\b|\bturn(?:ed|ing)? off|关闭|降级|限流"),
    # the first sign of harm to data: what the impact section and the recovery work rest on
    ("data loss", r"\bdead[ _-]?letter(?:s|ed|ing)?\b|\bDLQ\b|\bdata loss\b|\bpoison (?:message|pill)|"
                  r"\b(?:dropp(?:ed|ing)|lost|losing|discard(?:ed|ing)) (?:\d[\d,]* )?(?:messages?|events?|records?|"
                  r"writes?|data|rows?|orders?|payments?)\b|\b(?:messages?|events?|records?|writes?) "
                  r"(?:were |was )?(?:dropped|lost|discarded)\b|死信|丢失|丢消息|丢数据|数据丢失"),
    ("customer report", r"\bcustomers?\b(?! comms\b| communications?\b)|\bmerchants?\b|\busers? (?:report|see|say)|"
                        r"\btickets?\b|complain|"
                        r"\bsupport\b|商户|客户|用户|投诉|工单|客服"),
    ("cause found", r"caused by|root cause|culprit|\bbecause\b|\bthe cause\b|\bchanged the\b|\bsuspect|"
                    r"\bcorrelat|\blooks like\b|\bfound\b|原因|导致|定位|怀疑|发现|(?<!没)有问题|"
                    r"问题(?:就)?(?:在|出在)|根因"),
    ("escalation", r"escalat|\bpag(?:ing|ed)\b|\bpage (?:the|in)\b|\bloop(?:ed|ing)? in|\bpull(?:ed|ing)? in|"
                   r"incident commander|\bIC\b|war ?room|bridge|升级|拉.{0,6}群|已转给|转给|呼叫"),
    ("symptom", r"\berrors?\b|\bexceptions?\b|\btimeouts?\b|\btimed out\b|\bfail(?:s|ed|ing|ures?)\b|"
                r"\brefused\b|\bOOM\b|报错|错误|异常|超时|失败"),
    ("status update", r"status ?page|\bposted\b|\bannounce|\bcomms\b|公告|通告"),
    ("recovery", r"\brecover|\bdrain(?:ing|ed)\b|back to normal|back (?:under|below)|catching up|\bhealthy\b|"
                 r"looks good|all clear|\bdropping\b|\bfalling\b(?! back)|working again|going through|"
                 r"恢复|回落|已正常|恢复正常"),
    ("follow-up", r"\btakes? (?:the|over)\b|\bwill own\b|\bowns?\b|\bowned by\b|\bis mine\b|\bowner\b|action item|"
                  r"\bI'?ll (?:add|fix|write|own|take|look|file|open)|负责|跟进"),
)
# who takes which follow-up is what the action items' owners come from: a tier of their own, up to four
_MORE = {"follow-up": 4}
_EARLY = {"symptom", "customer report", "escalation", "cause found", "data loss"}  # may precede the first bad sample
# a row that says it is about something else (`Unrelated page just came in: …`, `与本次无关`)
_UNRELATED = re.compile(r"\bunrelated\b|\bnot related\b|\bnothing to do with\b|无关|不相关", re.I)
# a pager's own log of the page (`Escalation [x] started`, `Escalated to level 2 by timeout`) repeats the alert
# row that paged; it counts only when the draft has room (a late acknowledgement is a finding of its own)
_PAGE_AGAIN = timedelta(minutes=30)
_NOT_ASKED = {"recovery"}  # 「好像恢复了？」 asks; the story needs the row that says so
_QUESTION = re.compile(r"[?？]")
_ACTION_RES = tuple((name, re.compile(pattern, re.I)) for name, pattern in ACTIONS)
_ROLLBACK = _ACTION_RES[0][1]
_OPERATED = {"rollback", "restart", "failover", "scaling", "switch off"}  # `_operations` has these


def label_words(text: str) -> list[str]:
    m = _LABEL.search(text)
    return [w.strip().lower() for w in m[1].split(",")] if m else []


def _path(event: Event) -> str:
    return (event.source or "").rpartition(":")[0] or (event.source or "")


def alert_state(event: Event) -> str | None:
    """'fired', 'other' (acknowledged, resolved …) for an alert tool's row, else None."""
    words = label_words(event.event)
    lead = _LEADING_STATE.match(event.event) or _PAGER_LOG.match(event.event)
    if lead:
        words.append(lead["state"].lower())
    states = [w for w in words if w in _ALERT_STATES]
    if states:
        return "fired" if states[-1] in _FIRED else "other"
    if words and all(_SEVERITY.match(w) for w in words):
        return "fired"  # an alert list with a severity column and no state
    return None


_PAGING = re.compile(r"page|paging|pager|critical|crit|fatal|emergency|urgent|high|major|p[0-3]|sev ?[0-3]|"
                     r"紧急|严重|致命|高", re.I)
_PAGER_TRIGGER = re.compile(r"^(?:triggered|notified)\b.{0,80}\b(?:through|via|by)\b", re.I)


def paged(event: Event) -> bool:
    """An alert tool's row that fired with a paging severity (page, critical, P1-P3, high …), or a pager's
    trigger or notification."""
    if alert_state(event) != "fired":
        return False
    words = label_words(event.event)
    if _WARNED.intersection(words):
        return False
    return bool(_PAGER_TRIGGER.match(event.event)) or any(_PAGING.fullmatch(w) for w in words)


_SCOPE = re.compile(r"\s+(\{[\w.@/-]{1,100}:[^{}]{0,400}\})(?=\s|$)")  # a monitor's group: `{host:web-3}`


def alert_scope(text: str) -> str | None:
    """The group of a multi-alert monitor's row (`HighErrorRate {service:checkout} [P2, triggered]` →
    `{service:checkout}`), None for an alert that names none."""
    m = _SCOPE.search(_LABEL.sub("", text))
    return m[1] if m else None


def alert_name(text: str) -> str:
    """`SettlementConsumerLagHigh: consumer lag … [page, firing]`, `… - settlement-consumer [high,
    triggered]`, `[Triggered] invoice-mailer send rate is 0` → one name per alert, lower case; a monitor's
    group (`{host:web-3}`) is no part of it (`alert_scope`)."""
    text = _SCOPE.sub("", _LABEL.sub("", _LEADING_GROUPS.sub("", text))).strip()
    first = text.split(None, 1)[0] if text else ""
    service_first = bool(services(first)) and first.islower() and " " in text  # `order-service 错误率超过 5%`
    if re.fullmatch(r"[A-Za-z][\w.-]{3,}", first) and (re.search(r"[a-z][A-Z]|[_.-]", first) or first.isupper()) \
            and not service_first:
        return first.rstrip(":").lower()
    name = re.split(r"\s*[:：]\s|\s+-\s|\s+on\s", text, maxsplit=1)[0].strip().lower()
    if not service_first:
        return name
    short = _FIGURE.split(name, maxsplit=1)[0].strip()  # not its figures (`5%`), but `5xx` is a word
    return short if short != first.lower() else name  # the service's name alone names no alert


def _chat_files(events: Sequence[Event], kinds: list[str | None]) -> set[str]:
    """Source files most of whose unclassified rows start with a speaker (`chen.yu: …`, `孙磊：…`)."""
    seen: dict[str, list[bool]] = {}
    for event, kind in zip(events, kinds):
        if kind is None:
            seen.setdefault(_path(event), []).append(_speaker(event.event))
    return {path for path, flags in seen.items() if sum(flags) * 2 >= len(flags)}


def _speaker(text: str) -> bool:
    return speaker_of(text) is not None


def speaker_of(text: str) -> str | None:
    """`chen.yu: …` → 'chen.yu'; None for a row that does not start with a speaker (or with a log level)."""
    m = _SPEAKER.match(text)
    return m["who"] if m and not _LOG_LEVEL.match(m["who"]) else None


def _is_sample(text: str) -> bool:
    return not _LOG_LEVEL.match(text) and all(_SAMPLE.fullmatch(part.strip())
                                               for part in _LABEL_SET.sub("{}", text).split(","))


def _sample_rows(events: Sequence[Event]) -> set[int]:
    """Rows of a file whose every row (two or more) reads `name=value, …`: a metrics export's samples. A
    single line of that shape elsewhere (`raised batch_size=2000`) is a sentence, not a sample."""
    files: dict[str, list[int]] = {}
    for n, event in enumerate(events):
        files.setdefault(_path(event), []).append(n)
    return {n for rows in files.values() if len(rows) > 1 and all(_is_sample(events[n].event) for n in rows)
            for n in rows}


def classify(events: Sequence[Event]) -> list[str]:
    """One kind per row: metric, status page, alert, change, cancelled (a change that never ran: no trigger,
    no action, never chosen), chat or other."""
    statuspages = set()
    for event in events:
        if any(w in _STATUS_POSTS for w in label_words(event.event)):
            statuspages.add(event.id or _path(event))
    samples = _sample_rows(events)
    kinds: list[str | None] = []
    for n, event in enumerate(events):
        text = event.event
        if NOT_DONE_ROW.match(text):
            kinds.append("cancelled")
        elif _METRIC.match(text) or n in samples:
            kinds.append("metric")
        elif (event.id or _path(event)) in statuspages and label_words(text):
            kinds.append("status page")
        elif alert_state(event):
            kinds.append("alert")
        elif _WINDOW.search(text) or _COMMIT_ROW.match(text):
            kinds.append("change")
        else:
            kinds.append(None)
    chat = _chat_files(events, kinds)
    for n, event in enumerate(events):
        if kinds[n] is None:
            if _path(event) in chat and _speaker(event.event):
                kinds[n] = "chat"
            else:
                kinds[n] = "change" if _CHANGE.search(event.event) else "other"
    return kinds


def near_incident(events: list[Event], margin: timedelta = timedelta(hours=6)) -> tuple[list[Event], list[Event]]:
    """(rows for the draft, change-window rows left out): a change calendar lists the week's changes, and a
    window that ends more than `margin` before the impact starts or starts more than `margin` after the
    resolution is another change's. Everything stays when the impact start or the resolution is not marked."""
    start = next((e.time for e in events if e.milestone == "impact_start"), None)
    end = next((e.time for e in events if e.milestone == "resolved"), None)
    if start is None or end is None:
        return events, []
    kept, dropped = [], []
    for event in events:
        far = event.time < start - margin or event.time > end + margin
        (dropped if far and not event.day and _WINDOW.search(event.event) else kept).append(event)
    return kept, dropped


# --------------------------------------------------------------------------- the tiers


def _first(events: Sequence[Event], milestone: str) -> datetime | None:
    """When the evidence first marks `milestone`, if it does."""
    return next((e.time for e in events if e.milestone == milestone), None)


def _anchor_and_end(events: Sequence[Event], kinds: list[str]) -> tuple[datetime, datetime]:
    fired = next((e.time for e, k in zip(events, kinds) if k == "alert" and alert_state(e) == "fired"), None)
    anchor = _first(events, "impact_start") or _first(events, "detected") or fired or events[0].time
    end = _first(events, "resolved") or _first(events, "mitigated") or max(e.time for e in events)
    return anchor, max(end, anchor)


_ROLLOUT_STEP = re.compile(r"\bScalingReplicaSet\b|\bScaled (?:up|down) replica set\b", re.I)


def _shipped(events: Sequence[Event], rows: list[int]) -> dict[int, int]:
    """Change rows that ship a commit row's change → that commit's row: a deploy naming its short hash
    (`revision b23413a`) or its tag (`booking-service v2.14.0`). The deploy is when the change reached the
    system, so the deploy, not the commit, is the likely trigger."""
    commits = {n: m for n in rows if (m := _COMMIT_ROW.match(events[n].event))}
    shipped = {}
    for n in rows:
        if n in commits:
            continue
        for c, m in commits.items():
            names = [m["hash"], *(t.strip() for t in (m["tags"] or "").split(",") if t.strip())]
            if any(re.search(r"(?<![\w.])%s(?![\w.])" % re.escape(name), events[n].event) for name in names):
                shipped[n] = c
                break
    return shipped


def _changes(events, kinds, candidates, anchor, end, ours) -> list[int]:
    """Changes from a day before the impact start to its end, those to the incident's services first, then
    those naming no service (a deploy that ships a commit row counts as that commit); another service's only
    when there is none of those. Within each: the closest
    before the start (the likely trigger), then those during it (a rollback), then the others before it,
    closest first; a change window's end row after every start."""
    found = [n for n in candidates if kinds[n] == "change" and anchor - timedelta(days=1) <= events[n].time <= end]
    rel = {n: relevance(events[n].event, ours) for n in found}
    for deploy, commit in _shipped(events, found).items():  # a deploy is as much the incident's as what it ships
        rel[deploy] = min(rel[deploy], rel[commit])
    if any(r < 2 for r in rel.values()):
        found = [n for n in found if rel[n] < 2]
    # the likely trigger is where a change began: its window's end and a rollout's own steps (Kubernetes scaling
    # the new and old ReplicaSets) come after it ("Scaled down replica set" at 07:46 ends the 07:40 deploy)
    before = sorted((n for n in found if events[n].time <= anchor),
                    key=lambda n: (rel[n], bool(_WINDOW_END.search(events[n].event) or
                                                _ROLLOUT_STEP.search(events[n].event)), anchor - events[n].time, n))

    def rank(n):
        during = events[n].time > anchor
        group = 0 if before and n == before[0] else 1 if during and _ROLLBACK.search(events[n].event) \
            else 2 if during else 3
        return bool(_WINDOW_END.search(events[n].event)), rel[n], group, abs(events[n].time - anchor), n
    return sorted(found, key=rank)


def _operations(events, kinds, candidates, anchor, end, ours, known) -> list[int]:
    """Chat rows that act on the system (`operations`): the last release announced before the impact start
    (within a day), then during the incident the first decision, start and finish of each kind of action
    (rollback, restart, failover, scaling, switch-off, deploy). Rows about another service are left out."""
    before, firsts, targets = None, {}, {}
    for n, event in enumerate(events):
        if kinds[n] != "chat" or event.day or not anchor - timedelta(days=1) <= event.time <= end:
            continue
        text = event_text(event)
        found = steps(text)
        if not found and not targets or relevance(text, ours, known) == 2:
            continue
        if event.time < anchor:
            if any(step.kind == "deploy" and step.phase != "decision" for step in found):
                before = n
            continue
        for step in found:
            firsts.setdefault((step.kind, step.phase), n)
            if step.version and step.phase != "finish" and step.kind in ("rollback", "deploy"):
                targets.setdefault(step.kind, set()).add(step.version)
        if not found and not is_talk(text):  # `all 8 pods on 1.13.2`: the version a rollback went to
            for kind, wanted in targets.items():
                if wanted & versions(text):
                    firsts.setdefault((kind, "finish"), n)
    # what the responders decided to do, and its start and finish, before a step nobody decided on (a
    # message telling that pods are restarting reads as a restart)
    decided = {kind for kind, phase in firsts if phase == "decision"}
    during = sorted({n for (kind, _), n in firsts.items() if kind in decided}) + \
        sorted({n for (kind, _), n in firsts.items() if kind not in decided})
    rows = ([before] if before is not None else []) + list(dict.fromkeys(during))
    return [n for n in rows if n in candidates]


def _first_alerts(events, kinds, candidates, anchor, end, ours, paged) -> list[int]:
    """The first firing of each alert name (of each group of a multi-alert monitor: `{host:web-3}`), in the
    incident window first. A row that names no group repeats any earlier one of its name or id (another
    tool's copy). A pager's log line that names no alert (`Triggered through the API`) within two minutes
    of an alert that fired is that alert's page. An alert on another service than the incident's is left
    out unless it paged inside the window."""
    seen: dict[tuple[str, str | None], set] = {}  # ('name', name) or ('id', id) → the groups seen
    out, last_fired = [], None
    for n, event in enumerate(events):
        if kinds[n] != "alert" or alert_state(event) != "fired":
            continue
        scope = alert_scope(event.event)
        keys = [("name", alert_name(event.event))] + ([("id", event.id)] if event.id is not None else [])
        unnamed = bool(_PAGER_LOG.match(event.event))
        copy = unnamed and last_fired is not None and event.time - last_fired <= timedelta(minutes=2)
        repeat = copy or any(k in seen and (scope is None or scope in seen[k]) for k in keys)
        for k in keys:
            seen.setdefault(k, set()).add(scope)
        last_fired = event.time
        other = relevance(event.event, ours) == 2 and not (anchor <= event.time <= end and paged(n))
        if not repeat and not other and n in candidates:
            out.append(n)
    early = anchor - timedelta(hours=1)
    return sorted(out, key=lambda n: (not early <= events[n].time <= end, n))


def _status_posts(events, kinds, candidates) -> list[int]:
    pages: dict[str, list[int]] = {}
    for n in candidates:
        if kinds[n] == "status page":
            pages.setdefault(events[n].id or _path(events[n]), []).append(n)
    firsts = [rows[0] for rows in pages.values()]
    lasts = [next((n for n in rows if "resolved" in label_words(events[n].event)), rows[-1])
             for rows in pages.values() if len(rows) > 1]
    return sorted(firsts) + sorted(lasts)


def _copies_an_alert(event: Event, alerts: dict[str, datetime]) -> bool:
    """A chat bot's line about an alert that already has its row (`pagerbot: LagHigh triggered`)."""
    low = event.event.lower()
    return any(name in low and abs(event.time - when) <= timedelta(minutes=10) for name, when in alerts.items()
               if len(name) >= 6)


def _page_copies(events, kinds) -> set[int]:
    """Rows that are not chat, talk of escalating or paging, and come within `_PAGE_AGAIN` after an alert
    fired: the pager's log of that page, not a person pulling someone in."""
    fired = [e.time for n, e in enumerate(events) if kinds[n] == "alert" and alert_state(e) == "fired"]
    escalation = dict(_ACTION_RES)["escalation"]
    return {n for n, e in enumerate(events) if kinds[n] == "other" and escalation.search(e.event)
            and any(timedelta(0) <= e.time - t <= _PAGE_AGAIN for t in fired)}


def _actions(events, kinds, candidates, anchor, ours, known, only=None, copies=frozenset()) -> list[int]:
    """One chat row per kind of talk (`only` that kind); actions on the system are `_operations`' (a
    question or a proposal to roll back is no rollback), a row about another service only or one that says
    it is unrelated is left out, and so is a pager's log of a page (`copies`)."""
    alerts = {}
    for n, event in enumerate(events):
        if kinds[n] == "alert":
            alerts.setdefault(alert_name(event.event), event.time)
    pages = any(kind == "status page" for kind in kinds)  # its own tier has the posts
    out = []
    for name, pattern in _ACTION_RES:
        wanted = name == only if only else name != "follow-up"  # the follow-ups are a tier of their own
        if not wanted or name in _OPERATED or name == "status update" and pages:
            continue
        since = anchor - timedelta(hours=1) if name in _EARLY else anchor
        found = (n for n in sorted(candidates) if kinds[n] in ("chat", "other") and events[n].time >= since
                 and pattern.search(event_text(events[n])) and not _copies_an_alert(events[n], alerts)
                 and not (name in _NOT_ASKED and _QUESTION.search(event_text(events[n])))
                 and n not in copies and not _UNRELATED.search(events[n].event)
                 and relevance(event_text(events[n]), ours, known) < 2)
        for n in islice(found, _MORE.get(name, 1)):
            if n not in out:
                out.append(n)
    return out


def event_text(event: Event) -> str:
    """The message without its speaker: `王强: 已转给…` is about 转给, not about 王强."""
    m = _SPEAKER.match(event.event)
    return event.event[m.end() - 1:] if m and not _LOG_LEVEL.match(m["who"]) else event.event


# a log line's own fields (`(slot_id=sl_9f31c2, attempt=3)`, before its labels): the same line from another pod
# or for another order carries others
_FIELDS = re.compile(r" \([\w.@-]+=[^,()]*(?:, [\w.@-]+=[^,()]*)*\)(?=(?: \[[^\[\]]*\])?$)")


def _bare(text: str) -> str:
    return _FIELDS.sub("", text)


def is_trouble(event: Event) -> bool:
    """A row that says something failed: a WARN/ERROR log line, an exception, a timeout, 失败 …"""
    return bool(_TROUBLE.search(event.event))


def _warnings(events, kinds, candidates, anchor) -> list[int]:
    """Trouble logged near the impact start, one row per kind of line: not the same line again from another
    pod, nor the line a milestone already stands on."""
    def shape_of(n):
        return re.sub(r"\d+", "#", _bare(events[n].event).lower())[:60]

    shapes = {shape_of(n) for n, e in enumerate(events) if e.milestone and kinds[n] == "other"}
    out = []
    for n in sorted(candidates, key=lambda n: (abs(events[n].time - anchor), n)):
        if kinds[n] == "other" and is_trouble(events[n]):
            if (shape := shape_of(n)) not in shapes:
                shapes.add(shape)
                out.append(n)
    return out


def _metric_peak(events, kinds, candidates, anchor) -> list[int]:
    """The sample where the first series that is not load is furthest from its first value, unless a
    milestone sample (always kept) lies within five minutes of it. Only the samples from the impact start to
    the mitigation count when the evidence marks it: orders per minute fall further at 3 a.m. than in the
    incident, and the night is not the impact."""
    mitigated = _first(events, "mitigated")
    best, best_gap, base, series = None, 0.0, None, None
    for n, event in enumerate(events):
        if kinds[n] != "metric":
            continue
        if mitigated is not None and base is not None and not anchor <= event.time <= mitigated:
            continue
        pairs = [(k.strip(), float(v)) for k, v in re.findall(r"(?:^|,)\s*([^=,]+)=\s*(-?\d+(?:\.\d+)?)(?=,|$)",
                                                                event.event)]
        if series is None and pairs:  # the first series of the first sample that is not load (qps, clients)
            series = next((k for k, _ in pairs if not is_load(k)), pairs[0][0])
        value = next((v for k, v in pairs if k == series), None)
        if value is None:
            continue
        base = value if base is None else base
        if abs(value - base) > best_gap:
            best, best_gap = n, abs(value - base)
    if best not in candidates:
        return []
    near = any(e.milestone and kinds[n] == "metric" and abs(e.time - events[best].time) <= timedelta(minutes=5)
               for n, e in enumerate(events))
    return [] if near else [best]


def _other_sources(events, kinds, candidates, kept, anchor, end) -> list[int]:
    """The first row (in the incident window first) of each source file no kept row comes from; not an
    alert's repeat, a metric sample or a change that never ran, which their own tiers left out on purpose."""
    early = anchor - timedelta(hours=1)
    out, seen = [], {_path(events[n]) for n in kept}
    rows = (n for n in candidates if kinds[n] not in ("alert", "metric", "cancelled"))
    for n in sorted(rows, key=lambda n: (not early <= events[n].time <= end, n)):
        path = _path(events[n])
        if path not in seen:
            seen.add(path)
            out.append(n)
    return out


# (tier, core share, most rows): the first round gives every tier its core share, in this order ...
_SHARES = {"changes near impact": (2, 4), "actions on the system": (5, 8), "first alerts": (1, 4),
           "status page": (1, 2), "who takes which follow-up": (3, 4), "one chat row per action": (3, 10),
           "warnings near impact": (1, 3), "metric peak": (1, 1), "the pager's escalation": (0, 1)}
# ... the second fills up to the most, the actions taken first: they carry the story and the owners
_SECOND = ("actions on the system", "who takes which follow-up", "one chat row per action", "first alerts",
           "changes near impact", "status page", "warnings near impact", "the pager's escalation")
_LAST = "one row per other source"
_AFTER = "rows long after the mitigation, as room allowed"
_SAME_LINE = timedelta(minutes=1)
_SAME_ACTION = timedelta(minutes=5)
_STARTED = re.compile(r"\bstart(?:ed|ing|s)?\b|\bwindow start\b|开始", re.I)
# An hour after the mitigation the story is the resolution (a milestone, always kept) and who owns what is
# left; a night's backfill, the fix's release and the status page's closing post are in the record.
_AFTERMATH = timedelta(hours=1)


def _announces(chat: Event, change: Event, anchor: datetime) -> bool:
    """A chat row during the incident that starts or finishes the action a change row shows, to the same
    version (`Argo rollback to v2.13.2 started` next to Argo CD's own row): one of them is enough. The
    release announced before the impact stays: it often says what the release changed."""
    if chat.time <= anchor or abs(chat.time - change.time) > _SAME_ACTION:
        return False
    phase = "start" if _STARTED.search(change.event) else "finish"
    return any(step.phase == phase and step.version in versions(change.event)
               and re.search(KINDS[step.kind], change.event, re.I) for step in steps(event_text(chat)))


def pick(events: Sequence[Event], marked: Collection[int] = (), limit: int = LIMIT,
         repository: Collection[str] = ()) -> Pick:
    """At most `limit` rows (every row when there are no more): milestones and `marked` rows (indices)
    always, then the tiers above. Deterministic: the same rows give the same choice. `repository`: the
    names of the repository the draft is written in (`services.other_names`)."""
    marked = set(marked)
    far = {id(e) for e in near_incident(list(events))[1]}
    far_rows = tuple(n for n, e in enumerate(events) if id(e) in far and n not in marked and not e.milestone)
    must = sorted(marked) + [n for n, e in enumerate(events) if e.milestone and n not in marked]
    cancelled = tuple(n for n, e in enumerate(events) if NOT_DONE_ROW.match(e.event) and n not in must)
    candidates = set(range(len(events))) - set(far_rows) - set(must) - set(cancelled)
    if len(candidates) + len(must) <= limit:
        return Pick(tuple(sorted(candidates | set(must))), (), far_rows, cancelled=cancelled)
    kinds = classify(events)
    anchor, end = _anchor_and_end(events, kinds)

    def was_paged(n):
        return kinds[n] == "alert" and paged(events[n])

    ours = incident_services(events, was_paged, lambda n: kinds[n] == "alert" and alert_state(events[n]) == "fired",
                             anchor, end)
    ours |= other_names([e.event for e in events], [e.event for n, e in enumerate(events) if kinds[n] == "change"],
                        ours, repository)
    known = frozenset(s for n, e in enumerate(events) if kinds[n] in ("alert", "change") for s in services(e.event))
    mitigated = _first(events, "mitigated")
    # who owns what may be settled at the close, hours later; every other tier looks at the incident itself
    # first, and at the rows long after the mitigation only when the draft still has room
    recent = {n for n in candidates if mitigated is None or events[n].time <= mitigated + _AFTERMATH}
    copies = _page_copies(events, kinds)

    def tiers_over(rows: set[int]) -> dict[str, list[int]]:
        return {
            "changes near impact": _changes(events, kinds, rows, anchor, end, ours),
            "actions on the system": _operations(events, kinds, rows, anchor, end, ours, known),
            "first alerts": _first_alerts(events, kinds, rows, anchor, end, ours, was_paged),
            "status page": _status_posts(events, kinds, rows),
            "who takes which follow-up": _actions(events, kinds, candidates, anchor, ours, known, "follow-up"),
            "one chat row per action": _actions(events, kinds, rows, anchor, ours, known, copies=copies),
            "warnings near impact": _warnings(events, kinds, rows, anchor),
            "metric peak": _metric_peak(events, kinds, rows, anchor),
            "the pager's escalation": sorted(copies & rows)[:1],
        }

    tiers = tiers_over(recent)
    kept: dict[int, str] = {n: "marked rows" if n in marked else "milestones" for n in must[:limit]}

    def repeats(n):  # the same line again (another pod logged it in the same minute): once is enough
        return any(_bare(events[k].event) == _bare(events[n].event) and abs(events[k].time - events[n].time)
                   <= _SAME_LINE
                   or kinds[n] == "chat" and kinds[k] == "change" and _announces(events[n], events[k], anchor)
                   for k in kept)

    def fill(tiers, rounds, label=None):
        for names, most in rounds:
            for name in names:
                share = _SHARES[name][most]
                taken = sum(1 for n in tiers[name] if n in kept)
                for n in (n for n in tiers[name] if n not in kept and not repeats(n)):
                    if len(kept) >= limit or taken >= share:
                        break
                    kept[n], taken = label or name, taken + 1

    fill(tiers, ((tuple(tiers), 0), (_SECOND, 1)))
    for n in _other_sources(events, kinds, candidates - set(kept), kept, anchor, end)[:max(0, limit - len(kept))]:
        kept[n] = _LAST
    if len(kept) < limit and recent != candidates:
        fill(tiers_over(candidates), ((_SECOND, 1),), _AFTER)
    order = ["milestones", "marked rows", *tiers, _LAST, _AFTER]
    others = sorted({s for n in candidates - set(kept) if kinds[n] in ("alert", "change")
                     and relevance(events[n].event, ours) == 2 for s in services(events[n].event)} - ours)
    return Pick(tuple(sorted(kept)), tuple(name for name in order if name in kept.values()), far_rows,
                tuple(others), cancelled)
