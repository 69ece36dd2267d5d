"""`postmortem new`: scaffold a postmortem from a template, or a filled draft from a facts file."""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from postmortem_skill.helper.commands import redraft
from postmortem_skill.helper.engine.config import find_config, load_config
from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import importers, scaffold
from postmortem_skill.helper.features.importers import pick
from postmortem_skill.helper.features.resources import template_text
from postmortem_skill.helper.inputs import read_text
from postmortem_skill.helper.model import miniyaml
from postmortem_skill.helper.model.timeutil import parse_date

DESCRIPTION = """\
Create DIR/ID.md (e.g. docs/postmortems/INC-42.md) from a template and print its path. The file name is
the incident id as given plus .md, so links and `index` rows stay stable. It never overwrites a draft.

ID is a plain name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64
characters (no '/', '..', spaces). DIR defaults to `folder` in the nearest .postmortem.yaml, else
docs/postmortems. Facts not given stay [TODO: …] slots for the writer; nothing is made up.

templates: standard (default), quick (minor incidents, near misses), five-whys; --lang zh gives the
Chinese 复盘 template (基本信息, 事件摘要, 时间线, 根因分析, 影响评估, 处理过程回顾, 改进行动项, 经验教训);
its timeline says the words the readers add to a row in Chinese (Argo CD 完成部署, 窗口开始, 提交), the
evidence's own words as they were written.
severity: SEV1–SEV5 or P0–P4 (or `severity_scale:` in .postmortem.yaml). Status starts as Draft / 草稿.

--from EVIDENCE (a folder, or files, repeatable) makes the draft from the evidence in one step: it reads
every file as `postmortem timeline` does (same readers, same one stderr line per skipped file and per
file whose times carry no zone; --tz and --date as there), puts at most 20 of its rows in the draft's
timeline, each with its source (metrics condensed, and stderr names the samples left out): the milestones,
the changes nearest the impact start, the actions taken on the system in chat (the release announced before
the impact; the decision, start and finish of a rollback, restart, failover, scaling or switch-off such as
a throttle or a paused consumer; a question or proposal is not one), the first alert per alert name, the
status page's first and resolved posts, who takes which follow-up, one row per kind of talk (first data
loss or dead letter, customer report, cause found, escalation, recovery), warnings near the start, the
metric peak. A pager's own log of a page (`Escalation … started`) and, after an overnight mitigation, rows
more than an hour after it (but the resolution and who takes which follow-up) come only when room is left.
Alerts and changes on services the incident's pages do not name are left out
(an alert that paged inside the impact window stays; with --commits the repository's own names, its
folder's, package's and Helm chart's, are the incident's too, and so is a service a change names with the
version a row of the incident's service names: a deploy of tracklane-ingest v2.13.2 while the chat rolls
ping-writer back to v2.13.2), and so is a change whose status says it never ran
(Cancelled, Rejected, Withdrawn, 已取消, 已驳回, 撤回); stderr says what it kept and why. It marks the
milestones it can guess (impact start from the metrics; detected at the first page or person's report;
acknowledged at the first acknowledgement; mitigated and resolved as the incident chat declared them, at
the time the declaration states ("Mitigated at 14:47" posted 14:48 is 14:47; "mitigated as of 9:52 PM CT"
in the zone it names, else the chat file's --tz), else from the metrics' sustained return) and says on
stderr which row got which mark and why: check them. The full merged timeline is written next to the
draft as DIR/ID.timeline.json (the record; nothing is written into the evidence folder). --commits adds
the commits of the repository here whose commit time lies in the incident window (from a day before the
impact start to the resolution). A deploy row that ships a commit row (names its hash or tag) counts as
the change before that commit: it is when it went out.

--from FILE also takes the JSON `postmortem timeline DIR --format json` prints (or ID.timeline.json) and
facts files (.yaml, .yml or .json; start one with `postmortem timeline DIR --format facts`). Keep them
next to the postmortem in the repository (docs/postmortems/ID.facts.yaml), not in the evidence folder.
A facts file:
  id: INC-42                    # optional; must match ID
  title: Checkout errors after deploy
  severity: SEV2
  date: 2026-03-04              # optional: else the day of the impact start (in the timeline's zone)
  status: Draft
  authors: [Checkout team, SRE on-call]
  timezone: Europe/Berlin       # for event times without an offset; default UTC
  summary: One to four sentences.
  impact: {failed checkouts: 1840, users affected: 1200}     # or a list of lines
  responders: [Incident commander (SRE), Checkout engineer]  # roles
  events:
    - {time: "2026-03-04 10:12", event: Error rate above 5%, milestone: impact_start, source: https://…}
    - {time: "10:15", event: Page fired, milestone: detected}  # clock time only: on `date`
    - {time: "10:31", event: Rollback deployed, source: evidence/deploys.csv:4}  # a file here: linked
    - {time: "2026-03-05", event: Refunds issued}   # a date only: a date row
milestones: impact_start, detected, acknowledged, mitigated, resolved. The draft gets the timeline in
the zone its template's heading names, UTC (UTC+8 for --lang zh), dated rows when it crosses midnight,
TODO rows for missing milestones, Incident Duration (impact start → resolved) and a metrics line (TTD,
TTA, TTM, TTR in minutes). A source naming a file of the project (path:line) becomes a link that works
from the document's folder; a file outside the project is cited by its path in the evidence folder and
its line. Options given on the command line win over the facts.

choosing rows (no retyping): every row is listed by number in DIR/ID.rows.txt beside the draft (the order
of the timeline JSON, where row N is on line N+1; a facts file's events in its order), `*` on the rows in
the draft; stderr names that file and, for a timeline of more than 20 rows, lists the draft's rows only
(read the file with grep or sed -n: a long list is cut by shells). --rows +12,15 adds rows to that choice,
--rows 1-3,7,12-15 keeps those and the milestone rows, --rows all keeps every row (a facts file's events
are always all kept). --mark impact_start=4,detected=7,… marks milestones on rows by the same numbers (a
row with a milestone, marked or guessed, is always kept; a milestone --mark names moves off any other row,
a guess included).

an existing draft is never overwritten: --force replaces ID.md (and ID.timeline.json) on purpose, e.g.
to rebuild it with other rows, marks or --tz. It keeps the title, severity, date, template and language of
the draft it replaces unless given again (on the command line or in the facts file), and says which on
stderr; a draft that is not the one `new` last wrote there (edited by hand) is first copied to ID.md.bak
(.bak.2, … when taken), and stderr says so: copy what was written there into the new draft.

examples:
  postmortem new INC-42 --severity SEV2 --title "Checkout errors after deploy" --from ../evidence --commits
  postmortem new INC-42 --severity SEV2 --from ../evidence --tz 'feishu*=Asia/Shanghai' --force
  postmortem new INC-42 --title "Checkout errors after deploy" --severity SEV2 --date 2026-03-04
  postmortem new INC-43 --template quick --dir incidents
  postmortem new INC-44 --lang zh --title 订单服务超时
  postmortem timeline evidence/ --format json > docs/postmortems/INC-42.timeline.json
  postmortem new INC-42 --severity SEV2 --from docs/postmortems/INC-42.timeline.json
  postmortem new INC-42 --from docs/postmortems/INC-42.timeline.json --rows 2-9,12,15-21 --force \\
      --mark impact_start=6,detected=8,acknowledged=12,mitigated=19,resolved=21   # title, severity kept
  postmortem new INC-42 --from docs/postmortems/INC-42.facts.yaml
"""

