#!/usr/bin/env python3
"""Install the pinned AI-assistant clients that the conformance suite runs offline.

The clients (Claude Code, Codex, Copilot CLI, Gemini CLI, markdownlint-cli2) come from the npm
registry, pinned by tools/clients/package.json and its lockfile; the Python validators (skills-ref,
check-jsonschema) go into a private virtual environment. Everything lands in a cache folder outside
the clone:

    ${POSTMORTEM_CLIENTS_CACHE:-$HOME/.cache/postmortem-skill/clients}/
        npm/node_modules/.bin/{claude,codex,copilot,gemini,markdownlint-cli2}
        python/bin/{agentskills,check-jsonschema}

A second run with everything in place only compares two stamp files and returns at once.
Progress goes to stderr; with --json the tool paths are printed on stdout as one JSON object.

Exit codes: 0 ready; 1 the install failed; 2 bad call or a missing prerequisite (node, npm);
3 a package registry could not be reached (callers may skip rather than fail).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NPM_SPEC = HERE / "clients"  # package.json + package-lock.json
PYTHON_PINS = ("skills-ref==0.1.1", "check-jsonschema==0.39.0")
NPM_BINS = {
    "claude": "@anthropic-ai/claude-code",
    "codex": "@openai/codex",
    "copilot": "@github/copilot",
    "gemini": "@google/gemini-cli",
    "markdownlint-cli2": "markdownlint-cli2",
}
PYTHON_BINS = ("agentskills", "check-jsonschema")
MIN_NODE = 20
EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 1, 2, 3

# Words npm and pip print when the registry itself cannot be reached (as opposed to a bad package).
NETWORK_MARKERS = (
    "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH",
    "EHOSTUNREACH", "network request to", "request to https://", "Failed to establish a new connection",
    "Temporary failure in name resolution", "Max retries exceeded", "NewConnectionError",
    "No matching distribution found", "Could not fetch URL", "ConnectTimeoutError",
)


# Noise from a pip configured with local find-links folders that do not exist on this machine.
QUIET_LINE = re.compile(r"^WARNING: Location '.*' is ignored")


class InstallError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def default_cache() -> Path:
    env = os.environ.get("POSTMORTEM_CLIENTS_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    return (Path.home() / ".cache" / "postmortem-skill" / "clients").resolve()


def say(message: str) -> None:
    print(f"install-clients: {message}", file=sys.stderr, flush=True)


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def tool_paths(cache: Path) -> dict[str, str]:
    paths = {name: str(cache / "npm" / "node_modules" / ".bin" / name) for name in NPM_BINS}
    paths.update({name: str(cache / "python" / "bin" / name) for name in PYTHON_BINS})
    paths["node"] = shutil.which("node") or ""
    paths["cache"] = str(cache)
    return paths


@contextlib.contextmanager
def locked(cache: Path):
    """Serialise concurrent installs into the same cache (two pytest runs, say)."""
    import fcntl

    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("another install is running into this cache; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def run_logged(cmd: list[str], cwd: Path | None = None, env: dict | None = None, timeout: int = 1800) -> None:
    """Run an installer, echoing its output as progress; classify registry failures."""
    say("$ " + " ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace")
    lines: list[str] = []
    start = time.monotonic()
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        lines.append(line)
        if line and not QUIET_LINE.search(line):
            print(f"    {line}", file=sys.stderr, flush=True)
        if time.monotonic() - start > timeout:
            proc.kill()
            raise InstallError(f"{cmd[0]} took longer than {timeout} s")
    rc = proc.wait()
    if rc != 0:
        text = "\n".join(lines)
        if any(marker in text for marker in NETWORK_MARKERS):
            raise InstallError(f"package registry unreachable ({cmd[0]} exited {rc}): "
                               + next((l for l in lines if any(m in l for m in NETWORK_MARKERS)), ""),
                               EXIT_UNREACHABLE)
        raise InstallError(f"{' '.join(cmd[:3])} exited {rc}; last output: {lines[-1] if lines else '(none)'}")


# --- npm clients ------------------------------------------------------------------------------

def npm_stamp() -> str:
    return digest((NPM_SPEC / "package.json").read_bytes(), (NPM_SPEC / "package-lock.json").read_bytes())


def npm_ready(cache: Path) -> bool:
    target = cache / "npm"
    stamp = target / ".postmortem-stamp"
    if not stamp.is_file() or stamp.read_text().strip() != npm_stamp():
        return False
    return all((target / "node_modules" / ".bin" / name).exists() for name in NPM_BINS)


def check_node() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise InstallError("node and npm are required (Node >= 20); install them first", EXIT_USAGE)
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        raise InstallError(f"cannot read the node version from {version!r}", EXIT_USAGE) from None
    if major < MIN_NODE:
        raise InstallError(f"node {version} is too old: the clients need Node >= {MIN_NODE}", EXIT_USAGE)


def install_npm(cache: Path) -> None:
    check_node()
    target = cache / "npm"
    target.mkdir(parents=True, exist_ok=True)
    (target / ".postmortem-stamp").unlink(missing_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(NPM_SPEC / name, target / name)
    pins = json.loads((NPM_SPEC / "package.json").read_text())["dependencies"]
    say("installing npm clients (about 1.1 GB; a minute or two on a first run): "
        + " ".join(f"{k}@{v}" for k, v in sorted(pins.items())))
    # --ignore-scripts: node-gyp rebuilds (node-pty, keytar) would try to download headers from
    # outside the registry, and no client needs them for what we run. Claude Code's own postinstall
    # is needed (it links the native binary from its platform package, with no download): run it alone.
    run_logged(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error",
                "--engine-strict=false"], cwd=target)
    run_logged(["node", "install.cjs"], cwd=target / "node_modules" / "@anthropic-ai" / "claude-code")
    for package, version in pins.items():
        manifest = target / "node_modules" / package / "package.json"
        got = json.loads(manifest.read_text()).get("version") if manifest.is_file() else None
        if got != version:
            raise InstallError(f"{package}: expected {version}, found {got}")
    missing = [n for n in NPM_BINS if not (target / "node_modules" / ".bin" / n).exists()]
    if missing:
        raise InstallError("installed, but these commands are missing: " + ", ".join(missing))
    (target / ".postmortem-stamp").write_text(npm_stamp() + "\n")


# --- Python validators ------------------------------------------------------------------------

def python_stamp() -> str:
    return digest(" ".join(PYTHON_PINS).encode(), f"{sys.version_info[:2]}".encode())


def python_ready(cache: Path) -> bool:
    target = cache / "python"
    stamp = target / ".postmortem-stamp"
    if not stamp.is_file() or stamp.read_text().strip() != python_stamp():
        return False
    return all((target / "bin" / name).exists() for name in PYTHON_BINS)


def install_python(cache: Path) -> None:
    target = cache / "python"
    say("installing Python validators: " + " ".join(PYTHON_PINS))
    if target.exists():
        shutil.rmtree(target)
    run_logged([sys.executable, "-m", "venv", str(target)])
    run_logged([str(target / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                "--no-input", "-q", *PYTHON_PINS])
    (target / ".postmortem-stamp").write_text(python_stamp() + "\n")


# --- main -------------------------------------------------------------------------------------

def size_of(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="cache folder (default: $POSTMORTEM_CLIENTS_CACHE "
                        "or ~/.cache/postmortem-skill/clients)")
    parser.add_argument("--check", action="store_true", help="install nothing; exit 1 unless all is in place")
    parser.add_argument("--json", action="store_true", help="print the tool paths as JSON on stdout")
    parser.add_argument("--force", action="store_true", help="reinstall even when the stamps match")
    args = parser.parse_args(argv)
    cache = (args.cache.expanduser().resolve() if args.cache else default_cache())
    if cache == REPO or REPO in cache.parents:
        say(f"the cache {cache} must lie outside the clone {REPO}")
        return EXIT_USAGE

    started = time.monotonic()
    try:
        if args.check:
            ready = npm_ready(cache) and python_ready(cache)
            say(f"{'ready' if ready else 'not installed'}: {cache}")
            if args.json:
                print(json.dumps(tool_paths(cache)))
            return 0 if ready else EXIT_FAILED
        if not args.force and npm_ready(cache) and python_ready(cache):
            say(f"pinned clients already installed in {cache}")
        else:
            with locked(cache):
                if args.force or not npm_ready(cache):
                    install_npm(cache)
                else:
                    say("npm clients already installed")
                if args.force or not python_ready(cache):
                    install_python(cache)
                else:
                    say("Python validators already installed")
            say(f"done in {time.monotonic() - started:.0f} s; cache {cache} holds "
                f"{size_of(cache) / 2**20:.0f} MiB")
    except InstallError as error:
        say(f"error: {error}")
        return error.code
    if args.json:
        print(json.dumps(tool_paths(cache)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
