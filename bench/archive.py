#!/usr/bin/env python3
"""Bench 2: validate archives of 2,000 and 10,000 postmortems, against markdownlint-cli2.

    python3 bench/archive.py [--sizes 2000,10000] [--runs 3] [--json out.json] [--keep]

The archive is generated in a temporary folder from the worked example
(`prompts/examples/worked-example.md`): document i gets its own incident id, a title variant, every
date shifted by the same number of days (so the timeline stays consistent), and counts
(customers, requests, ...) scaled deterministically. Files are spread over one folder per year.

What is measured (whole-process wall time of one command over the whole folder):
  * `postmortem validate DIR --format json` cold: an empty validate cache (a fresh cache folder), so
    every document is parsed and checked;
  * the same warm: a second run over unchanged files with the cache the cold run left (if validate
    has a content-hash cache; otherwise this is just a second run);
  * `markdownlint-cli2 "**/*.md"` (0.22.1, default rules, system Node) in the same folder.
Order per round: validate cold, validate warm, markdownlint-cli2; rounds repeat --runs times (3), and
--large-runs times (2) on archives above --peer-runs-up-to (2,000), where markdownlint-cli2 runs once
(it needs minutes there).
documents/s = number of files / median wall time. Exit codes 0 and 1 (findings) both count as done.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

EXAMPLE = C.ROOT / "prompts" / "examples" / "worked-example.md"

TITLES = [
    "Checkout errors after a configuration deploy", "Search latency during index rebuild",
    "Login failures from an expired certificate", "Payment retries exhausted a queue",
    "Stale prices served by the edge cache", "Batch export stalled on a full disk",
    "Notification backlog after a broker failover", "API rate limiter rejected healthy clients",
    "Image uploads failed in one region", "Report generation timed out at month end",
    "DNS change broke internal service discovery", "Mobile sync conflicts after schema migration",
]
DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
OWN_ID_RE = re.compile(r"^\*\*(?:Incident ID|事件编号)\*\*\s*[:：]\s*(\S+)", re.M)
COUNT_RE = re.compile(r"(?<![\w:.\-/])(\d{1,3}(?:,\d{3})+|\d{2,})(?=\s+(?:failed |queued |checkout )?"
                      r"(?:customers|attempts|orders|tickets|requests|users|accounts|messages|jobs)\b)")
TITLE_RE = re.compile(r"^(# (?:Postmortem: |复盘报告：))(.*)$", re.M)


def vary(text: str, i: int) -> tuple[str, int]:
    """Document i of the archive and its year. Deterministic: the same i gives the same bytes."""
    shift = dt.timedelta(days=(i * 7) % 1800 - 900)
    years = []

    def shift_date(m: re.Match) -> str:
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3])) + shift
        except ValueError:
            return m[0]
        years.append(d.year)
        return d.isoformat()

    text = DATE_RE.sub(shift_date, text)
    own = OWN_ID_RE.search(text)
    if own:  # the document's own id everywhere; other incidents' ids stay as they are
        text = re.sub(rf"\b{re.escape(own[1])}\b", f"INC-{i + 1:05d}", text)
    title = f"{TITLES[i % len(TITLES)]} ({i + 1})"
    text = TITLE_RE.sub(lambda m: m[1] + title, text, count=1)

    def scale(m: re.Match) -> str:
        n = int(m[1].replace(",", ""))
        if 1900 <= n <= 2100:  # a year, leave it
            return m[0]
        n = n * (10 + i % 9) // 10 + i % 13
        return f"{n:,}" if "," in m[1] else str(n)

    text = COUNT_RE.sub(scale, text)
    return text, (years[0] if years else 2026)


def generate(dest: Path, count: int) -> dict:
    source = EXAMPLE.read_text(encoding="utf-8")
    total = 0
    for i in range(count):
        text, year = vary(source, i)
        folder = dest / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"INC-{i + 1:05d}.md").write_bytes(data)
        total += len(data)
    return {"files": count, "bytes": total, "lines_each": source.count("\n")}


def cache_env(cache_home: Path) -> dict:
    """Environment that points every cache location validate may use at `cache_home`."""
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache_home)
    env["POSTMORTEM_CACHE_DIR"] = str(cache_home / "postmortem")
    env["HOME"] = str(cache_home / "home")  # a cache under ~ is fresh too
    (cache_home / "home").mkdir(parents=True, exist_ok=True)
    return env


def new_entries(root: Path, before: set[str]) -> list[Path]:
    """Files and folders that appeared under root since `before` (a cache validate keeps in the tree)."""
    return [p for p in root.rglob("*") if p.relative_to(root).as_posix() not in before]


def describe_cache(cache_home: Path, archive: Path, before: set[str]) -> str:
    places = []
    home_files = [p for p in cache_home.rglob("*") if p.is_file()]
    if home_files:
        size = sum(p.stat().st_size for p in home_files)
        where = sorted({p.relative_to(cache_home).parts[0] for p in home_files})
        places.append(f"{len(home_files)} files, {size / 1e6:.1f} MB under the cache/home folder ({', '.join(where)})")
    tree = [p for p in new_entries(archive, before) if p.is_file()]
    if tree:
        size = sum(p.stat().st_size for p in tree)
        places.append(f"{len(tree)} files, {size / 1e6:.1f} MB inside the archive folder")
    return "; ".join(places) or "none found (validate keeps no cache on disk)"



def findings_digest(out: bytes) -> tuple[str, int]:
    try:
        findings = json.loads(out).get("findings", [])
    except ValueError:
        return "unparseable", -1
    return hashlib.sha256(json.dumps(findings, sort_keys=True).encode()).hexdigest()[:12], len(findings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,10000", help="archive sizes (default 2000,10000)")
    ap.add_argument("--runs", type=int, default=3, help="rounds per size (default 3)")
    ap.add_argument("--peer-runs-up-to", type=int, default=2000,
                    help="archives larger than this get --large-runs rounds and one markdownlint-cli2 run "
                         "(it takes minutes there); default 2000")
    ap.add_argument("--large-runs", type=int, default=2, help="rounds on those larger archives (default 2)")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the generated archives")
    ap.add_argument("--no-peer", action="store_true", help="skip markdownlint-cli2 (our figures only, quicker)")
    ap.add_argument("--profile", action="store_true", help="print a profile even when the goal is met")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    if not EXAMPLE.is_file():
        raise SystemExit(f"bench: {EXAMPLE} is missing")
    if not args.no_peer:
        C.ensure_peers(("markdownlint-cli2",))
    postmortem = C.our_script("postmortem")
    facts = C.machine_facts()
    if not args.no_peer:
        facts["peer markdownlint-cli2"] = C.peer_versions()["markdownlint-cli2"]
        facts["peer node (system)"] = C.peer_versions()["node (system, ruler + markdownlint-cli2)"]
    C.print_header("validate archives of postmortems vs markdownlint-cli2", f"""
