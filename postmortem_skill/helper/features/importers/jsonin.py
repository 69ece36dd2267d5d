"""JSON and JSON Lines as the common tools export them: alert tools (Alertmanager and Grafana webhooks or
API answers, Opsgenie, PagerDuty incidents and log entries, Datadog events, Statuspage incidents), chat
exports (Slack, Microsoft Teams via Graph, Feishu/Lark), and our own timeline or facts rows.

A record of the wrong shape (a number where text belongs, null, a nested object) is one problem with its
line; the other records are still read."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from postmortem_skill.helper.features.importers import ghstatus, zendesk
from postmortem_skill.helper.features.importers.argocd import (
    add_application,
    add_history_entry,
    is_application,
    is_history_entry,
)
from postmortem_skill.helper.features.importers.chat import (
    body_text,
    chat_noise,
    named_mentions,
    reply_pointer,
    shared_file,
    slack_attachment_text,
    slack_markup,
    speaker,
    wecom_text,
)
from postmortem_skill.helper.features.importers.core import (
    Reader,
    first,
    first_text,
    label,
    line_of,
    mapping,
    not_done,
    time_locator,
    with_labels,
)
from postmortem_skill.helper.features.importers.datadog import add_monitor_event, monitor_event
from postmortem_skill.helper.features.importers.jsonlogs import is_log_line, log_text
from postmortem_skill.helper.features.importers.kube import add_kube_event, is_kube_event
from postmortem_skill.helper.features.importers.logquery import (
    cloud_log_entry,
    insights_row,
    is_insights_answer,
    log_record,
)
from postmortem_skill.helper.features.importers.logstores import elastic_source, is_loki_stream, loki_records
from postmortem_skill.helper.features.importers.servicenow import add_change_request, is_change_request
from postmortem_skill.helper.features.importers.tables import is_series_export, prometheus_series, read_series, said
from postmortem_skill.helper.model.timeutil import parse_timestamp

TIME_KEYS = ("time", "timestamp", "created_at", "ts", "created_on", "createdAt", "createdDateTime",
             "@timestamp", "date_happened", "create_time", "datetime", "date", "occurred_at", "msgtime",
             "startsAt")  # last: an alert timed by startsAt only (_moments)
TEXT_KEYS = ("event", "message", "msg", "title", "summary", "text", "alert", "description", "name", "content",
             "log")
ID_KEYS = ("tinyId", "incident_number", "fingerprint", "change_id", "alert_id", "alertId", "key", "id")
LIST_KEYS = ("messages", "events", "items", "entries", "timeline", "incidents", "log_entries", "alerts",
             "value", "data", "records", "rows", "result", "changes", "deployments", "hits", "tickets", "comments")
# a chat message's id is no evidence id
_CHAT_KEYS = ("from", "sender", "user", "user_profile", "messageType", "msg_type", "msgtype")
LATER_MOMENTS = (("acknowledged_at", "acknowledged"), ("resolved_at", "resolved"), ("resolved_on", "resolved"),
                 ("closed_at", "closed"), ("monitoring_at", "monitoring"), ("finished_at", "finished"))
def json_type(value) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _alert_text(record: dict):
    """`ThumbnailErrorRateHigh: thumbnail 404 rate 7.9%`: the alert name from `labels` and the summary
    (else the description) from `annotations`."""
    name = label(mapping(record, "labels"), "alertname")
    body = first_text(mapping(record, "annotations"), ("summary", "description"))
    if name and body and name not in body:
        return f"{name}: {body}"
    return body or name


def _ident(record: dict):
    if any(k in record for k in _CHAT_KEYS):
        return None
    nested = mapping(record, "incident")  # a PagerDuty log entry names its incident
    value = first(nested, ("incident_number", "id")) if nested else None
    value = value if value is not None else first(record, ID_KEYS)
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _deployment_text(record: dict):
    """A deployment as GitLab (`/projects/:id/deployments`) or GitHub (`/repos/:o/:r/deployments`) lists it:
    `deploy main (99d0367) to production`, with GitHub's description; None for any other record."""
    environment = record.get("environment")
    environment = mapping(record, "environment").get("name") if isinstance(environment, dict) else environment
    sha, ref = record.get("sha"), record.get("ref")
    if not (isinstance(sha, str) and isinstance(ref, str) and isinstance(environment, str) and environment.strip()):
        return None
    text = f"deploy {ref.strip()} ({sha.strip()[:7]}) to {environment.strip()}"
    described = first_text(record, ("description",))
    return f"{text} ({described})" if described else text  # no colon: `x: y` reads as a chat line


