"""`postmortem new`: scaffold a postmortem from a template, or a filled draft from a facts file."""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from postmortem_skill.helper.commands.timeline import read_text
from postmortem_skill.helper.engine.config import find_config, load_config
from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import scaffold
from postmortem_skill.helper.features.resources import template_text
from postmortem_skill.helper.model import miniyaml
from postmortem_skill.helper.model.timeutil import parse_date

DESCRIPTION = """\
Create DIR/ID.md (e.g. docs/postmortems/INC-42.md) from a template and print its path. The file name is
the incident id as given plus .md, so links and `index` rows stay stable. It never overwrites a file.

ID is a plain name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64
characters (no '/', '..', spaces). DIR defaults to `folder` in the nearest .postmortem.yaml, else
docs/postmortems. Facts not given stay [TODO: …] slots for the writer; nothing is made up.

templates: standard (default), quick (minor incidents, near misses), five-whys; --lang zh gives the
Chinese 复盘 template (基本信息, 事件摘要, 时间线, 根因分析, 影响评估, 处理过程回顾, 改进行动项, 经验教训).
severity: SEV1–SEV5 or P0–P4 (or `severity_scale:` in .postmortem.yaml). Status starts as Draft / 草稿.

--from FACTS (.yaml, .yml or .json) fills a draft from what is known:
  id: INC-42                    # optional; must match ID
  title: Checkout errors after deploy
  severity: SEV2
  date: 2026-03-04              # optional: else the day of the impact start (in the timeline's zone)
  status: Draft
  authors: [Checkout team, SRE on-call]
  timezone: Europe/Berlin       # for event times without an offset; default UTC
  summary: One to four sentences.
  impact: {failed checkouts: 1840, users affected: 1200}     # or a list of lines
  responders: [Incident commander (SRE), Checkout engineer]  # roles, not names
  events:
    - {time: "2026-03-04 10:12", event: Error rate above 5%, milestone: impact_start, source: https://…}
    - {time: "10:15", event: Page fired, milestone: detected}  # clock time only: on `date`
    - {time: "10:31", event: Rollback deployed, source: evidence/deploys.csv}  # a file here: linked
milestones: impact_start, detected, acknowledged, mitigated, resolved. The draft gets the timeline in
the zone its template's heading names, UTC (UTC+8 for --lang zh), dated rows when it crosses midnight,
TODO rows for missing milestones, Incident Duration (impact start → resolved) and a metrics line (TTD,
TTA, TTM, TTR in minutes). A source naming a file of the project becomes a link that works from the
document's folder. Options given on the command line win over the facts.

examples:
  postmortem new INC-42 --title "Checkout errors after deploy" --severity SEV2 --date 2026-03-04
  postmortem new INC-43 --template quick --dir incidents
  postmortem new INC-44 --lang zh --title 订单服务超时
  postmortem new INC-42 --from facts.yaml
"""

DEFAULT_DIR = "docs/postmortems"


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="incident id, e.g. INC-42 (the file is ID.md)")
    parser.add_argument("--title", metavar="T")
    parser.add_argument("--severity", metavar="S", help="e.g. SEV2 or P1")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day the impact started, in the timeline's zone")
    parser.add_argument("--template", choices=("standard", "quick", "five-whys"))
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--dir", metavar="DIR", help=f"folder for the file (default {DEFAULT_DIR})")
    parser.add_argument("--from", dest="facts", metavar="FACTS", help="YAML or JSON facts for a filled draft")


def _load_facts(name: str):
    text = read_text(name)
    try:
        return json.loads(text) if name.lower().endswith(".json") else miniyaml.loads(text)
    except (json.JSONDecodeError, miniyaml.YamlError) as exc:
        raise UsageError(f"{name}: {exc}") from None


def _template(args) -> str:
    if args.lang == "zh":
        if args.template not in (None, "standard"):
            raise UsageError(f"--lang zh has one template (zh); drop --template {args.template}")
        return "zh"
    return args.template or "standard"


def _facts(args, scale) -> scaffold.Facts:
    data = _load_facts(args.facts) if args.facts else {}
    if isinstance(data, dict):
        data = {**data, **{k: getattr(args, k) for k in ("title", "severity", "date") if getattr(args, k)}}
    try:
        if isinstance(data, dict) and data.get("date"):
            parse_date(str(data["date"]))
        return scaffold.facts_from_mapping(data, args.id, args.lang, scale)
    except ValueError as exc:
        raise UsageError(f"{args.facts}: {exc}" if args.facts else str(exc)) from None


def _linked_sources(facts: scaffold.Facts, folder: Path) -> scaffold.Facts:
    """An event source that names a file of the project (`evidence/metrics.csv`, from where the command
    runs) becomes a link that works from the document's folder: `[metrics.csv](../../evidence/metrics.csv)`."""
    def linked(source):
        if not source or "://" in source or source.startswith(("[", "<")) or not Path(source).is_file():
            return source
        return f"[{Path(source).name}]({Path(os.path.relpath(source, folder)).as_posix()})"
    return replace(facts, events=[replace(e, source=linked(e.source)) for e in facts.events])


def run(args) -> int:
    try:
        name = scaffold.file_name(args.id)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    settings = load_config(find_config(Path.cwd()))
    folder = Path(args.dir or settings.get("folder") or DEFAULT_DIR)
    target = folder / name
    facts = _linked_sources(_facts(args, settings.severity_scale()), folder)
    text = scaffold.draft(template_text(_template(args)), facts, args.lang)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except FileExistsError:
        raise UsageError(f"{target}: already exists; not overwritten") from None
    except OSError as exc:
        raise UsageError(f"{target}: cannot write ({exc.strerror})") from None
    print(target)
    return 0
