"""Hostile input never gives a traceback, a hang or a silent wrong answer (issue 12, parts 3-6).

Each case runs the real command (`main`, or a subprocess where a hang or a pipe is the point) on a file
written for it, and checks the exit code, the one line on stderr and the finding.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from test_validate_cli import GOOD, run, write

from postmortem_skill.helper import inputs
from postmortem_skill.helper.engine.check import check_text
from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.features import importers
from postmortem_skill.helper.model import markdown, timeutil
from postmortem_skill.helper.model.document import parse_document
from postmortem_skill.helper.model.miniyaml import YamlError, loads

DEEP_QUOTE = "# Postmortem: x\n\n" + ">" * 5000 + " a reply\n"
DEEP_LIST = "# Postmortem: x\n\n" + "- " * 3000 + "an item\n"
DEEP_INDENT = "# Postmortem: x\n\n" + "".join("  " * i + "- item\n" for i in range(400))


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# -- recursion -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [DEEP_QUOTE, DEEP_LIST, DEEP_INDENT], ids=["quotes", "lists", "indented"])
def test_deep_nesting_is_a_finding_in_every_command(tmp_path, capsys, text):
    path = write(tmp_path, text)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 0 and "PM109" in out and not err
    assert run(capsys, "metrics", str(path))[0] == 0
    assert run(capsys, "index", str(tmp_path))[0] == 0


def test_nesting_stops_at_the_limit_and_keeps_the_text():
    blocks = markdown.parse(DEEP_QUOTE)
    depth, deepest = 0, None
    for block, parents in markdown.walk(blocks):
        if len(parents) > depth:
            depth, deepest = len(parents), block
    assert depth == markdown.MAX_NESTING + 1
    assert deepest.info == "too-deep" and deepest.lines[0].text.endswith("a reply")


@pytest.mark.parametrize("text", ["a: " + "[" * 3000 + "]" * 3000, "\n".join(" " * i + f"k{i}:" for i in range(600))])
def test_deep_yaml_is_a_yaml_error(text):
    with pytest.raises(YamlError, match="nested more than"):
        loads(text)


def test_yaml_flow_document_may_end_with_a_newline():
    assert loads("[1, 2]\n\n# done\n") == [1, 2]


# -- calendar edges and clock changes -----------------------------------------------------------------

EDGE = """# Postmortem: edge of the calendar

**Date**: 9999-12-31

## Timeline (All times UTC-12)

| Time | Event |
|---|---|
| 9999-12-31 23:59 | **IMPACT STARTS** The last minute |
| 0001-01-01 00:01 UTC+14 | **RESOLVED** The first minute |

