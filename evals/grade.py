#!/usr/bin/env python3
"""Grade a postmortem written for one eval case against the expectations that can be checked by machine.

    python3 evals/grade.py CASE DOC [--out grading.json] [--helper scripts/postmortem]

CASE is a case's folder name under evals/files/ (e.g. deploy-regression) or its numeric id in
evals/evals.json; DOC is the Markdown file the assistant wrote. The checks for each expectation are in
evals/checks.json; expectations marked "manual" are listed under "unchecked" for a person or a model to
judge. The document is measured with the skill's own helper (`metrics`, `validate`, `actions`), run with
this Python; nothing but the standard library is needed.

Output (stdout, or --out): {"case", "eval_id", "document", "expectations": [{"text", "passed", "evidence"}],
"unchecked": [{"text", "reason"}], "summary": {"passed", "failed", "total", "pass_rate"}}.
Exit codes: 0 every checked expectation passed, 1 some failed, 2 unusable call (unknown case, missing file).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

EVALS = Path(__file__).resolve().parent
ROOT = EVALS.parent
# language rules that judge a person: blame, hindsight about people, normative wording, a person as the
# cause, punishment, a "responsible person" column in the timeline
BLAME_RULES = {"PM301", "PM302", "PM303", "PM305", "PM306", "PM307"}
# what a draft is allowed to keep: [TODO] placeholders and TBD cells the review meeting settles
PLACEHOLDER_RULES = {"PM103", "PM503"}
UNKNOWN_DUE = re.compile(r"^\s*(?:tbd|tba|待定|未定|\[todo[^\]]*\])?\s*$", re.I)


class Usage(Exception):
    pass


class Grader:
    def __init__(self, doc: Path, helper: Path):
        self.doc, self.helper = doc, helper
        self.text = doc.read_text(encoding="utf-8-sig")
        self._runs: dict[tuple, tuple[int, str, str]] = {}

    # -- the helper, run once per command -----------------------------------------------------
    def run(self, *args: str) -> tuple[int, str, str]:
        if args not in self._runs:
            done = subprocess.run([sys.executable, str(self.helper), *args], capture_output=True, text=True,
                                  encoding="utf-8", timeout=120)
            self._runs[args] = (done.returncode, done.stdout, done.stderr.strip())
        return self._runs[args]

    def json_of(self, *args: str):
        code, out, err = self.run(*args)
        try:
            return json.loads(out)
        except ValueError:
            raise Usage(f"`postmortem {' '.join(args[:1])}` gave no JSON (exit {code}): {err or out[:200]}") from None

    def metrics(self) -> dict:
        return self.json_of("metrics", str(self.doc), "--format", "json")

    def findings(self) -> list[dict]:
        return self.json_of("validate", str(self.doc), "--format", "json", "--no-cache")["findings"]

    def action_items(self) -> list[dict]:
        return self.json_of("actions", str(self.doc), "--format", "json")

    # -- checks: each returns (passed, evidence) -----------------------------------------------
    def headings(self, spec):
        titles = [_norm(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", self.text, re.M)]
        missing = [name for name in spec["all"] if not any(_norm(name) in t for t in titles)]
        lines = len(self.text.splitlines())
        notes = [f"missing sections: {', '.join(missing)}" if missing else "all sections present"]
        too_long = "max_lines" in spec and lines > spec["max_lines"]
        if "max_lines" in spec:
            notes.append(f"{lines} lines (limit {spec['max_lines']})")
        return not missing and not too_long, "; ".join(notes)

    def milestones(self, spec):
        values, tolerance, notes, ok = self.metrics(), spec.get("tolerance_minutes", 0), [], True
        for key, wanted in spec["expected"].items():
            options = wanted if isinstance(wanted, list) else [wanted]
            got = values.get(key)
            if got is None:
                ok = False
                notes.append(f"{key}: not marked")
                continue
            off = min(abs((_instant(got) - _instant(w)).total_seconds()) / 60 for w in options)
            good = off <= tolerance
            ok &= good
            notes.append(f"{key}: {got}" + ("" if good else f" ({off:.0f} min from {' or '.join(options)})"))
        return ok, "; ".join(notes)

    def metrics_check(self, spec):
        values, tolerance, notes, ok = self.metrics(), spec.get("tolerance_minutes", 0), [], True
        for key, wanted in spec["expected"].items():
            options = wanted if isinstance(wanted, list) else [wanted]
            got = values.get(key)
            good = got is not None and min(abs(got - w) for w in options) <= tolerance
            ok &= good
            notes.append(f"{key}: {got}" + ("" if good else f" (expected {' or '.join(map(str, options))})"))
        return ok, "; ".join(notes)

    def facts(self, spec):
        text = _flat(self.text)
        missing = [_show(f) for f in spec.get("all", []) if not any(_contains(text, a) for a in _options(f))]
        present = [f for f in spec.get("none", []) if _contains(text, f)]
        notes = []
        if missing:
            notes.append(f"missing: {', '.join(missing)}")
        if present:
            notes.append(f"present but must not be: {', '.join(present)}")
        return not missing and not present, "; ".join(notes) or "all facts as expected"

    def no_blame(self, spec):
        found = [f for f in self.findings() if f["rule"] in BLAME_RULES]
        notes = [f"line {f['line']}: {f['rule']} {f['message']}" for f in found]
        ok_words, words_note = self.facts({"none": spec.get("absent", [])})
        if not ok_words:
            notes.append(words_note)
        return not found and ok_words, "; ".join(notes) or "no blame findings"

    def owners(self, spec):
        items = self.action_items()
        cells = [_flat(i["owner"]) for i in items]
        missing = [_show(o) for o in spec["all"] if not any(_contains(c, a) for c in cells for a in _options(o))]
        ok, note = not missing, (f"owners missing: {', '.join(missing)}" if missing else
                                 f"owners kept ({len(items)} items)")
        if spec.get("due_dates_unknown"):
            due_ok, due_note = self.due_dates_unknown(spec)
            ok, note = ok and due_ok, f"{note}; {due_note}"
        return ok, note

    def due_dates_unknown(self, spec):
        items = self.action_items()
        invented = [f"line {i['line']}: {i['due']}" for i in items if not UNKNOWN_DUE.match(i["due"])]
        if not items:
            return False, "no action items"
        return not invented, f"due dates not in the evidence: {', '.join(invented)}" if invented else \
            f"all {len(items)} due dates TBD"

    def validate(self, spec):
        found = [f for f in self.findings()
                 if f["severity"] in ("error", "warning") and f["rule"] not in PLACEHOLDER_RULES]
        notes = [f"line {f['line']}: {f['severity']} {f['rule']} {f['message']}" for f in found[:10]]
        return not found, "; ".join(notes) or "no errors or warnings other than placeholders"

    CHECKS = {"headings": headings, "milestones": milestones, "metrics": metrics_check, "facts": facts,
              "no_blame": no_blame, "owners": owners, "due_dates_unknown": due_dates_unknown, "validate": validate}


def _norm(text: str) -> str:
    text = re.sub(r"[*_`]", "", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def _flat(text: str) -> str:
    """Lower case, Markdown emphasis and code marks removed, whitespace collapsed."""
    return _norm(text)


def _options(fact) -> list[str]:
    return fact if isinstance(fact, list) else [fact]


def _show(fact) -> str:
    return " | ".join(_options(fact))


def _contains(text: str, needle: str) -> bool:
    """`needle` in `text`, not as part of a longer ASCII word or number ('140' is not in '1400')."""
    needle = _norm(needle)
    head = r"(?<![a-z0-9])" if needle[:1].isascii() and needle[:1].isalnum() else ""
    tail = r"(?![a-z0-9])" if needle[-1:].isascii() and needle[-1:].isalnum() else ""
    return re.search(head + re.escape(needle) + tail, text) is not None


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def load_case(case: str) -> tuple[str, dict, list[dict]]:
    """(case name, its entry in evals.json, its checks) for a folder name or an id."""
    evals = json.loads((EVALS / "evals.json").read_text(encoding="utf-8"))["evals"]
    checks = json.loads((EVALS / "checks.json").read_text(encoding="utf-8"))["cases"]
    for entry in evals:
        name = case_name(entry)
        if case in (name, str(entry["id"])):
            return name, entry, checks.get(name, [])
    raise Usage(f"unknown case {case!r}; known: {', '.join(case_name(e) for e in evals)}")


def case_name(entry: dict) -> str:
    """The folder under evals/files/ that holds the case's evidence."""
    return Path(entry["files"][0]).parts[2]


