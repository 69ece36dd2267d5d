"""inputs.read_utf8 (validate hands a document's bytes to its key and its workers) against read_text: the
same text once decoded, the same refusals. Inputs are free bytes and text, byte order mark or not, as an
editor on any platform may save a postmortem."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem_skill.helper.errors import UsageError
from postmortem_skill.helper.inputs import read_text, read_utf8

BOM = b"\xef\xbb\xbf"
CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _outcome(read, path):
    try:
        return "ok", read(path)
    except UsageError as exc:
        return "refused", str(exc)


@CHECKS
@given(text=st.text(), bom=st.booleans())
def test_text_reads_the_same(tmp_path, text, bom):
    path = tmp_path / "doc.md"
    data = text.encode("utf-8", "surrogatepass")
    path.write_bytes((BOM if bom else b"") + data)
    expected = _outcome(read_text, path)
    got = _outcome(read_utf8, path)
    if expected[0] == "ok":
        assert got == ("ok", expected[1].encode("utf-8")) and got[1].decode("utf-8") == expected[1]
    else:
        assert got == expected


@CHECKS
@given(data=st.binary(max_size=64), bom=st.booleans())
def test_any_bytes_are_refused_alike(tmp_path, data, bom):
    path = tmp_path / "doc.md"
    path.write_bytes((BOM if bom else b"") + data)
    expected, got = _outcome(read_text, path), _outcome(read_utf8, path)
    assert got[0] == expected[0]
    assert got[1] == (expected[1].encode("utf-8") if got[0] == "ok" else expected[1])


@pytest.mark.parametrize("data", [BOM + BOM + b"# Title\n", b"\xff\xfe#", b"a\0b"])
def test_edges(tmp_path, data):
    path = tmp_path / "doc.md"
    path.write_bytes(data)
    expected, got = _outcome(read_text, path), _outcome(read_utf8, path)
    assert got[0] == expected[0] and got[1] == (expected[1].encode("utf-8") if got[0] == "ok" else expected[1])


@CHECKS
@given(data=st.binary(max_size=300), step=st.integers(1, 7))
def test_short_reads_still_read_the_whole_file(tmp_path, monkeypatch, data, step):
    """os.read may return fewer bytes than asked before the end: read_bytes reads on."""
    import os

    from postmortem_skill.helper import inputs

    path = tmp_path / "doc.md"
    path.write_bytes(data)
    real = os.read
    monkeypatch.setattr(inputs.os, "read", lambda fd, size: real(fd, min(size, step)))
    assert inputs.read_bytes(path) == data
    assert inputs.read_bytes(path, limit=len(data)) == data
    if data:
        with pytest.raises(UsageError):
            inputs.read_bytes(path, limit=len(data) - 1)
