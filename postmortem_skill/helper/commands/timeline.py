"""`postmortem timeline`: every export of an evidence folder → one merged, sorted UTC timeline."""
from __future__ import annotations

import os
import sys
from fnmatch import fnmatch

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import importers
from postmortem_skill.helper.features.importers.ghstatus import deployment_refs
from postmortem_skill.helper.inputs import read_text, walk
from postmortem_skill.helper.model.timeutil import UTC, load_zone, parse_date

DESCRIPTION = """\
Read the events of an incident from every file and folder given (folders recursively) and print one
timeline, oldest first, exact duplicates dropped. Each row keeps its source (PATH:LINE, the path as
given) and the id the input gives (alert id, change id, incident number). Nothing is written.

inputs (detected from the content, not the file name):
  JSON, JSON Lines   alert tools as exported: Alertmanager/Grafana (webhook or API: startsAt, endsAt,
                     labels, annotations, fingerprint), Opsgenie (data[], createdAt, tinyId, report),
                     PagerDuty (incidents[], log_entries[]), Datadog monitor events (v1 events[],
                     v2 data[].attributes: "[Triggered on {…}] [P1] name" is the row "name [P1,
                     triggered]", a service: tag the name lacks added; Triggered, Re-Triggered and
                     Warn fired, Recovered resolved, No Data neither; other Datadog events as rows),
                     Statuspage (incident.incident_updates), Kubernetes events (kubectl get events
                     -o json: a repeated event at its first and last time), Argo CD applications
                     (argocd app get APP -o json, kubectl get applications -o json: each
                     status.history sync a deploy row at deployedAt, "Argo CD deployed app v2.14.1
                     (revision 5526e8e, sync 42)", and its start; a failed or running
                     operationState sync with its phase; who started it left out); chat exports:
                     Slack (ts, user_profile; the export's users.json names authors and <@U…>
                     mentions), Teams (Graph value[] with replies[], createdDateTime, HTML body),
                     Feishu/Lark (items[], create_time, body.content); structured log lines (zap, slog,
                     pino, structlog, ECS; Loki and Elasticsearch answers, logfmt too; log-query
                     results, CSV or JSON, of Logs Insights, Datadog, Grafana Explore, Cloud
                     Logging: log lines, never alerts) as "WARN msg:
                     error (count=37, dry_run=false)": up to 4 small fields in the line's order, not
                     time, level, logger, service, host or trace ids, never a credential's field;
                     `postmortem evidence --format json` (commit abc1234 subject); GitHub deployment
                     statuses (…/deployments/ID/statuses: "GitHub deployment ID to production: success
                     (v2.14.0)", the ref from the deployments list beside them; in_progress, success,
                     failure, error); Zendesk tickets ("Zendesk ticket #48213 opened: subject (priority
                     high)") and their public comments as chat rows (authors from include=users, else
                     their id; e-mail addresses left out); this command's own JSON. A resolved alert
                     gives a [firing] and a [resolved] row.
  CSV, TSV           a header row naming a time column (time, timestamp, ts, date, datetime, time_utc,
                     created_at, @timestamp, 时间, 发生时间, …) and a text column (event, message,
                     summary, text, alert, description, title, 内容, 事件, …); id, status and
                     acknowledged_at / resolved_at columns are kept; a date column (or --date) dates a
                     time-of-day column. Alert and change exports are read by their headers' shape
                     (AcknowledgedAt, Custom field (Change start date), 首次触发时间, 认领时间, 恢复时间,
                     实际开始/实际结束 as a window); Jira's dates (30/Nov/26 10:44 AM) too. A change
                     whose status says it never ran (Cancelled, Canceled, Rejected, Withdrawn,
                     Declined, 已取消, 已驳回, 撤回, 作废) and that has no actual start is one row at
                     its planned start, "cancelled: CHG-7 window start (planned): …" ("已取消：…").
                     With no text column it is a metrics export: only the rows
                     and columns that change are kept (name=value, …), always the samples that leave
                     or regain the baseline, jump, turn, peak or cross a threshold an alert names
                     ("above 20000"); stderr names the lines left out. UTF-8, else GB18030 (Excel).
  Markdown tables    change calendars, 变更单: a header naming a time or window column; a window
                     "2026-10-20 13:00 – 14:00" gives a start and an end row naming the change id;
                     a status column saying it never ran (Cancelled, 已取消 …) as in CSV.
  log and chat lines starting with a timestamp ([bracketed] too); chat lines starting with a time of
                     day ([01:45] name: …, 14:03 孙磊：…) on the day of a date line above or --date;
                     chat headers "孙磊 2026-10-20 14:03" or "2026-11-18 22:20:11 刘芳（客服）"
                     (Feishu, DingTalk, WeChat, WeCom) followed by the message, every line down to
                     the next header: the event is "刘芳（客服）: message"; a line starting with
                     a date only (2026-10-21 Manual re-issue) is a date row, printed with its date.

time zones:
  a zone the input names wins: an offset or Z on the time, a header such as time_utc, Time (UTC),
  时间（北京时间）, a heading above a table "## Changes (UTC+8)", or a chat export's preamble line
  "（时间为北京时间）". A zone's abbreviation after the time (`2025-11-13 20:30 CST`, as change
  calendars, ServiceNow and Jira write it) is read when it names one offset (EST, PDT, CET, BST, JST,
  AEST, …; CT/ET/PT/MT with their clock changes), or is a name the file's --tz zone uses (CST/CDT for
  America/Chicago, IST for Asia/Kolkata); CST, IST and AST alone are refused, naming the --tz to pass.
  Only naive times use --tz (IANA
  name or offset), else UTC. --tz GLOB=ZONE (repeatable) sets the zone of the files whose name or path
  matches GLOB, next to a plain --tz ZONE for the rest:
      --tz 'feishu*=Asia/Shanghai' --tz 'oncall-notes.txt=Europe/Berlin'
  stderr says, once per file, when its naive times were read in the default zone ("feishu.txt: times
  carry no zone; read as UTC …"; with a plain --tz, only when several files are read): check such a
  file against a log or a metric. JSON is always UTC;
  --out-tz shows markdown and mermaid times in that zone (--out-tz +08:00 for a 复盘). A wall time
  skipped by a clock change is a bad row.

milestones: impact_start, detected, acknowledged, mitigated, resolved: from a milestone field/column or
  a leading marker in the text (**DETECTED**, [RESOLVED], 【恢复】).

bad input: a file that cannot be read (binary, not UTF-8, too large) or holds no timestamp is one line
  on stderr and the rest still merge; bad rows of a readable file are one line per reason. No
  timestamp in any file: exit 2.

output:
  markdown  | Time (UTC) | Event | Source |, the template's columns (the zone as --out-tz names it)
  json      [{"time": "2026-05-01T17:58:10Z", "event": "...", "milestone": null,
              "source": "evidence/deploys.log:12", "id": null}, ...]; a date row's time is "2026-10-21"
  mermaid   a fenced Mermaid timeline block that GitHub renders
  facts     a facts skeleton for `postmortem new ID --from FILE`: the events with their sources, the
            fields nobody knows yet left empty. `new --from` also takes the JSON directly.

examples:
  postmortem timeline evidence/ --format json > docs/postmortems/INC-42.timeline.json
  postmortem timeline evidence/ --format facts > docs/postmortems/INC-42.facts.yaml
  postmortem timeline alerts.json chat.txt --tz Asia/Shanghai --out-tz +08:00
  postmortem timeline ../evidence docs/postmortems/INC-42.commits.json --tz 'feishu*=Asia/Shanghai' \
      --format json > docs/postmortems/INC-42.timeline.json
  postmortem timeline app.log --tz Europe/Berlin --format mermaid
  postmortem timeline chat.txt --date 2026-03-08 --tz America/New_York
     where chat.txt holds lines like "[01:45] pagerbot: ThumbnailErrorRateHigh fired"
"""


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="export files and evidence folders (recursive); '-' for standard input")
    parser.add_argument("--tz", metavar="[GLOB=]ZONE", action="append", default=[],
                        help="zone of naive times (IANA name or +HH:MM), default UTC; GLOB=ZONE (repeatable) "
                        "for the files whose name or path matches GLOB, e.g. 'feishu*=Asia/Shanghai'")
    parser.add_argument("--out-tz", metavar="ZONE", help="zone the markdown and mermaid times are shown in "
                        "(e.g. +08:00 or Asia/Shanghai for a 复盘); JSON stays UTC")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="day of the first chat line that gives a time only")
    parser.add_argument("--format", choices=("markdown", "json", "mermaid", "facts"), default="markdown")


