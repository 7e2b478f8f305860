"""Does depth help on data/faces.npz? The reference 2-layer and L-layer networks, side by side.

    OPENBLAS_NUM_THREADS=1 python benchmarks/faces_depth.py [--seeds 5] [--resplits 0]

Trains ``dlnotes.shallow.nn_model`` (tanh hidden layer, weights ``randn * 0.01``) and
``dlnotes.deep.deep_model`` (ReLU hidden layers, He initialisation) on the flattened,
/255-scaled images of :func:`dlnotes.datasets.load_faces`, once per seed, and prints train and
test accuracy and training seconds of each run, then the mean and spread over the seeds.

The shipped test set has 40 images, so one image is 2.5 points of accuracy. ``--resplits N``
also trains both networks on N other stratified 160/40 splits of the 200 images (seed i for
split i) and prints the paired difference, to tell a real difference from the luck of one
split.

Measured (2 cores, OPENBLAS_NUM_THREADS=1, a loaded machine): **depth does not help on this
set.** On the shipped split both networks reach 100% train and 95.0% test for every seed 0-4
(the same 2 of 40 test images wrong; logistic regression also gets 95.0%), in about 2 s
(2-layer) and 5 s (L-layer). Over 20 other splits: 2-layer test 96.1% (sd 3.5), L-layer
96.3% (sd 3.1), paired difference +0.1 points (sd 1.5; better on 2, worse on 2, tied on 16).
Faces against background patches are nearly linearly separable at 25x25.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from dlnotes import datasets, deep, shallow

# Settings that train both networks to 100% train accuracy well within 20 s each.
SHALLOW = {"n_h": 7, "num_iterations": 2000, "learning_rate": 1.2}
DEEP = {"layer_dims": [625, 20, 7, 5, 1], "num_iterations": 2000, "learning_rate": 0.05}


def flatten_and_scale(images: np.ndarray) -> np.ndarray:
    """(m, 25, 25) uint8 images to (625, m) float64 columns in [0, 1]."""
    return images.reshape(images.shape[0], -1).T / 255.0


def accuracy(predictions: np.ndarray, Y: np.ndarray) -> float:
    return float(np.mean(predictions == Y))


def train_both(Xtr, Ytr, Xte, Yte, seed: int) -> dict[str, tuple[float, float, float]]:
    """{model: (train accuracy, test accuracy, seconds)} for one seed."""
    out = {}
    start = time.perf_counter()
    params, _ = shallow.nn_model(
        Xtr,
        Ytr,
        SHALLOW["n_h"],
        SHALLOW["num_iterations"],
        SHALLOW["learning_rate"],
        rng=np.random.default_rng(seed),
    )
    seconds = time.perf_counter() - start
    out["2-layer"] = (
        accuracy(shallow.predict(params, Xtr), Ytr),
        accuracy(shallow.predict(params, Xte), Yte),
        seconds,
    )
    start = time.perf_counter()
    params, _ = deep.deep_model(
        Xtr,
        Ytr,
        deep.initialize_parameters_deep(
            DEEP["layer_dims"], rng=np.random.default_rng(seed), scale="he"
        ),
        DEEP["learning_rate"],
        DEEP["num_iterations"],
    )
    seconds = time.perf_counter() - start
    out["L-layer"] = (
        accuracy(deep.predict(params, Xtr), Ytr),
        accuracy(deep.predict(params, Xte), Yte),
        seconds,
    )
    return out


def resplit(X: np.ndarray, Y: np.ndarray, seed: int, n_test: int = 20):
    """Another stratified split of all the images: n_test of each label for testing."""
    rng = np.random.default_rng(seed)
    test = np.sort(
        np.concatenate([rng.permutation(np.flatnonzero(Y[0] == c))[:n_test] for c in (0, 1)])
    )
    train = np.setdiff1d(np.arange(Y.shape[1]), test)
    return X[:, train], Y[:, train], X[:, test], Y[:, test]


def summary(name: str, rows: list[tuple[float, float, float]]) -> str:
    rows = np.array(rows)
    return (
        f"{name:8s} train {rows[:, 0].mean():6.1%} (min {rows[:, 0].min():6.1%})   "
        f"test {rows[:, 1].mean():6.1%} (sd {rows[:, 1].std():4.1%}, "
        f"{rows[:, 1].min():5.1%}-{rows[:, 1].max():5.1%})   {rows[:, 2].mean():5.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--resplits", type=int, default=0)
    args = parser.parse_args(argv)
    warnings.simplefilter("error", RuntimeWarning)

    train_x_orig, train_y, test_x_orig, test_y = datasets.load_faces()
    Xtr, Xte = flatten_and_scale(train_x_orig), flatten_and_scale(test_x_orig)
    print(f"faces: train {Xtr.shape}, test {Xte.shape}")
    print(f"2-layer {SHALLOW}\nL-layer {DEEP}, He initialisation\n")

    print("shipped split (160 train, 40 test), one run per seed:")
    results: dict[str, list] = {"2-layer": [], "L-layer": []}
    for seed in range(args.seeds):
        run = train_both(Xtr, train_y, Xte, test_y, seed)
        for name, row in run.items():
            results[name].append(row)
            print(
                f"  seed {seed}  {name:8s} train {row[0]:6.1%}  test {row[1]:6.1%}  {row[2]:.1f} s"
            )
    for name, rows in results.items():
        print(summary(name, rows))

    if args.resplits:
        X = np.concatenate([Xtr, Xte], axis=1)
        Y = np.concatenate([train_y, test_y], axis=1)
        print(f"\n{args.resplits} other stratified 160/40 splits, seed i for split i:")
        again: dict[str, list] = {"2-layer": [], "L-layer": []}
        for i in range(args.resplits):
            for name, row in train_both(*resplit(X, Y, 1000 + i), seed=i).items():
                again[name].append(row)
        for name, rows in again.items():
            print(summary(name, rows))
        diff = np.array([d[1] for d in again["L-layer"]]) - [s[1] for s in again["2-layer"]]
        print(
            f"L-layer minus 2-layer, test accuracy: mean {diff.mean():+.1%}, "
            f"sd {diff.std():.1%}, L-layer better on {int((diff > 0).sum())}, "
            f"worse on {int((diff < 0).sum())}, tied on {int((diff == 0).sum())} splits"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