DEFAULT_DIR = "docs/postmortems"


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="incident id, e.g. INC-42 (the file is ID.md)")
    parser.add_argument("--title", metavar="T")
    parser.add_argument("--severity", metavar="S", help="e.g. SEV2 or P1")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day the impact started, in the timeline's zone")
    parser.add_argument("--template", choices=("standard", "quick", "five-whys"))
    parser.add_argument("--lang", choices=("en", "zh"), help="en (default) or zh")
    parser.add_argument("--dir", metavar="DIR", help=f"folder for the file (default {DEFAULT_DIR})")
    parser.add_argument("--from", dest="facts", action="append", metavar="PATH",
                        help="an evidence folder or files (repeatable) for a sourced draft in one step; or "
                        "the JSON of `postmortem timeline`, or a YAML/JSON facts file")
    parser.add_argument("--tz", metavar="[GLOB=]ZONE", action="append", default=[],
                        help="with --from EVIDENCE: zone of naive times, as `timeline --tz` (repeatable GLOB=ZONE)")
    parser.add_argument("--commits", action="store_true",
                        help="with --from EVIDENCE: add this repository's commits in the incident window")
    parser.add_argument("--rows", metavar="LIST",
                        help="with --from: all, +N,… (add to the 20 chosen), or exactly these, e.g. 1-3,7,12-15")
    parser.add_argument("--mark", metavar="MILESTONE=N,…",
                        help="with --from: mark milestones on events by number, e.g. impact_start=4,detected=7")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing ID.md (and ID.timeline.json), keeping its title, severity, date, "
                        "template and language unless given again; an edited draft is copied to ID.md.bak first")


