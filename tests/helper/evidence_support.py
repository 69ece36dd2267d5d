"""Drafting from one of the evidence fixture folders (tests/helper/evidence/<name>) as a user would: the
folder copied beside a fresh repository, `postmortem new … --from ../evidence` run inside it."""
import json
import shutil
from pathlib import Path

from postmortem_skill.helper.cli import main

EVIDENCE = Path(__file__).parent / "evidence"


def beside_evidence(folder: str, tmp_path: Path, monkeypatch) -> Path:
    """A scratch repository (the working directory) beside a copy of the evidence folder, kept outside it as
    users keep theirs."""
    shutil.copytree(EVIDENCE / folder, tmp_path / "evidence")
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def draft_from(folder: str, tmp_path: Path, monkeypatch, capsys, incident: str, *options: str) -> tuple[Path, str]:
    """(the draft's path, new's stderr) for `new INCIDENT --from ../evidence OPTIONS…`; fails the test when
    new does not exit 0."""
    beside_evidence(folder, tmp_path, monkeypatch)
    code = main(["new", incident, "--from", "../evidence", *options])
    out, err = capsys.readouterr()
    assert code == 0, err
    return Path(out.strip()), err


def metrics_of(draft: Path, capsys) -> dict:
    """`postmortem metrics DRAFT --format json`, read back; fails the test when it does not exit 0."""
    assert main(["metrics", str(draft), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def durations(metrics: dict) -> tuple:
    """(TTD, TTA, TTM, TTR) in minutes."""
    return tuple(metrics[f"time_to_{what}"] for what in ("detect", "acknowledge", "mitigate", "resolve"))


def milestones(metrics: dict) -> tuple:
    """(impact start, detected, acknowledged, mitigated, resolved) as ISO times."""
    return tuple(metrics[what] for what in ("impact_start", "detected", "acknowledged", "mitigated", "resolved"))


def listed_rows(draft: Path) -> list[str]:
    """The numbered rows `new` lists beside a draft (ID.rows.txt), its `#` header lines left out: `  * 12  …`,
    `*` at [2] on the rows in the draft, the number at [3:6]."""
    listing = draft.with_name(f"{draft.stem}.rows.txt")
    return [line for line in listing.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def stated_at(sentence: str, posted: str, zone=None) -> str | None:
    """The time a declaration states ("Mitigated as of 4:39 PT", posted at `posted`), as `MM-DD HH:MM` UTC."""
    from datetime import datetime, timezone

    from postmortem_skill.helper.features.importers.declared import _DECLARES, stated_time

    m = next(p.search(sentence) for p in _DECLARES.values() if p.search(sentence))
    when = stated_time(sentence, datetime.fromisoformat(posted), zone or timezone.utc, m.span())
    return when and f"{when:%m-%d %H:%M}"
