"""End-to-end test of ``dlcourse train --quick``: the real CLI in a fresh process."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import matplotlib.font_manager  # noqa: F401 - builds matplotlib's font cache here, once
import matplotlib.image

# In a fresh environment the first matplotlib process to need fonts builds a cache, and
# logs a warning on stderr if that takes over 5 s (a loaded machine): let that be pytest,
# not the CLI under test, whose stderr must be empty.

PNGS = {
    "logistic_breast_cancer_costs.png",
    "logistic_planar_boundary.png",
    "shallow_planar_boundary.png",
    "shallow_planar_costs.png",
    "deep_digits_costs.png",
    "deep_digits_test_images.png",
}


def _train(out, *extra):
    # One BLAS thread: on a loaded 2-core machine, threaded BLAS on small matrices stalls.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "graders.cli", "train", "--quick", "--out", str(out), *extra],
        capture_output=True, text=True, env=env, timeout=300,
    )


def _accuracies(stdout: str) -> dict[tuple[str, str], tuple[float, float]]:
    found = {}
    for line in stdout.splitlines():
        match = re.match(r"(.+?)\s{2,}(planar|breast cancer|digits >= 5)\s+"
                         r"([\d.]+)%\s+([\d.]+)%\s+(\d+)\s+[\d.]+s$", line)
        if match:
            found[match[1].split(" (")[0].split(" [")[0], match[2]] = (
                float(match[3]) / 100, float(match[4]) / 100)
    return found


def test_train_quick_prints_accuracies_and_writes_the_plots(tmp_path):
    out = tmp_path / "plots"
    result = _train(out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""

    accuracies = _accuracies(result.stdout)
    assert set(accuracies) == {
        ("logistic regression", "planar"),
        ("2-layer network", "planar"),
        ("logistic regression", "breast cancer"),
        ("3-layer network", "digits >= 5"),
    }, result.stdout
    # Even 1/20 of the training learns: well above the 50-63% of always guessing the
    # majority class, except logistic regression on the flower, which no line separates.
    assert accuracies["logistic regression", "breast cancer"][1] > 0.9
    assert accuracies["2-layer network", "planar"][1] > 0.8
    assert accuracies["3-layer network", "digits >= 5"][1] > 0.8
    assert accuracies["logistic regression", "planar"][1] < 0.7
    assert accuracies["2-layer network", "planar"][1] > accuracies["logistic regression",
                                                                   "planar"][1]

    assert {path.name for path in out.iterdir()} == PNGS
    for name in PNGS:
        image = matplotlib.image.imread(out / name)
        assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
        assert image.std() > 0.01  # something was drawn
        assert f"wrote {out / name}" in result.stdout


def test_train_is_reproducible_with_a_seed(tmp_path):
    first = _train(tmp_path / "a", "--seed", "5")
    second = _train(tmp_path / "b", "--seed", "5")
    assert first.returncode == second.returncode == 0
    assert _accuracies(first.stdout) == _accuracies(second.stdout)