MAX_BYTES = 20 * 2**20


def _option(name: str, read, value):
    try:
        return read(value)
    except ValueError as exc:
        raise UsageError(f"--{name}: {exc}") from None


def zone_label(name: str) -> str:
    """How the table heading names the zone: `UTC`, `UTC+08:00`, `Asia/Shanghai`."""
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT", "ETC/UTC"):
        return "UTC"
    if text[:1] in "+-":
        return "UTC" + text
    return text


def report(name: str, problems: list, used: bool) -> list[str]:
    """stderr lines for one file: one per reason (with the first line and how many rows), and for a
    file nothing could be read from, one line saying it was skipped and why."""
    by_reason: dict[str, list[int]] = {}
    for problem in problems:
        by_reason.setdefault(problem.reason, []).append(problem.line)
    if not used:
        if not by_reason:
            return [f"{name}: skipped: no timestamped rows"]
        reason, lines = max(by_reason.items(), key=lambda item: len(item[1]))
        more = f" ({len(lines)} lines, first {lines[0]})" if len(lines) > 1 else f" (line {lines[0]})"
        return [f"{name}: skipped: {reason}{more}"]
    out = []
    for reason, lines in by_reason.items():
        where = f"{name}:{lines[0]}"
        out.append(f"{where}: {reason}" + (f" (and {len(lines) - 1} more lines like it)" if len(lines) > 1 else ""))
    return out


