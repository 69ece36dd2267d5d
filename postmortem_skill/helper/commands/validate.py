"""`postmortem validate PATH...`: check drafts the way a reviewer would."""
from __future__ import annotations

import os
import sys
from itertools import chain, islice

DESCRIPTION = """\
Check postmortem drafts the way an expert reviewer would and say how to fix each finding.
PATH is a file or a folder (every *.md below it, in parallel when there are many).

Exit codes: 0 no errors (no warnings either with --strict), 1 findings at or above that level,
2 unusable input. Settings come from the nearest .postmortem.yaml (`postmortem rules --format markdown`
explains them and every check); silence one rule on one line with
<!-- postmortem-ignore PM301: reason -->. With several files, findings are remembered by content in
~/.cache/postmortem-skill (never in the project; --no-cache opts out).
"""
_PARALLEL_FROM = 24
_CACHE_FROM = 2
_CHUNK = 16
_LOOKUP = 64


def add_arguments(parser):
    parser.add_argument("paths", nargs="+", metavar="PATH", help="postmortem file or folder")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--config", metavar="FILE", help="use this .postmortem.yaml instead of searching")
    parser.add_argument("--no-cache", action="store_true",
                        help="ignore and do not update the findings cache (~/.cache/postmortem-skill; "
                             "POSTMORTEM_CACHE_DIR moves it)")


def _config(config_path):
    from postmortem_skill.helper.engine.config import load_config

    config = _CONFIGS.get(config_path)
    if config is None:
        config = _CONFIGS[config_path] = load_config(config_path)
    return config


def _check(job) -> list:
    """The findings of one document (its UTF-8 bytes, read_utf8's) as `Finding.row()` lists: small to send
    back from a worker process."""
    data, config_path = job
    from postmortem_skill.helper.engine.check import check_text

    return [finding.row() for finding in check_text(data.decode("utf-8"), _config(config_path))]


_CONFIGS: dict = {}


def _closing(text: str, findings) -> list[str]:
    """For one document: where the placeholders still to fill are, by section, and the metrics its
    marked milestones give (so `metrics` is a call only when the times are wanted)."""
    import re

    from postmortem_skill.helper.model.document import parse_document
    from postmortem_skill.helper.model.milestones import DURATIONS, compute

    out = []
    slots = sorted(f.line for f in findings if f.rule == "PM103")
    if slots:
        headings = [(n, m[1]) for n, line in enumerate(text.split("\n"), 1)
                    if (m := re.match(r"#{2}\s+(.*?)\s*#*\s*$", line))]
        where: dict[str, list[int]] = {}
        for line in slots:
            where.setdefault(next((h for n, h in reversed(headings) if n <= line), "header"), []).append(line)
        out.append("placeholders to fill: " + ", ".join(
            f"{name} (line {lines[0]})" if len(lines) == 1 else f"{name} ({len(lines)}, lines {lines[0]}-{lines[-1]})"
            for name, lines in where.items()))
    values = compute(parse_document(text))
    shown = [f"{short} {values[name]} min" for name, _, _, short, _ in DURATIONS if values[name] is not None]
    if shown:
        out.append("metrics: " + " · ".join(shown))
    return out


def run(args) -> int:
    from pathlib import Path

    from postmortem_skill import __version__
    from postmortem_skill.helper.engine.cache import FindingsCache
    from postmortem_skill.helper.engine.config import find_config, load_config
    from postmortem_skill.helper.inputs import expand, read_text, read_utf8
    from postmortem_skill.helper.report.formats import render
    from postmortem_skill.helper.rules.finding import Finding

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
    # One document checks faster than the cache loads once an archive has filled it.
    cache = FindingsCache(enabled=not args.no_cache and len(jobs) >= _CACHE_FROM)
    results: list = [None] * len(jobs)
    misses: list = []  # (index, key) of each job handed to a checker, in order

    def uncached():
        """The documents to check (UTF-8 bytes, settings), each file read once, found while the first ones
        are already being checked. Bytes, not text: the key hashes them and a worker gets them as they are
        (a text would be encoded to UTF-8 for each, ~20 us a document)."""
        for start in range(0, len(jobs), _LOOKUP):  # a few files at a time: one cache query for them
            batch = [(i, jobs[i], read_utf8(jobs[i][0])) for i in range(start, min(start + _LOOKUP, len(jobs)))]
            keys = [cache.key(data, _config(job[2]).config) if cache.enabled else None for _, job, data in batch]
            stored = cache.get_many(keys) if cache.enabled else {}
            for (i, (_, display, config_path), data), key in zip(batch, keys):
                rows = stored.get(key)
                if rows is not None:
                    found = [Finding.from_row(row, display) for row in rows]
                    if None not in found:
                        results[i] = found
                        continue
                misses.append((i, key))
                yield data, config_path

    workers = min(os.cpu_count() or 1, 8)
    todo = uncached()
    first = list(islice(todo, _PARALLEL_FROM))
    if len(first) == _PARALLEL_FROM and workers > 1:  # many to check: worth starting workers
        from concurrent.futures import ProcessPoolExecutor

        from postmortem_skill.helper.rules.lexicon import many_documents

        many_documents()
        # The first document is checked here: the patterns it compiles and the models it loads are then
        # inherited by forked workers instead of being made again in each.
        fresh = [_check(first[0])]
        # What exists now (patterns, models, word lists) lives as long as the workers: the garbage collector
        # need not walk it again at each collection, nor touch its pages (which forking shares)
        import gc

        gc.freeze()
        # Small chunks keep both workers busy to the end when documents differ in size.
        chunk = max(1, min(_CHUNK, len(jobs) // (workers * 4)))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            fresh += pool.map(_check, chain(first[1:], todo), chunksize=chunk)
    else:
        fresh = [_check(job) for job in first]
    for (i, key), rows in zip(misses, fresh):
        results[i] = [Finding.from_row(row, jobs[i][1]) for row in rows]
        if key is not None:
            cache.put(key, rows)
    cache.save()
    findings = [f for result in results for f in result]
    output = render(findings, args.format, len(files), __version__)
    if output and args.format == "text" and len(files) == 1:
        output = "\n".join([output, *_closing(read_text(files[0]), findings)])
    if output:
        sys.stdout.write(output + "\n")
    failing = ("error", "warning") if args.strict else ("error",)
    return 1 if any(f.severity in failing for f in findings) else 0
