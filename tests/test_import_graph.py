"""graders' subpackages import each other without a cycle (read from the source's import
statements, including those inside functions), and each stays within its layer."""

from __future__ import annotations

import ast
from pathlib import Path

import graders

ROOT = Path(graders.__file__).parent


def _unit(module: str) -> str | None:
    """The part of graders a module belongs to: a subpackage name, or the top-level module."""
    parts = module.split(".")
    if parts[0] != "graders" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path, module: str) -> set[str]:
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    """``{unit: units it imports}`` over every module of graders."""
    edges: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        unit = _unit(module)
        if unit is None:  # graders/__init__.py
            continue
        targets = {_unit(m) for m in _imports(path, module)} - {None, unit}
        targets = {t for t in targets if (ROOT / t).is_dir() or (ROOT / f"{t}.py").is_file()}
        edges.setdefault(unit, set()).update(targets)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_is_read():
    edges = graph()
    assert "trusted" in edges["pipeline"] and "checks" in edges["trusted"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_between_subpackages():
    assert _cycle(graph()) is None, " -> ".join(_cycle(graph()))


def test_layers():
    """The check library runs in the learner's kernel: it imports no other part of graders.
    The engine (trusted) knows nothing of the pipeline, the learner's side or the CLI."""
    edges = graph()
    assert edges["checks"] <= set(), edges["checks"]
    assert edges["catalogue"] <= set(), edges["catalogue"]
    engine = {"checks", "exercises", "paths", "errors", "results"}
    assert edges["trusted"] <= engine, edges["trusted"]


def test_outside_the_check_library_only_its_public_surface_is_used():
    """The grading engine, the pipeline and the learner's side import ``graders.checks``'
    public names only, and touch no private attribute of a spec."""
    offences = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent)
        if rel.parts[1] in ("checks", "catalogue"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "graders.checks._"
            ):
                offences.append(f"{rel}:{node.lineno} imports {node.module}")
            if isinstance(node, ast.ImportFrom) and node.module == "graders.checks":
                offences += [f"{rel}:{node.lineno} imports {a.name}" for a in node.names
                             if a.name.startswith("_")]
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id == "spec"):
                offences.append(f"{rel}:{node.lineno} uses spec.{node.attr}")
    assert not offences, offences