FACT_KEYS = {"id", "title", "severity", "date", "status", "authors", "timezone", "time_zone", "tz", "summary",
             "impact", "responders", "events"}


def _load_facts(name: str) -> tuple[object, bool]:
    """A facts mapping, and whether it is a timeline record: the JSON list `postmortem timeline --format
    json` prints (or ID.timeline.json) is the events of a mapping, chosen from like evidence."""
    text = read_text(name, 20 * 2**20, "a facts file")
    as_json = name.lower().endswith(".json") or text.lstrip()[:2] in ("[{", "[\n", "[\r", "[]")
    try:
        data = json.loads(text) if as_json else miniyaml.loads(text)
    except (json.JSONDecodeError, miniyaml.YamlError) as exc:
        raise UsageError(f"{name}: {exc}") from None
    record = as_json and isinstance(data, list)
    return ({"events": data} if record else data), record


def is_facts(paths: list[str]) -> bool:
    """One YAML file, or one JSON file holding timeline rows or a facts mapping: what a writer (or
    `timeline`) prepared, not raw evidence. Everything else is read as evidence."""
    if len(paths) != 1 or not Path(paths[0]).is_file():
        return False
    name = paths[0].lower()
    if name.endswith((".yaml", ".yml")):
        return True
    if not name.endswith(".json"):
        return False
    try:
        data = json.loads(read_text(paths[0], 20 * 2**20, "a facts file"))
    except (json.JSONDecodeError, UsageError):
        return False
    if isinstance(data, list):
        return all(isinstance(r, dict) and "time" in r and "event" in r for r in data[:100])
    return isinstance(data, dict) and bool(data) and set(data) <= FACT_KEYS


def _template(args) -> str:
    if args.lang == "zh":
        if args.template not in (None, "standard"):
            raise UsageError(f"--lang zh has one template (zh); drop --template {args.template}")
        return "zh"
    return args.template or "standard"


def _numbers(text: str, count: int) -> list[int]:
    """`1-3,7` → [1, 2, 3, 7]; UsageError for a number outside 1..count."""
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        low, _, high = part.partition("-")
        if not low.strip().isdigit() or (high and not high.strip().isdigit()):
            raise UsageError(f"--rows: {part!r} is not a number or a range like 3-7 (or all, or +N to add)")
        first, last = int(low), int(high or low)
        if not 1 <= first <= last <= count:
            raise UsageError(f"--rows: {part!r} is outside the {count} events (1-{count})")
        out.extend(range(first, last + 1))
    return out


def _marks(text: str | None, count: int) -> dict[int, str]:
    """`impact_start=4,detected=7` → {4: 'impact_start', 7: 'detected'}."""
    marks = {}
    for part in (p.strip() for p in (text or "").split(",") if p.strip()):
        name, _, number = part.partition("=")
        milestone = importers.milestone_name(name)
        if milestone is None or not number.strip().isdigit() or not 1 <= int(number) <= count:
            raise UsageError(f"--mark: {part!r} is not MILESTONE=N with N in 1-{count} "
                             "(milestones: impact_start, detected, acknowledged, mitigated, resolved)")
        marks[int(number)] = milestone
    return marks


def _as_events(records: list) -> list | None:
    """The records as events, one each, or None when one does not read (the facts reader then says which)."""
    events = []
    for record in records:
        found, problems = importers.from_records([record])
        if problems or len(found) != 1:
            return None
        events.append(found[0])
    return events