def _same_everywhere(name: str, problems: list) -> str | None:
    """One line for rows that all fail for the same reason (a chat without a date: every line)."""
    reasons = {p.reason for p in problems}
    if len(problems) < 2 or len(reasons) != 1:
        return f"{name}:{problems[0].line}: {problems[0].reason}" if len(problems) == 1 else None
    return f"{name}: all {len(problems)} rows (from line {problems[0].line}): {reasons.pop()}"


class Zones:
    """The zone of each file's naive times: the first `GLOB=ZONE` whose GLOB matches the file's name or
    path as given, else the plain `--tz ZONE`, else UTC."""

    def __init__(self, values: list[str] | None = None):
        self.default, self.label, self.globs = UTC, "UTC", []
        self.plain = False  # a plain --tz ZONE was given
        self.own: dict[str, object] = {}  # file → the zone the file itself states (a chat export's preamble)
        for value in values or []:
            glob, sep, name = value.rpartition("=")
            zone = _option("tz", load_zone, name.strip())
            if not sep:
                if self.plain:
                    raise UsageError("--tz: one plain ZONE only; name other files with GLOB=ZONE")
                self.default, self.label, self.plain = zone, name.strip(), True
            elif not glob.strip():
                raise UsageError(f"--tz {value!r}: GLOB=ZONE needs a GLOB before '='")
            else:
                self.globs.append((glob.strip(), zone))

    def of(self, name: str):
        """(zone, True when a GLOB or the file itself named it)."""
        if name in self.own:
            return self.own[name], True
        for glob, zone in self.globs:
            if fnmatch(name, glob) or fnmatch(os.path.basename(name), glob) or fnmatch(name, "*/" + glob):
                return zone, True
        return self.default, False

    def note(self, name: str) -> str:
        shown = "UTC" if self.label == "UTC" else f"{self.label} (--tz)"
        return (f"{name}: times carry no zone; read as {shown} — use --tz '{os.path.basename(name)}=ZONE' "
                "if they are local (check one against a log or metric)")


# the files of a Slack export beside users.json that describe conversations rather than hold messages
SLACK_METADATA = {"channels.json", "groups.json", "dms.json", "mpims.json", "integration_logs.json",
                  "canvases.json", "org_users.json"}


def _people(name: str, users: dict[str, dict]) -> dict:
    """The users of the export holding `name` (a Slack users.json, a Feishu member list): the lists in its
    folder, else in the nearest folder above that has one, among the files read."""
    folder = os.path.dirname(name)
    while True:
        found = {}
        for path, people in users.items():
            if os.path.dirname(path) == folder:
                found.update(people)
        if found or not folder or os.path.dirname(folder) == folder:
            return found
        folder = os.path.dirname(folder)


def _member_list(text: str) -> bool:
    """A Feishu chat's member list (`member_id` in its first lines), which names the messages' senders."""
    return '"member_id"' in text[:4096]