archives generated from {EXAMPLE.relative_to(C.ROOT)} (ids, titles, dates, counts varied), one folder per year;
per round: `{postmortem} validate DIR --format json` with an empty cache (cold), again with the cache
the cold run left (warm), then `markdownlint-cli2 "**/*.md"` (default rules) in DIR; {args.runs} rounds per
size ({args.large_runs} above {args.peer_runs_up_to:,}, markdownlint-cli2 once there); whole-process wall time;
documents/s = files / median.""", facts)

    results = []
    with C.scratch_folder("archive", args.keep) as scratch:
        for size in sizes:
            archive = scratch / f"archive-{size}"
            info = generate(archive, size)
            print(f"archive of {size} documents: {info['bytes'] / 1e6:.1f} MB, "
                  f"{info['lines_each']} lines each, in {archive}")
            cold, warm, mdl = (C.Series(f"validate cold ({size})"), C.Series(f"validate warm ({size})"),
                               C.Series(f"markdownlint-cli2 ({size})"))
            digests = set()
            cpu: dict = {cold.label: [], warm.label: []}
            large = size > args.peer_runs_up_to
            rounds = args.large_runs if large else args.runs
            peer_runs = 1 if large else args.runs
            load_before = C.loadavg()
            code_before = C.code_fingerprint("postmortem_skill/helper")
            before = {p.relative_to(archive).as_posix() for p in archive.rglob("*")}
            cache_note = ""
            for r in range(rounds):
                cache = scratch / f"cache-{size}-{r}"
                env = cache_env(cache)
                for extra in sorted(new_entries(archive, before), reverse=True):  # cold means cold
                    shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
                cmd = [postmortem, "validate", str(archive), "--format", "json"]
                for series in (cold, warm):
                    seconds, out = C.run_timed_output(cmd, env=env, ok=(0, 1))
                    series.seconds.append(seconds)
                    cpu[series.label].append(C.LAST_CPU[0])
                    digests.add(findings_digest(out))
                cache_note = describe_cache(cache, archive, before)
                if r < peer_runs and not args.no_peer:
                    mdl.seconds.append(C.run_timed([*C.markdownlint_cmd(), "**/*.md"], cwd=archive, ok=(0, 1)))
                shutil.rmtree(cache, ignore_errors=True)
            load_after = C.loadavg()
            code_same = C.code_fingerprint("postmortem_skill/helper") == code_before
            timed = [s for s in (cold, warm, mdl) if s.seconds]
            print(C.series_table(timed))
            if not code_same:
                print("  WARNING: postmortem_skill/helper changed during these runs (a commit landed): "
                      "the cache keys on the code, so warm runs may have missed it; run again on a settled tree")
            rates = {s.label: size / s.median for s in timed}
            for label, rate in rates.items():
                print(f"  {label:<40} {rate:10.0f} documents/s")
            cold_cpu = statistics.median(cpu[cold.label])
            cores = os.cpu_count() or 1
            print(f"  validate cold, CPU (user + system, workers included): {cold_cpu * 1000 / size:.2f} ms per "
                  f"document; {size / cold_cpu * cores:.0f} documents/s if all {cores} cores were free for it")
            ok_cold = rates[cold.label] >= 400
            verdict = f"goal >= 400 documents/s (cold): {'MET' if ok_cold else 'MISSED'}"
            if mdl.seconds:
                faster = cold.median < mdl.median
                verdict += (f"; faster than markdownlint-cli2 (cold): {'MET' if faster else 'MISSED'} "
                            f"({mdl.median / cold.median:.2f}x its speed)")
            print("  " + verdict)
            print(f"  findings identical across cold and warm runs: {'yes' if len(digests) == 1 else 'NO'} "
                  f"({', '.join(f'{n} findings, digest {d}' for d, n in sorted(digests))})")
            print(f"  validate's cache after a run: {cache_note}")
            print(f"  load average before / after: {load_before} / {load_after}")
            print()
            results.append({
                "size": size, "archive_bytes": info["bytes"], "lines_each": info["lines_each"],
                "series": [s.row() for s in timed],
                "cold_cpu_ms_per_doc": round(cold_cpu * 1000 / size, 2),
                "docs_per_s": {k: round(v, 1) for k, v in rates.items()},
                "findings_consistent": len(digests) == 1, "cache": cache_note, "code_unchanged": code_same,
                "load_before": load_before, "load_after": load_after,
            })
            if (not ok_cold or args.profile) and size == sizes[0]:
                sample = sorted(archive.rglob("*.md"))[:20]  # under validate's parallel threshold: one process
                print(f"cProfile of `postmortem validate` on {len(sample)} of these documents (one process):")
                print(C.cprofile_cli("from postmortem_skill.helper.cli import main; main()",
                                     ["postmortem", "validate", "--format", "json", *map(str, sample)],
                                     scratch / "validate.prof", env=cache_env(scratch / "prof-cache")))
                print()
            if not args.keep:
                shutil.rmtree(archive, ignore_errors=True)
        C.write_json(args.json, {"bench": "archive", "facts": facts, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
