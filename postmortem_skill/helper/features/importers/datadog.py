"""Datadog monitor events as alert rows, from the Events API v1 (`{"events": [...]}`: `source_type_name`
"Monitor Alert", `alert_type`, `monitor_transition`, `date_happened`, `tags`) and v2 (`{"data": [{"attributes":
{"timestamp", "tags", "attributes": {"title", "status", "monitor": {"transition": …}, "priority", …}}}]}`).
No I/O.

A title such as `[Triggered on {service:invoice-api,env:prod}] [P1] invoice-api 5xx error rate` becomes
`invoice-api 5xx error rate [P1, triggered]`, the shape of the other alert tools' rows: the monitor's name
(the alert name), its priority and its transition. Triggered, Re-Triggered and Warn fired; Recovered
resolved; No Data is neither (the monitor lost its data; nobody was paged for the condition). A `service:`
tag the name does not spell out is added (`5xx error rate - invoice-api`), so the row names its service.
A multi-alert monitor alerts per group: the group its title names (`on {host:web-3}`), else the event's
`monitor_groups` (v2 also `monitor.groups`), stays with the name (`HighErrorRate {service:checkout} [P2,
triggered]`), so that two groups of one monitor are two alerts. A trigger whose message notifies only
channels (`@slack-…`, no `@pagerduty-…`/`@opsgenie-…`) is labelled `no page`: it reached a channel, not a person.
A Datadog event that is no monitor's (a deploy, a user's note) is left to the plain reader."""
from __future__ import annotations

import re

from postmortem_skill.helper.features.importers.core import Reader
from postmortem_skill.helper.features.importers.services import names

STATES = {"triggered": "triggered", "re-triggered": "re-triggered", "retriggered": "re-triggered",
          "recovered": "recovered", "warn": "warn", "re-warn": "re-warn", "no data": "no data",
          "re-no data": "no data"}
_BY_ALERT_TYPE = {"error": "triggered", "warning": "warn", "success": "recovered"}
_BY_DESTINATION = {"alert": "triggered", "warn": "warn", "ok": "recovered", "no data": "no data"}
_GROUP = re.compile(r"\s*\[(?P<inner>[^\[\]{}]{1,30}?(?: on \{[^{}]{0,400}\})?)\]\s*")
_PRIORITY = re.compile(r"p[0-5]", re.I)
_SCOPE = re.compile(r"\s*\[[^\[\]{}]{1,30}? on (?P<scope>\{[^{}]{1,400}\})\]")


def _mapping(record: dict, name: str) -> dict:
    return record[name] if isinstance(record.get(name), dict) else {}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def split_title(title: str) -> tuple[str | None, str | None, str]:
    """(state, priority, the monitor's name) of a monitor event's title: its leading `[Triggered on {…}]`
    and `[P1]` groups, in either order, are taken off; other groups (`[Synthetics]`) stay in the name."""
    state = priority = None
    rest = title
    while m := _GROUP.match(rest):
        word = m["inner"].split(" on {", 1)[0].strip().lower()
        if word in STATES and state is None:
            state = STATES[word]
        elif _PRIORITY.fullmatch(word) and priority is None:
            priority = word.upper()
        else:
            break
        rest = rest[m.end():]
    return state, priority, rest.strip()


def _tags(*holders: dict) -> list[str]:
    return [t for holder in holders for t in (holder.get("tags") or []) if isinstance(t, str)]


def _tag(tags: list[str], key: str) -> str:
    return next((t.split(":", 1)[1].strip() for t in tags if t.lower().startswith(key + ":")), "")


def group(title: str, event: dict, monitor: dict) -> str:
    """The group a multi-alert monitor's event is about, `{host:web-3}` or `{service:checkout,env:prod}`: the
    one its title names (as Datadog shows it), else `monitor_groups` or `monitor.groups`; '' for a simple
    monitor's."""
    m = _SCOPE.match(title)
    if m:
        return m["scope"]
    for listed in (event.get("monitor_groups"), monitor.get("groups")):
        scopes = [g.strip() for g in listed if isinstance(g, str) and g.strip()] if isinstance(listed, list) else []
        if scopes:
            return "{" + ",".join(scopes) + "}"
    return ""


def _state(event: dict, inner: dict, title_state: str | None) -> str | None:
    """The transition: v1 `monitor_transition`, v2 `monitor.transition`, the title's, else the event's
    alert type (error, warning, success)."""
    named = _text(event.get("monitor_transition")).lower()
    if named in STATES:
        return STATES[named]
    transition = _mapping(_mapping(inner, "monitor"), "transition")
    destination = _BY_DESTINATION.get(_text(transition.get("destination_state")).lower())
    if destination:
        again = _text(transition.get("transition_type")).lower().startswith(("re-", "renotify"))
        return f"re-{destination}" if again and destination in ("triggered", "warn") else destination
    if title_state:
        return title_state
    return _BY_ALERT_TYPE.get(_text(event.get("alert_type") or inner.get("status")).lower())


def monitor_event(record: dict) -> dict | None:
    """{time, text, id} of a monitor event as Datadog's Events API gives it, None for any other record."""
    outer = _mapping(record, "attributes")
    inner = _mapping(outer, "attributes")  # v2: data[].attributes.attributes
    event = record if not inner else {**inner, **{k: v for k, v in outer.items() if k != "attributes"}}
    monitor = _mapping(inner, "monitor")
    title = _text(event.get("title")) or _text(monitor.get("name"))
    title_state, title_priority, name = split_title(title)
    source = _text(event.get("source_type_name")).lower()
    category = _text(event.get("sourcecategory") or _mapping(event, "evt").get("type")).lower()
    is_monitor = source == "monitor alert" or "monitor" in category or "monitor_transition" in event \
        or bool(monitor) or title_state is not None
    state = _state(event, inner, title_state) if is_monitor else None
    if state is None or not name:
        return None
    tags = _tags(event, record)
    priority = title_priority or _tag(tags, "priority").upper() or _priority(monitor.get("priority"))
    service = _tag(tags, "service") or _text(event.get("service"))
    scoped = f"{name} {scope}" if (scope := group(title, event, monitor)) else name
    text = f"{scoped} - {service}" if service and not names(scoped, service.lower()) else scoped
    quiet = "no page" if state in ("triggered", "re-triggered") and not _pages(event.get("text")) else ""
    labels = ", ".join(x for x in (priority, quiet, state) if x)
    ident = event.get("monitor_id") or monitor.get("id") or record.get("id")
    when = event.get("date_happened") if event.get("date_happened") is not None else event.get("timestamp")
    return {"time": when, "text": f"{text} [{labels}]", "id": ident}


_HANDLE = re.compile(r"(?<![\w.])@([\w.-]{2,80})")
_PAGER_HANDLE = re.compile(r"pagerduty|opsgenie|victorops|oncall|on-call|pager|sms|phone", re.I)


def _pages(message) -> bool:
    """Whether a monitor's message notifies a pager (`@opsgenie-booking-primary`, `@pagerduty-payments`); one
    that names only channels (`@slack-booking-alerts`, an e-mail address) did not page. True when it names no
    one: the export then does not say."""
    handles = _HANDLE.findall(message) if isinstance(message, str) else []
    return not handles or any(_PAGER_HANDLE.search(h) for h in handles)


def _priority(value) -> str:
    return f"P{value}" if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else ""


def add_monitor_event(reader: Reader, line: int, found: dict) -> None:
    reader.add(line, found["time"], found["text"], ident=found["id"])
