"""Which services a row names, and which the incident is about. No I/O.

An alert or a change names its service as the tools write it: `orders-consumer`, `search-indexer-2`
(a host), `orders-consumer-7f6c9d8b5-2xkqp` (a pod), or inside an alert's name (`PaymentsApiLatencyHigh`
names payments-api). The incident's services are those the pages (else the alerts) inside the impact
window name: an alert or change on another service is someone else's, unless it too was paged then.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from postmortem_skill.helper.features.importers.core import Event

_VERSION = re.compile(r"(?<![\w.])v?(\d+\.\d+\.\d+)(?!\.?\d|\w)")  # v2.13.2, 2.13.2; not 10.0.0.12
_KEBAB = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w-])")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def services(text: str) -> frozenset[str]:
    """The service names in a row: kebab-case names with a host or pod suffix taken off
    (`search-indexer-2` and `orders-consumer-7f6c9d8b5-2xkqp` are search-indexer and orders-consumer)."""
    found = set()
    for token in _KEBAB.findall(text):
        parts = token.split("-")
        kept = []
        for part in parts:
            if kept and any(c.isdigit() for c in part):
                break  # an instance suffix: -2, -7f6c9d8b5, -2xkqp
            kept.append(part)
        if len(kept) >= 2:
            found.add("-".join(kept))
    return frozenset(found)


def words(text: str) -> frozenset[str]:
    """Lower-case words, camelCase, snake_case and dotted names split: `PaymentsApiLatencyHigh` →
    payments, api, latency, high."""
    return frozenset(w.lower() for w in _WORDS.findall(text))


def names(text: str, service: str, text_words: frozenset[str] | None = None) -> bool:
    """Whether a row names a service, spelt out or inside a longer name (`OrdersConsumerErrorRateHigh`)."""
    if service in services(text):
        return True
    text_words = words(text) if text_words is None else text_words
    return set(service.split("-")) <= text_words


def incident_services(events: Sequence[Event], paged: Callable[[int], bool], is_alert: Callable[[int], bool],
                      start: datetime, end: datetime) -> frozenset[str]:
    """The services the alerts that fired from `start` to `end` name (`is_alert`): those of the pages, else
    of every such alert; empty when none names one (then nothing is judged by service)."""
    inside = [n for n, e in enumerate(events) if is_alert(n) and start <= e.time <= end]
    for rows in ([n for n in inside if paged(n)], inside):
        found = frozenset(s for n in rows for s in services(events[n].event))
        if found:
            return found
    return frozenset()


def relevance(text: str, ours: frozenset[str], known: frozenset[str] | None = None) -> int:
    """0: the row names one of the incident's services; 1: it names no service (or none is known);
    2: it names services, none of them the incident's. `known` limits the names that count to those the
    alerts and changes use: in chat, `drive-by` or `roll-back` is no service."""
    if not ours:
        return 1
    named = services(text) if known is None else services(text) & known
    text_words = words(text)
    if any(names(text, s, text_words) for s in ours):
        return 0
    return 2 if named else 1


def other_names(texts: Sequence[str], changes: Sequence[str], ours: frozenset[str],
                repository: Collection[str] = ()) -> frozenset[str]:
    """The names our service also goes by (ping-writer is a component of the tracklane-ingest repository):
    the repository's own names (`repository`: the folder, package and chart names `new --commits` reads),
    and a service a change row (`changes`) names with a version that a row naming one of ours names too
    (a deploy of tracklane-ingest v2.13.2 while the chat says "rolling ping-writer back to v2.13.2").
    Nothing when no service is ours: then nothing is judged by service."""
    if not ours:
        return frozenset()
    found = {name for name in repository if services(name) == {name}}  # a single word names too much
    versions = {v for text in texts if relevance(text, ours) == 0 for v in _VERSION.findall(text)}
    for text in changes:
        if versions & set(_VERSION.findall(text)):
            found |= services(text)
    return frozenset(found - ours)
