#!/usr/bin/env python3
"""Bench: merge an evidence folder of 10 files with 50,000 rows in total into one timeline.

    python3 bench/merge.py [--rows 50000] [--runs 5] [--json out.json] [--keep]

The folder is generated in a temporary directory, one file per input kind the timeline reads, rows
spread evenly (5,000 each by default), times over one day in three zones: an Alertmanager webhook
(+08:00, resolved alerts: two rows each), Opsgenie JSON Lines (Z), a Slack export (epoch `ts`), an
alert CSV (`time_utc`, `alert`, status), a metrics CSV (condensed: most rows are dropped by design),
a TSV with Chinese headers (发生时间 / 内容, naive, read in --tz), log lines with offsets, a chat log
with a date line and times of day, a Markdown change calendar of windows (two rows each) and a
PagerDuty incidents CSV (created / acknowledged / resolved: three rows each).

What is measured: the wall time of one whole process, `python3 -m postmortem_skill.helper timeline DIR
--tz Asia/Shanghai --format json` with stdout to a file (start-up, reading, parsing, sorting, dedup,
JSON), median of --runs after one warm-up; and the same merge in process (`collect`), so start-up is
visible, and the CPU time of the process (user + system), which other work on a shared machine does not
inflate as much as the wall time. Target: under 2 s on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402  (the machine facts run_all.py prints with every bench)

ROOT = Path(__file__).resolve().parents[1]
BASE = datetime(2026, 10, 20, tzinfo=timezone.utc)
KINDS = 10


def _at(i: int, n: int) -> datetime:
    return BASE + timedelta(seconds=int(86_000 * i / max(n, 1)))


def write_folder(folder: Path, rows: int) -> int:
    """The ten files; returns how many rows they hold as written (before condensing and splitting)."""
    n = rows // KINDS
    cst = timezone(timedelta(hours=8))
    alerts = [{"status": "resolved", "labels": {"alertname": f"Alert{i % 50}", "severity": "P2"},
               "annotations": {"summary": f"value {i} above threshold"},
               "startsAt": _at(i, n).astimezone(cst).isoformat(),
               "endsAt": (_at(i, n) + timedelta(seconds=30)).astimezone(cst).isoformat(),
               "fingerprint": f"{i:016x}"} for i in range(n // 2)]
    (folder / "alertmanager.json").write_text(json.dumps({"status": "resolved", "alerts": alerts}, indent=1))
    with open(folder / "opsgenie.jsonl", "w") as out:
        for i in range(n):
            out.write(json.dumps({"tinyId": str(i), "message": f"queue {i % 7} lag", "priority": "P3",
                                  "createdAt": _at(i, n).strftime("%Y-%m-%dT%H:%M:%S.000Z")}) + "\n")
    slack = [{"type": "message", "user": f"U{i % 9}", "text": f"update {i}",
              "ts": f"{_at(i, n).timestamp():.6f}"} for i in range(n)]
    (folder / "slack.json").write_text(json.dumps(slack))
    with open(folder / "alerts.csv", "w") as out:
        out.write("time_utc,alert,status,id\n")
        out.writelines(f"{_at(i, n):%Y-%m-%d %H:%M:%S},Disk {i % 13} above 90%,triggered,AL-{i}\n" for i in range(n))
    with open(folder / "metrics.csv", "w") as out:
        out.write("timestamp,p95_ms,error_rate\n")
        out.writelines(f"{_at(i, n):%Y-%m-%dT%H:%M:%SZ},{100 + (i * 37) % 900},{(i % 100) / 1000}\n"
                       for i in range(n))
    with open(folder / "变更记录.tsv", "w") as out:
        out.write("发生时间\t内容\t状态\n")
        out.writelines(f"{_at(i, n).astimezone(cst):%Y-%m-%d %H:%M:%S}\t扩容第 {i} 批\t恢复\n" for i in range(n))
    with open(folder / "app.log", "w") as out:
        out.writelines(f"{_at(i, n).isoformat()} WARN worker {i % 5} retry {i}\n" for i in range(n))
    with open(folder / "chat.txt", "w") as out:
        out.write(f"{BASE:%Y-%m-%d}\n")
        out.writelines(f"[{_at(i, n):%H:%M:%S}] oncall: note {i}\n" for i in range(n))
    with open(folder / "changes.md", "w") as out:
        out.write("| Change | Window (UTC) | Description |\n|---|---|---|\n")
        out.writelines(f"| CHG-{i} | {_at(i, n // 2):%Y-%m-%d %H:%M} – {_at(i, n // 2) + timedelta(minutes=5):%H:%M} "
                       f"| change {i} |\n" for i in range(n // 2))
    with open(folder / "pagerduty.csv", "w") as out:
        out.write("incident_number,title,status,created_at,acknowledged_at,resolved_at\n")
        for i in range(n // 3):
            t = _at(i, n // 3)
            out.write(f"{i},Incident {i},resolved,{t:%Y-%m-%dT%H:%M:%SZ},"
                      f"{t + timedelta(minutes=1):%Y-%m-%dT%H:%M:%SZ},{t + timedelta(minutes=9):%Y-%m-%dT%H:%M:%SZ}\n")
    return n * 8 + (n // 2) * 2 + (n // 3) * 3  # alert and window rows count twice, incidents three times


def _process(folder: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): on a shared machine the CPU time shows the work alone."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(out, "w") as sink:
        done = subprocess.run([sys.executable, "-m", "postmortem_skill.helper", "timeline", str(folder),
                               "--tz", "Asia/Shanghai", "--format", "json"], stdout=sink, stderr=subprocess.PIPE,
                              env=env, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"timeline failed: {done.stderr.strip()}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _in_process(folder: Path) -> tuple[float, int]:
    sys.path.insert(0, str(ROOT))
    from postmortem_skill.helper.commands.timeline import collect
    from postmortem_skill.helper.model.timeutil import load_zone

    start = time.perf_counter()
    events, _notes, _files = collect([str(folder)], load_zone("Asia/Shanghai"), None)
    return time.perf_counter() - start, len(events)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder and print its path")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pm-merge-bench-"))
    try:
        folder = work / "evidence"
        folder.mkdir()
        written = write_folder(folder, args.rows)
        lines = sum(1 for p in folder.iterdir() for _ in open(p, encoding="utf-8"))
        _process(folder, work / "out.json")  # warm-up: imports compiled, files in the page cache
        measured = [_process(folder, work / "out.json") for _ in range(args.runs)]
        times, cpu = sorted(m[0] for m in measured), sorted(m[1] for m in measured)
        merged = len(json.loads((work / "out.json").read_text(encoding="utf-8")))
        inner = sorted(_in_process(folder)[0] for _ in range(args.runs))
        result = {"files": len(list(folder.iterdir())), "rows_written": written, "lines": lines,
                  "rows_merged": merged, "runs": args.runs, "median_s": statistics.median(times),
                  "min_s": times[0], "max_s": times[-1], "cpu_median_s": statistics.median(cpu),
                  "in_process_median_s": statistics.median(inner), "cpus": os.cpu_count(),
                  "load_average": os.getloadavg()[0], "python": sys.version.split()[0]}
        print(f"timeline over {result['files']} files, {written:,} rows as written ({lines:,} lines), "
              f"{merged:,} rows merged (metrics condensed, duplicates dropped)")
        print(f"whole process: median {result['median_s']:.2f} s (min {result['min_s']:.2f}, "
              f"max {result['max_s']:.2f}, n={args.runs}); CPU time of the process: median "
              f"{result['cpu_median_s']:.2f} s; in process: median {result['in_process_median_s']:.2f} s")
        print(f"target < 2 s: {'met' if result['median_s'] < 2 else 'NOT met'} "
              f"({result['cpus']} CPUs, load average {result['load_average']:.1f}, Python {result['python']})")
        if args.json:
            C.write_json(args.json, {"bench": "merge", "facts": C.machine_facts(), **result})
        if args.keep:
            print(f"folder kept: {folder}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
