#!/usr/bin/env python3
"""Bench 3: context cost per assistant after `build-skill install --all`, against ruler and rulesync.

    python3 bench/context.py [--json out.json] [--keep]

Every conversation with an assistant pays for the files it loads unconditionally. This script installs
into a fresh, empty project and counts, per assistant:
  * always-loaded bytes: the bytes of every file that assistant loads into every conversation
    (AGENTS.md, CLAUDE.md, GEMINI.md, .github/copilot-instructions.md, always-applied rules, files named
    in .aider.conf.yml `read:`, the first of Zed's rules files, ...). The project starts empty, so all
    bytes of such a file were added by the install;
  * skill listing: what an assistant with native skills shows at start for the skill (name +
    description, in characters), once per distinct skill name, and the copies it can see: a client that
    does not collapse equal names would list it once per copy (the Copilot CLI collapses them).
Which files are "always loaded" comes from the reference /work/shared/reference/assistants.md (the
target data files in postmortem_skill/targets/ do not mark it): the per-assistant rules are the LOADS table below.
A rule folder whose activation key is unknown or unconfirmed counts as always loaded (this errs
against us). ruler and rulesync get the same guideline (the SKILL.md body) for every one of our
assistants each of them supports, and are measured with the same rules.
Goal: <= 1,000 bytes per always-loaded file and <= 4,000 bytes over all of them (each file once).
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402
from compile import ruler_project, rulesync_project  # noqa: E402


def frontmatter(text: str) -> dict:
    """Flat `key: value` pairs of a leading YAML frontmatter (enough to read activation keys)."""
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end == -1:
        return {}
    out = {}
    for line in text[3:end].splitlines():
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if m:
            value = m[2].strip().strip("'\"")
            out[m[1]] = {"true": True, "false": False}.get(value.lower(), value)
    return out


def always(_fm: dict) -> bool:
    return True


def no_key(key):
    return lambda fm: key not in fm


def is_true(key):
    return lambda fm: fm.get(key) is True


def equals(key, *values, missing=False):
    return lambda fm: fm.get(key) in values if key in fm else missing


def apply_all(fm: dict) -> bool:
    return str(fm.get("applyTo", "")).strip() in ("**", "**/*", "*")


def cursor_always(fm: dict) -> bool:
    """alwaysApply: true, or globs that match every file (attached whatever the conversation touches)."""
    return fm.get("alwaysApply") is True or str(fm.get("globs", "")).strip("[]'\" ") in ("**/*", "**", "*")


def continue_always(fm: dict) -> bool:
    if "alwaysApply" in fm:
        return fm["alwaysApply"] is True
    return "globs" not in fm and "regex" not in fm


def unless_marked_lazy(fm: dict) -> bool:
    """Unconfirmed activation keys: count it unless the frontmatter plainly says it is not always on."""
    if fm.get("alwaysApply") is False:
        return False
    trigger = str(fm.get("trigger", fm.get("inclusion", "always"))).lower()
    return trigger in ("always", "always_on", "alwaysapply", "always_apply")


SKIP_DIRS = ("skills/", "workflows/", "commands/")

# assistant -> [(glob relative to the project, predicate on the file's frontmatter)]
LOADS = {
    "claude-code": [("CLAUDE.md", always), (".claude/CLAUDE.md", always), ("CLAUDE.local.md", always),
                    (".claude/rules/**/*.md", no_key("paths"))],
    "codex": [("AGENTS.md", always), ("AGENTS.override.md", always)],
    "cursor": [(".cursor/rules/**/*.mdc", cursor_always), ("AGENTS.md", always),
               (".cursorrules", always)],
    "copilot": [(".github/copilot-instructions.md", always), ("AGENTS.md", always), ("CLAUDE.md", always),
                ("GEMINI.md", always), (".github/instructions/**/*.instructions.md", apply_all),
                (".claude/rules/**/*.md", no_key("paths"))],
    "gemini": [("GEMINI.md", always)],  # plus .gemini/settings.json contextFileName (see loaded_files)
    "windsurf": [(".devin/rules/**/*.md", equals("trigger", "always_on")),
                 (".windsurf/rules/**/*.md", equals("trigger", "always_on")), ("AGENTS.md", always),
                 (".windsurfrules", always)],
    "cline": [(".clinerules", always), (".clinerules/**/*.md", no_key("paths")),
              (".clinerules/**/*.txt", no_key("paths")), (".cline/rules/**/*.md", no_key("paths")),
              (".cursorrules", always), (".windsurfrules", always), ("AGENTS.md", always)],
    "kiro": [(".kiro/steering/**/*.md", equals("inclusion", "always", missing=True)), ("AGENTS.md", always)],
    "junie": [(".junie/guidelines.md", always)],
    "aider": [],  # the files named in .aider.conf.yml `read:` (see aider_reads)
    "continue": [(".continue/rules/**/*.md", continue_always), ("AGENTS.md", always)],
    "zed": [],  # the first of ZED_ORDER that exists
    "opencode": [],  # AGENTS.md, else CLAUDE.md (first match), plus opencode.json instructions
    "amp": [("AGENTS.md", always), ("AGENT.md", always), ("CLAUDE.md", always)],
    "augment": [(".augment/rules/**/*.md", equals("type", "always_apply", missing=True)),
                (".augment-guidelines", always), ("AGENTS.md", always), ("CLAUDE.md", always)],
    "amazonq": [(".amazonq/rules/**/*.md", always)],
    "trae": [(".trae/rules/project_rules.md", always), (".trae/rules/**/*.md", is_true("alwaysApply"))],
    "comate": [(".comate/rules/**/*.mdr", is_true("alwaysApply"))],
    "codebuddy": [(".codebuddy/rules/**/RULE.mdc", is_true("alwaysApply")), ("CODEBUDDY.md", always)],
    "codearts": [(".codeartsdoer/rule/**/*.mdc", unless_marked_lazy)],
    "lingma": [(".lingma/rules/**/*.md", unless_marked_lazy)],
    "qoder": [(".qoder/rules/**/*.md", unless_marked_lazy)],
}
ZED_ORDER = [".rules", ".cursorrules", ".windsurfrules", ".clinerules", ".github/copilot-instructions.md",
             "AGENT.md", "AGENTS.md", "CLAUDE.md", "GEMINI.md"]

# assistant -> project skill folders it scans (each holds <name>/SKILL.md)
SKILL_DIRS = {
    "claude-code": [".claude/skills"], "codex": [".agents/skills"],
    "cursor": [".cursor/skills", ".agents/skills"],
    "copilot": [".github/skills", ".claude/skills", ".agents/skills"],
    "gemini": [".gemini/skills", ".agents/skills"], "windsurf": [".windsurf/skills", ".agents/skills"],
    "cline": [".cline/skills", ".clinerules/skills", ".claude/skills"], "kiro": [".kiro/skills"],
    "junie": [".junie/skills"], "aider": [], "continue": [".continue/skills", ".claude/skills"],
    "zed": [".agents/skills"], "opencode": [".opencode/skills", ".claude/skills", ".agents/skills"],
    "amp": [".agents/skills"], "augment": [".augment/skills", ".claude/skills", ".agents/skills"],
    "amazonq": [], "trae": [".trae/skills"], "comate": [".agents/skills", ".comate/skills"],
    "codebuddy": [".codebuddy/skills"], "codearts": [".codeartsdoer/skills"], "lingma": [".lingma/skills"],
    "qoder": [".qoder/skills"],
}

# our id -> ruler agent / rulesync target, for every assistant of ours that the peer supports
RULER_AGENTS = {"claude-code": "claude", "codex": "codex", "cursor": "cursor", "copilot": "copilot",
                "gemini": "gemini-cli", "windsurf": "windsurf", "cline": "cline", "kiro": "kiro",
                "junie": "junie", "aider": "aider", "zed": "zed", "opencode": "opencode", "amp": "amp",
                "augment": "augmentcode", "amazonq": "amazonqcli", "trae": "trae"}
RULESYNC_TARGETS = {"claude-code": "claudecode", "codex": "codexcli", "cursor": "cursor", "copilot": "copilot",
                    "windsurf": "devin", "cline": "cline", "kiro": "kiro-ide", "junie": "junie", "zed": "zed",
                    "opencode": "opencode", "amp": "amp", "augment": "augmentcode", "continue": "continue",
                    "codebuddy": "codebuddy"}


def project_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def matches(path: str, pattern: str) -> bool:
    """Exact path, or `dir/**/NAME-GLOB`: any depth below dir, except skill/workflow/command folders."""
    if "**/" not in pattern:
        return path == pattern
    head, tail = pattern.split("**/", 1)
    if not path.startswith(head):
        return False
    rest = path[len(head):]
    return not rest.startswith(SKIP_DIRS) and fnmatch.fnmatchcase(rest.rsplit("/", 1)[-1], tail)


def aider_reads(root: Path) -> list[str]:
    conf = root / ".aider.conf.yml"
    if not conf.is_file():
        return []
    reads, in_read = [], False
    for line in conf.read_text(encoding="utf-8").splitlines():
        stripped = line.split(" #", 1)[0].rstrip()
        if re.match(r"^read\s*:", stripped):
            value = stripped.split(":", 1)[1].strip()
            if value.startswith("["):
                reads += [v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()]
            elif value:
                reads.append(value.strip("'\""))
            in_read = not value
        elif in_read and re.match(r"^\s*-\s+", stripped):
            reads.append(stripped.split("-", 1)[1].strip().strip("'\""))
        elif in_read and stripped and not stripped.startswith(" "):
            in_read = False
    return [r for r in reads if (root / r).is_file()]


def loaded_files(root: Path, files: list[str], assistant: str) -> list[str]:
    out = []
    for path in files:
        for pattern, predicate in LOADS[assistant]:
            if matches(path, pattern):
                text = (root / path).read_text(encoding="utf-8", errors="replace")
                if predicate(frontmatter(text)):
                    out.append(path)
                break
    if assistant == "aider":
        out += aider_reads(root)
    elif assistant == "gemini" and (root / ".gemini" / "settings.json").is_file():
        try:
            names = json.loads((root / ".gemini" / "settings.json").read_text()).get("contextFileName", [])
        except ValueError:
            names = []
        out += [n for n in ([names] if isinstance(names, str) else names) if n in files]
    elif assistant == "zed":
        out += [next(p for p in ZED_ORDER if p in files)] if any(p in files for p in ZED_ORDER) else []
    elif assistant == "opencode":
        first = next((p for p in ("AGENTS.md", "CLAUDE.md") if p in files), None)
        out += [first] if first else []
        conf = root / "opencode.json"
        if conf.is_file():
            try:
                out += [p for p in json.loads(conf.read_text()).get("instructions", []) if p in files]
            except ValueError:
                pass
    return sorted(set(out))


def skill_listing(root: Path, assistant: str) -> tuple[int, int, int]:
    """(copies seen, characters of name + description once per distinct name, summed over every copy)."""
    copies, per_name = 0, {}
    total = 0
    for folder in SKILL_DIRS[assistant]:
        for skill in sorted((root / folder).glob("*/SKILL.md")):
            fm = frontmatter(skill.read_text(encoding="utf-8"))
            chars = len(str(fm.get("name", ""))) + len(str(fm.get("description", "")))
            copies += 1
            total += chars
            per_name.setdefault(str(fm.get("name", skill.parent.name)), chars)
    return copies, sum(per_name.values()), total


def measure(root: Path) -> dict:
    files = project_files(root)
    per_assistant, per_file = {}, {}
    for assistant in LOADS:
        loaded = loaded_files(root, files, assistant)
        sizes = {p: (root / p).stat().st_size for p in loaded}
        for p in loaded:
            per_file.setdefault(p, {"bytes": sizes[p], "assistants": []})["assistants"].append(assistant)
        copies, once, every = skill_listing(root, assistant)
        per_assistant[assistant] = {"files": sizes, "bytes": sum(sizes.values()), "skill_copies": copies,
                                    "listing_chars": once, "listing_chars_every_copy": every}
    return {"files_written": len(files), "per_assistant": per_assistant, "per_file": per_file,
            "total_bytes": sum(f["bytes"] for f in per_file.values()),
            "max_file_bytes": max((f["bytes"] for f in per_file.values()), default=0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the scratch projects")
    ap.add_argument("--no-peers", action="store_true", help="measure ours only")
    args = ap.parse_args(argv)

    if not args.no_peers:
        C.ensure_peers(("@intellectronica/ruler", "rulesync", "node"))
    build_skill = C.our_script("build-skill")
    body = C.skill_body()
    C.print_header("context cost per assistant after install --all", f"""
