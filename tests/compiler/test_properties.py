"""Property tests: any JSON in the install record is accepted or refused in one line (exit 2), and any
user text around our block comes back exactly when the block is taken out."""
from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem_skill.compiler import merge
from postmortem_skill.compiler.cli import main
from postmortem_skill.compiler.record import RECORD

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)
ENTRY = st.fixed_dictionaries({"kind": st.sampled_from(["file", "block", "yaml-list", "other"]) | JSON,
                               "claims": st.just(["codex"]) | JSON, "created": st.booleans() | JSON},
                              optional={"sha256": st.text(max_size=4) | JSON, "comment": st.sampled_from(["html", "x"]),
                                        "before": st.just("\n") | JSON, "after": st.just("\n") | JSON})
RECORDS = JSON | st.fixed_dictionaries(
    {"version": st.sampled_from([1, 2, True, "1"]), "targets": st.just(["codex"]) | JSON,
     "folders": st.just([]) | st.lists(st.sampled_from([".agents", "../up", "/abs", "a/./b"]), max_size=2) | JSON,
     "files": st.dictionaries(st.sampled_from(["AGENTS.md", "x/../../y", "", ".agents/skills/a"]), ENTRY,
                              max_size=3) | JSON},
    optional={"package_version": st.just("0.1.0") | JSON})


def call(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=RECORDS, command=st.sampled_from(["status", "uninstall", "update"]))
def test_any_record_is_accepted_or_refused_in_one_line(record, command):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "p"
        root.mkdir()
        (root / RECORD).write_text(json.dumps(record))
        code, err = call(command, "--project", str(root))
        assert code in (0, 1, 2)
        if code == 2:
            assert err.count("\n") == 1 and "Traceback" not in err, err
        assert not (Path(folder) / "y").exists() and not (Path(folder) / "up").exists()


USER = st.text(st.characters(codec="utf-8", exclude_characters="\x00") | st.sampled_from("\r\n"),
               max_size=40).map(lambda t: t.encode())
EOLS = st.sampled_from([b"\n", b"\r\n", b"\r"])


@settings(max_examples=300, deadline=None)
@given(original=st.lists(USER, max_size=4), eol=EOLS, final=st.booleans(), bom=st.booleans(), raw=USER,
       prefix=USER, suffix=USER, comment=st.sampled_from(["html", "hash"]))
def test_user_text_around_the_block_comes_back_exactly(original, eol, final, bom, raw, prefix, suffix, comment):
    """Lines with one kind of line ending, and raw text with any mix of them (lone CRs included)."""
    text = eol.join(line.replace(b"\r", b"").replace(b"\n", b"") for line in original) + (eol if final else b"")
    text = (merge.BOM if bom else b"") + (text if original else raw)
    new, before, after = merge.upsert_block(text or None, "Our text.\nSecond line.", comment, "AGENTS.md")
    assert new.startswith(text)
    assert merge.remove_block(new, comment, before, after, "AGENTS.md") == text
    if text.startswith(merge.BOM):
        return
    edited = prefix + new + suffix               # the user writes above and below the block
    assert merge.remove_block(edited, comment, before, after, "AGENTS.md") == prefix + text + suffix
