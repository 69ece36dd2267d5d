"""Helpers for the conformance suite: the real assistant clients, run offline against our output.

The pinned clients are installed once per session by tools/install-clients.py into a cache folder
outside the clone (see that script). Every client call gets an empty temporary HOME, a scrubbed
environment, no network (a fresh network namespace when `unshare -n` works) and a 60 s timeout.

Inputs appear as other parts of the project land; a check whose input does not exist yet skips
with a reason naming the missing file or command.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# POSTMORTEM_CONFORMANCE_ROOT points the suite at another tree (e.g. a fresh `build-skill` output in a copy).
REPO = Path(os.environ.get("POSTMORTEM_CONFORMANCE_ROOT") or Path(__file__).resolve().parents[2]).resolve()
INSTALL_SCRIPT = REPO / "tools" / "install-clients.py"
SKILL_NAME = "postmortem-writing"
CLIENT_TIMEOUT = 60
INSTALL_TIMEOUT = 1800
EXIT_UNREACHABLE, EXIT_PREREQUISITE = 3, 2

# Left out when a copy of the repository is handed to a client.
COPY_IGNORE = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis",
                                     "node_modules", "demo-project", "build", "dist", ".venv")


def _network_isolation() -> list[str]:
    """`unshare -n` gives the client a network namespace with only a loopback that is down."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@dataclass
class Clients:
    paths: dict[str, str]
    isolation: list[str] = field(default_factory=_network_isolation)

    def env(self, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        bin_dirs = [os.path.dirname(self.paths["claude"]), os.path.dirname(self.paths["agentskills"])]
        if self.paths.get("node"):
            bin_dirs.append(os.path.dirname(self.paths["node"]))
        env = {
            "PATH": os.pathsep.join(bin_dirs + ["/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(home),
            "USERPROFILE": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
            "NO_COLOR": "1",
            "FORCE_COLOR": "0",
            # No telemetry, updates or error reports from any client.
            "DISABLE_TELEMETRY": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "CODEX_HOME": str(home / ".codex"),
            "COPILOT_HOME": str(home / ".copilot"),
            "COPILOT_OFFLINE": "true",
            "GEMINI_TELEMETRY_ENABLED": "false",
            "NO_UPDATE_NOTIFIER": "1",
            "npm_config_update_notifier": "false",
        }
        for folder in (".codex", ".copilot"):  # codex refuses a CODEX_HOME that does not exist
            (home / folder).mkdir(parents=True, exist_ok=True)
        if not self.isolation:
            # Fallback when namespaces are unavailable: point every proxy at a closed local port.
            for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
                env[name] = "http://127.0.0.1:9"
        env.update(extra or {})
        return env

    def run(self, tool: str, *args: str, cwd: Path, home: Path, env: dict[str, str] | None = None,
            stdin: str | None = None, timeout: int = CLIENT_TIMEOUT) -> subprocess.CompletedProcess:
        cmd = [*self.isolation, self.paths[tool], *args]
        try:
            return subprocess.run(cmd, cwd=cwd, env=self.env(home, env), input=stdin if stdin is not None else "",
                                  capture_output=True, text=True, errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"")[-2000:] if isinstance(exc.stdout, bytes) else (exc.stdout or "")[-2000:]
            pytest.fail(f"{tool} {' '.join(args)} did not finish within {timeout} s; last output: {out!r}")

    def popen(self, tool: str, *args: str, cwd: Path, home: Path) -> subprocess.Popen:
        return subprocess.Popen([*self.isolation, self.paths[tool], *args], cwd=cwd, env=self.env(home),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace")


# --- our own outputs ----------------------------------------------------------------------------

def build_skill(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    code = "import sys\nfrom postmortem_skill.compiler.cli import main\nsys.exit(main())"
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


class Projects:
    """Fresh projects with `build-skill install <id>` applied, made once per id and session."""

    def __init__(self, factory: pytest.TempPathFactory, targets: dict[str, dict]):
        self._factory = factory
        self._targets = targets
        self._made: dict[str, Path] = {}

    def __call__(self, target_id: str) -> Path:
        if target_id not in self._targets:
            pytest.skip(f"`build-skill targets` has no target {target_id!r} yet")
        if target_id not in self._made:
            project = self._factory.mktemp(f"project-{target_id}")
            subprocess.run(["git", "init", "-q", str(project)], check=True)
            proc = build_skill("install", target_id, "--project", str(project))
            if proc.returncode != 0:
                pytest.fail(f"`build-skill install {target_id} --project DIR` exited {proc.returncode}: "
                            f"{proc.stderr.strip()[-1500:]}")
            self._made[target_id] = project
        return self._made[target_id]


def need(path: Path, what: str) -> Path:
    """Skip the calling test, naming the missing input, when `path` does not exist yet."""
    if not path.exists():
        try:
            shown = path.relative_to(REPO)
        except ValueError:
            shown = path
        pytest.skip(f"{what} not there yet: {shown}")
    return path


def skill_dirs(root: Path) -> list[Path]:
    """Every folder under root holding a SKILL.md (hidden folders included: .agents, .claude, …)."""
    if not root.exists():
        return []
    return sorted({p.parent for p in root.rglob("SKILL.md")} | {p.parent for p in root.rglob("skill.md")})


def generated_files(root: Path, *suffixes: str) -> list[Path]:
    skip = {".git", "node_modules", "__pycache__"}
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(suffixes)
                  and not skip.intersection(p.relative_to(root).parts))


def marketplace_plugins(marketplace: Path) -> list[tuple[dict, Path | None]]:
    """Each plugin entry of a Claude marketplace with its local folder (None for remote sources)."""
    data = json.loads(marketplace.read_text(encoding="utf-8"))
    root = marketplace.parent.parent
    prefix = (data.get("metadata") or {}).get("pluginRoot") or ""
    result = []
    for entry in data.get("plugins", []):
        source = entry.get("source")
        if isinstance(source, str):
            base = source if source.startswith("./") else str(Path(prefix) / source)
            result.append((entry, (root / base).resolve()))
        else:
            result.append((entry, None))
    return result