fresh empty project; `{build_skill} install --all --project DIR`; then every file each assistant loads
into every conversation is found with the rules in bench/context.py (from the reference assistants.md)
and its bytes counted; skill listing = name + description characters of the skill (once per name) and the copies it \
can see.
Peers: the same guideline (SKILL.md body, {len(body.encode())} bytes) for each of our assistants they support.""")

    results = {}
    with C.scratch_folder("context", args.keep) as scratch:
        ours = scratch / "ours"
        ours.mkdir()
        C.run_timed([build_skill, "install", "--all", "--project", str(ours)])
        results["ours"] = measure(ours)
        if not args.no_peers:
            ruler = scratch / "ruler"
            ruler_project(ruler, body, sorted(set(RULER_AGENTS.values())))
            C.run_timed([*C.ruler_cmd(), "apply", "--no-backup"], cwd=ruler)
            shutil.rmtree(ruler / ".ruler")  # the source, not an output
            results["ruler"] = measure(ruler)
            rulesync = scratch / "rulesync"
            rulesync_project(rulesync, body, sorted(set(RULESYNC_TARGETS.values())))
            C.run_timed([*C.rulesync_cmd(), "generate"], cwd=rulesync)
            shutil.rmtree(rulesync / ".rulesync")
            (rulesync / "rulesync.jsonc").unlink()
            results["rulesync"] = measure(rulesync)

        tools = list(results)
        ours_m = results["ours"]
        print("always-loaded files after ours (bytes, and who loads them):")
        for path, info in sorted(ours_m["per_file"].items()):
            print(f"  {info['bytes']:6d}  {path:<48} {', '.join(info['assistants'])}")
        print()
        head = f"{'assistant':<12}" + "".join(f" {t + ' bytes':>15}" for t in tools) + \
            f" {'ours listing':>13} {'copies':>6}"
        print(head)
        for assistant in LOADS:
            row = f"{assistant:<12}"
            for t in tools:
                pa = results[t]["per_assistant"][assistant]
                supported = t == "ours" or assistant in (RULER_AGENTS if t == "ruler" else RULESYNC_TARGETS)
                row += f" {pa['bytes'] if supported else '—':>15}"
            pa = ours_m["per_assistant"][assistant]
            row += f" {pa['listing_chars']:>13} {pa['skill_copies']:>6}"
            print(row)
        print()
        for t in tools:
            m = results[t]
            print(f"{t:<9} always-loaded files: {len(m['per_file'])}, largest {m['max_file_bytes']} bytes, "
                  f"all of them (each once) {m['total_bytes']} bytes; files written: {m['files_written']}")
        print()
        print(f"goal <= 1,000 bytes per always-loaded file: {'MET' if ours_m['max_file_bytes'] <= 1000 else 'MISSED'}"
              f" (largest {ours_m['max_file_bytes']})")
        print(f"goal <= 4,000 bytes over all of them: {'MET' if ours_m['total_bytes'] <= 4000 else 'MISSED'}"
              f" ({ours_m['total_bytes']})")
        C.write_json(args.json, {"bench": "context", "facts": C.machine_facts(), "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