```
0001-01-01T00:00:00+14:00 before the calendar
9999-12-31T23:59:00-12:00 after it
```
"""


def test_calendar_edges_are_findings_not_overflow(tmp_path, capsys):
    path = write(tmp_path, EDGE)
    code, out, err = run(capsys, "validate", str(path), "--format", "json")
    assert not err and code == 0
    assert out.count('"PM402"') == 2 and "outside the calendar" in out
    code, out, err = run(capsys, "metrics", str(path), "--format", "json")
    assert code == 0 and not err and '"impact_start": null' in out
    assert run(capsys, "index", str(tmp_path))[0] == 0


@pytest.mark.parametrize("value, zone", [(datetime(9999, 12, 31, 23, 59), timezone(timedelta(hours=-12))),
                                         (datetime(1, 1, 1, 0, 1), timezone(timedelta(hours=14)))])
def test_timeutil_says_outside_the_calendar(value, zone):
    with pytest.raises(ValueError, match="outside the calendar"):
        timeutil.to_utc(value, zone)
    with pytest.raises(ValueError, match="outside the calendar"):
        timeutil.to_utc(value.replace(tzinfo=zone))
    assert timeutil.iso_z(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01T00:00:00Z"


def test_a_row_dated_february_30_is_an_error_not_another_day():
    text = GOOD.replace("| 09:38 |", "| 2026-02-30 09:38 |")
    doc = parse_document(text)
    row = next(r for r in doc.timeline.rows if "2026-02-30" in r.time_text)
    assert row.day is None and row.utc is None and row.problem == "2026-02-30 is not a real date"
    found = [(f.rule, f.severity) for f in check_text(text) if f.rule == "PM402"]
    assert found == [("PM402", "error")]
    assert timeutil.search_date("on 2026-02-30").value is None and timeutil.find_date("2026-02-28")


def test_an_unknown_zone_in_the_heading_is_a_finding():
    for heading in ("## Timeline (All times MSK)", "## Timeline (All times Europe/Berln)"):
        found = [f for f in check_text(GOOD.replace("## Timeline (All times UTC)", heading)) if f.rule == "PM403"]
        assert len(found) == 1 and "unknown time zone" in found[0].message
    assert not [f for f in check_text(GOOD.replace("(All times UTC)", "(All times Europe/Berlin)"))
                if f.rule == "PM403"]


def test_metrics_and_timeline_read_a_repeated_hour_the_same_way():
    # 2026-10-25 in Berlin: 02:00-02:59 happens twice. The third row comes after 02:50, so it is the second 02:10.
    times = ["01:50", "02:50", "02:10", "03:10"]
    rows = "\n".join(f"| {t} | step {i} |" for i, t in enumerate(times))
    doc = parse_document(f"# Postmortem: x\n\n**Date**: 2026-10-25\n\n## Timeline (All times Europe/Berlin)\n\n"
                         f"| Time | Event |\n|---|---|\n{rows}\n")
    from_doc = [r.utc for r in doc.timeline.rows]
    log = "\n".join(f"2026-10-25 {t} step {i}" for i, t in enumerate(times))
    events, problems = importers.parse(log, timeutil.load_zone("Europe/Berlin"))
    assert not problems and sorted(from_doc) == [e.time for e in events]
    assert from_doc == sorted(from_doc)  # read in order: the second 02:10 is after 02:50
    assert [timeutil.iso_z(t)[11:16] for t in from_doc] == ["23:50", "00:50", "01:10", "02:10"]


# -- configuration ---------------------------------------------------------------------------------


@pytest.mark.parametrize("config, words", [
    ("sevrity: {PM301: error}\n", ["sevrity", "did you mean 'severity'"]),
    ("severity: {PM301: fatal}\n", ["PM301", "'fatal'"]),
    ("severity: {PM999: off}\n", ["PM999", "unknown rule id"]),
    ("disabled_rules: [PM3O1]\n", ["PM3O1", "did you mean 'PM301'"]),
    ("disabled_rules: [credential]\n", ["PM601"]),
    ("severity_scale: 5\n", ["severity_scale", "list"]),
    ("security: {emails: fatal}\n", ["security: emails", "'fatal'"]),
    ("security: {email: off}\n", ["email", "did you mean 'emails'"]),
    ("extra_phrases: {blame: rookie mistake}\n", ["extra_phrases: blame", "list"]),
    ("extra_phrases: {blmae: [x]}\n", ["blmae", "did you mean 'blame'"]),
    ("language: fr\n", ["language", "'fr'"]),
    ("id_pattern: '(['\n", ["id_pattern", "regular expression"]),
    ("required_sections: {standrd: [Summary]}\n", ["standrd", "did you mean 'standard'"]),
    ("folder: [a, b]\n", ["folder"]),
    ("- just a list\n", ["mapping"]),
])
def test_configuration_mistakes_are_exit_2_naming_the_key(tmp_path, capsys, config, words):
    (tmp_path / ".postmortem.yaml").write_text(config, encoding="utf-8")
    path = write(tmp_path, GOOD)
    code, out, err = run(capsys, "validate", str(path))
    line = one_line(err)
    assert code == 2 and not out and ".postmortem.yaml" in line
    for word in words:
        assert word in line, line


def test_every_documented_key_is_still_valid(tmp_path, capsys):
    (tmp_path / ".postmortem.yaml").write_text(
        "folder: docs/postmortems\nid_pattern: 'INC-\\d+'\nseverity_scale: [SEV1, SEV2, SEV3]\n"
        "required_sections: {standard: [Executive Summary, Timeline, Action Items], default: [Summary]}\n"
        "disabled_rules: PM508\nseverity: {PM302: error, PM304: off, PM301: info}\n"
        "extra_phrases: {blame: ['rookie mistake'], vague_actions: [harden], punitive: [], emotive: }\n"
        "security: {emails: warning, phones: off, ips: true}\nlanguage: Auto\n", encoding="utf-8")
    assert run(capsys, "validate", str(write(tmp_path, GOOD)))[0] == 0


# -- special, unreadable and linked files -------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def _postmortem(*args, timeout=30, **kwargs):
    return subprocess.run([sys.executable, "-m", "postmortem_skill.helper", *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


@needs_fifo
def test_a_fifo_is_refused_before_it_is_opened(tmp_path):
    write(tmp_path, GOOD)
    os.mkfifo(tmp_path / "pipe.md")
    done = _postmortem("validate", str(tmp_path))  # a hang would hit the timeout
    assert done.returncode == 2 and "pipe.md: a named pipe (FIFO)" in one_line(done.stderr)
    done = _postmortem("validate", str(tmp_path / "pipe.md"))
    assert done.returncode == 2 and "named pipe" in one_line(done.stderr)
    os.mkfifo(tmp_path / "config.yaml")
    done = _postmortem("validate", str(tmp_path / "pm.md"), "--config", str(tmp_path / "config.yaml"))
    assert done.returncode == 2 and "named pipe" in one_line(done.stderr)


@needs_fifo
def test_index_refuses_a_fifo_readme(tmp_path):
    write(tmp_path, GOOD, "INC-1.md")
    os.mkfifo(tmp_path / "README.md")
    done = _postmortem("index", str(tmp_path))
    assert done.returncode == 2 and "README.md" in one_line(done.stderr)


def test_index_never_writes_through_a_readme_symlink(tmp_path, capsys):
    archive, outside = tmp_path / "archive", tmp_path / "outside.md"
    archive.mkdir()
    write(archive, GOOD, "INC-1.md")
    outside.write_text("my notes\n", encoding="utf-8")
    (archive / "README.md").symlink_to(outside)
    code, out, err = run(capsys, "index", str(archive))
    assert code == 2 and "symbolic link" in one_line(err)
    assert outside.read_text(encoding="utf-8") == "my notes\n" and (archive / "README.md").is_symlink()


def test_index_replaces_the_readme_whole_and_keeps_its_mode(tmp_path, capsys):
    write(tmp_path, GOOD, "INC-1.md")
    readme = tmp_path / "README.md"
    readme.write_text("# Archive\n", encoding="utf-8")
    readme.chmod(0o640)
    assert run(capsys, "index", str(tmp_path))[0] == 0
    assert "BEGIN postmortem-index" in readme.read_text(encoding="utf-8")
    assert readme.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["INC-1.md", "README.md"]  # no temporary file left


def test_an_unreadable_subfolder_stops_the_run_and_says_which(tmp_path, capsys, monkeypatch):
    write(tmp_path, GOOD, "INC-1.md")
    locked = tmp_path / "2025"
    locked.mkdir()
    write(locked, GOOD, "INC-2.md")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)  # works as root too, where chmod 000 would not
    for command in ("validate", "index"):
        code, out, err = run(capsys, command, str(tmp_path))
        assert code == 2 and f"{locked}: cannot read this folder (Permission denied)" in one_line(err)


def test_an_unreadable_file_stops_the_run_and_says_which(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    real = os.open

    def deny(file, flags, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(UsageError, match=r"pm\.md: cannot read \(Permission denied\)"):
        inputs.read_text(path)


def test_a_closed_output_pipe_exits_0_quietly(tmp_path):
    path = write(tmp_path, GOOD.replace("**Authors**: Platform on-call (SRE)", "**Authors**: TODO") * 40)
    for args in (("validate", str(path)), ("rules",), ("metrics", str(path))):
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before anything is written
        try:
            done = subprocess.run([sys.executable, "-m", "postmortem_skill.helper", *args], stdout=writer,
                                  stderr=subprocess.PIPE, text=True, timeout=60)
        finally:
            os.close(writer)
        assert (done.returncode, done.stderr) == (0, ""), args


def test_an_unexpected_error_is_one_line_exit_2(capsys, monkeypatch):
    from postmortem_skill.helper.commands import rules

    def boom(args):
        raise KeyError("targets")

    monkeypatch.setattr(rules, "run", boom)
    code, out, err = run(capsys, "rules")
    assert code == 2 and "internal error (KeyError" in one_line(err)


# -- evidence in a shallow clone ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_evidence_says_when_a_shallow_clone_may_miss_the_window(tmp_path):
    source = tmp_path / "source"
    env = dict(os.environ, GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@example.com", GIT_COMMITTER_NAME="a",
               GIT_COMMITTER_EMAIL="a@example.com", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run(["git", "init", "-q", str(source)], check=True, env=env)
    for hour in range(1, 6):
        stamp = f"2026-03-04T0{hour}:00:00Z"
        subprocess.run(["git", "-C", str(source), "commit", "-q", "--allow-empty", "-m", f"change {hour}"],
                       check=True, env=dict(env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp))
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", source.as_uri(), str(shallow)], check=True, env=env)
    window = ("--since", "2026-03-04T00:00:00Z", "--until", "2026-03-04T09:00:00Z")
    done = _postmortem("evidence", *window, "--repo", str(shallow), env=env)
    assert done.returncode == 0 and "change 5" in done.stdout and "change 1" not in done.stdout
    assert "shallow clone" in one_line(done.stderr) and "2026-03-04T04:00:00Z" in done.stderr
    late = _postmortem("evidence", "--since", "2026-03-04T04:30:00Z", "--until", "2026-03-04T09:00:00Z",
                       "--repo", str(shallow), env=env)
    assert late.returncode == 0 and late.stderr == ""  # the history it has reaches back before the window
    full = _postmortem("evidence", *window, "--repo", str(source), env=env)
    assert full.returncode == 0 and full.stderr == "" and "change 1" in full.stdout


# -- no postmortem structure --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# Project\n\n## Installation\n\npip it\n\n## Usage\n\nRun it.\n"])
def test_an_empty_or_foreign_file_fails_validate(tmp_path, capsys, text):
    code, out, _ = run(capsys, "validate", str(write(tmp_path, text)))
    assert code == 1 and "PM108" in out


def test_a_folder_still_skips_its_readme(tmp_path, capsys):
    write(tmp_path, GOOD, "INC-1.md")
    (tmp_path / "README.md").write_text("# Postmortems\n\nThe archive.\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 0 and "PM108" not in out


# -- secrets --------------------------------------------------------------------------------------------

SECRETS = [
    ("Slack webhook URL", "https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/aB3dE5gH7jK9mN1pQ3sT5vW7",
     "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("Discord webhook URL", "https://discord.com/api/webhooks/112233445566778899/AbCdEfGhIjKlMnOpQrStUvWxYz0123456",
     "AbCdEfGhIjKlMnOpQrStUvWxYz0123456"),
    ("private key", "-----BEGIN PGP PRIVATE KEY BLOCK-----", None),
    ("Azure storage key", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5"
                          "MGFiY2RlZmdoaWprbG1ub3A=;EndpointSuffix=core.windows.net", "Zm9vYmFyYmF6cXV4"),
    ("npm token", "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "a1B2c3D4e5F6g7H8i9J0"),
    ("password in a URL", "redis://:s3cr3tP4ss@cache.internal:6379/0", "s3cr3tP4ss"),
    ("bearer token", 'curl -H "Authorization: Bearer 7f9a2b4c6d8e0f1a3b5c7d9e" https://api.internal/',
     "7f9a2b4c6d8e0f1a3b5c7d9e"),
]


@pytest.mark.parametrize("name, line, secret", SECRETS, ids=[s[0] for s in SECRETS])
def test_each_new_secret_is_found_and_never_shown(name, line, secret):
    text = GOOD + "\n## Appendix\n\n```\n" + line + "\n```\n"
    found = [f for f in check_text(text) if f.rule == "PM601"]
    assert len(found) == 1 and name in found[0].message and found[0].severity == "error"
    if secret:
        assert secret not in found[0].message and "<REDACTED>" in found[0].message


@pytest.mark.parametrize("line", [
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "Authorization: Bearer <token>", "Authorization: Bearer ${API_TOKEN}", "Bearer tokens expire after an hour.",
    "AccountKey=<your-account-key>", "redis://:<REDACTED>@cache.internal:6379",
])
def test_stand_ins_for_secrets_are_not_leaks(line):
    assert not [f for f in check_text(GOOD + "\n## Appendix\n\n" + line + "\n") if f.rule == "PM601"]


def test_personal_data_findings_hide_what_they_found():
    text = GOOD + "\n## Appendix\n\nReported by jane.doe@gmail.com on +1 415 555 0134 from 81.2.69.160.\n"
    messages = {f.rule: f.message for f in check_text(text) if f.rule in ("PM602", "PM603", "PM604")}
    assert set(messages) == {"PM602", "PM603", "PM604"}
    joined = " ".join(messages.values())
    for leaked in ("jane.doe", "415 555", "555 0134", "69.160"):
        assert leaked not in joined
    assert "j•••@gmail.com" in messages["PM602"] and messages["PM603"].endswith("34")


def test_the_corpus_and_the_templates_have_no_credential_findings():
    from corpus_support import CORPUS, REPO

    paths = sorted((REPO / "prompts").rglob("*.md"))
    if CORPUS.is_dir():
        paths += sorted(CORPUS.rglob("*.md"))
    for path in paths:
        found = [f for f in check_text(path.read_text(encoding="utf-8")) if f.rule.startswith("PM60")]
        assert not found, (path, found)


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
                                  '[{"time": "2026-01-01T00:00Z", "event": "kept"}, ' + "[" * 5000 + "]" * 5000 + "]"])
def test_json_nested_past_the_stack_is_one_line_not_an_internal_error(tmp_path, capsys, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    code, _, err = run(capsys, "timeline", str(path))
    assert "nested too deeply" in err and "internal error" not in err
    assert code == (0 if "kept" in text else 2)
