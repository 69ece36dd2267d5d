"""`postmortem validate PATH...`: check drafts the way a reviewer would."""
from __future__ import annotations

import os
import sys

HELP = "check postmortems: structure, metadata, timeline, action items, language, secrets"
DESCRIPTION = """\
Check postmortem drafts the way an expert reviewer would and say how to fix each finding.
PATH is a file or a folder (every *.md below it, in parallel when there are many).

Exit codes: 0 no errors (no warnings either with --strict), 1 findings at or above that level,
2 unusable input. Settings come from the nearest .postmortem.yaml (see docs/rules.md); silence one rule
on one line with <!-- postmortem-ignore PM301: reason -->.
"""
_PARALLEL_FROM = 24


def add_arguments(parser):
    parser.add_argument("paths", nargs="+", metavar="PATH", help="postmortem file or folder")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--config", metavar="FILE", help="use this .postmortem.yaml instead of searching")


def _check_file(job):
    path, display, config_path = job
    from skill.toolkit.check import as_dict, check_text
    from skill.toolkit.config import load_config
    from skill.toolkit.inputs import read_text

    config = _CONFIGS.get(config_path)
    if config is None:
        config = _CONFIGS[config_path] = load_config(config_path)
    return [as_dict(f, display) for f in check_text(read_text(path), config)]


_CONFIGS: dict = {}


def run(args) -> int:
    from pathlib import Path

    from skill import __version__
    from skill.toolkit.config import find_config, load_config
    from skill.toolkit.inputs import expand
    from skill.toolkit.report import render

    files = expand(args.paths)
    explicit = Path(args.config) if args.config else None
    if explicit is not None:
        load_config(explicit)  # fail early with exit 2 on a broken file
    folders: dict = {}
    jobs = []
    for path in files:
        if explicit is None and path.parent not in folders:
            folders[path.parent] = find_config(path, Path.cwd())
        config_path = explicit or folders[path.parent]
        jobs.append((path, str(path), config_path))
    if config_path_set := {j[2] for j in jobs if j[2] is not None}:
        for config_path in config_path_set:
            _CONFIGS[config_path] = load_config(config_path)
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) >= _PARALLEL_FROM and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_check_file, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    else:
        results = [_check_file(job) for job in jobs]
    findings = [f for result in results for f in result]
    output = render(findings, args.format, len(files), __version__)
    if output:
        sys.stdout.write(output + "\n")
    failing = ("error", "warning") if args.strict else ("error",)
    return 1 if any(f["severity"] in failing for f in findings) else 0
