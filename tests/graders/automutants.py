"""Automatic mutants of the catalogue's right implementations, for an honest mutation score.

The hand-written catalogue is caught by construction (each entry names its diagnosis).
Here small syntactic changes are applied to the *right* sources, one at a time: swapped
operators, dropped operands or minus signs, changed constants, flipped comparisons,
axis/keepdims changes, a dropped ``.T``, ``sum``/``mean`` swaps, swapped call arguments and
swapped parameter names. A mutant that gives the reference's outputs on many inputs
(compared here independently of the checks) is *equivalent* and not counted.
"""

from __future__ import annotations

import ast
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

_SWAPS = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div, ast.Add),
    ast.Div: (ast.Mult,),
    ast.Pow: (ast.Mult,),
    ast.MatMult: (ast.Mult,),
}
_COMPARE = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE, ast.Eq: ast.NotEq}
_CALLS = {"sum": "mean", "mean": "sum", "log": "log10", "exp": "expm1", "maximum": "minimum"}


class _Mutate(ast.NodeTransformer):
    """Counts the mutation options (target=None) or applies option number ``target``."""

    def __init__(self, params: set[str], target: int | None = None):
        self.params, self.target = params, target
        self.count, self.label = 0, None

    def _option(self, label: str) -> bool:
        hit = self.count == self.target
        self.count += 1
        if hit:
            self.label = label
        return hit

    def visit_BinOp(self, node):
        node = self.generic_visit(node)
        for new in _SWAPS.get(type(node.op), ()):
            if self._option(f"{type(node.op).__name__} -> {new.__name__}"):
                return ast.BinOp(node.left, new(), node.right)
        if self._option("drop the right operand"):
            return node.left
        if self._option("drop the left operand"):
            return node.right
        return node

    def visit_UnaryOp(self, node):
        node = self.generic_visit(node)
        if isinstance(node.op, ast.USub) and self._option("drop a minus sign"):
            return node.operand
        return node

    def visit_Constant(self, node):
        value = node.value
        if type(value) in (int, float) and not isinstance(value, bool):
            for new in ({value * 2 if value else 1, -value} - {value}):
                if self._option(f"constant {value!r} -> {new!r}"):
                    return ast.Constant(new)
        if value is True and self._option("True -> False"):
            return ast.Constant(False)
        return node

    def visit_Compare(self, node):
        node = self.generic_visit(node)
        new = _COMPARE.get(type(node.ops[0]))
        if len(node.ops) == 1 and new and self._option(f"comparison -> {new.__name__}"):
            return ast.Compare(node.left, [new()], node.comparators)
        return node

    def visit_keyword(self, node):
        node = self.generic_visit(node)
        value = node.value
        if node.arg == "axis" and isinstance(value, ast.Constant) and value.value in (0, 1):
            if self._option(f"axis={value.value} -> axis={1 - value.value}"):
                return ast.keyword("axis", ast.Constant(1 - value.value))
        return node

    def visit_Attribute(self, node):
        node = self.generic_visit(node)
        if node.attr == "T" and self._option("drop .T"):
            return node.value
        if node.attr in _CALLS and self._option(f"np.{node.attr} -> np.{_CALLS[node.attr]}"):
            return ast.Attribute(node.value, _CALLS[node.attr], node.ctx)
        return node

    def visit_Call(self, node):
        node = self.generic_visit(node)
        if len(node.args) >= 2 and self._option("swap the first two arguments"):
            return ast.Call(node.func, [node.args[1], node.args[0], *node.args[2:]], node.keywords)
        return node

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.params:
            for other in sorted(self.params - {node.id}):
                if self._option(f"{node.id} -> {other}"):
                    return ast.Name(other, ast.Load())
        return node


@dataclass(frozen=True)
class Mutant:
    label: str
    source: str


def mutants(source: str) -> Iterator[Mutant]:
    """Every single-point mutant of ``source`` that still compiles, without duplicates."""
    tree = ast.parse(source)
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    params = {a.arg for a in function.args.args}
    counter = _Mutate(params)
    counter.visit(ast.parse(source))
    seen = {ast.unparse(tree)}
    for target in range(counter.count):
        mutate = _Mutate(params, target)
        mutated = ast.fix_missing_locations(mutate.visit(ast.parse(source)))
        text = ast.unparse(mutated)
        if text in seen:
            continue
        seen.add(text)
        try:
            compile(text, "<mutant>", "exec")
        except SyntaxError:
            continue
        yield Mutant(mutate.label, text + "\n")


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def _number(value):
    """A 0-d float array (what np.squeeze returns) counts as the number it holds."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype == np.float64:
        return float(value)
    return value


def same(a, b) -> bool:
    a, b = _number(a), _number(b)
    if type(a) is not type(b) and not (
        isinstance(a, (float, np.floating)) and isinstance(b, (float, np.floating))
    ):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    a, b = np.asarray(a), np.asarray(b)
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=False))
    )


def equivalent(fn, reference, arg_sets) -> bool:
    """True when ``fn`` returns the reference's outputs and leaves its inputs unchanged."""
    with np.errstate(all="ignore"):
        for args in arg_sets:
            mine = tuple(_copy(a) for a in args)
            try:
                got = fn(*mine)
            except Exception:
                return False
            want = reference(*(_copy(a) for a in args))
            unchanged = all(
                not isinstance(a, np.ndarray) or np.array_equal(a, b)
                for a, b in zip(args, mine, strict=True)
            )
            if not unchanged or not same(got, want):
                return False
    return True


MUTANT_SECONDS = 3.0  # per mutant and stage: a mutant that still runs then has hung


class TooSlowError(BaseException):
    """A mutant ran past its time budget (a loop that no longer ends, say). A
    BaseException, so that a mutant's own ``except Exception`` cannot swallow it."""


@contextlib.contextmanager
def budget(seconds: float):
    """Stop the block after ``seconds`` of wall time with ``TooSlowError`` (SIGALRM:
    pytest runs tests in the main thread of each worker process)."""

    def stop(signum, frame):
        raise TooSlowError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