def grade(case: str, doc: Path, helper: Path) -> dict:
    name, entry, checks = load_case(case)
    if not doc.is_file():
        raise Usage(f"{doc}: no such file")
    if not helper.is_file():
        raise Usage(f"{helper}: the helper is missing (run build-skill, or pass --helper)")
    grader = Grader(doc, helper)
    results, unchecked = [], []
    by_text = {c["expectation"]: c for c in checks}
    for text in entry["expectations"]:
        spec = by_text.get(text, {"check": "manual"})
        if spec["check"] == "manual":
            unchecked.append({"text": text, "reason": "needs a person or a model to judge"})
            continue
        try:
            passed, evidence = Grader.CHECKS[spec["check"]](grader, spec)
        except Usage as exc:
            passed, evidence = False, str(exc)
        results.append({"text": text, "passed": bool(passed), "evidence": evidence})
    passed = sum(r["passed"] for r in results)
    return {"case": name, "eval_id": entry["id"], "document": str(doc), "expectations": results,
            "unchecked": unchecked,
            "summary": {"passed": passed, "failed": len(results) - passed, "total": len(results),
                        "pass_rate": round(passed / len(results), 2) if results else 0.0}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("case", metavar="CASE", help="case folder name under evals/files/, or its id")
    parser.add_argument("doc", metavar="DOC", help="the postmortem the assistant wrote")
    parser.add_argument("--out", metavar="FILE", help="write the grading JSON here instead of stdout")
    parser.add_argument("--helper", metavar="PATH", default=str(ROOT / "scripts" / "postmortem"),
                        help="the postmortem helper to measure with (default: scripts/postmortem)")
    args = parser.parse_args(argv)
    try:
        result = grade(args.case, Path(args.doc), Path(args.helper))
    except (Usage, OSError, UnicodeDecodeError, ValueError, subprocess.SubprocessError) as exc:
        print(f"grade.py: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0 if result["summary"]["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
