#!/usr/bin/env python3
"""Every finding validate reports on a fixed set of documents, as one digest: a speed change must leave it
byte-identical.

    python3 bench/findings_digest.py [--out FILE] [--compare FILE] [--archive 2000] [--many]

The documents:
  * the bench archive (bench/archive.py's generator, --archive documents, 0 to skip), validated by the
    `postmortem` console script of this installation with --no-cache, so the worker pool is part of it;
  * every *.md of this repository (adapters/ and skills/ are copies and left out) and of
    ../shared/corpus when it is there, each checked in this process;
  * every labelled sentence of tests/helper/data/language/*.tsv as a one-sentence document, once in a
    narrative section and once in a forward-looking one (Lessons Learned / 经验教训), where other
    allowances apply.
With --many the documents and sentences are checked with the many-documents mode on (as validate's
workers check a folder: lexicon.many_documents()), which takes other paths to the same findings.
Each finding is one line (source, line, column, rule, severity, message, suggestion); the digest is the
sha256 of all lines. --out writes the lines; --compare FILE diffs them against such a file and exits 1 on
any difference.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402
import archive  # noqa: E402

REPO = C.ROOT
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("POSTMORTEM_SHARED", REPO.parent / "shared"))
LABELLED = REPO / "tests" / "helper" / "data" / "language"
COPIES = ("adapters", "skills", ".git")


def _line(source: str, f: dict) -> str:
    return json.dumps([source, f["line"], f["column"], f["rule"], f["severity"], f["message"],
                       f.get("suggestion")], ensure_ascii=False)


def archive_lines(size: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="pm-digest-") as scratch:
        folder = Path(scratch) / "archive"
        archive.generate(folder, size)
        env = archive.cache_env(Path(scratch) / "cache")
        proc = subprocess.run([C.our_script("postmortem"), "validate", str(folder), "--format", "json", "--no-cache"],
                              stdout=subprocess.PIPE, env=env, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"digest: validate of the archive exited {proc.returncode}")
        findings = json.loads(proc.stdout)["findings"]
        return [_line("archive/" + Path(f["file"]).relative_to(folder).as_posix(), f) for f in findings]


def document_lines() -> list[str]:
    from postmortem_skill.helper.engine.check import check_text

    paths = [p for p in sorted(REPO.rglob("*.md")) if p.relative_to(REPO).parts[0] not in COPIES]
    named = [(p.relative_to(REPO).as_posix(), p) for p in paths]
    if (SHARED / "corpus").is_dir():
        named += [("shared/" + p.relative_to(SHARED).as_posix(), p) for p in sorted((SHARED / "corpus").rglob("*.md"))]
    out = []
    for name, path in named:
        out += [_line(name, f.as_dict()) for f in check_text(path.read_text(encoding="utf-8"))]
    return out


def sentence_lines() -> list[str]:
    from postmortem_skill.helper.engine.check import check_text

    out = []
    for path in sorted(LABELLED.glob("*.tsv")):
        for number, row in enumerate(path.read_text(encoding="utf-8").splitlines()[1:], 2):
            sentence = row.split("\t")[-1].strip()
            if not sentence:
                continue
            zh = any("\u4e00" <= ch <= "\u9fff" for ch in sentence)
            for heading in (("## 根因分析", "## 经验教训") if zh else ("## What Happened", "## Lessons Learned")):
                for f in check_text(f"{heading}\n\n{sentence}\n"):
                    out.append(_line(f"{path.name}:{number}:{heading[3:]}", f.as_dict()))
    return out


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archive", type=int, default=2000, help="bench archive size (default 2000; 0 skips it)")
    ap.add_argument("--out", help="write every finding, one line each, to this file")
    ap.add_argument("--compare", help="diff against a file --out wrote; exit 1 when they differ")
    ap.add_argument("--many", action="store_true", help="check in process as for many documents")
    args = ap.parse_args(argv)
    if args.many:
        from postmortem_skill.helper.rules.lexicon import many_documents

        many_documents()
    parts = {}
    for label, make in (("archive", lambda: archive_lines(args.archive) if args.archive else []),
                        ("documents", document_lines), ("sentences", sentence_lines)):
        t0 = time.perf_counter()
        parts[label] = make()
        print(f"{label:<10} {len(parts[label]):6d} findings  digest {digest(parts[label])}  "
              f"({time.perf_counter() - t0:.1f} s)")
    lines = [line for part in parts.values() for line in part]
    print(f"{'all':<10} {len(lines):6d} findings  digest {digest(lines)}")
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.compare:
        before = Path(args.compare).read_text(encoding="utf-8").splitlines()
        diff = list(difflib.unified_diff(before, lines, "before", "now", lineterm="", n=0))
        print("identical to " + args.compare if not diff else "\n".join(diff[:60]))
        return 1 if diff else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
