"""The chapter 4 checks and ``predict`` (``graders.checks.deep``) against the reference,
the nbgrader stub and the catalogue's wrong and right implementations."""

from __future__ import annotations

import ast
import inspect
import re
import time

import numpy as np
import pytest

import dlnotes.activations
from dlnotes import deep
from graders.catalogue import RIGHT, WRONG, Implementation, load
from graders.checks import Case, get_spec
from graders.checks import deep as checks

FUNCTIONS = (
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "deep_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "deep_backward",
    "update_parameters",
    "predict",
)
CHAPTER_NAMES = (
    "linear_forward",
    "linear_activation_forward",
    "deep_forward",
    "linear_backward",
    "linear_activation_backward",
)


def free_names() -> dict:
    """What a chapter 4 solution cell may use: activations and the earlier exercises."""
    names = {n: f for n, f in vars(dlnotes.activations).items() if inspect.isfunction(f)}
    names.update({n: getattr(deep, n) for n in CHAPTER_NAMES})
    return names


def check_of(function: str):
    return getattr(checks, f"check_{function}")


def entries(kind: dict) -> list:
    return [
        pytest.param(impl, id=f"{function}:{impl.name}")
        for function in FUNCTIONS
        for impl in kind[f"deep.{function}"]
    ]


def failure_message(check, fn, **kwargs) -> str:
    try:
        check(fn, **kwargs)
    except AssertionError as failure:
        return str(failure)
    raise AssertionError("the check passed")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_visible_and_hidden(function, capfd):
    check_of(function)(getattr(deep, function))
    check_of(function)(getattr(deep, function), hidden=True)
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"✓ {function}: ") for line in lines)
    assert err == ""


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_cases_from_fresh_seeds(function):
    """The trusted grader draws cases from fresh seeds: no seed may fail the reference."""
    spec = get_spec("deep", function)
    for seed in range(8):
        for case in spec.cases(seed=1000 + seed, hidden=True):
            spec.verify(spec.flatten(spec.call(getattr(deep, function), case)), case)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_nbgrader_stub_fails_clearly(function, capfd):
    args = ", ".join(get_spec("deep", function).arg_names)
    if function == "initialize_parameters_deep":
        args = "layer_dims, *, rng"
    source = f"def {function}({args}):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    stub = load(Implementation(function, "stub", source, None, "deep"), {})
    message = failure_message(check_of(function), stub)
    assert "raises NotImplementedError: replace `raise NotImplementedError()`" in message
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("impl", entries(WRONG))
def test_wrong_implementation_fails_with_its_diagnosis(impl, capfd):
    message = failure_message(check_of(impl.function), load(impl, free_names()))
    assert re.search(impl.diagnosis, message, re.IGNORECASE), message
    assert "\n" not in message
    out, err = capfd.readouterr()
    assert err == "" and "✓" not in out


@pytest.mark.parametrize("impl", entries(RIGHT))
def test_right_implementation_passes(impl, capfd):
    fn = load(impl, free_names())
    check_of(impl.function)(fn)
    check_of(impl.function)(fn, hidden=True)
    out, err = capfd.readouterr()
    assert out.count("✓") == 2 and err == ""


@pytest.mark.parametrize("function", FUNCTIONS)
def test_catalogue_size_and_distinct_diagnoses(function):
    wrong, right = WRONG[f"deep.{function}"], RIGHT[f"deep.{function}"]
    assert len(wrong) >= 8 and len(right) >= 3
    assert len({impl.diagnosis for impl in wrong}) >= 5
    assert all(impl.diagnosis for impl in wrong) and not any(i.diagnosis for i in right)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_fast_enough(function):
    check, fn = check_of(function), getattr(deep, function)

    def best_of_three(**kwargs) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            check(fn, **kwargs)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best_of_three() < 0.5
    assert best_of_three(hidden=True) < 2.0


def test_deep_backward_numerical_gradients_agree_with_the_reference():
    """The numerical witness (finite differences of the cost, and of every layer input
    for dA) agrees with the independently tested reference on every hidden case."""
    spec = get_spec("deep", "deep_backward")
    for case in spec.cases(hidden=True):
        AL, Y, caches = case.args
        expected = deep.deep_backward(AL, Y, caches)
        numerical = spec.numerical(case)
        assert set(numerical) == set(expected)
        for key, value in expected.items():
            np.testing.assert_allclose(numerical[key], value, rtol=1e-5, atol=1e-8, err_msg=key)


def test_hidden_cases_cover_deeper_and_shallower_networks_and_m_1():
    cases = get_spec("deep", "deep_backward").cases(hidden=True)
    depths = {len(c.args[2]) for c in cases}
    assert 1 in depths and max(depths) >= 4
    assert 1 in {c.m for c in cases}
    assert {c.args[1].dtype.name for c in cases} == {"float64", "int64", "bool", "uint8"}


def test_initializer_check_leaves_the_global_random_state_alone(capfd):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    checks.check_initialize_parameters_deep(deep.initialize_parameters_deep, hidden=True)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    source = (
        "def initialize_parameters_deep(layer_dims, *, rng):\n"
        "    np.random.seed(1)\n"
        "    return {k: v for l in range(1, len(layer_dims)) for k, v in (\n"
        "        (f'W{l}', rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01),\n"
        "        (f'b{l}', np.zeros((layer_dims[l], 1))))}\n"
    )
    fn = load(Implementation("initialize_parameters_deep", "seeds", source, None, "deep"), {})
    message = failure_message(checks.check_initialize_parameters_deep, fn)
    assert "global np.random state" in message
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # restored
    assert capfd.readouterr().err == ""