_INCIDENT_NUMBER = re.compile(r"^\[#\d+\]\s*")


def _page_text(record: dict) -> str | None:
    """A PagerDuty trigger log entry says only "Triggered through the API.": what paged is its channel's
    summary (the event's), else its incident's title without the `[#4127]` number."""
    if record.get("type") != "trigger_log_entry":
        return None
    said = first_text(record, ("summary",))
    what = first_text(mapping(record, "channel"), ("summary",)) or \
        _INCIDENT_NUMBER.sub("", first_text(mapping(record, "incident"), ("summary",)) or "")
    if not said or not what or what in said:
        return None
    return f"{said.rstrip('.')} ({what})"  # no colon: `x: y` reads as a chat line


def _text(record: dict, people: dict | None = None):
    if isinstance(record.get("commit"), str) and isinstance(record.get("subject"), str):
        return f"commit {record['commit'][:7]} {record['subject'].strip()}"  # `postmortem evidence --format json`
    told = _deployment_text(record) or _page_text(record)
    if told:
        return told
    text = ((log_text(record) if is_log_line(record) else None) or first_text(record, ("event",))
            or first_text(record, TEXT_KEYS)
            or body_text(record) or wecom_text(record) or _alert_text(record) or slack_attachment_text(record))
    text = text or shared_file(record)
    text = named_mentions(text, people or {}) if isinstance(text, str) else text
    if isinstance(text, str) and record.get("type") == "message":  # a Slack message
        text = slack_markup(text)
    who = speaker(record, people)
    return f"{who}: {text}" if text and who and not text.startswith(who) else text


def _labels(record: dict) -> dict:
    """The record with level, severity, priority or status from `labels` where it has none of its own; a
    Datadog `alert_type` read as a level."""
    nested = mapping(record, "labels")
    extra = {k: nested[k] for k in ("severity", "priority", "status") if label(record, k) is None and label(nested, k)}
    if label(record, "alert_type") and label(record, "level") is None:
        extra["level"] = record["alert_type"]
    return {**record, **extra}


def _moments(record: dict):
    """(time, status) of each moment the record stands for: when it started, and when a resolved alert
    ended (Alertmanager/Grafana `endsAt`; `0001-01-01…` means still firing), when it was acknowledged or
    resolved (`*_at` fields; Opsgenie `report.ackTime`/`closeTime`, milliseconds after creation)."""
    started = first(record, TIME_KEYS)
    moments = [(started, None)]
    ends, alert = record.get("endsAt"), first(record, TIME_KEYS[:-1]) is None  # timed by startsAt only
    if alert and isinstance(ends, str) and ends.strip() and not ends.startswith("0001-") \
            and str(record.get("status")).lower() == "resolved":
        moments = [(started, "firing"), (ends, "resolved")] if started else [(ends, "resolved")]
    for name, status in LATER_MOMENTS:
        if record.get(name) not in (None, ""):
            moments.append((record[name], status))
    report, created = mapping(record, "report"), parse_timestamp(started) if isinstance(started, str) else None
    for name, status in (("ackTime", "acknowledged"), ("closeTime", "closed")):
        if created and isinstance(report.get(name), int) and not isinstance(report.get(name), bool):
            moments.append(((created + timedelta(milliseconds=report[name])).isoformat(), status))
    if len(moments) > 1 and moments[0][1] is None:
        moments[0] = (started, label(record, "status") if str(record.get("status")).lower() in
                      ("triggered", "firing", "open") else "triggered")
    return moments


_STATUS_KEYS = ("status", "state", "状态")


def _never_ran(record: dict) -> str | None:
    """The status word of a record whose status says it never ran (a change or deploy `cancelled`,
    `rejected`, `已取消` …), else None."""
    return next((word for key in _STATUS_KEYS if (word := not_done(label(record, key) or ""))), None)


