#!/usr/bin/env python3
"""Bench 1: install / compile for all assistants, against ruler and rulesync doing the same job.

    python3 bench/compile.py [--runs 15] [--json out.json] [--profile]

What is measured (whole-process wall time, fork/exec to exit, output discarded):
  * ours        `build-skill install --all --project DIR` into a fresh empty project (22 assistants),
                and the same limited to the assistants both peers support (the like-for-like job);
  * ruler       `ruler apply` (@intellectronica/ruler 0.3.44 on the system Node) in a fresh project
                whose `.ruler/AGENTS.md` is our SKILL.md body and whose `.ruler/ruler.toml` selects
                those assistants (`default_agents`);
  * rulesync    `rulesync generate` (rulesync 17.0.0 on Node 22 from the npm package node@22) in a
                fresh project whose `.rulesync/rules/postmortem.md` is the same body (root rule) and
                whose `rulesync.jsonc` selects the same assistants, feature `rules`.
The runs alternate (ours, ours-same-set, ruler, rulesync, ours, ...) so that drift in machine load
hits every tool alike; each run gets a fresh copy of its project (copying is not timed) and starts after
an untimed `sync`, so no tool pays for the previous one's disk writeback; projects are deleted at the end.
Then, cold processes: `build-skill --help`, `--version`, `--check` and `build-skill` (regenerate
adapters/ in a scratch copy of the source tree), and the import cost of each path (-X importtime).
With --profile (or when a goal is missed) it prints cProfile and importtime breakdowns of ours.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

# Assistants all three tools support, as (our id, ruler agent, rulesync target). Ruler matches
# agent names by substring; rulesync's Windsurf is `devin` (Windsurf became Devin Desktop).
COMMON = [
    ("claude-code", "claude", "claudecode"),
    ("codex", "codex", "codexcli"),
    ("cursor", "cursor", "cursor"),
    ("copilot", "copilot", "copilot"),
    ("windsurf", "windsurf", "devin"),
    ("cline", "cline", "cline"),
    ("kiro", "kiro", "kiro-ide"),
    ("junie", "junie", "junie"),
    ("zed", "zed", "zed"),
    ("opencode", "opencode", "opencode"),
    ("amp", "amp", "amp"),
    ("augment", "augmentcode", "augmentcode"),
]


def ruler_project(dest: Path, body: str, agents: list[str]) -> None:
    (dest / ".ruler").mkdir(parents=True)
    (dest / ".ruler" / "AGENTS.md").write_text(body, encoding="utf-8")
    quoted = ", ".join(f'"{a}"' for a in agents)
    (dest / ".ruler" / "ruler.toml").write_text(f"default_agents = [{quoted}]\n", encoding="utf-8")


def rulesync_project(dest: Path, body: str, targets: list[str]) -> None:
    rules = dest / ".rulesync" / "rules"
    rules.mkdir(parents=True)
    front = ('---\nroot: true\ntargets: ["*"]\n'
             'description: "Blameless incident postmortems"\nglobs: ["**/*"]\n---\n\n')
    (rules / "postmortem.md").write_text(front + body, encoding="utf-8")
    quoted = ", ".join(f'"{t}"' for t in targets)
    (dest / "rulesync.jsonc").write_text(f'{{"targets": [{quoted}], "features": ["rules"]}}\n',
                                         encoding="utf-8")


def fresh_copy(template: Path, scratch: Path, label: str, i: int) -> Path:
    dest = scratch / f"{label}-{i}"
    if template is None:
        dest.mkdir()
    else:
        shutil.copytree(template, dest)
    return dest


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def source_copy(scratch: Path) -> Path:
    """A scratch copy of the skill source tree (what `build-skill` reads), without .git."""
    dest = scratch / "source"
    shutil.copytree(C.ROOT, dest, ignore=shutil.ignore_patterns(".git", "__pycache__", "*.egg-info",
                                                               ".pytest_cache", ".hypothesis"))
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="runs per tool (default 15)")
    ap.add_argument("--cold-runs", type=int, default=21, help="runs of --help/--version/--check")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--profile", action="store_true", help="print profiles even when the goals are met")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args(argv)

    C.ensure_peers(("@intellectronica/ruler", "rulesync", "node"))
    build_skill = C.our_script("build-skill")
    body = C.skill_body()
    ours_common = [c[0] for c in COMMON]
    facts = C.machine_facts()
    versions = C.peer_versions()
    facts.update({f"peer {k}": v for k, v in versions.items() if "markdownlint" not in k})
    C.print_header("install / compile for all assistants vs ruler and rulesync", f"""