def test_initializer_accepts_a_different_order_of_random_calls():
    """Weights drawn last layer first differ from the reference's, and still pass."""
    source = next(i for i in RIGHT["deep.initialize_parameters_deep"] if "first" in i.name)
    fn = load(source, {})
    spec = get_spec("deep", "initialize_parameters_deep")
    case = spec.cases()[0]
    ours, theirs = spec.call(fn, case), spec.call(deep.initialize_parameters_deep, case)
    assert not np.array_equal(ours["first"]["W1"], theirs["first"]["W1"])
    spec.verify(spec.flatten(ours), case)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_trusted_seam_round_trip(function):
    """As the out-of-kernel grader does: call on a case rebuilt from plain data (no
    extra), flatten to plain float64 arrays, verify against the parent's case."""
    spec = get_spec("deep", function)
    for case in spec.cases(seed=77, hidden=True):
        sent = Case(case.name, case.args, m=case.m, hidden=True)
        flat = spec.flatten(spec._call(getattr(deep, function), sent, spec.label(sent))[0])
        assert all(type(v) is np.ndarray and v.dtype == np.float64 for v in flat.values())
        spec.verify(flat, case)


def test_caches_may_be_lists_or_named_tuples():
    source = (
        "def linear_activation_forward(A_prev, W, b, activation):\n"
        "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
        "    A = relu(Z) if activation == 'relu' else sigmoid(Z)\n"
        "    return A, [linear_cache, Z]\n"
    )
    impl = Implementation("linear_activation_forward", "list", source, None, "deep")
    checks.check_linear_activation_forward(load(impl, free_names()), hidden=True)


# --- operator mutants: independent of the catalogue's hand-written mistakes -------------

_SWAP_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.MatMult: ast.Mult}  # fmt: skip
_SWAP_COMPARE = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE,
                 ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}  # fmt: skip
_SWAP_STRING = {"relu": "sigmoid", "sigmoid": "relu"}


def _mutate(node: ast.AST) -> ast.AST | None:
    """One operator mutation of ``node`` in place (None if it has none): swap + - * / @,
    drop a unary minus or a .T, add 1 to a number, swap "relu"/"sigmoid", False for
    True, flip a comparison."""
    if isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BINOP:
        node.op = _SWAP_BINOP[type(node.op)]()
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return node.operand
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        return node.value
    elif isinstance(node, ast.Constant) and node.value is True:
        node.value = False
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        node.value += 1
    elif isinstance(node, ast.Constant) and node.value in _SWAP_STRING:
        node.value = _SWAP_STRING[node.value]
    elif isinstance(node, ast.Compare) and type(node.ops[0]) in _SWAP_COMPARE:
        node.ops = [_SWAP_COMPARE[type(node.ops[0])]()]
    else:
        return None
    return node


def operator_mutants(source: str):
    """Every source that differs from ``source`` by one operator mutation."""
    original = ast.unparse(ast.parse(source))
    for index in range(sum(1 for _ in ast.walk(ast.parse(source)))):
        tree = ast.parse(source)
        node = list(ast.walk(tree))[index]

        class Replace(ast.NodeTransformer):
            def visit(self, visited, node=node):
                return _mutate(visited) or visited if visited is node else super().visit(visited)

        mutated = ast.unparse(Replace().visit(tree))
        if mutated != original:
            yield mutated


def _same_as_reference(spec, fn) -> bool:
    """Does ``fn`` give the reference's outputs on cases from fresh seeds?"""
    for seed in (11, 12, 13):
        for case in spec.cases(seed=seed, hidden=True):
            try:
                got = spec.flatten(spec.call(fn, case))
            except AssertionError:
                return False
            want = spec.expected(case)
            if set(got) != set(want) or not all(
                got[k].shape == want[k].shape and np.allclose(got[k], want[k], 1e-7, 1e-10)
                for k in want
            ):
                return False
    return True


MUTATED = [(m, f) for f in FUNCTIONS[1:] for m in ["deep"]] + [
    ("shallow", f) for f in ("forward_propagation", "compute_cost", "backward_propagation")
]


@pytest.mark.parametrize(("module", "function"), MUTATED, ids=[f"{m}.{f}" for m, f in MUTATED])
def test_operator_mutants_of_right_answers_are_caught_or_equivalent(module, function, capfd):
    """Mutants of every right implementation: the check fails each one, unless the mutant
    computes the reference's outputs anyway (``Z >= 0`` for ``Z > 0``, ``exp(Z)`` inside
    ``s * (1 - s)``, ...). Covers chapter 3 too. The initializer is left out: its check
    tests properties, not values."""
    spec = get_spec(module, function)
    check = getattr(__import__(f"graders.checks.{module}", fromlist=["_"]), f"check_{function}")
    tried = survived = 0
    for impl in RIGHT[f"{module}.{function}"]:
        for source in operator_mutants(impl.source):
            try:
                fn = load(Implementation(function, "mutant", source, None, module), free_names())
            except Exception:
                continue  # not a valid function any more
            tried += 1
            try:
                check(fn, hidden=True)
            except AssertionError:
                continue
            survived += 1
            assert _same_as_reference(spec, fn), f"a wrong mutant passed:\n{source}"
    assert tried >= 8 and survived <= tried // 4
    assert capfd.readouterr().err == ""
