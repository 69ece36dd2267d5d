"""Measure the language checks: precision/recall per language on labelled sentences, and language
findings per real postmortem. Reads ../shared (or $POSTMORTEM_SHARED); prints 'skipped' when absent.

    python3 bench/language.py [--tsv FILE ...] [--json]

Also scores our own labelled set (tests/helper/data/language/*.tsv) per split: `test` was never used to
tune the rules, and `*-dev2.tsv`, written independently, was never trained on (it chose the judge's
threshold); `*-drafts.tsv` holds the narrative sentences of drafts assistants wrote in the trials. A
sentence counts as flagged when validate reports a PM3xx warning or error for it (not the PM308 info),
checked as a one-sentence narrative section (so forward-looking allowances do not apply).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "helper")]

from labelled_support import flagged, is_dev_set, split_of  # noqa: E402

from postmortem_skill.helper.engine.check import check_text  # noqa: E402

SHARED = Path(os.environ.get("POSTMORTEM_SHARED", REPO.parent / "shared"))


LABELLED = REPO / "tests" / "helper" / "data" / "language"


def read_tsv(path: Path, split: str | None = None) -> list[tuple[int, str]]:
    """`label<TAB>sentence`, or our own `label<TAB>split<TAB>sentence` (then only rows of `split`)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3 and (split is None or parts[1] == split):
            rows.append((int(parts[0]), parts[2].strip()))
        elif len(parts) == 2 and parts[1].strip():
            rows.append((int(parts[0]), parts[1].strip()))
    return rows


def score(rows) -> dict:
    tp = fp = fn = tn = 0
    misses = []
    for label, sentence in rows:
        hit = bool(flagged(sentence))
        tp += hit and label == 1
        fp += hit and label == 0
        fn += (not hit) and label == 1
        tn += (not hit) and label == 0
        if hit != bool(label):
            misses.append(("FP" if hit else "FN", sentence))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"n": len(rows), "precision": round(precision, 3), "recall": round(recall, 3), "misses": misses}


def corpus_counts() -> dict:
    out = {}
    for path in sorted((SHARED / "corpus").glob("*.md")):
        if path.name == "README.md":
            continue
        findings = check_text(path.read_text(encoding="utf-8"))
        language = [f for f in findings if f.rule.startswith("PM3") and f.severity != "info"]
        out[path.name] = {"language": len(language), "errors": sum(f.severity == "error" for f in findings),
                          "all": len(findings), "lines": [f"{f.line} {f.rule} {f.message}" for f in language]}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", nargs="*", action="extend", type=Path,
                        help="labelled files (default: ../shared/data/*.tsv)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = args.tsv if args.tsv else sorted((SHARED / "data").glob("*.tsv"))
    sets = {f"{lang}.tsv {split}": score(read_tsv(LABELLED / f"{lang}.tsv", split))
            for lang in ("en", "zh") for split in ("dev", "test")}
    # the independent development sets: written by others, never trained on (tools/train_language.py)
    sets.update({p.name: score(read_tsv(p)) for p in sorted(LABELLED.glob("*.tsv")) if is_dev_set(split_of(p))})
    # sentences of drafts assistants wrote in the trials (docs/trials.md), labelled by a reader: never trained on
    sets.update({p.name: score(read_tsv(p, "test")) for p in sorted(LABELLED.glob("*-drafts.tsv"))})
    sets.update({p.name: score(read_tsv(p)) for p in files})
    report = {"sets": sets, "corpus": corpus_counts() if (SHARED / "corpus").is_dir() else {}}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for name, result in report["sets"].items():
        print(f"{name}: n={result['n']} precision={result['precision']} recall={result['recall']}")
        for kind, sentence in result["misses"]:
            print(f"   {kind} {sentence}")
    print("\nlanguage findings per postmortem (all findings, errors):")
    for name, result in report["corpus"].items():
        print(f"  {result['language']:3d}  ({result['all']}, {result['errors']} errors)  {name}")
        for line in result["lines"]:
            print(f"        {line[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