def _choose(data, args, choose: bool) -> tuple[object, pick.Pick | None]:
    """The facts with the events the draft gets, milestones from --mark set on them, and which rows
    those are (with the default choice's reasons when it made it). `choose`: the events are a whole
    timeline (evidence or its record), so without --rows the draft gets at most pick.LIMIT of them; a
    facts file's events are all kept."""
    rows = (args.rows or "").strip()
    if not (rows or args.mark or choose):
        return data, None
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not events:
        if rows or args.mark:
            raise UsageError("--rows and --mark need --from with events")
        return data, None
    marks = _marks(args.mark, len(events))
    moved = set(marks.values())
    marked = []
    for number, event in enumerate(events, 1):
        if number in marks and isinstance(event, dict):
            event = {**event, "milestone": marks[number]}
        elif isinstance(event, dict) and event.get("milestone") in moved:
            event = {**event, "milestone": None}  # --mark moves a milestone the file had elsewhere
        marked.append(event)
    chosen = None  # the default choice, when made
    if rows.lower() == "all":
        keep = set(range(1, len(events) + 1))
    elif rows and not rows.startswith("+"):
        # a row that carries a milestone (marked now, or in the record) stays: leaving it out would leave a TODO
        keep = set(_numbers(rows, len(events))) | {n for n, e in enumerate(marked, 1)
                                                   if isinstance(e, dict) and e.get("milestone")}
    else:
        keep = set(range(1, len(events) + 1))
        as_events = _as_events(marked) if choose or rows else None
        if as_events is not None:
            chosen = pick.pick(as_events, {n - 1 for n in marks},
                               repository=repository_names(Path(".")) if getattr(args, "commits", False) else ())
            keep = {n + 1 for n in chosen.kept}
        added = set(_numbers(rows[1:], len(events))) - keep if rows else set()
        keep |= added
        if chosen is not None and added:
            chosen = replace(chosen, kept=tuple(sorted(n - 1 for n in keep)), reasons=(*chosen.reasons, "--rows +"))
    if chosen is None or (rows and not rows.startswith("+")):
        chosen = pick.Pick(tuple(sorted(n - 1 for n in keep)), (), ())
    return {**data, "events": [e for n, e in enumerate(marked, 1) if n in keep]}, chosen


def repository_names(folder: Path) -> set[str]:
    """The names the repository here goes by: its top folder's, its package's (package.json, pyproject.toml)
    and its Helm charts' (a service's alerts may say ping-writer while its changes say tracklane-ingest)."""
    from postmortem_skill.helper.commands.evidence import run_git

    try:
        done = run_git(folder, "rev-parse", "--show-toplevel")
    except UsageError:
        return set()
    if done.returncode != 0:
        return set()
    top = Path(done.stdout.decode("utf-8", "replace").strip())
    found = {top.name}
    try:
        found.add(str(json.loads((top / "package.json").read_text(encoding="utf-8"))["name"]).rpartition("/")[2])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    charts = [path for depth in ("", "*/", "*/*/", "*/*/*/") for path in top.glob(depth + "Chart.yaml")]
    for path in [top / "pyproject.toml", *charts]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if path.name == "pyproject.toml":  # the [project] or [tool.poetry] table's name, not any tool's
            table = _PACKAGE_TABLE.search(text)
            text = table.group(1) if table else ""
        found.update(m.group(1) for m in _NAME_KEY.finditer(text))
    return {name.lower() for name in found if name}


_PACKAGE_TABLE = re.compile(r"(?ms)^\[(?:project|tool\.poetry)\]\s*$(.*?)(?=^\[|\Z)")
_NAME_KEY = re.compile(r'(?m)^name\s*[:=]\s*["\']?([\w.-]+)')


def _facts(args, scale, data=None, choose=False, kept=None) -> tuple[scaffold.Facts, pick.Pick | None]:
    """The facts of the draft: the command line's title, severity and date over the facts file's, over
    `kept` (those of the draft `--force` replaces)."""
    if (args.rows or args.mark) and not args.facts:
        raise UsageError("--rows and --mark need --from")
    if data is None and args.facts:
        data, choose = _load_facts(args.facts[0])
    data, chosen = _choose(data or {}, args, choose)
    if isinstance(data, dict):
        data = {**data, **{k: v for k, v in (kept or {}).items() if data.get(k) in (None, "")},
                **{k: getattr(args, k) for k in ("title", "severity", "date") if getattr(args, k)}}
    try:
        if isinstance(data, dict) and data.get("date"):
            parse_date(str(data["date"]))
        return scaffold.facts_from_mapping(data, args.id, args.lang, scale), chosen
    except ValueError as exc:
        raise UsageError(f"{args.facts[0]}: {exc}" if args.facts else str(exc)) from None


