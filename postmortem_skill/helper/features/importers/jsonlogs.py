"""Structured log lines (zap, slog, logrus, pino, bunyan, structlog, ECS, Docker's json-file) read as a text log shows
them: the level first, the message, the error it carries, then the small fields a reader needs (`count=37`). No I/O."""
from __future__ import annotations

import re

from postmortem_skill.helper.features.importers.core import LABEL_KEYS, first_text, mapping

_ERROR_KEYS = ("error", "err", "error.message", "exception")
_PINO_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL"}

# Fields the row shows otherwise (time, level, message, error, status as a label) or that say where a line
# came from rather than what happened (logger, service, host, pod, trace and request ids, the process).
_SHOWN = {"msg", "message", "event", "lvl", "levelname", "time", "ts", "t", "timestamp", "date", "datetime",
          "logger", "logger_name", "caller", "source", "file", "line", "lineno", "func", "function", "module",
          "service", "app", "application", "component", "host", "hostname", "pod", "pod_name", "container",
          "container_name", "namespace", "node", "instance", "env", "environment", "trace_id", "traceid",
          "span_id", "spanid", "trace_flags", "request_id", "requestid", "correlation_id", "pid", "tid", "thread",
          "thread_name", "goroutine", "stream", "v", "name", *_ERROR_KEYS, *LABEL_KEYS}
_SHOWN_PREFIXES = ("@", "_", "ecs.", "log.", "process.", "host.", "service.", "trace.", "span.", "dd.", "event.",
                   "agent.", "container.", "kubernetes.", "k8s.", "cloud.", "logging.googleapis.com")
# never shown, whatever the value: a credential or what carries one
_SECRET_KEY = re.compile(r"pass(?:word|wd)?|pwd|secret|token|auth|cookie|session|credential|api[_-]?key|"
                         r"private|signature|cert|bearer", re.I)
_SECRET_VALUE = re.compile(r"^(?:eyJ|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|sk-|sk_live_|AKIA|ASIA|AIza)")
MOST_FIELDS = 4
MOST_FIELD_CHARS = 80  # the `(count=37, dry_run=false)` part: the row stays one readable line
_SHORT = 32


def is_log_line(record: dict) -> bool:
    """A structured log line (zap, slog, logrus, pino, bunyan: `msg`; ECS: `log.level`; a `logger` or
    `caller` beside a message), not an alert or a chat message."""
    return isinstance(record.get("msg"), str) or "log.level" in record or "level" in mapping(record, "log") or (
        any(isinstance(record.get(k), str) for k in ("message", "event"))  # structlog's message is `event`
        and any(k in record for k in ("logger", "logger_name", "caller")))


def _value(value) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value and len(value) <= _SHORT and not re.search(r"\s", value) \
            and not _SECRET_VALUE.match(value):
        return value
    return None  # an object, a list, a sentence, a long blob: the record has it


def fields(record: dict) -> str:
    """`count=37, dry_run=false`: the line's own small fields (numbers, booleans, short ids) in the line's
    order, at most MOST_FIELDS of them within MOST_FIELD_CHARS; never a credential's key, never a field the
    row shows otherwise."""
    out: list[str] = []
    for key, value in record.items():
        low = key.lower().replace("-", "_")
        if low in _SHOWN or low.startswith(_SHOWN_PREFIXES) or _SECRET_KEY.search(low):
            continue
        shown = _value(value)
        if shown is None:
            continue
        pair = f"{key}={shown}"
        if len(out) >= MOST_FIELDS or len(", ".join([*out, pair])) > MOST_FIELD_CHARS:
            break
        out.append(pair)
    return ", ".join(out)


def log_text(record: dict):
    """A log line as a text log shows it: its level first, its message, and the error it carries when the
    message does not say it (`WARN accounting API rejected batch: accounting API 413: …`), then its small
    fields (`INFO dead-lettered booking events (count=37, dry_run=false)`)."""
    text = first_text(record, ("msg", "message", "event"))
    error = first_text(record, _ERROR_KEYS) or first_text(mapping(record, "error"), ("message",))
    if text and error and error not in text:
        text = f"{text}: {error}"
    extra = fields(record) if text else ""
    if extra:
        text = f"{text} ({extra})"
    level = record.get("level", record.get("log.level", record.get("lvl", mapping(record, "log").get("level"))))
    level = _PINO_LEVELS.get(level) if isinstance(level, int) else level
    return f"{level.strip().upper()} {text}" if text and isinstance(level, str) and level.strip() else text
