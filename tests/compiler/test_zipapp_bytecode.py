"""scripts/postmortem carries hash-checked bytecode beside its sources: used by the Python that built it,
skipped (the source compiled instead) when it does not match its source or the interpreter."""
import io
import subprocess
import sys
import zipfile
from importlib.util import MAGIC_NUMBER
from pathlib import Path

from postmortem_skill.compiler import build, zipapp

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "prompts" / "templates"


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    buffer.write(zipapp.SHEBANG)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(entries.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=zipapp.EPOCH), data)
    return buffer.getvalue()


def _rebuild(entries: dict[str, bytes], path: Path) -> Path:
    path.write_bytes(_zip(entries))
    return path


def _run(helper: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", str(helper), *args], capture_output=True, text=True, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "POSTMORTEM_CACHE_DIR": str(cwd / "cache")})


def test_every_module_has_checked_bytecode_for_this_interpreter():
    entries = _entries(zipapp.build(REPO, TEMPLATES))
    modules = [n for n in entries if n.endswith(".py") and n != "__main__.py"]
    assert modules and all(n + "c" in entries for n in modules)
    for name in modules:
        pyc = entries[name + "c"]
        assert pyc[:4] == MAGIC_NUMBER and int.from_bytes(pyc[4:8], "little") == 0b11  # hash-based, checked


def test_the_build_is_the_same_whatever_the_process_has_loaded():
    first = zipapp.build(REPO, TEMPLATES)
    import postmortem_skill.helper.commands.validate  # noqa: F401
    import postmortem_skill.helper.engine.check  # noqa: F401 - shares many constants with the modules it compiles
    assert zipapp.build(REPO, TEMPLATES) == first


def test_the_committed_helper_runs_its_bytecode_and_finds_what_the_source_finds(tmp_path):
    doc = tmp_path / "pm.md"
    doc.write_text("# Postmortem: x\n\nBob was careless and should have known.\n", encoding="utf-8")
    helper = REPO / "scripts" / "postmortem"
    source_only = _rebuild({n: d for n, d in _entries(helper.read_bytes()).items() if not n.endswith(".pyc")},
                           tmp_path / "source-only")
    with_pyc = _run(helper, "validate", "--format", "json", str(doc), cwd=tmp_path)
    without = _run(source_only, "validate", "--format", "json", str(doc), cwd=tmp_path)
    assert with_pyc.returncode == without.returncode == 1, with_pyc.stderr + without.stderr
    assert with_pyc.stdout == without.stdout and "PM301" in with_pyc.stdout


def test_bytecode_that_does_not_match_its_source_is_not_used(tmp_path):
    entries = _entries(zipapp.build(REPO, TEMPLATES))
    name = "postmortem_skill/helper/cli.py"
    # the source now answers --version differently; its .pyc still holds the old code
    entries[name] = entries[name].replace(b'version=f"postmortem {__version__}"', b'version="postmortem EDITED"')
    assert b"EDITED" in entries[name]
    result = _run(_rebuild(entries, tmp_path / "edited"), "--version", cwd=tmp_path)
    assert result.stdout.strip() == "postmortem EDITED", result.stderr


def test_bytecode_of_another_python_falls_back_to_the_source(tmp_path):
    entries = _entries(zipapp.build(REPO, TEMPLATES))
    for name in [n for n in entries if n.endswith(".pyc")]:
        entries[name] = b"\x00\x00\r\n" + entries[name][4:]  # a magic number no interpreter has
    result = _run(_rebuild(entries, tmp_path / "other"), "--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("postmortem "), result.stderr


def test_check_ignores_bytecode_from_another_python_but_not_a_source_change():
    fresh = zipapp.build(REPO, TEMPLATES)
    entries = _entries(fresh)
    other = {n: (b"\x00\x00\r\n" + d[4:] if n.endswith(".pyc") else d) for n, d in entries.items()}
    assert build._same(_zip(other), fresh)
    no_bytecode = zipapp.build(REPO, TEMPLATES, with_bytecode=False)
    assert not build._same(no_bytecode, fresh)  # an old source-only helper is rebuilt
    errors = "postmortem_skill/helper/errors.py"
    edited = dict(entries, **{errors: entries[errors] + b"\n"})
    assert not build._same(_zip(edited), fresh)
    assert zipapp.sources_digest(_zip(edited)) != zipapp.sources_digest(fresh)
