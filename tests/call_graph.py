"""Which exercises call which: read from solution sources, for tests whose expected points
follow the learner's own call graph (a wrong ``forward`` also costs ``optimize``, which
calls it, under nbgrader as in the grading engine)."""

from __future__ import annotations

import ast


def names_in(source: str, functions: set[str]) -> set[str]:
    """The names among ``functions`` that ``source`` mentions (a syntax error: none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & functions


def calls(sources: dict[str, str], function: str, own: str | None = None) -> set[str]:
    """The functions of ``sources`` (function -> its solution source) that ``function``
    calls, directly or through another one; ``own`` replaces ``function``'s source."""
    found: set[str] = set()
    todo = [own if own is not None else sources[function]]
    while todo:
        new = names_in(todo.pop(), set(sources)) - found - {function}
        found |= new
        todo += [sources[name] for name in sorted(new)]
    return found
