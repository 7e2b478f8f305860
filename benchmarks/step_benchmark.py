"""How close is one training step of the reference to the cost of its matrix products?

    python benchmarks/step_benchmark.py [--repeats N] [--quick]

One step of ``dlnotes.deep`` = ``deep_forward``, ``compute_cost``, ``deep_backward``,
``update_parameters``, in float64. Almost all its arithmetic is in 3 matrix products
per layer: ``Z = W @ A_prev`` forward, ``dW = dZ @ A_prev.T`` and ``dA_prev = W.T @ dZ``
backward (``dA0`` included, as the reference computes it). The benchmark times those
3L products alone, on operands of the same shapes, and prints the step's time as a
ratio of theirs: everything above 1.0 is the cost of the rest (activations, the cost,
biases, validation, copies). When PyTorch is importable it also times the same step in
PyTorch on the CPU (float64, ``X.requires_grad = True`` so that it computes ``dA0``
too) for comparison, and the same products in PyTorch: its BLAS may differ from numpy's.

Timings are medians over ``--repeats`` rounds (the best round is printed too); each
round times the products, the reference and PyTorch back to back, so that load from
other processes affects all three alike. On a shared machine, multi-threaded BLAS swings
wildly (a thread descheduled stalls the product); pin one thread for stabler ratios::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/step_benchmark.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from dlnotes import deep  # noqa: E402

try:
    import torch
except ImportError:  # optional comparison
    torch = None

NETWORKS = (([12288, 20, 7, 5, 1], 209), ([784, 128, 64, 1], 10_000), ([1024, 512, 512, 1], 4096))


def make_problem(layer_dims: list[int], m: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    parameters = deep.initialize_parameters_deep(layer_dims, rng=rng, scale="he")
    X = rng.random((layer_dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return parameters, X, Y


def reference_step(parameters, X, Y, learning_rate=0.01):
    AL, caches = deep.deep_forward(X, parameters)
    deep.compute_cost(AL, Y)
    grads = deep.deep_backward(AL, Y, caches)
    return deep.update_parameters(parameters, grads, learning_rate)


def products_step(parameters, X, Y, to_array=np.asarray):
    """Returns a function computing only the step's 3L matrix products, on fixed operands.

    ``to_array`` converts the operands (``torch.from_numpy`` times PyTorch's products).
    """
    AL, caches = deep.deep_forward(X, parameters)
    grads = deep.deep_backward(AL, Y, caches)
    L = len(caches)
    operands = []
    for l in range(1, L + 1):
        A_prev, W, _ = caches[l - 1].linear_cache
        dZ = np.ones((W.shape[0], X.shape[1])) * 0.5  # any values: the products' cost
        operands.append(tuple(map(to_array, (W, A_prev, dZ))))

    def run():
        for W, A_prev, _ in operands:
            W @ A_prev  # Z
        for W, A_prev, dZ in reversed(operands):
            dZ @ A_prev.T  # dW
            W.T @ dZ  # dA_prev, dA0 included

    del grads
    return run


def torch_step(parameters, X, Y, learning_rate=0.01):
    """The same step in PyTorch (float64, CPU); returns a function running one step."""
    L = len(parameters) // 2
    Ws = [torch.tensor(parameters[f"W{l}"], requires_grad=True) for l in range(1, L + 1)]
    bs = [torch.tensor(parameters[f"b{l}"], requires_grad=True) for l in range(1, L + 1)]
    Xt = torch.tensor(X, requires_grad=True)
    Yt = torch.tensor(Y)

    def run():
        A = Xt
        for l in range(L):
            Z = Ws[l] @ A + bs[l]
            A = torch.sigmoid(Z) if l == L - 1 else torch.relu(Z)
        cost = torch.nn.functional.binary_cross_entropy(A, Yt)
        for tensor in (*Ws, *bs, Xt):
            tensor.grad = None
        cost.backward()
        with torch.no_grad():
            return [W - learning_rate * W.grad for W in Ws], [b - learning_rate * b.grad
                                                            for b in bs], Xt.grad

    return run


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def benchmark(layer_dims, m, repeats: int) -> dict[str, float]:
    parameters, X, Y = make_problem(layer_dims, m)
    runs = {
        "products": products_step(parameters, X, Y),
        "reference": lambda: reference_step(parameters, X, Y),
    }
    if torch is not None:
        runs["torch"] = torch_step(parameters, X, Y)
        runs["torch products"] = products_step(parameters, X, Y, torch.from_numpy)
    for run in runs.values():  # warm up: first calls allocate
        run()
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(seconds(run))
    medians = {name: statistics.median(values) for name, values in times.items()}
    bests = {f"best {name}": min(values) for name, values in times.items()}
    return medians | bests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 repeats, for a smoke test")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else args.repeats
    print(f"median of {repeats} rounds; numpy {np.__version__}"
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else
             ", torch not installed"))
    header = f"{'network':<22} {'m':>6} {'products':>10} {'reference':>10} {'ratio':>6}"
    header += f" {'(best)':>6}"
    if torch is not None:
        header += f" {'torch':>10} {'ref/torch':>9} {'(best)':>6} {'products/torch products':>23}"
    print(header)
    for layer_dims, m in NETWORKS:
        t = benchmark(layer_dims, m, repeats)
        row = (f"{str(layer_dims):<22} {m:>6} {t['products'] * 1e3:>8.1f}ms "
               f"{t['reference'] * 1e3:>8.1f}ms {t['reference'] / t['products']:>6.2f} "
               f"{t['best reference'] / t['best products']:>6.2f}")
        if torch is not None:
            row += (f" {t['torch'] * 1e3:>8.1f}ms {t['reference'] / t['torch']:>9.2f} "
                    f"{t['best reference'] / t['best torch']:>6.2f} "
                    f"{t['products'] / t['torch products']:>23.2f}")
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
