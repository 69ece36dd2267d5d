"""The helper's layers import one way, and no module imports itself back through another.

model ← rules ← engine ← report ← commands; features depend on model only. Every import counts, the
ones inside functions too: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "postmortem_skill"
HELPER = "postmortem_skill.helper"

# layer -> the layers it may import (itself included); leaves are the helper's two edge modules
ALLOWED = {
    "errors": {"errors"},
    "inputs": {"inputs", "errors"},
    "model": {"model", "errors"},
    "rules": {"rules", "model", "errors"},
    "engine": {"engine", "rules", "model", "errors", "inputs"},
    "report": {"report", "engine", "rules", "model", "errors"},
    "features": {"features", "model", "errors", "inputs"},
    "commands": {"commands", "report", "engine", "rules", "model", "features", "errors", "inputs"},
    "cli": {"commands", "errors"},
    "__main__": {"cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every postmortem_skill module `path` imports, at any depth of the code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules}


def layer(module: str) -> str | None:
    if not module.startswith(HELPER + "."):
        return None
    return module[len(HELPER) + 1:].split(".")[0]


GRAPH = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if layer(m)))
def test_imports_point_down(module):
    own = layer(module)
    assert own in ALLOWED, f"{module}: a helper module outside the known layers"
    wrong = sorted(target for target in GRAPH[module]
                   if layer(target) and layer(target) not in ALLOWED[own])
    assert not wrong, f"{module} ({own}) imports upward or sideways: {wrong}"


def test_compiler_and_helper_do_not_import_each_other():
    for module, targets in GRAPH.items():
        if module.startswith("postmortem_skill.compiler"):
            assert not any(t.startswith(HELPER) for t in targets), module
        if module.startswith(HELPER):
            assert not any(t.startswith("postmortem_skill.compiler") for t in targets), module


def test_no_import_cycles():
    # package __init__ modules are skipped: importing a.b.c names a.b only as a path, not a dependency
    edges = {m: {t for t in targets if t != m and not (m.startswith(t + "."))} for m, targets in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