def add_record(reader: Reader, line: int, record, text: str = "") -> None:
    if not isinstance(record, dict):
        return reader.problem(line, f"not an object but {json_type(record)}: skipped")
    if chat_noise(record):
        return None
    if is_kube_event(record):
        return add_kube_event(reader, line, record)
    monitor = monitor_event(record)
    if monitor is not None:
        return add_monitor_event(reader, line, monitor)
    if is_change_request(record):
        return add_change_request(reader, line, record)
    if is_application(record):
        return add_application(reader, line, record)
    if is_history_entry(record):
        return add_history_entry(reader, line, record)
    if zendesk.is_ticket(record):
        return zendesk.add_ticket(reader, line, record)
    if zendesk.is_comment(record):
        return zendesk.add_comment(reader, line, record)
    if ghstatus.is_status(record):
        return ghstatus.add_status(reader, line, record, reader.deploy_refs)
    if is_loki_stream(record):
        for entry in loki_records(record):
            add_record(reader, line, entry)
        return None
    source = elastic_source(record)
    if source is not None:  # a document with a message is a log line, whatever its level is called
        return add_record(reader, line, log_record(source) if first_text(source, ("message", "msg")) else source)
    if isinstance(record.get("replies"), list):  # Graph `messages?$expand=replies`: a thread's replies
        for reply in record["replies"]:  # each cited by its own object's line where the text shows it
            if not reply_pointer(reply):
                add_record(reader, _id_line(text, reply.get("id") if isinstance(reply, dict) else None) or line,
                           reply)
        record = {k: v for k, v in record.items() if k != "replies"}
    record = {**mapping(record, "attributes"), **record}  # Datadog v2 and JSON:API answers
    record = cloud_log_entry(record) or record  # Cloud Logging, Logs Insights, Datadog Logs: log lines
    updates = record.get("incident_updates")
    if isinstance(updates, list) and updates:  # a Statuspage incident: one row per update, at its own line
        locate = time_locator(text)
        for update in updates:
            if isinstance(update, dict):
                body = f"{record.get('name')}: {update.get('body')}" if isinstance(record.get("name"), str) \
                    and isinstance(update.get("body"), str) else update.get("body")
                at = _id_line(text, update.get("id")) or locate(update.get("created_at"), line)
                reader.add(at, update.get("created_at"),
                           with_labels(body, update, ("status",)), ident=_ident(record))
        return None
    plain = first(record, TIME_KEYS[:4]) is not None and first_text(record, TEXT_KEYS) is not None
    text, record = _text(record, reader.people), record if plain else _labels(record)
    moments = _moments(record)
    if moments[0][0] is None:
        return reader.problem(line, f"no time (expected one of {', '.join(TIME_KEYS[:8])}, …)")
    if len(moments) > 1 and _deployment_text(record) and not _never_ran(record):
        # started and finished, its final state in words: `[success]` would read as an alert's state
        final, ident = label(record, "status"), _ident(record)
        reader.add(line, moments[0][0], f"{text} started", ident=ident)
        return reader.add(line, moments[-1][0], f"{text} finished" + (f" ({final})" if final else ""), ident=ident)
    ours = "event" in record and "time" in record  # a timeline or facts row: its own source and id
    skipped = _never_ran(record)
    if skipped and isinstance(text, str):  # one row at its time, saying so first, as a change list's CSV does
        rest = {k: v for k, v in record.items() if k not in _STATUS_KEYS}
        return reader.add(line, moments[0][0], said(skipped, with_labels(text, rest)), record.get("milestone"),
                          record.get("source") if ours else None, record.get("id") if ours else _ident(record))
    if is_log_line(record):  # its level leads the text, as in a text log; a log line is no alert
        record = {k: v for k, v in record.items() if k not in ("level", "log.level", "lvl", "severity")}
    for when, status in moments:
        labelled = {**record, "status": status} if status else record
        row_text = with_labels(text, labelled)
        seen = (str(when), row_text)
        if status and seen in reader.seen:  # the same alert in a firing and a resolved snapshot: one row
            continue
        reader.seen.add(seen)
        ident = record.get("id") if ours else _ident(record)
        if isinstance(record.get("commit"), str) and "subject" in record:
            ident = record["commit"][:7]
        reader.add(line, when, row_text, record.get("milestone"), record.get("source") if ours else None, ident)


def _id_line(text: str, ident) -> int | None:
    """The line of `"id": "<ident>"` in `text` (an update's own object), None when it is not there once."""
    if not text or not isinstance(ident, str) or not ident:
        return None
    found = list(re.finditer(r'"id"\s*:\s*"%s"' % re.escape(ident), text))
    return line_of(text, found[0].start()) if len(found) == 1 else None


