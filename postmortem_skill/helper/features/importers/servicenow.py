"""ServiceNow change requests from the Table API (`GET /api/now/table/change_request`: `{"result": [...]}`, or
a list's JSON export, `{"records": [...]}`) as change rows, the same rows its CSV export gives. No I/O.

`work_start`/`work_end` are the actual window, `start_date`/`end_date` the planned one (used, and said to be
planned, when the change has no actual start); `opened_at`, `sys_created_on` and `sys_updated_on` are the
record's own times, never the change's. A value is a plain string, or `{"display_value", "value"}` with
`sysparm_display_value=all`. Times: a `value` is UTC, as is every time of an answer in raw values (its
`state` a number: -5 New … 3 Closed, 4 Canceled); a display value is in the exporting user's zone, without
an offset, so it is read in the file's zone (`--tz`).
"""
from __future__ import annotations

import re

from postmortem_skill.helper.features.importers.core import Reader, not_done
from postmortem_skill.helper.features.importers.tables import add_window, on_target
from postmortem_skill.helper.model.timeutil import UTC

STATES = {"-5": "New", "-4": "Assess", "-3": "Authorize", "-2": "Scheduled", "-1": "Implement", "0": "Review",
          "3": "Closed", "4": "Canceled"}
_WINDOWS = ("work_start", "work_end", "start_date", "end_date")


def is_change_request(record: dict) -> bool:
    """A change_request record: its number and at least one of its window fields."""
    return "number" in record and any(name in record for name in _WINDOWS) and (
        "short_description" in record or "sys_id" in record)


def _shown(value) -> str:
    """What ServiceNow shows: the display value of `{"display_value", "value"}`, else the plain string."""
    if isinstance(value, dict):
        value = value.get("display_value") if value.get("display_value") not in (None, "") else value.get("value")
    return value.strip() if isinstance(value, str) else ""


def _named(value) -> str:
    """A reference field's name (the CI `checkout-api`); '' when the answer gives only its sys_id."""
    shown = _shown(value)
    return "" if re.fullmatch(r"[0-9a-f]{32}", shown) else shown


def _time(value, raw: bool):
    """(time text, zone of a naive time or None for the file's): a `value` and a raw answer's time are UTC."""
    if isinstance(value, dict) and isinstance(value.get("value"), str) and value["value"].strip():
        return value["value"].strip(), UTC
    text = _shown(value)
    return text, (UTC if raw and text else None)


def add_change_request(reader: Reader, line: int, record: dict) -> None:
    state = _shown(record.get("state"))
    raw = bool(re.fullmatch(r"-?\d+", state))
    state = STATES.get(state, state)
    (start, zone), (end, _) = _time(record.get("work_start"), raw), _time(record.get("work_end"), raw)
    planned = not start
    if planned:
        (start, zone), (end, _) = _time(record.get("start_date"), raw), _time(record.get("end_date"), raw)
    number = _shown(record.get("number")) or None
    if not start:
        return reader.problem(line, "a change request with no actual or planned start (work_start, start_date): "
                                    "left out (opened_at and sys_updated_on are not when it ran)")
    text = on_target(_shown(record.get("short_description")), _named(record.get("cmdb_ci")))
    skipped = not_done(state) if planned else None
    return add_window(reader, line, (start, end or None), text, number, None, zone, planned, skipped)
