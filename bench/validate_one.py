#!/usr/bin/env python3
"""Bench 4: `postmortem validate` of one 150-line postmortem, whole process.

    python3 bench/validate_one.py [--runs 31] [--lines 150] [--json out.json]

The document is the worked example (`prompts/examples/worked-example.md`) brought to exactly --lines
lines: hard-wrapped paragraphs and list items are joined into single lines (largest saving first),
then optional sections (Open Questions, Related Incidents, References, System Diagram) are dropped
until it fits; any gap is filled with reference bullets at the end. Every required section, header
field, table row and most words stay, so the document is denser than a typical one of that length
(this errs against us); its byte size is printed.

What is measured (whole-process wall time, fork/exec to exit, output discarded), alternating:
  * `postmortem validate FILE`                    (the console script of this installation)
  * `python3 -m skill.toolkit validate FILE`
  * `python3 -I scripts/postmortem validate FILE` (the zipapp an installed skill runs)
each with an empty validate cache per run (a fresh cache folder: the cost a single save in an editor
or a pre-commit hook pays the first time), plus the interpreter floors `python3 -c pass` and
`python3 -I -c pass`. Goal: median <= 150 ms.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

EXAMPLE = C.ROOT / "prompts" / "examples" / "worked-example.md"
ZIPAPP = C.ROOT / "scripts" / "postmortem"


def blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks (a fenced code block is one block)."""
    out, cur, fence = [], [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        if not line.strip() and not fence:
            if cur:
                out.append(cur)
                cur = []
            continue
        cur.append(line)
    if cur:
        out.append(cur)
    return out


def unwrap(block: list[str]) -> list[str]:
    """Join hard-wrapped lines: a paragraph becomes one line, a list item one line per item."""
    if block[0].startswith(("#", "|", "<!--", "```")):
        return block
    out = []
    for line in block:
        starts_item = bool(re.match(r"^(?:[-*+]|\d+\.)\s", line)) or line.startswith("**")
        if out and not starts_item:
            out[-1] = out[-1] + " " + line.strip()
        else:
            out.append(line)
    return out


OPTIONAL_SECTIONS = ("Open Questions", "Related Incidents", "References", "System Diagram")


def drop_section(bl: list[list[str]], title: str) -> list[list[str]]:
    """Remove the section headed `title` (its heading and everything up to the next heading as high)."""
    for i, b in enumerate(bl):
        m = re.match(r"^(#+)\s+(.*)$", b[0])
        if m and m[2].strip() == title:
            level = len(m[1])
            j = i + 1
            while j < len(bl):
                n = re.match(r"^(#+)\s", bl[j][0])
                if n and len(n[1]) <= level:
                    break
                j += 1
            return bl[:i] + bl[j:]
    return bl


def document_of(lines: int) -> str:
    """The worked example with exactly `lines` lines (see the module docstring).

    First hard-wrapped paragraphs and list items are joined into single lines (largest saving first),
    which keeps every word; only if that is not enough are whole non-leading blocks dropped. The
    result is denser than a typical document of that many lines, which errs against us.
    """
    bl = blocks(EXAMPLE.read_text(encoding="utf-8"))

    def render(bs) -> list[str]:
        out = []
        for b in bs:
            out += b + [""]
        return out[:-1]

    while len(render(bl)) > lines:
        savings = [(len(b) - len(unwrap(b)), i) for i, b in enumerate(bl)]
        saving, i = max(savings)
        if saving <= 0:
            break
        bl[i] = unwrap(bl[i])
    for title in OPTIONAL_SECTIONS:
        if len(render(bl)) <= lines:
            break
        bl = drop_section(bl, title)
    while len(render(bl)) > lines:
        droppable = [i for i in range(1, len(bl)) if not bl[i][0].startswith(("#", "|", "**", "<!--"))
                     and not bl[i - 1][0].startswith("#")]
        if not droppable:
            break
        del bl[max(droppable, key=lambda k: (len(bl[k]), k))]
    out = render(bl)
    n = 1
    while len(out) < lines:
        out.append(f"- Supporting dashboard {n}: https://grafana.example.com/d/extra-{n}")
        n += 1
    return "\n".join(out) + "\n"


def cache_env(cache_home: Path) -> dict:
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache_home)
    env["POSTMORTEM_CACHE_DIR"] = str(cache_home / "postmortem")
    return env


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=31, help="runs per command (default 31)")
    ap.add_argument("--lines", type=int, default=150, help="document length in lines (default 150)")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)

    postmortem = C.our_script("postmortem")
    scratch = C.temp_root("one")
    try:
        doc = scratch / "INC-2031.md"
        text = document_of(args.lines)
        doc.write_text(text, encoding="utf-8")
        nlines = text.count("\n")
        probe = subprocess.run([postmortem, "validate", str(doc)], capture_output=True, text=True,
                               env=cache_env(scratch / "probe"))
        summary = (probe.stdout.strip().splitlines() or [""])[-1]
        C.print_header("validate one postmortem, whole process", f"""
a {nlines}-line postmortem cut from {EXAMPLE.relative_to(C.ROOT)} ({len(text.encode())} bytes; validate exits
{probe.returncode}: {summary[:100]}); {args.runs} runs per command, alternating; empty cache per run;
whole-process wall time, output discarded.""")
        cmds = [
            ("python3 -c pass (floor)", [sys.executable, "-c", "pass"], False),
            ("python3 -I -c pass (floor)", [sys.executable, "-I", "-c", "pass"], False),
            ("postmortem validate FILE", [postmortem, "validate", str(doc)], True),
            ("python3 -m skill.toolkit validate FILE", [sys.executable, "-m", "skill.toolkit", "validate", str(doc)],
             True),
        ]
        if ZIPAPP.is_file():
            cmds.append(("python3 -I scripts/postmortem validate FILE",
                         [sys.executable, "-I", str(ZIPAPP), "validate", str(doc)], True))
        else:
            print(f"note: {ZIPAPP.relative_to(C.ROOT)} is missing (run `build-skill`); zipapp not measured")
        series = [C.Series(label) for label, _c, _v in cmds]
        load_before = C.loadavg()
        for r in range(args.runs + 1):
            for k, (_label, cmd, uses_cache) in enumerate(cmds):
                cache = scratch / f"cache-{r}-{k}"
                t = C.run_timed(cmd, env=cache_env(cache), ok=(0, 1))
                shutil.rmtree(cache, ignore_errors=True)
                if r:  # the first round warms the page cache and is not counted
                    series[k].seconds.append(t)
        load_after = C.loadavg()
        print(C.series_table(series))
        print(f"load average before / after: {load_before} / {load_after}")
        verdicts = {}
        for s in series[2:]:
            verdicts[s.label] = s.median <= 0.150
            print(f"goal <= 150 ms, {s.label}: {'MET' if verdicts[s.label] else 'MISSED'} ({s.median * 1000:.0f} ms)")

        entry = ("import sys; sys.argv = ['postmortem', 'validate', %r]\n"
                 "from skill.toolkit.cli import main; sys.exit(main())" % str(doc))
        rows = C.importtime(entry)
        print()
        print("postmortem validate, " + C.importtime_summary(rows))
        print(f"third-party modules imported: {', '.join(C.third_party_loaded(rows)) or 'none'}")
        if not all(verdicts.values()):
            prof = scratch / "one.prof"
            subprocess.run([sys.executable, "-c", "import cProfile, sys\n"
                            f"sys.argv = ['postmortem', 'validate', {str(doc)!r}]\n"
                            f"cProfile.run('from skill.toolkit.cli import main; main()', {str(prof)!r})"],
                           capture_output=True, env=cache_env(scratch / "prof-cache"))
            report = subprocess.run([sys.executable, "-c", "import pstats, sys; s = pstats.Stats(sys.argv[1]);"
                                     "s.sort_stats('cumulative').print_stats(25); s.sort_stats('tottime').print_stats(20)",
                                     str(prof)], capture_output=True, text=True).stdout
            print()
            print("cProfile of one validate (imports included):")
            print("\n".join(ln for ln in report.splitlines() if ln.strip()))
        C.write_json(args.json, {"bench": "validate_one", "facts": C.machine_facts(), "lines": nlines,
                                 "series": [s.row() for s in series], "goal_met": verdicts,
                                 "load_before": load_before, "load_after": load_after})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
