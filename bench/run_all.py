#!/usr/bin/env python3
"""Run the five benches in sequence and print (or write) the table of figures for docs/benchmarks.md.

    python3 bench/run_all.py [--quick] [--write] [--log-dir DIR]

Each bench prints its own figures and method; this script collects their JSON results and renders one
Markdown table. --write replaces the block between `<!-- BEGIN figures -->` and `<!-- END figures -->`
in docs/benchmarks.md (the prose around it is kept). --quick uses fewer runs and only the 2,000
archive (for trying the harness; the published figures come from a full run).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _common as C  # noqa: E402

DOC = C.ROOT / "docs" / "benchmarks.md"
BENCHES = ("compile", "archive", "context", "validate_one", "merge")
BEGIN, END = "<!-- BEGIN figures -->", "<!-- END figures -->"


def ms(row: dict) -> str:
    return f"{row['median_ms']:.0f} ms (IQR {row['q1_ms']:.0f}–{row['q3_ms']:.0f}, n={row['n']})"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(results: dict, command: str) -> str:
    facts = next(iter(results.values()))["facts"]
    lines = [
        f"Measured {facts['date_utc']} on {facts['machine']}, {facts['python']}, commit {facts['commit']}.",
        f"Command: {command}.",
        "Each bench's facts were recorded at (UTC, load average 1/5/15 min): " + "; ".join(
            f"{name} {r['facts']['date_utc'][11:16]} ({r['facts']['load_average_1_5_15']})"
            for name, r in results.items())
        + ".",
        "",
        "| What | Ours | Peer | Goal | |",
        "|---|---|---|---|---|",
    ]
    if "compile" in results:
        r = results["compile"]
        ours_all, ours_same, ruler, rulesync = r["series"]
        lines += [
            f"| install for all 22 assistants, whole process | {ms(ours_all)} | ruler {ms(ruler)} | "
            f"≤ 0.5× ruler | {r['ratios']['ours_all_vs_ruler']:.2f}× "
            f"{verdict(r['ratios']['ours_all_vs_ruler'] <= 0.5)} |",
            f"| (same) | | rulesync {ms(rulesync)} | ≤ 0.2× rulesync | "
            f"{r['ratios']['ours_all_vs_rulesync']:.2f}× {verdict(r['ratios']['ours_all_vs_rulesync'] <= 0.2)} |",
            f"| install for the 12 assistants both peers support | {ms(ours_same)} | | | "
            f"{r['ratios']['ours_same_vs_ruler']:.2f}× ruler, {r['ratios']['ours_same_vs_rulesync']:.2f}× rulesync |",
        ]
        for row in r["cold"]:
            lines.append(f"| `{row['label']}` | {ms(row)} | | | |")
        imp = r["imports"]
        lines.append("| imports (-X importtime, incl. site) | " + "; ".join(
            f"{k}: {v['total_ms']:.0f} ms ({', '.join(v['third_party']) or 'stdlib only'})" for k, v in imp.items())
            + f" | | no unneeded imports on --help/--version | {verdict(_lean_help_and_version(imp))} |")
    if "archive" in results:
        for res in results["archive"]["results"]:
            cold, warm, mdl = res["series"]
            rates = list(res["docs_per_s"].values())
            cpu = f"; CPU {res['cold_cpu_ms_per_doc']:.1f} ms/doc" if "cold_cpu_ms_per_doc" in res else ""
            lines.append(
                f"| validate {res['size']:,} postmortems, cold | {rates[0]:,.0f} docs/s ({ms(cold)}{cpu}) | "
                f"markdownlint-cli2 {rates[2]:,.0f} docs/s ({ms(mdl)}) | ≥ 400 docs/s and faster | "
                f"{verdict(rates[0] >= 400 and cold['median_ms'] < mdl['median_ms'])} |")
            changed = "" if res.get("code_unchanged", True) else "; **code changed during the run**"
            lines.append(f"| validate {res['size']:,} postmortems, warm (cache) | {rates[1]:,.0f} docs/s "
                         f"({ms(warm)}) | | | findings identical: {'yes' if res['findings_consistent'] else 'NO'}"
                         f"{changed} |")
    if "context" in results:
        res = results["context"]["results"]
        ours = res["ours"]
        listing = max(a["listing_chars"] for a in ours["per_assistant"].values())
        copies = max(a["skill_copies"] for a in ours["per_assistant"].values())
        peers = "; ".join(f"{t}: largest {res[t]['max_file_bytes']:,} B, all {res[t]['total_bytes']:,} B"
                          for t in res if t != "ours")
        lines += [
            f"| always-loaded bytes after install --all | largest file {ours['max_file_bytes']:,} B, all "
            f"{ours['total_bytes']:,} B over {len(ours['per_file'])} files | {peers} | ≤ 1,000 B per file, "
            f"≤ 4,000 B in all | {verdict(ours['max_file_bytes'] <= 1000 and ours['total_bytes'] <= 4000)} |",
            f"| skill listing (name + description) | {listing:,} chars per assistant; up to {copies} copies "
            f"visible to one assistant | peers: no skill | | |",
        ]
    if "merge" in results:
        r = results["merge"]
        lines.append(f"| `timeline` over {r['files']} files, {r['rows_written']:,} rows, whole process | "
                     f"{r['median_s'] * 1000:.0f} ms (min {r['min_s'] * 1000:.0f}, max {r['max_s'] * 1000:.0f}, "
                     f"n={r['runs']}; CPU {r['cpu_median_s'] * 1000:.0f} ms; in process "
                     f"{r['in_process_median_s'] * 1000:.0f} ms) | | < 2 s | {verdict(r['median_s'] < 2)} |")
    if "validate_one" in results:
        r = results["validate_one"]
        for row in r["series"]:
            goal = row["label"] in r["goal_met"]
            what = f"`{row['label']}`, {r['lines']}-line postmortem" if goal else f"`{row['label']}`"
            met = verdict(r["goal_met"][row["label"]]) if goal else ""
            lines.append(f"| {what} | {ms(row)} | | {'≤ 150 ms' if goal else 'floor'} | {met} |")
    return "\n".join(lines)


def _lean_help_and_version(imports: dict) -> bool:
    """--version imports nothing from outside the standard library; --help only click, which formats it."""
    return not imports["--version"]["third_party"] and set(imports["--help"]["third_party"]) <= {"click"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer runs, 2,000 archive only")
    ap.add_argument("--write", action="store_true", help=f"update the figures block in {DOC.relative_to(C.ROOT)}")
    ap.add_argument("--log-dir", help="keep each bench's full output and JSON here")
    ap.add_argument("--only", default="compile,archive,context,validate_one,merge", help="comma-separated benches")
    ap.add_argument("--reuse", action="store_true",
                    help="take the benches not named by --only from the JSON results already in --log-dir "
                         "(--only= --reuse reruns nothing and only renders the table again)")
    args = ap.parse_args(argv)

    out_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="pm-bench-all-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    extra = {
        "compile": ["--runs", "5", "--cold-runs", "7"] if args.quick else [],
        "archive": ["--sizes", "2000", "--runs", "1"] if args.quick else [],
        "context": [],
        "validate_one": ["--runs", "11"] if args.quick else [],
        "merge": ["--runs", "3"] if args.quick else [],
    }
    results = {}
    for name in filter(None, args.only.split(",")):
        js = out_dir / f"{name}.json"
        cmd = [sys.executable, str(HERE / f"{name}.py"), "--json", str(js), *extra[name]]
        C.log(f"running {' '.join(cmd[1:])}")
        with open(out_dir / f"{name}.txt", "w", encoding="utf-8") as log:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            for line in proc.stdout:
                sys.stdout.write(line)
                log.write(line)
            if proc.wait() != 0:
                C.log(f"{name} failed (exit {proc.returncode}); its figures are left out")
                continue
        results[name] = json.loads(js.read_text(encoding="utf-8"))
    if args.reuse:
        for name in BENCHES:
            js = out_dir / f"{name}.json"
            if name not in results and js.is_file():
                results[name] = json.loads(js.read_text(encoding="utf-8"))
        results = {k: results[k] for k in BENCHES if k in results}
    if not results:
        return 1
    command = ("`python3 bench/run_all.py" + (" --quick" if args.quick else "")
               + (f" --only {args.only}" if args.only != ap.get_default("only") else "")
               + (" --reuse" if args.reuse else "") + "`")
    if not args.only:
        command = "`python3 bench/run_all.py` (this table re-rendered from its logs with `--only= --reuse`)"
    table = render(results, command)
    print()
    print(table)
    if args.write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
        if BEGIN not in text:
            text += f"\n{BEGIN}\n{END}\n"
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1] if END in rest else ""
        DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")
        C.log(f"wrote the figures into {DOC}")
    C.log(f"full outputs in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
