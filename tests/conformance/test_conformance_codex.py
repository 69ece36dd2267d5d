"""Codex CLI 0.171.0 reads a project after `build-skill install codex`, offline."""
from __future__ import annotations

import json
import re
import select
import time
from pathlib import Path

import pytest
import yaml
from conformance_support import SKILL_NAME, need

SHARED_SKILL = Path(".agents") / "skills" / SKILL_NAME / "SKILL.md"


def frontmatter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\r?\n(.*?)\r?\n---\r?\n", text, re.S)
    assert match, f"{path} has no YAML frontmatter"
    return yaml.safe_load(match.group(1))


def texts(node) -> list[str]:
    """Every `text` string in codex's model-visible input, in order."""
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        for value in node.values():
            if isinstance(value, (dict, list)):
                out += texts(value)
        return out
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    return []


@pytest.fixture(scope="module")
def codex_project(installed) -> Path:
    project = installed("codex")
    need(project / SHARED_SKILL, f"{SHARED_SKILL} written by `build-skill install codex`")
    return project


def prompt_input(clients, home, project) -> list[str]:
    proc = clients.run("codex", "debug", "prompt-input", "hello", cwd=project, home=home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return texts(json.loads(proc.stdout))


def test_prompt_lists_our_skill_once(clients, home, codex_project):
    description = frontmatter(codex_project / SHARED_SKILL)["description"]
    listing = "\n".join(t for t in prompt_input(clients, home, codex_project) if "<skills_instructions>" in t)
    assert listing, "codex sent no <skills_instructions> block"
    ours = [line for line in listing.splitlines() if line.startswith(f"- {SKILL_NAME}:")]
    assert len(ours) == 1, f"codex lists {SKILL_NAME} {len(ours)} times (invalid skills are silently absent):\n" \
                           + listing[-3000:]
    assert " ".join(description.split())[:120] in ours[0], ours[0]
    assert f"{SKILL_NAME}/SKILL.md" in ours[0], ours[0]


def test_prompt_carries_our_agents_md_block(clients, home, codex_project):
    agents = need(codex_project / "AGENTS.md", "AGENTS.md written by `build-skill install codex`")
    ours = agents.read_text(encoding="utf-8").strip()
    sent = [t for t in prompt_input(clients, home, codex_project) if t.startswith("# AGENTS.md instructions for")]
    assert len(sent) == 1, f"codex sent {len(sent)} AGENTS.md blocks"
    assert ours in sent[0], f"codex's AGENTS.md block does not carry the installed file:\n{sent[0][:3000]}"


def test_app_server_skill_list_reports_no_error(clients, home, codex_project):
    server = clients.popen("codex", "app-server", cwd=codex_project, home=home)
    assert server.stdin is not None and server.stdout is not None

    def send(message: dict) -> None:
        server.stdin.write(json.dumps(message) + "\n")
        server.stdin.flush()

    def reply(request_id: int, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([server.stdout], [], [], 0.5)
            if not ready:
                continue
            line = server.stdout.readline()
            if not line:
                break
            message = json.loads(line)
            if message.get("id") == request_id:
                return message
        pytest.fail(f"codex app-server gave no answer to request {request_id}; "
                    f"stderr: {server.stderr.read()[-1500:] if server.poll() is not None else '(running)'}")

    try:
        send({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "conformance", "version": "0"}}})
        assert "result" in reply(1)
        send({"method": "initialized"})
        send({"id": 2, "method": "skills/list", "params": {"cwds": [str(codex_project)], "forceReload": True}})
        answer = reply(2)
    finally:
        server.stdin.close()
        server.terminate()
        server.wait(timeout=10)
    assert "result" in answer, answer
    (entry,) = answer["result"]["data"]
    errors = [e for e in entry.get("errors", []) if str(codex_project) in e.get("path", "")]
    assert not errors, "codex reports:\n" + "\n".join(f"{e['path']}: {e['message']}" for e in errors)
    ours = [s for s in entry["skills"] if s["name"] == SKILL_NAME]
    assert len(ours) == 1 and ours[0]["scope"] == "repo" and ours[0]["enabled"], ours
