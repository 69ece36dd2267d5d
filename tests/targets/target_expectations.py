"""Expectations for the target data files of the 18 assistants owned by the targets helper."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The assistants whose data files these tests cover (the other four have tests/compiler).
MINE = ("gemini windsurf cline kiro junie aider continue zed opencode amp augment amazonq "
        "trae comate codebuddy codearts lingma qoder").split()
CHINESE = ("trae", "comate", "codebuddy", "codearts", "lingma", "qoder")
SKILL = "postmortem-writing"

# What `install <id>` writes in a project, by output: skill folders end in "/".
EXPECTED_PROJECT = {
    "gemini": {".agents/skills/postmortem-writing/", ".gemini/commands/postmortem.toml"},
    "windsurf": {".agents/skills/postmortem-writing/", ".windsurf/workflows/postmortem.md"},
    "cline": {".cline/skills/postmortem-writing/", ".clinerules/workflows/postmortem.md"},
    "kiro": {".kiro/skills/postmortem-writing/"},
    "junie": {".junie/skills/postmortem-writing/"},
    "aider": {".agents/skills/postmortem-writing/", "CONVENTIONS.md", ".aider.conf.yml"},
    "continue": {".claude/skills/postmortem-writing/", ".continue/prompts/postmortem.md"},
    "zed": {".agents/skills/postmortem-writing/"},
    "opencode": {".agents/skills/postmortem-writing/", ".opencode/commands/postmortem.md"},
    "amp": {".agents/skills/postmortem-writing/"},
    "augment": {".agents/skills/postmortem-writing/", ".augment/commands/postmortem.md"},
    "amazonq": {".agents/skills/postmortem-writing/", ".amazonq/rules/postmortem.md"},
    "trae": {".trae/skills/postmortem-writing/", ".trae/rules/postmortem.md"},
    "comate": {".agents/skills/postmortem-writing/"},
    "codebuddy": {".codebuddy/skills/postmortem-writing/", ".codebuddy/commands/postmortem.md"},
    "codearts": {".codeartsdoer/skills/postmortem-writing/"},
    "lingma": {".lingma/skills/postmortem-writing/", ".lingma/commands/postmortem.md"},
    "qoder": {".qoder/skills/postmortem-writing/"},
}

# What `install <id> --global` writes under the home folder (None: no user-level location).
EXPECTED_GLOBAL = {
    "gemini": {".agents/skills/postmortem-writing/", ".gemini/commands/postmortem.toml"},
    "windsurf": {".agents/skills/postmortem-writing/", ".codeium/windsurf/global_workflows/postmortem.md"},
    "cline": {".cline/skills/postmortem-writing/", "Documents/Cline/Workflows/postmortem.md"},
    "kiro": {".kiro/skills/postmortem-writing/"},
    "junie": {".junie/skills/postmortem-writing/"},
    "aider": None,
    "continue": {".continue/skills/postmortem-writing/", ".continue/prompts/postmortem.md"},
    "zed": {".agents/skills/postmortem-writing/"},
    "opencode": {".agents/skills/postmortem-writing/", ".config/opencode/commands/postmortem.md"},
    "amp": {".config/agents/skills/postmortem-writing/"},
    "augment": {".agents/skills/postmortem-writing/", ".augment/commands/postmortem.md"},
    "amazonq": None,
    "trae": None,
    "comate": {".comate/skills/postmortem-writing/"},
    "codebuddy": {".codebuddy/skills/postmortem-writing/", ".codebuddy/commands/postmortem.md"},
    "codearts": {".codeartsdoer/skills/postmortem-writing/"},
    "lingma": {".lingma/skills/postmortem-writing/", ".lingma/commands/postmortem.md"},
    "qoder": {".qoder/skills/postmortem-writing/"},
}

# Project skill folders each assistant reads (docs/assistants.md has the sources). Used to check that
# `install --all` gives every assistant the skill once.
READS = {
    "claude-code": {".claude/skills"},
    "codex": {".agents/skills"},
    "cursor": {".cursor/skills", ".agents/skills", ".claude/skills"},     # .claude/skills: M
    "copilot": {".github/skills", ".claude/skills", ".agents/skills"},
    "gemini": {".gemini/skills", ".agents/skills"},
    "windsurf": {".windsurf/skills", ".agents/skills"},   # + .claude/skills only behind an opt-in setting
    "cline": {".clinerules/skills", ".cline/skills", ".claude/skills"},
    "kiro": {".kiro/skills"},
    "junie": {".junie/skills"},
    "continue": {".continue/skills", ".claude/skills"},
    "zed": {".agents/skills"},
    "opencode": {".opencode/skills", ".claude/skills", ".agents/skills"},
    "amp": {".agents/skills", ".claude/skills"},
    "augment": {".augment/skills", ".claude/skills", ".agents/skills"},
    "trae": {".trae/skills"},
    "comate": {".agents/skills", ".comate/skills"},
    "codebuddy": {".codebuddy/skills"},
    "codearts": {".codeartsdoer/skills"},
    "lingma": {".lingma/skills"},
    "qoder": {".qoder/skills"},
}
# Assistants documented (or shown in source) to collapse skills with equal names into one entry.
# Copilot: seen with the real CLI (1.0.102, `copilot skill list --json` after install --all lists the
# skill once); tests/conformance checks it on every run.
DEDUPES_BY_NAME = {"cline", "opencode", "gemini", "copilot"}
