"""Re-running `new --force` to choose other rows or marks keeps what the first run was told (title, severity,
date, template, language) unless it is given again, says so in one line, and never loses what the writer
wrote in the draft: a draft that is not the one `new` last wrote is copied to ID.md.bak first.

The evidence is tests/helper/evidence/inc-0000 (an Alertmanager webhook, a PagerDuty CSV, a change calendar, a
metrics CSV, chat copied from the incident channel), kept outside the repository as users keep theirs."""
from __future__ import annotations

from pathlib import Path

import pytest
from evidence_support import beside_evidence, listed_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.cli import main
from postmortem_skill.helper.commands import redraft
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.timeutil import parse_date
from postmortem_skill.helper.model.vocabulary import DEFAULT_SCALE

HERE = Path(__file__).parent / "evidence"
DRAFT = Path("docs/postmortems/INC-7.md")
RECORD = "docs/postmortems/INC-7.timeline.json"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return beside_evidence("inc-0000", tmp_path, monkeypatch)


def new(capsys, *args):
    code = main(["new", "INC-7", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return err


def header(path: Path = DRAFT) -> tuple:
    doc = parse_document(path.read_text(encoding="utf-8"))
    return doc.title, doc.field("severity").value, doc.field("date").value, doc.template


def first_run(capsys):
    return new(capsys, "--from", "../evidence", "--title", "Invoice emails not sent", "--severity", "SEV2",
               "--date", "2026-10-19", "--template", "quick")


def test_force_with_other_rows_keeps_title_severity_date_and_template_and_says_so(repo, capsys):
    first_run(capsys)
    err = new(capsys, "--from", RECORD, "--rows", "all", "--force")
    assert header() == ("Invoice emails not sent", "SEV2", "2026-10-19", "quick")
    kept = [line for line in err.splitlines() if "kept from the draft it replaces" in line]
    assert kept == ['docs/postmortems/INC-7.md: kept from the draft it replaces: title "Invoice emails not sent", '
                    'severity SEV2, date 2026-10-19, template quick (give --title, --severity, --date, --template or '
                    '--lang to change them)']
    assert not Path("docs/postmortems/INC-7.md.bak").exists()  # the draft was new's own: nothing to keep


def test_what_the_command_line_gives_again_wins_and_is_not_said_to_be_kept(repo, capsys):
    first_run(capsys)
    err = new(capsys, "--from", "../evidence", "--force", "--severity", "SEV3", "--template", "standard")
    assert header() == ("Invoice emails not sent", "SEV3", "2026-10-19", "standard")
    line = next(line for line in err.splitlines() if "kept from the draft it replaces" in line)
    assert 'title "Invoice emails not sent", date 2026-10-19 (' in line
    assert "SEV" not in line and "template" not in line.split("(")[0]


def test_a_facts_file_s_values_win_over_the_draft_s(repo, capsys):
    first_run(capsys)
    Path("facts.yaml").write_text("title: Invoice mails delayed\nevents:\n"
                                  "  - {time: '2026-10-19 05:30', event: Deploy, milestone: impact_start}\n",
                                  encoding="utf-8")
    err = new(capsys, "--from", "facts.yaml", "--force")
    assert header()[:3] == ("Invoice mails delayed", "SEV2", "2026-10-19")
    assert 'title "' not in err and "severity SEV2, date 2026-10-19, template quick" in err
    assert listed_rows(DRAFT) == ["  *  1  10-19 05:30     Deploy"]  # the facts' events, numbered for --mark
    new(capsys, "--from", "facts.yaml", "--force", "--severity", "SEV3")
    assert not Path("docs/postmortems/INC-7.md.bak").exists()  # new's own drafts: no copy either time


def test_a_template_draft_untouched_is_replaced_without_a_copy_and_an_edited_one_with(repo, capsys):
    new(capsys, "--title", "Invoice emails not sent")
    err = new(capsys, "--force", "--title", "Invoice e-mails not sent", "--severity", "SEV3")
    assert header()[:2] == ("Invoice e-mails not sent", "SEV3") and "last wrote" not in err
    assert not Path("docs/postmortems/INC-7.md.bak").exists() and not Path("docs/postmortems/INC-7.rows.txt").exists()
    DRAFT.write_text(DRAFT.read_text(encoding="utf-8") + "\nnotes\n", encoding="utf-8")
    new(capsys, "--force")
    assert Path("docs/postmortems/INC-7.md.bak").read_text(encoding="utf-8").endswith("\nnotes\n")


def test_a_zh_draft_stays_zh_and_lang_en_given_again_changes_it(repo, capsys):
    new(capsys, "--from", "../evidence", "--lang", "zh", "--title", "发票邮件未发送", "--severity", "P1")
    new(capsys, "--from", RECORD, "--force", "--rows", "all")
    assert header()[0] == "发票邮件未发送" and header()[3] == "zh"
    err = new(capsys, "--from", RECORD, "--force", "--lang", "en")
    assert header()[:2] == ("发票邮件未发送", "P1") and header()[3] == "standard"
    assert "template" not in next(line for line in err.splitlines() if "kept from" in line).split("(")[0]


def test_todo_slots_are_not_kept_as_values(repo, capsys):
    new(capsys, "--from", "../evidence")
    err = new(capsys, "--from", RECORD, "--force")
    assert "[TODO" in DRAFT.read_text(encoding="utf-8").split("\n", 1)[0]  # the title slot, still a slot
    line = next(line for line in err.splitlines() if "kept from" in line)
    assert "TODO" not in line and "title" not in line.split("(")[0]


def test_a_draft_edited_by_hand_is_copied_before_force_replaces_it(repo, capsys):
    first_run(capsys)
    edited = DRAFT.read_text(encoding="utf-8").replace("[TODO: teams or roles writing this]", "Billing team")
    DRAFT.write_text(edited, encoding="utf-8")
    err = new(capsys, "--from", RECORD, "--force", "--rows", "all")
    backup = Path("docs/postmortems/INC-7.md.bak")
    assert backup.read_text(encoding="utf-8") == edited
    assert ("docs/postmortems/INC-7.md: not the draft `new` last wrote there (edited by hand?): the old text is "
            "kept in docs/postmortems/INC-7.md.bak") in err
    assert "Billing team" not in DRAFT.read_text(encoding="utf-8")
    DRAFT.write_text(edited, encoding="utf-8")  # edited again: a second copy, the first one stays
    new(capsys, "--from", RECORD, "--force")
    assert Path("docs/postmortems/INC-7.md.bak.2").read_text(encoding="utf-8") == edited
    assert backup.read_text(encoding="utf-8") == edited


def test_a_draft_new_has_no_record_of_is_copied_too(repo, capsys):
    """A hand-written ID.md, or one made before `new` listed rows: nothing says it is new's own."""
    DRAFT.parent.mkdir(parents=True)
    DRAFT.write_text("# Postmortem: Mine\n\n**Incident Severity**: SEV1\n\nmy notes\n", encoding="utf-8")
    err = new(capsys, "--from", "../evidence", "--force")
    assert Path("docs/postmortems/INC-7.md.bak").read_text(encoding="utf-8").endswith("my notes\n")
    assert header()[:2] == ("Mine", "SEV1") and "not the draft `new` last wrote there" in err


def test_without_force_nothing_changes(repo, capsys):
    first_run(capsys)
    before = DRAFT.read_text(encoding="utf-8")
    assert main(["new", "INC-7", "--from", RECORD]) == 2
    assert "already exists; not overwritten (--force replaces it)" in capsys.readouterr().err
    assert DRAFT.read_text(encoding="utf-8") == before


def test_the_row_list_beside_the_draft_numbers_every_row_of_the_record(repo, capsys):
    import json

    err = first_run(capsys)
    record = json.loads(Path(RECORD).read_text(encoding="utf-8"))
    listed = listed_rows(DRAFT)
    assert [int(line[3:6]) for line in listed] == list(range(1, len(record) + 1))
    head = Path("docs/postmortems/INC-7.rows.txt").read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith(f"# rows of {RECORD} by number") and "--rows" in head[1] and "--mark" in head[1]
    assert "docs/postmortems/INC-7.rows.txt: every row of the timeline by number, for --rows and --mark" in err
    assert len(err) < 8000  # the list itself is not on stderr
    # each row names its file and line, as the draft's Source column does, for a sentence that quotes it
    for line, row in zip(listed, record):
        assert line.endswith(f"  ({Path(row['source']).name})"), line


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["# Postmortem: ", "# 复盘报告：", "**Date**: ", "**Incident Severity**: ",
                                 "**日期**：", "<!-- postmortem-template: ", "[TODO: x]", "SEV2", "P9", "2026-02-30",
                                 "2026-03-04", "zh -->", "quick -->", "\n", " ", "**", ":"]), max_size=30),
       st.text(max_size=40))
def test_any_draft_text_gives_only_values_new_accepts(parts, noise):
    """A draft the writer reshaped by hand: whatever is kept from it is a value `new` would take."""
    found = redraft.previous_metadata("".join(parts) + noise, DEFAULT_SCALE)
    assert set(found) <= {"title", "severity", "date", "template"}
    assert "[TODO" not in found.get("title", "")
    assert found.get("severity", "SEV2") in DEFAULT_SCALE
    assert found.get("template", "zh") in ("standard", "quick", "five-whys", "zh")
    if "date" in found:
        parse_date(found["date"])


def test_a_file_of_the_user_s_named_like_the_row_list_is_left_alone(repo, capsys):
    Path("docs/postmortems").mkdir(parents=True)
    mine = Path("docs/postmortems/INC-7.rows.txt")
    mine.write_text("my notes on which rows matter\n", encoding="utf-8")
    err = new(capsys, "--from", "../evidence")
    assert mine.read_text(encoding="utf-8") == "my notes on which rows matter\n"
    assert "INC-7.rows.txt: not a row list new wrote; left as it is" in err