whole-process wall time of each command, {args.runs} runs per tool, alternating ours / ours (same set) /
ruler / rulesync; every run writes into a fresh copy of its project (copy not timed) after an untimed
sync; output discarded.
Guideline: the body of SKILL.md ({len(body.encode())} bytes) as the one rule file of each peer.
Assistants for the peers (and 'ours, same set'): {', '.join(ours_common)}.
ours = {build_skill} install --all (22 assistants) | install {' '.join(ours_common)}""", facts)

    with C.scratch_folder("compile", args.keep) as scratch:
        ruler_tpl = scratch / "tpl-ruler"
        ruler_project(ruler_tpl, body, [c[1] for c in COMMON])
        rulesync_tpl = scratch / "tpl-rulesync"
        rulesync_project(rulesync_tpl, body, [c[2] for c in COMMON])

        jobs = [
            ("ours: install --all (22 assistants)", None,
             lambda d: [build_skill, "install", "--all", "--project", str(d)]),
            (f"ours: install, same {len(COMMON)} assistants", None,
             lambda d: [build_skill, "install", *ours_common, "--project", str(d)]),
            (f"ruler apply ({len(COMMON)} agents)", ruler_tpl, lambda d: [*C.ruler_cmd(), "apply"]),
            (f"rulesync generate ({len(COMMON)} targets)", rulesync_tpl,
             lambda d: [*C.rulesync_cmd(), "generate"]),
        ]
        series = [C.Series(label) for label, _t, _c in jobs]
        code_folders = ("postmortem_skill/compiler", "postmortem_skill/targets")
        code_before = C.code_fingerprint(*code_folders)
        written = {}
        load_before = C.loadavg()
        # one untimed warm-up round so that every tool starts with a warm page cache
        for k, (label, tpl, cmd) in enumerate(jobs):
            d = fresh_copy(tpl, scratch, f"warm{k}", 0)
            C.run_timed(cmd(d), cwd=d)
            written[label] = files_under(d)
        for i in range(args.runs):
            for k, (_label, tpl, cmd) in enumerate(jobs):
                d = fresh_copy(tpl, scratch, f"job{k}", i)
                # Start every run with no disk writeback pending from the previous one (ours writes
                # ~180 files, the peers ~10): flush it untimed, and delete the projects only at the end.
                os.sync()
                series[k].seconds.append(C.run_timed(cmd(d), cwd=d))
        load_after = C.loadavg()
        print(C.series_table(series))
        if C.code_fingerprint(*code_folders) != code_before:
            print(f"WARNING: {' or '.join(code_folders)} changed during these runs (a commit landed)")
        ours_all, ours_same, ruler, rulesync = (s.median for s in series)
        ratios = {
            "ours_all_vs_ruler": ours_all / ruler, "ours_all_vs_rulesync": ours_all / rulesync,
            "ours_same_vs_ruler": ours_same / ruler, "ours_same_vs_rulesync": ours_same / rulesync,
        }
        print()
        print(f"ratio of medians, ours --all / ruler     = {ratios['ours_all_vs_ruler']:.2f}x  (goal <= 0.5x)"
              f"  {'MET' if ratios['ours_all_vs_ruler'] <= 0.5 else 'MISSED'}")
        print(f"ratio of medians, ours --all / rulesync  = {ratios['ours_all_vs_rulesync']:.2f}x  (goal <= 0.2x)"
              f"  {'MET' if ratios['ours_all_vs_rulesync'] <= 0.2 else 'MISSED'}")
        print(f"ratio of medians, ours same set / ruler    = {ratios['ours_same_vs_ruler']:.2f}x")
        print(f"ratio of medians, ours same set / rulesync = {ratios['ours_same_vs_rulesync']:.2f}x")
        print(f"load average before / after the timed runs: {load_before} / {load_after}")
        print()
        for label in written:
            print(f"files written by {label}: {len(written[label])}")

        # ---- cold processes of our CLI and their import cost
        src = source_copy(scratch)
        cold = [
            ("python3 -c pass (interpreter floor)", [sys.executable, "-c", "pass"], (0,)),
            ("build-skill --version", [build_skill, "--version"], (0,)),
            ("build-skill --help", [build_skill, "--help"], (0,)),
            ("build-skill --check (no drift)", [build_skill, "--check"], (0, 1)),
            ("build-skill (regenerate adapters/)", [build_skill], (0,)),
        ]
        C.run_timed([build_skill], cwd=src)  # make adapters/ current so --check measures no drift
        cold_series = [C.Series(label) for label, _c, _ok in cold]
        for _ in range(args.cold_runs):
            for k, (_label, cmd, ok) in enumerate(cold):
                cold_series[k].seconds.append(C.run_timed(cmd, cwd=src, ok=ok))
        check_rc = subprocess.run([build_skill, "--check"], cwd=src, capture_output=True).returncode
        print()
        print(f"cold processes ({args.cold_runs} runs each, in a scratch copy of the source tree; "
              f"--check exit code {check_rc}):")
        print(C.series_table(cold_series))

        entry = "from postmortem_skill.compiler.cli import main; import sys; sys.exit(main())"
        paths = {
            "--version": ["--version"], "--help": ["--help"], "--check": ["--check"],
            "install --all": ["install", "--all", "--project", str(scratch / "it-project")],
        }
        (scratch / "it-project").mkdir()
        imports = {}
        print()
        for name, argv_ in paths.items():
            code = f"import sys; sys.argv = ['build-skill', *{argv_!r}]\n{entry}"
            rows = C.importtime(code, cwd=src)
            loaded = C.third_party_loaded(rows)
            total = sum(cum for n, _s, cum in rows if not n.startswith("  "))
            imports[name] = {"total_ms": round(total / 1000, 1), "modules": len(rows), "third_party": loaded}
            print(f"imports for build-skill {name}: {total / 1000:.1f} ms, {len(rows)} modules, "
                  f"third-party: {', '.join(loaded) or 'none'}")
        floor = C.importtime("pass")
        floor_ms = sum(cum for n, _s, cum in floor if not n.startswith("  ")) / 1000
        rows = C.importtime(f"import sys; sys.argv = ['build-skill', *{paths['install --all']!r}]\n{entry}",
                            cwd=src)
        print(f"(an empty `python3 -c pass` imports for {floor_ms:.1f} ms: site, encodings and .pth files)")
        print()
        print("install --all, " + C.importtime_summary(rows, top=15))

        missed = ratios["ours_all_vs_ruler"] > 0.5 or ratios["ours_all_vs_rulesync"] > 0.2
        if missed or args.profile:
            print()
            print("cProfile of one `build-skill install --all` into a fresh project (imports included):")
            (scratch / "profile-project").mkdir()
            print(C.cprofile_cli("from postmortem_skill.compiler.cli import main; main()",
                                 ["build-skill", "install", "--all", "--project", str(scratch / "profile-project")],
                                 scratch / "install.prof", top=25))

        C.write_json(args.json, {
            "bench": "compile", "facts": facts, "series": [s.row() for s in series],
            "ratios": {k: round(v, 3) for k, v in ratios.items()},
            "cold": [s.row() for s in cold_series], "imports": imports,
            "files_written": {k: len(v) for k, v in written.items()},
            "load_before": load_before, "load_after": load_after,
        })
    return 0


if __name__ == "__main__":
    sys.exit(main())
