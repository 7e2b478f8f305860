"""``dlcourse train``: train the reference models on the shipped data and save the plots.

Trains, with ``dlnotes`` alone: logistic regression on the breast cancer set (chapter
2), logistic regression and a 2-layer network on the planar flower (chapter 3), and an
L-layer network on the 8x8 digits (chapter 5). Prints a table of train/test accuracy
and writes cost curves, decision boundaries and a grid of test images as PNG files.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graders.commands._checks import output_folder

if TYPE_CHECKING:  # numpy is imported by the functions that run: `dlcourse --help` stays light
    import numpy as np

HELP = "train the reference models on the shipped data; print accuracies, save plots"

# Hyper-parameters of the full run; --quick divides the iterations by QUICK_FACTOR.
LOGISTIC = {"num_iterations": 2000, "learning_rate": 0.5}
SHALLOW = {"n_h": 4, "num_iterations": 10_000, "learning_rate": 1.2}
DEEP = {"layer_dims": [64, 32, 16, 1], "num_iterations": 3000, "learning_rate": 0.1}
QUICK_FACTOR = 20


@dataclass(frozen=True)
class Row:
    model: str
    data: str
    train_accuracy: float  # fraction in [0, 1]
    test_accuracy: float
    iterations: int
    seconds: float


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="folder for the PNG files (default ./out)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_FACTOR}x fewer iterations: a smoke test, not a result")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random generator")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    output_folder(args.out, "--out")
    rng = np.random.default_rng(args.seed)
    factor = QUICK_FACTOR if args.quick else 1
    rows = [
        *train_planar(args.out, rng, factor),
        train_breast_cancer(args.out, factor),
        train_digits(args.out, rng, factor),
    ]
    print(format_table(rows))
    for path in sorted(args.out.glob("*.png")):
        print(f"wrote {path}")
    return 0


def train_breast_cancer(out: Path, factor: int) -> Row:
    from dlnotes import datasets, logistic, plotting

    data = datasets.load_breast_cancer()
    iterations = LOGISTIC["num_iterations"] // factor
    start = time.perf_counter()
    result = logistic.model(data.train_X, data.train_Y, data.test_X, data.test_Y,
                            iterations, LOGISTIC["learning_rate"], record_every=10)
    seconds = time.perf_counter() - start
    ax = plotting.plot_costs(result["costs"], every=10,
                             label=f"learning rate {LOGISTIC['learning_rate']}")
    ax.set_title("Logistic regression, breast cancer")
    _save(ax, out / "logistic_breast_cancer_costs.png")
    return Row("logistic regression", "breast cancer", result["train_accuracy"],
               result["test_accuracy"], iterations, seconds)


def train_planar(out: Path, rng: np.random.Generator, factor: int) -> list[Row]:
    from dlnotes import datasets, logistic, plotting, shallow

    X, Y = datasets.load_planar(rng)
    X_test, Y_test = datasets.load_planar(rng)  # fresh points from the same flower
    rows = []

    iterations = LOGISTIC["num_iterations"] // factor
    start = time.perf_counter()
    result = logistic.model(X, Y, X_test, Y_test, iterations, LOGISTIC["learning_rate"])
    seconds = time.perf_counter() - start
    ax = plotting.plot_decision_boundary(lambda P: logistic.predict(result["w"], result["b"], P),
                                         X, Y)
    ax.set_title("Logistic regression: a straight boundary")
    _save(ax, out / "logistic_planar_boundary.png")
    rows.append(Row("logistic regression", "planar", result["train_accuracy"],
                    result["test_accuracy"], iterations, seconds))

    iterations = SHALLOW["num_iterations"] // factor
    start = time.perf_counter()
    parameters, costs = shallow.nn_model(X, Y, SHALLOW["n_h"], iterations,
                                         SHALLOW["learning_rate"], rng=rng, record_every=100)
    seconds = time.perf_counter() - start
    ax = plotting.plot_decision_boundary(lambda P: shallow.predict(parameters, P), X, Y)
    ax.set_title(f"2-layer network, {SHALLOW['n_h']} tanh hidden units")
    _save(ax, out / "shallow_planar_boundary.png")
    _save(plotting.plot_costs(costs, every=100), out / "shallow_planar_costs.png")
    rows.append(Row(f"2-layer network (n_h={SHALLOW['n_h']})", "planar",
                    _accuracy(shallow.predict(parameters, X), Y),
                    _accuracy(shallow.predict(parameters, X_test), Y_test), iterations, seconds))
    return rows


def train_digits(out: Path, rng: np.random.Generator, factor: int) -> Row:
    import numpy as np
    from matplotlib.figure import Figure

    from dlnotes import datasets, deep, plotting

    data = datasets.load_digits()
    iterations = DEEP["num_iterations"] // factor
    start = time.perf_counter()
    start_parameters = deep.initialize_parameters_deep(DEEP["layer_dims"], rng=rng, scale="he")
    parameters, costs = deep.deep_model(data.train_X, data.train_Y, start_parameters,
                                        DEEP["learning_rate"], iterations, record_every=10)
    seconds = time.perf_counter() - start
    ax = plotting.plot_costs(costs, every=10)
    ax.set_title(f"L-layer network {DEEP['layer_dims']}, digits 0-4 vs 5-9")
    _save(ax, out / "deep_digits_costs.png")

    predicted = deep.predict(parameters, data.test_X)
    # Misclassified test images first, then correct ones, 24 in all.
    order = np.argsort(predicted[0] == data.test_Y[0], kind="stable")[:24]
    figure = Figure(figsize=(9.6, 4.8), layout="constrained")
    axes = figure.subplots(3, 8)
    plotting.plot_image_grid(data.test_X[:, order], data.test_Y[:, order],
                             predicted[:, order], axes, classes=data.classes)
    figure.suptitle("Test images, mistakes first (red)")
    figure.savefig(out / "deep_digits_test_images.png")
    return Row(f"{len(DEEP['layer_dims']) - 1}-layer network {DEEP['layer_dims']}",
               "digits >= 5", _accuracy(deep.predict(parameters, data.train_X), data.train_Y),
               _accuracy(predicted, data.test_Y), iterations, seconds)


def format_table(rows: list[Row]) -> str:
    lines = [f"{'model':<36} {'data':<14} {'train':>7} {'test':>7} {'iterations':>10} "
             f"{'time':>7}"]
    for row in rows:
        lines.append(f"{row.model:<36} {row.data:<14} {row.train_accuracy:>7.1%} "
                     f"{row.test_accuracy:>7.1%} {row.iterations:>10} {row.seconds:>6.1f}s")
    return "\n".join(lines)


def _accuracy(predicted: np.ndarray, Y: np.ndarray) -> float:
    import numpy as np

    return float(np.mean(predicted == Y))


def _save(ax, path: Path) -> None:
    ax.figure.savefig(path)
