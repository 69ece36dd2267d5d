"""evals/: evals.json follows the Agent Skills convention, every file it names exists, and grade.py passes
each case's reference answer and fails drafts that blame a person or lose a milestone."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVALS = ROOT / "evals"
GRADE = EVALS / "grade.py"
SPEC = json.loads((EVALS / "evals.json").read_text(encoding="utf-8"))
CHECKS = json.loads((EVALS / "checks.json").read_text(encoding="utf-8"))["cases"]
CASES = [Path(e["files"][0]).parts[2] for e in SPEC["evals"]]
KINDS = {"headings", "milestones", "metrics", "facts", "no_blame", "owners", "due_dates_unknown", "validate", "manual"}


def grade(case: str, doc: Path, *extra: str) -> tuple[int, dict | None, str]:
    done = subprocess.run([sys.executable, str(GRADE), case, str(doc), *extra], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=120)
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else None, done.stderr


def test_evals_json_has_the_convention_fields():
    assert SPEC["skill_name"] == "postmortem-writing"
    assert len(SPEC["evals"]) >= 4
    ids = [e["id"] for e in SPEC["evals"]]
    assert len(set(ids)) == len(ids) and all(isinstance(i, int) for i in ids)
    for entry in SPEC["evals"]:
        assert set(entry) == {"id", "prompt", "files", "expected_output", "expectations"}
        assert entry["prompt"].strip() and entry["expected_output"].strip()
        assert entry["files"] and all(isinstance(f, str) for f in entry["files"])
        assert len(entry["expectations"]) >= 5 and all(e.strip() for e in entry["expectations"])


def test_english_and_chinese_cases():
    chinese = [e for e in SPEC["evals"] if any("\u4e00" <= ch <= "\u9fff" for ch in e["prompt"])]
    assert chinese and len(chinese) < len(SPEC["evals"])


def test_every_file_named_exists_and_each_case_has_its_own_folder_and_reference():
    assert len(set(CASES)) == len(CASES)
    for entry, case in zip(SPEC["evals"], CASES):
        for name in entry["files"]:
            path = ROOT / name
            assert path.is_file() and path.stat().st_size > 0, name
            assert Path(name).parts[:3] == ("evals", "files", case)
        assert (EVALS / "reference" / f"{case}.md").is_file()


def test_checks_belong_to_expectations():
    assert set(CHECKS) == set(CASES)
    for entry, case in zip(SPEC["evals"], CASES):
        for check in CHECKS[case]:
            assert check["expectation"] in entry["expectations"], check["expectation"]
            assert check["check"] in KINDS
        checked = {c["check"] for c in CHECKS[case]}
        assert {"milestones", "metrics", "validate", "no_blame", "facts"} <= checked


@pytest.mark.parametrize("case", CASES)
def test_grader_passes_the_reference_answer(case, tmp_path):
    out = tmp_path / "grading.json"
    code, _, err = grade(case, EVALS / "reference" / f"{case}.md", "--out", str(out))
    result = json.loads(out.read_text(encoding="utf-8"))
    failed = [e for e in result["expectations"] if not e["passed"]]
    assert code == 0 and not failed, failed or err
    assert result["summary"]["total"] == len(result["expectations"]) >= 7
    assert all(set(e) == {"text", "passed", "evidence"} and e["evidence"] for e in result["expectations"])


BLAME = {"en": "The outage happened because Bob was careless.", "zh": "这次故障是因为小王粗心大意造成的。"}


@pytest.mark.parametrize("case", CASES)
def test_grader_fails_a_copy_with_a_blaming_sentence(case, tmp_path):
    text = (EVALS / "reference" / f"{case}.md").read_text(encoding="utf-8")
    sentence = BLAME["zh" if case.startswith("zh") else "en"]
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("## ") and i > 5) + 2  # first section's body
    draft = tmp_path / "draft.md"
    draft.write_text("\n".join(lines[:at] + [sentence, ""] + lines[at:]) + "\n", encoding="utf-8")
    code, result, _ = grade(case, draft)
    assert code == 1
    blame = next(e for e in result["expectations"] if e["text"] == _expectation(case, "no_blame"))
    assert blame["passed"] is False and "PM3" in blame["evidence"]


@pytest.mark.parametrize("case", CASES)
def test_grader_fails_a_copy_with_a_milestone_removed(case, tmp_path):
    text = (EVALS / "reference" / f"{case}.md").read_text(encoding="utf-8")
    marker = "**缓解**" if case.startswith("zh") else "**MITIGATED**"
    assert text.count(marker) == 1
    draft = tmp_path / "draft.md"
    draft.write_text(text.replace(marker + " ", ""), encoding="utf-8")
    code, result, _ = grade(case, draft)
    milestones = next(e for e in result["expectations"] if e["text"] == _expectation(case, "milestones"))
    assert code == 1 and milestones["passed"] is False and "mitigated: not marked" in milestones["evidence"]


def test_grader_fails_an_invented_due_date_and_a_leaked_key(tmp_path):
    text = (EVALS / "reference" / "data-exposure.md").read_text(encoding="utf-8")
    text = text.replace("| Support Platform team | TBD |", "| Support Platform team | 2026-09-01 |", 1)
    text = text.replace("(`<REDACTED>`)", "(partner_api_key=pk_prt_7Hq2vN9xLw4Rt8sZcM3d)")
    draft = tmp_path / "draft.md"
    draft.write_text(text, encoding="utf-8")
    code, result, _ = grade("data-exposure", draft)
    failed = {e["text"] for e in result["expectations"] if not e["passed"]}
    assert code == 1
    assert _expectation("data-exposure", "owners") in failed  # the owners check carries due_dates_unknown here
    assert _expectation("data-exposure", "facts", "pk_prt") in failed
    assert _expectation("data-exposure", "validate") in failed  # PM601: a credential in the text


def test_unknown_case_and_missing_document_are_exit_2(tmp_path):
    code, _, err = grade("no-such-case", EVALS / "reference" / "data-exposure.md")
    assert code == 2 and "unknown case" in err and err.count("\n") == 1
    code, _, err = grade("data-exposure", tmp_path / "missing.md")
    assert code == 2 and "no such file" in err


def test_a_case_is_found_by_its_id_too():
    code, result, _ = grade("1", EVALS / "reference" / f"{CASES[0]}.md")
    assert code == 0 and result["case"] == CASES[0] and result["eval_id"] == 1


def _expectation(case: str, kind: str, containing: str = "") -> str:
    return next(c["expectation"] for c in CHECKS[case]
                if c["check"] == kind and containing in json.dumps(c, ensure_ascii=False))
