"""Log-query exports read as the log lines they are, never as alerts: CloudWatch Logs Insights (the console's
CSV, `get-query-results`' `results[]` of `{field, value}` lists), Datadog Log Explorer (CSV: Date, Host,
Service, Status, Message; the Logs API's `type: log` items), Grafana Explore over Loki (CSV: Time, Line,
tsNs, id, labels), GCP Cloud Logging (`gcloud logging read --format=json` entries: `textPayload` or
`jsonPayload`, `severity`; the console's CSV of the same fields) and Elasticsearch/OpenSearch documents.

Each becomes a record `jsonlogs` knows: the level under `level` (a Datadog `status` or a Cloud Logging
`severity` is the line's level), the message under `msg`, the line's own fields beside them; where the
line came from (stream, host, service, pod) stays out of the text, as for any structured log. No I/O."""
from __future__ import annotations

from postmortem_skill.helper.features.importers.core import json_object, mapping
from postmortem_skill.helper.features.importers.jsonlogs import is_log_line
from postmortem_skill.helper.features.importers.logstores import line_record

# a column or key that holds a log line's message in a log store's export, whatever else the table has
_LINE_NAMES = ("msg", "@message", "textpayload", "jsonpayload.message", "jsonpayload.msg", "log", "line")
# `message` alone is also an alert list's column (Opsgenie's Message): a log table names where a line came from
_SOURCE_NAMES = {"host", "hostname", "service", "@logstream", "@log", "log.level", "pod", "pod_name", "container",
                 "container_name", "logger", "stream", "namespace"}
_SOURCE_PREFIXES = ("kubernetes.", "k8s.", "resource.labels.", "labels.", "@")
_LEVEL_WORDS = {"trace", "debug", "info", "information", "informational", "notice", "ok", "warn", "warning",
                "error", "err", "critical", "crit", "fatal", "alert", "emergency", "emerg", "panic", "severe"}
# the exporter's bookkeeping, not the line's: Grafana's row ids, Cloud Logging's entry metadata, Insights' pointer
_BOOKKEEPING = {"tsns", "insertid", "logname", "receivetimestamp", "resource", "@ptr", "labels", "sourcelocation",
                "operation", "trace", "spanid", "tracesampled", "detected_level"}


def is_log_table(names: list[str]) -> bool:
    """A header of a log query's results: a message column log stores name (`msg`, `@message`, `Line`,
    `textPayload` …), or `message` beside a column naming where the line came from (Host, Service,
    `@logStream`, a pod)."""
    low = [name.strip().lower() for name in names]
    if any(name in _LINE_NAMES for name in low):
        return True
    return "message" in low and any(name in _SOURCE_NAMES or name.startswith(_SOURCE_PREFIXES) for name in low)


def _level(record: dict) -> str | None:
    for key in ("level", "severity", "status", "detected_level"):
        value = record.get(key)
        if isinstance(value, str) and value.strip().lower() in _LEVEL_WORDS:
            return value.strip()
    return None


def log_record(fields: dict) -> dict:
    """A log query's row (`{column: cell}`, blank cells left out) or entry as a structured log line."""
    flat: dict = {}
    grafana = any(key.lower() == "tsns" for key in fields)  # its `id` is the row's, not the line's
    for key, value in fields.items():
        low = key.strip().lower()
        if low in _BOOKKEEPING or (grafana and low == "id"):
            continue
        if low == "jsonpayload" and isinstance(value, dict):
            flat.update(value)  # Cloud Logging's structured payload: the line's own fields
        elif low.startswith("jsonpayload."):
            flat[key.split(".", 1)[1]] = value
        elif low in ("textpayload", "@message", "line", "log") and isinstance(value, str):
            line = line_record(value)
            flat.update({k: v for k, v in line.items() if k not in flat})
        else:
            flat[key if low not in ("message", "status", "severity", "level") else low] = value
    labels = mapping(fields, "labels") or json_object(str(fields.get("labels", ""))) or {}  # Grafana's, as JSON
    level = _level(flat) or _level(labels)
    for key in ("level", "severity", "status"):
        if key in flat and (key != "status" or level == flat[key]):  # an HTTP status stays the line's label
            del flat[key]
    if level:
        flat["level"] = level
    if not is_log_line(flat):
        message = next((flat.pop(k) for k in ("message", "log", "line") if isinstance(flat.get(k), str)), None)
        if message is not None:
            flat["msg"] = message
    return flat


def cloud_log_entry(record: dict) -> dict | None:
    """A log store's entry as a structured log line (`log_record`), None for any other record: a Cloud
    Logging entry (`textPayload`/`jsonPayload`), an Insights result (`@message`, `@logStream`, `@ptr`), a
    Datadog Logs API item (`type: log`, flattened by the JSON reader to `message`, `status`, `service`)."""
    gcp = isinstance(record.get("textPayload"), str) or isinstance(record.get("jsonPayload"), dict)
    insights = any(k in record for k in ("@message", "@logStream", "@ptr"))
    datadog = record.get("type") == "log" and isinstance(record.get("message"), str)
    if not (gcp or insights or datadog):
        return None
    return log_record({k: v for k, v in record.items() if k not in ("type", "id", "attributes")} if datadog
                      else record)


def is_insights_answer(whole) -> bool:
    """CloudWatch Logs Insights' `get-query-results`: `results` is a list of `[{field, value}, …]` rows."""
    results = whole.get("results") if isinstance(whole, dict) else None
    return isinstance(results, list) and bool(results) and all(
        isinstance(row, list) and all(isinstance(cell, dict) and "field" in cell for cell in row) for row in results)


def insights_row(row: list) -> dict:
    """One result row of `get-query-results` as the record its fields make."""
    return {cell["field"]: cell.get("value") for cell in row if isinstance(cell.get("field"), str)}