class _BadJson(ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def _array_items(text: str, start: int):
    """(line, value) for each element of the JSON array whose `[` is at `start`; lines are counted on
    from the previous element, so a large export is read in one pass."""
    decoder, i = json.JSONDecoder(), start + 1
    line, counted = line_of(text, i), i
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text):
            raise _BadJson(line_of(text, i), "the JSON array is not closed")
        if text[i] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise _BadJson(line_of(text, exc.pos), f"invalid JSON ({exc.msg}); the rest is not read") from None
        except RecursionError:
            raise _BadJson(line_of(text, i), "JSON nested too deeply to be an export; the rest is not read") from None
        line, counted = line + text.count("\n", counted, i), i
        yield line, value
        i = end


def _list_key(whole: dict):
    """The key holding the rows of a wrapper object, looking one level into `data` (Feishu, Opsgenie)."""
    if first(whole, TIME_KEYS) is not None:
        return None, whole
    for name in LIST_KEYS:
        if isinstance(whole.get(name), list):
            return name, whole
    for name in ("data", "incident", "result", "hits"):  # … and Elasticsearch's `hits.hits`
        inner = whole.get(name)
        if isinstance(inner, dict):
            found, holder = _list_key(inner)
            return (found, holder) if found else (None, inner)
    return None, whole


def read_json(text: str, reader: Reader) -> None:
    start = len(text) - len(text.lstrip())
    if text[start] == "{":
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            return read_json_lines(text, reader)
        except RecursionError:
            return reader.problem(line_of(text, start), "JSON nested too deeply to be an export")
        if is_insights_answer(whole):  # Logs Insights' `get-query-results`: each row a list of fields
            start = re.search(r'"results"\s*:\s*\[', text).end() - 1
            try:
                for line, value in _array_items(text, start):
                    add_record(reader, line, insights_row(value))
            except _BadJson as exc:
                reader.problem(exc.line, str(exc))
            return None
        if is_series_export(whole):
            return read_series(text, whole, reader)
        prometheus = prometheus_series(whole)
        if prometheus is not None:
            return read_series(text, prometheus, reader)
        name, holder = _list_key(whole)
        if isinstance(holder.get("users"), list):  # Zendesk's `include=users` sideload names the authors
            reader.people = {**reader.people, **zendesk.people(holder["users"])}
        if name is None and isinstance(whole.get("ticket"), dict):  # Zendesk's `{"ticket": {…}}`
            holder = whole["ticket"]
            return add_record(reader, time_locator(text)(holder.get("created_at"), line_of(text, start)), holder)
        if name is None:
            if is_application(holder):  # one Application: each row cites the line of its own time
                return add_application(reader, line_of(text, start), holder, text)
            return add_record(reader, line_of(text, start), holder, text)
        found = re.search(r'"%s"\s*:\s*\[' % re.escape(name), text)
        if not found or (holder is not whole and not _decodes_to(text, found.end() - 1, holder[name])):
            for item in holder[name]:
                add_record(reader, line_of(text, start), item)
            return None
        start = found.end() - 1  # the list's own lines, also inside a wrapper ({"data": {"items": [...]}})
    try:
        for line, value in _array_items(text, start):
            for record in _unwrapped(value):
                add_record(reader, line, record, text)
    except _BadJson as exc:
        reader.problem(exc.line, str(exc))


def _decodes_to(text: str, at: int, value) -> bool:
    """Whether the JSON at `at` is `value`: the first `"items": [` of a text is the wrapper's list."""
    try:
        return json.JSONDecoder().raw_decode(text, at)[0] == value
    except (json.JSONDecodeError, RecursionError):
        return False


def read_json_lines(text: str, reader: Reader) -> None:
    """One record a line; a line that wraps its rows (an Alertmanager webhook payload as a receiver logs
    it, `{"alerts": [...]}`) gives each of them, on that line."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reader.problem(number, f"invalid JSON ({getattr(exc, 'msg', 'nested too deeply')})")
            continue
        for item in _unwrapped(record):
            add_record(reader, number, item)


def _unwrapped(value) -> list:
    """The rows of one element of an export: itself, or the rows it wraps (an Alertmanager webhook payload,
    `{"alerts": [...]}`, as receivers log it one a line or save the payloads as an array)."""
    name, holder = _list_key(value) if isinstance(value, dict) else (None, value)
    return holder[name] if name else [value]