def collect(paths: list[str], zones, day, hints: dict | None = None,
            skip: set[str] = frozenset()) -> tuple[list, list[str], list[str]]:
    """The merged events of every readable file, the stderr lines about them, and the files read. `zones`
    is a `Zones` (or one zone for every file). `hints`, when given, gets the milestones the metrics
    exports suggest, by source (`path:line`). Files whose real path is in `skip` are not read."""
    zones = zones if isinstance(zones, Zones) else _one_zone(zones)
    files = [f for f in walk(paths) if not skip or os.path.realpath(f) not in skip]
    users, texts = {}, {}  # texts: the JSON files read here, each read once (the loop below reads the rest)
    for name in files:
        try:
            if os.path.basename(name) == "users.json":
                users[name] = importers.people_of(read_text(name, MAX_BYTES, "a users or members list"))
            elif name.endswith(".json"):
                texts[name] = read_text(name, MAX_BYTES, "an evidence export", fallback="gb18030")
                if _member_list(texts[name]):
                    users[name] = importers.people_of(texts[name])
        except UsageError:
            pass  # said below, where the file is read as evidence
    refs = {ident: ref for text in texts.values() for ident, ref in deployment_refs(text).items()}
    read, notes, single = [], [], None  # read: (name, text, reader, events, problems)
    for name in files:
        if users.get(name):
            notes.append(f"{name}: the export's users or members, used to name authors and mentions (no events)")
            continue
        if os.path.basename(name) in SLACK_METADATA and _people(name, users):
            notes.append(f"{name}: the export's list of channels or conversations (no events)")
            continue
        try:
            text = texts.pop(name, None) or read_text(name, MAX_BYTES, "an evidence export", fallback="gb18030")
        except UsageError as exc:
            if len(files) == 1:
                raise
            notes.append(f"{exc} (skipped)")
            continue
        reader = _reader(name, zones, day, users, refs=refs)
        events, problems = importers.read(text, reader)
        if reader.own_zone is not None:
            zones.own[name] = reader.own_zone
        read.append([name, text, reader, events, problems])
    limits = importers.thresholds(e for _, _, reader, events, _ in read if not reader.metrics for e in events)
    groups = []
    for entry in read:
        name, text, reader, events, problems = entry
        if reader.metrics and limits:  # again, keeping the samples that cross a threshold an alert names
            reader = _reader(name, zones, day, users, limits, refs)
            events, problems = importers.read(text, reader)
        notes.extend(report(name, problems, bool(events)))
        if reader.dropped:
            notes.append(f"{name}: metrics: kept {len(events)} of {len(events) + len(reader.dropped)} samples "
                         "(baseline left and regained, jumps, turns, alert thresholds crossed, peaks); "
                         f"left out lines {_ranges(reader.dropped)}")
        if reader.naive and not zones.of(name)[1] and (zones.label == "UTC" or len(files) > 1):
            notes.append(zones.note(name))  # one file read in the zone its caller named needs no note
        if len(files) == 1 and not events and problems:
            single = _same_everywhere(name, problems)
        if hints is not None:
            hints.update({f"{name}:{line}": milestone for line, milestone in reader.hints.items()})
        groups.append(events)
    if single:
        notes = [single]
    return importers.merge(groups), notes, files


def _reader(name, zones, day, users, limits=(), refs=None):
    zone, named = zones.of(name)
    reader = importers.Reader(zone, day, name, _people(name, users) if users else None)
    reader.deploy_refs = refs or {}
    reader.zone_given = named or zones.plain
    reader.thresholds = tuple(limits)
    return reader


def _ranges(lines: list[int]) -> str:
    """[3, 4, 5, 9] → '3-5, 9'."""
    out, start = [], None
    for n, line in enumerate(lines):
        if start is None:
            start = line
        if n + 1 == len(lines) or lines[n + 1] != line + 1:
            out.append(str(start) if start == line else f"{start}-{line}")
            start = None
    return ", ".join(out)


def _one_zone(zone) -> Zones:
    zones = Zones()
    zones.default, zones.label = zone, "UTC" if zone is UTC else str(zone)
    return zones


def run(args) -> int:
    zones = Zones(args.tz)
    out_zone = _option("out-tz", load_zone, args.out_tz) if args.out_tz else UTC
    day = _option("date", parse_date, args.date) if args.date else None
    events, notes, files = collect(args.paths, zones, day)
    if not events:
        if len(notes) == 1 and len(files) == 1:
            raise UsageError(f"{notes[0]}; no usable timeline rows")
        count = f"{len(files)} file{'s' * (len(files) != 1)}"
        raise UsageError(f"no timestamp found in {' '.join(args.paths)} ({count} read); "
                         "see `postmortem timeline --help` for the inputs it reads")
    for note in notes:
        print(note, file=sys.stderr)
    label = zone_label(args.out_tz) if args.out_tz else "UTC"
    if args.format == "json":
        output = importers.to_json(events)
    elif args.format == "facts":
        output = importers.to_facts(events)
    elif args.format == "mermaid":
        output = importers.to_mermaid(events, out_zone, label)
    else:
        output = importers.to_markdown(events, "en", out_zone, label)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0
