"""Structured log lines (zap, slog, logrus, pino, bunyan, structlog, ECS, Docker's json-file) read as a text log shows
them: the level first, the message, the error it carries. No I/O."""
from __future__ import annotations

from postmortem_skill.helper.features.importers.core import first_text, mapping

_ERROR_KEYS = ("error", "err", "error.message", "exception")
_PINO_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL"}


def is_log_line(record: dict) -> bool:
    """A structured log line (zap, slog, logrus, pino, bunyan: `msg`; ECS: `log.level`; a `logger` or
    `caller` beside a message), not an alert or a chat message."""
    return isinstance(record.get("msg"), str) or "log.level" in record or "level" in mapping(record, "log") or (
        any(isinstance(record.get(k), str) for k in ("message", "event"))  # structlog's message is `event`
        and any(k in record for k in ("logger", "logger_name", "caller")))


def log_text(record: dict):
    """A log line as a text log shows it: its level first, its message, and the error it carries when the
    message does not say it (`WARN accounting API rejected batch: accounting API 413: …`)."""
    text = first_text(record, ("msg", "message", "event"))
    error = first_text(record, _ERROR_KEYS) or first_text(mapping(record, "error"), ("message",))
    if text and error and error not in text:
        text = f"{text}: {error}"
    level = record.get("level", record.get("log.level", record.get("lvl", mapping(record, "log").get("level"))))
    level = _PINO_LEVELS.get(level) if isinstance(level, int) else level
    return f"{level.strip().upper()} {text}" if text and isinstance(level, str) and level.strip() else text