def _from_evidence(args, skip: set[str]) -> tuple[list, dict[str, str]]:
    """The merged timeline of the evidence (and the commits in the window) with milestones guessed, and
    the milestones guessed with what each rests on; the notes about each file on stderr."""
    from postmortem_skill.helper.commands import timeline
    from postmortem_skill.helper.model.timeutil import parse_date as day_of

    zones = timeline.Zones(args.tz)
    day = day_of(args.date) if args.date else None
    hints: dict = {}
    events, notes, files = timeline.collect(args.facts, zones, day, hints, skip)
    if not events:
        count = f"{len(files)} file{'s' * (len(files) != 1)}"
        raise UsageError(f"no timestamp found in {' '.join(args.facts)} ({count} read); "
                         "see `postmortem timeline --help` for the inputs it reads")
    for note in notes:
        print(note, file=sys.stderr)
    events, guesses = importers.guess_milestones(events, hints, lambda source: zones.of(_split(source or "")[0])[0])
    if args.commits:
        events = importers.merge([events, _commits(events)])
    return events, {g.name: g.why for g in guesses}


def _commits(events) -> list:
    """The commits of the repository here from a day before the impact start (else the first event) to the
    resolution (else the last event): a change that landed earlier and shipped later is the evidence's to
    name."""
    from datetime import timedelta

    from postmortem_skill.helper.commands.evidence import read_commits
    from postmortem_skill.helper.features import evidence

    timed = [e for e in events if not e.day]
    start = next((e.time for e in timed if e.milestone == "impact_start"), timed[0].time if timed else None)
    end = next((e.time for e in timed if e.milestone == "resolved"), timed[-1].time if timed else None)
    if start is None:
        return []
    try:
        commits = read_commits(Path("."), "this folder")
    except UsageError as exc:  # the draft is still worth writing: say why there are no commit rows
        print(f"--commits: {exc}; no commit rows", file=sys.stderr)
        return []
    found = evidence.in_window(commits, start - timedelta(days=1), end)
    print(f"--commits: {len(found)} commit{'s' * (len(found) != 1)} of this repository between "
          f"{start - timedelta(days=1):%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
    return evidence.to_events(found)


INDEX_FROM = 20  # rows: a longer timeline has the rows of its draft listed by number on stderr


def _say_rows(records: list, listing: Path, kept: set[int], clock: scaffold.Clock) -> None:
    """One line pointing to ID.rows.txt, every row by number for `--rows` and `--mark`; the draft's rows by
    number too when the draft left some out (the full list stays out of stderr: shells cut long output)."""
    print(f"{listing}: every row of the timeline by number, for --rows and --mark (* = the {len(kept)} in the "
          f"draft of {len(records)})", file=sys.stderr)
    if len(records) > INDEX_FROM:
        print(f"rows in the draft (times in {clock.label}):", file=sys.stderr)
        print("\n".join(redraft.row_lines(records, kept, clock, only_kept=True, width=70)), file=sys.stderr)


def _say_choice(records: list, chosen: pick.Pick | None, drafted: int, record) -> None:
    """What the default choice left out and why, then the rows by number."""
    if chosen is None:
        return
    far = [records[n] for n in chosen.far if n not in chosen.kept]
    if far:
        names = ", ".join(dict.fromkeys(str(r.get("id") or str(r.get("event"))[:30]) for r in far))
        print(f"left out of the draft, kept in {record}: {len(far)} change-window row{'s' * (len(far) != 1)} "
              f"more than 6 h from the incident ({names})", file=sys.stderr)
    skipped = [records[n] for n in chosen.cancelled if n not in chosen.kept]
    if skipped:
        names = ", ".join(dict.fromkeys(str(r.get("id") or str(r.get("event"))[:40]) for r in skipped))
        print(f"left out of the draft, kept in {record}: {len(skipped)} change{'s' * (len(skipped) != 1)} whose "
              f"status says it never ran, cancelled or rejected ({names}): no trigger, no action", file=sys.stderr)
    if chosen.reasons:
        print(f"kept {drafted} of {len(records)} rows ({', '.join(chosen.reasons)}); all rows: --rows all",
              file=sys.stderr)
    if chosen.reasons and chosen.others:
        print(f"left out of the draft, kept in {record}: alerts and changes on services the incident's pages do "
              f"not name ({', '.join(chosen.others)}); one that paged inside the impact window is kept",
              file=sys.stderr)


def _say_guesses(events, guessed: dict[str, str], picked: scaffold.Facts, json_path: Path) -> None:
    """Which row got which guessed milestone and why; nothing when the evidence marked them itself."""
    marked = {e.milestone: n for n, e in enumerate(events, 1) if e.milestone}
    kept = {e.milestone for e in picked.events if e.milestone}
    if not guessed:
        return
    lines = [f"milestones marked (guesses from the evidence: check each; move one with "
             f"`--from {json_path} --mark NAME=ROW --force` before writing, or move the bold marker):"]
    for name in importers.MILESTONES:
        if name in marked and name in kept and name not in guessed:
            continue  # the evidence marked it
        if name in marked and name in kept:
            event = events[marked[name] - 1]
            text = event.event if len(event.event) <= 70 else event.event[:67] + "…"
            lines.append(f"  {importers.MARKERS[name][0]:14} row {marked[name]:<3} "
                         f"{importers.render.json_time(event)}  {text} ({guessed[name]})")
        else:
            lines.append(f"  {importers.MARKERS[name][0]:14} not found: a [TODO] row in the draft")
    print("\n".join(lines), file=sys.stderr)


def _split(source: str) -> tuple[str, str | None]:
    head, _, tail = source.rpartition(":")
    return (head, tail) if head and tail.isdigit() else (source, None)


def outside_base(sources, root: Path) -> Path | None:
    """The folder holding every cited file outside the project (the evidence folder), or None."""
    outside = []
    for source in sources:
        if not source or "://" in source or source.startswith(("[", "<")):
            continue
        path = Path(_split(source)[0])
        if path.is_file():
            resolved = path.resolve()
            try:
                resolved.relative_to(root.resolve())
            except ValueError:
                outside.append(resolved.parent)
    return Path(os.path.commonpath(outside)) if outside else None


def linked_source(source: str | None, folder: Path, root: Path, base: Path | None = None) -> str | None:
    """A source naming a file inside the project (`evidence/metrics.csv:12`, from where the command runs)
    becomes a link that works from the document's folder, `[metrics.csv:12](../../evidence/metrics.csv#L12)`;
    a file outside the project is cited by its path within `base`, the evidence folder, and line
    (`slack/inc-7/2026-11-18.json:12`): the absolute path of someone's laptop means nothing to a reader,
    and the Open Questions ask where the folder will live."""
    if not source or "://" in source or source.startswith(("[", "<")):
        return source
    path, line = _split(source)
    if not Path(path).is_file():
        return source
    shown = Path(path).name + (f":{line}" if line else "")
    try:
        Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        if base is not None and Path(path).resolve().is_relative_to(base):
            return Path(path).resolve().relative_to(base).as_posix() + (f":{line}" if line else "")
        return shown
    # a space ends a Markdown link's target (`Sync health-data … .csv`): percent-encoded, the link still works
    target = Path(os.path.relpath(path, folder)).as_posix().replace(" ", "%20") + (f"#L{line}" if line else "")
    return f"[{shown}]({target})"


def _linked_sources(facts: scaffold.Facts, folder: Path) -> scaffold.Facts:
    root = Path.cwd()
    base = outside_base([e.source for e in facts.events], root)
    return replace(facts, events=[replace(e, source=linked_source(e.source, folder, root, base))
                                  for e in facts.events])


def _cite_record(text: str, args, record: Path, folder: Path) -> str:
    """The appendix names the evidence read and links the merged timeline written beside the draft."""
    root = Path.cwd()
    shown = []
    for path in args.facts:
        try:
            shown.append(f"`{Path(path).resolve().relative_to(root.resolve()).as_posix()}`")
        except ValueError:
            shown.append(f"`{Path(path).name}` (outside the repository)")
    link = f"[{record.name}]({record.name})"
    line = (f"- 证据：{'、'.join(shown)}；合并时间线：{link}" if args.lang == "zh"
            else f"- Evidence: {', '.join(shown)}; merged timeline: {link}")
    for slot in ("- [TODO: link]", "- [TODO: 监控面板、日志、变更单、聊天记录链接]"):
        if slot in text:
            return text.replace(slot, line, 1)
    return text


def _plain(ident: str, scale, before: dict) -> str | None:
    """The draft `new ID` with no --from writes with the title, severity, date and template the existing
    draft shows: such a draft, untouched, is `new`'s own."""
    template = before.get("template", "standard")
    lang = "zh" if template == "zh" else "en"
    try:
        facts = scaffold.facts_from_mapping({k: v for k, v in before.items() if k in redraft.KEPT}, ident, lang, scale)
    except ValueError:
        return None
    text = scaffold.lean(scaffold.draft(template_text(template), facts, lang))
    return text if text.endswith("\n") else text + "\n"


def _write(target: Path, text: str, force: bool) -> None:
    try:
        with open(target, "w" if force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except FileExistsError:
        raise UsageError(f"{target}: already exists; not overwritten (--force replaces it)") from None
    except OSError as exc:
        raise UsageError(f"{target}: cannot write ({exc.strerror})") from None


def run(args) -> int:
    try:
        name = scaffold.file_name(args.id)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    settings = load_config(find_config(Path.cwd()))
    folder = Path(args.dir or settings.get("folder") or DEFAULT_DIR)
    target = folder / name
    record = folder / f"{args.id}.timeline.json"
    evidence = bool(args.facts) and not is_facts(args.facts)
    if (args.tz or args.commits) and not evidence:
        raise UsageError("--tz and --commits go with --from EVIDENCE (a folder or export files)")
    if not args.force:
        for path in (target, record) if evidence else (target,):
            if path.exists():
                raise UsageError(f"{path}: already exists; not overwritten (--force replaces it)")
    previous = read_text(str(target), 20 * 2**20, "a draft") if args.force and target.is_file() else None
    events = None
    if evidence:
        skip = {os.path.realpath(target), os.path.realpath(record)}
        events, guessed = _from_evidence(args, skip)
        records = [importers.render.row(e) for e in events]
        data, choose = {"events": records}, True
    else:
        data, choose = _load_facts(args.facts[0]) if args.facts else ({}, False)
        records = data["events"] if choose else []
    kept, said, before = {}, [], {}
    if previous is not None:
        given = {k for k in redraft.KEPT if isinstance(data, dict) and data.get(k) not in (None, "")}
        before = redraft.previous_metadata(previous, settings.severity_scale())
        kept, said = redraft.carry_over(args, before, given)
    args.lang = args.lang or "en"
    facts, chosen = _facts(args, settings.severity_scale(), data, choose, kept)
    facts = _linked_sources(facts, folder)
    template = template_text(_template(args))
    text = scaffold.lean(scaffold.draft(template, facts, args.lang))
    if events is not None:
        text = _cite_record(text, args, record, folder)
    text = text if text.endswith("\n") else text + "\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot create ({exc.strerror})") from None
    backup = None
    if previous is not None:
        plain = None if args.facts else _plain(args.id, settings.severity_scale(), before)
        backup = redraft.keep_edited(target, previous, text, plain)
    if events is not None:
        _write(record, importers.to_json(events), args.force)
    _write(target, text, args.force)
    shown = record if events is not None else (args.facts[0] if args.facts else None)
    events_given = data.get("events") if isinstance(data, dict) else None
    numbered = records or (events_given if isinstance(events_given, list) else [])  # a facts file's, for --mark
    starred = {n + 1 for n in chosen.kept} if chosen else set(range(1, len(numbered) + 1))
    clock = scaffold.timeline_clock(template)
    listing = redraft.rows_file(target)
    if numbered and redraft.ours(listing):
        _write(listing, redraft.listing(numbered, shown, starred, clock, args.id, text), True)
    elif numbered:
        print(f"{listing}: not a row list new wrote; left as it is (the rows are in {shown})", file=sys.stderr)
    else:
        redraft.drop_stale(listing)  # another draft's numbers and fingerprint
    if said:
        print(redraft.say_kept(target, said), file=sys.stderr)
    if backup is not None:
        print(redraft.say_edited(target, backup), file=sys.stderr)
    if events is not None:
        print(f"{record}: the full timeline, {len(events)} rows (row N on line N+1); the draft has "
              f"{len(facts.events)}", file=sys.stderr)
        _say_guesses(events, guessed, facts, record)
    _say_choice(records, chosen, len(facts.events), shown if records else None)
    if records:  # a facts file's events are all in the draft, numbered in the file the writer wrote
        _say_rows(records, listing, starred, clock)
    print(target)
    return 0
