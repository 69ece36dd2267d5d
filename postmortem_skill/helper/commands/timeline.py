"""`postmortem timeline`: alert exports, chat logs, CSV or log lines → one sorted UTC importers."""
from __future__ import annotations

import sys
from pathlib import Path

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import importers
from postmortem_skill.helper.model.timeutil import load_zone, parse_date

DESCRIPTION = """\
Read the events of an incident from FILE and print them as one timeline in UTC, oldest first
(rows with the same time keep their input order).

inputs (detected from the content):
  JSON array, or an object with the array under messages/events/items/entries/timeline (chat exports)
  JSON Lines, one object per line
     time in: time, timestamp, created_at or ts (ISO-8601, or epoch seconds / milliseconds)
     text in: event, message, summary or text; optional: milestone, source
     alert tools' records work as exported: the time in startsAt (Alertmanager, Grafana), createdAt
     (Opsgenie) or @timestamp (Elastic); the text from annotations.summary (else .description) after
     labels.alertname; level, severity, priority and status (own or in labels) kept in [brackets].
     A resolved Alertmanager/Grafana alert gives two rows: [firing] at startsAt, [resolved] at endsAt
     (the same alert in a firing and a resolved snapshot is one row each). A webhook payload
     (array under alerts) or an Opsgenie answer (under data) works too.
  CSV with a header row naming time and event columns (optional milestone, source); , ; or tab.
     A metrics export with a time column and no event column works too: each row becomes an event
     like "p95_latency_s=38, queue_depth=21000"
  log lines starting with an ISO-8601 timestamp (optionally in [brackets]); the rest is the event;
     lines starting with # are comments
  chat lines starting with a time of day only: [01:45], [01:45:09], 01:45 or 1:45 PM; the rest is
     the event; the time is read in --tz (the exporter's zone). Its day is --date (the day of the
     first such line) until a line that holds only a date (2026-03-08, --- 2026-03-08 ---,
     # 2026-03-08) gives another. When the time goes back by more than 12 hours, the chat crossed
     midnight: the next day.

time zones:
  a time with an offset (Z, +08:00, " UTC") is exact; a naive time is read in --tz (an IANA name such
  as America/New_York, or an offset such as +08:00), else UTC. A wall time skipped by a clock change is
  reported as a bad row; one repeated by a clock change is the first occurrence, unless the row before
  it is already later (ordered logs), then the second.

milestones (JSON names; document markers):
  impact_start **IMPACT STARTS** / **影响开始**   detected **DETECTED** / **发现**
  acknowledged **ACKNOWLEDGED** / **响应**        mitigated **MITIGATED** / **缓解**
  resolved **RESOLVED** / **恢复**
  recognised from a milestone field or column, or a leading marker in the text: **DETECTED**,
  [RESOLVED], 【恢复】.

bad rows:
  each one is reported on stderr as FILE:LINE: reason and skipped; the command still succeeds
  (exit 0) when at least one row is usable, and exits 2 when none is (with one line when every
  row fails for the same reason).

output:
  markdown  a table to paste under the Timeline heading: | Time (UTC) | Event | (+ Source when given);
            times HH:MM (HH:MM:SS when any has seconds), YYYY-MM-DD HH:MM when rows span days
  json      [{"time": "2026-05-01T17:58:10Z", "event": "...", "milestone": null}, ...]
  mermaid   a fenced Mermaid timeline block (one section per UTC day) that GitHub renders

examples:
  postmortem timeline alerts.jsonl
  postmortem timeline chat-export.json --tz Asia/Shanghai --format json
  postmortem timeline app.log --tz Europe/Berlin --format mermaid
  postmortem timeline alertmanager.json --format json
  postmortem timeline chat.txt --date 2026-03-08 --tz America/New_York
     where chat.txt holds lines like "[01:45] pagerbot: ThumbnailErrorRateHigh fired"
"""


MAX_BYTES = 20 * 1024 * 1024


def read_text(name: str) -> str:
    """The UTF-8 text of a file ('-' for standard input), or a one-line UsageError."""
    try:
        if name == "-":
            return sys.stdin.buffer.read(MAX_BYTES + 1).decode("utf-8")
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"{name}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise UsageError(f"{name}: larger than {MAX_BYTES // 2**20} MiB")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror})") from None


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the export to read ('-' for standard input)")
    parser.add_argument("--tz", metavar="ZONE", help="zone of naive times (IANA name or +HH:MM); default UTC")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="day of the first chat line that gives a time only")
    parser.add_argument("--format", choices=("markdown", "json", "mermaid"), default="markdown")


RENDERERS = {"markdown": importers.to_markdown, "json": importers.to_json, "mermaid": importers.to_mermaid}


def _same_everywhere(name: str, problems: list) -> str | None:
    """One line for rows that all fail for the same reason (a chat without a date: every line)."""
    reasons = {p.reason for p in problems}
    if len(problems) < 2 or len(reasons) != 1:
        return None
    return f"{name}: all {len(problems)} rows (from line {problems[0].line}): {reasons.pop()}"


def _option(name: str, read, value):
    try:
        return read(value)
    except ValueError as exc:
        raise UsageError(f"--{name}: {exc}") from None


def run(args) -> int:
    zone = _option("tz", load_zone, args.tz or "UTC")
    day = _option("date", parse_date, args.date) if args.date else None
    text = read_text(args.file)
    events, problems = importers.parse(text, zone, day)
    summary = None if events else _same_everywhere(args.file, problems)
    if summary:
        raise UsageError(f"{summary}; no usable timeline rows")
    for problem in problems:
        print(f"{args.file}:{problem.line}: {problem.reason}", file=sys.stderr)
    if not events:
        raise UsageError(f"{args.file}: no usable timeline rows")
    output = RENDERERS[args.format](events)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0
