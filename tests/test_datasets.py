"""Tests for dlnotes.datasets and the shipped files in data/."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes import datasets

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = ("breast_cancer.npz", "digits.npz", "faces.npz", "digit_pairs.npz")


# --- planar ------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), half=st.integers(1, 300))
def test_planar_shapes_and_balance(seed, half):
    X, Y = datasets.load_planar(np.random.default_rng(seed), m=2 * half)
    assert X.shape == (2, 2 * half) and Y.shape == (1, 2 * half)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert Y.sum() == half
    # Points lie on the petals r = 4 sin(4t) plus noise of standard deviation 0.2.
    assert np.all(np.linalg.norm(X, axis=0) < 4 + 0.2 * 8)


def test_planar_is_reproducible_and_leaves_the_global_rng_alone():
    state = np.random.get_state()[1].copy()
    a = datasets.load_planar(np.random.default_rng(7))
    b = datasets.load_planar(np.random.default_rng(7))
    c = datasets.load_planar(np.random.default_rng(8))
    assert np.array_equal(a[0], b[0]) and not np.array_equal(a[0], c[0])
    assert np.array_equal(np.random.get_state()[1], state)


def test_planar_is_not_linearly_separable():
    # The best straight line through the origin, searched over 360 angles, misclassifies
    # at least a quarter of the points (the petals of each class face each other).
    X, Y = datasets.load_planar(np.random.default_rng(0))
    best = 0.0
    for angle in np.linspace(0, 2 * np.pi, 360, endpoint=False):
        side = (np.cos(angle) * X[0] + np.sin(angle) * X[1] > 0).astype(float)
        best = max(best, float(np.mean(side == Y[0])))
    assert best < 0.75


@pytest.mark.parametrize("m", [0, 3, 401, 2.5])
def test_planar_rejects_odd_sizes(m):
    with pytest.raises(ValueError, match="expected an even number"):
        datasets.load_planar(np.random.default_rng(0), m=m)


# --- breast cancer -----------------------------------------------------------------------


def test_breast_cancer_shapes_and_labels():
    data = datasets.load_breast_cancer()
    assert data.train_X.shape == (30, 456) and data.train_Y.shape == (1, 456)
    assert data.test_X.shape == (30, 113) and data.test_Y.shape == (1, 113)
    assert data.classes == ("benign", "malignant")
    # The UCI description: 212 malignant, 357 benign.
    assert data.train_Y.sum() + data.test_Y.sum() == 212
    labels = np.concatenate([data.train_Y, data.test_Y], axis=1)
    assert set(np.unique(labels)) == {0.0, 1.0}


def test_breast_cancer_is_standardised_with_training_statistics():
    data = datasets.load_breast_cancer()
    np.testing.assert_allclose(data.train_X.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(data.train_X.std(axis=1), 1, rtol=1e-12)
    # The test set went through the same transformation, not its own.
    raw = np.load(DATA / "breast_cancer.npz")
    mean = raw["train_X"].mean(axis=1, keepdims=True)
    std = raw["train_X"].std(axis=1, keepdims=True)
    np.testing.assert_allclose(data.test_X * std + mean, raw["test_X"], rtol=1e-12, atol=1e-12)
    assert np.abs(data.test_X.mean(axis=1)).max() > 1e-3


def test_breast_cancer_split_has_no_overlap():
    raw = np.load(DATA / "breast_cancer.npz")
    train = {tuple(column) for column in raw["train_X"].T}
    test = {tuple(column) for column in raw["test_X"].T}
    assert len(train) == 456 and len(test) == 113 and not train & test


# --- digits ------------------------------------------------------------------------------


def test_digits_shapes_range_and_labels():
    data = datasets.load_digits()
    assert data.train_X.shape == (64, 1438) and data.test_X.shape == (64, 359)
    assert data.train_Y.shape == (1, 1438) and data.test_Y.shape == (1, 359)
    for X in (data.train_X, data.test_X):
        assert X.min() == 0.0 and X.max() == 1.0
    train_digits, test_digits = datasets.load_digit_labels()
    assert np.array_equal(data.train_Y, (train_digits >= 5).astype(float))
    assert np.array_equal(data.test_Y, (test_digits >= 5).astype(float))
    # Stratified by digit: every digit appears in both splits, in similar shares.
    for digits in (train_digits, test_digits):
        counts = np.bincount(digits.ravel(), minlength=10)
        assert counts.min() > 0.08 * digits.size and counts.max() < 0.12 * digits.size


# --- faces ---------------------------------------------------------------------------------


def test_faces_are_raw_images_with_a_balanced_fixed_split():
    train_x_orig, train_y, test_x_orig, test_y = datasets.load_faces()
    assert train_x_orig.shape == (160, 25, 25) and test_x_orig.shape == (40, 25, 25)
    assert train_y.shape == (1, 160) and test_y.shape == (1, 40)
    # Not flattened, not scaled: the learner does both.
    assert train_x_orig.dtype == np.uint8 and test_x_orig.dtype == np.uint8
    assert train_y.dtype == np.float64 and test_y.dtype == np.float64
    for images in (train_x_orig, test_x_orig):
        assert images.min() == 0 and images.max() == 255
    # Stratified: half of each split are faces.
    assert set(np.unique(train_y)) == {0.0, 1.0} and set(np.unique(test_y)) == {0.0, 1.0}
    assert train_y.sum() == 80 and test_y.sum() == 20
    assert datasets.FACES_CLASSES == ("non-face", "face")


def test_faces_split_has_no_overlap_and_covers_the_source():
    raw = np.load(DATA / "faces.npz")
    train, test = raw["train_index"].astype(int), raw["test_index"].astype(int)
    assert sorted(np.concatenate([train, test])) == list(range(200))
    # The source holds 100 faces, then 100 non-faces.
    assert np.array_equal(raw["train_y"][0], (train < 100).astype(np.uint8))
    assert np.array_equal(raw["test_y"][0], (test < 100).astype(np.uint8))
    # No image is in both splits (nor twice in one).
    images = {image.tobytes() for image in np.concatenate([raw["train_x"], raw["test_x"]])}
    assert len(images) == 200


def test_faces_look_different_from_backgrounds():
    # A sanity check of the labels: the mean face is not the mean background patch.
    train_x_orig, train_y, _, _ = datasets.load_faces()
    faces = train_x_orig[train_y[0] == 1].astype(float).mean(axis=0)
    others = train_x_orig[train_y[0] == 0].astype(float).mean(axis=0)
    assert np.abs(faces - others).mean() > 10


# --- digit pairs ---------------------------------------------------------------------------


def test_digit_pairs_are_raw_images_with_a_fixed_split():
    train_x_orig, train_y, test_x_orig, test_y = datasets.load_digit_pairs()
    assert train_x_orig.shape == (4000, 10, 20) and test_x_orig.shape == (1000, 10, 20)
    assert train_y.shape == (1, 4000) and test_y.shape == (1, 1000)
    # Not flattened, not scaled: the learner does both.
    assert train_x_orig.dtype == np.uint8 and test_x_orig.dtype == np.uint8
    assert train_y.dtype == np.float64 and test_y.dtype == np.float64
    for images in (train_x_orig, test_x_orig):
        assert images.min() == 0 and images.max() == 255
    for labels in (train_y, test_y):
        assert set(np.unique(labels)) == {0.0, 1.0} and 0.45 < labels.mean() < 0.55
    assert datasets.DIGIT_PAIRS_CLASSES == ("different parity", "same parity")


def test_digit_pair_labels_are_the_parity_of_the_two_digits():
    _, train_y, _, test_y = datasets.load_digit_pairs()
    train_digits, test_digits = datasets.load_digit_pair_digits()
    for digits, labels in ((train_digits, train_y), (test_digits, test_y)):
        assert digits.shape == (2, labels.shape[1]) and digits.max() == 9
        assert np.array_equal(labels[0], (digits[0] % 2 == digits[1] % 2).astype(float))
        # Every digit appears on both sides, in similar shares.
        for side in digits:
            counts = np.bincount(side, minlength=10)
            assert counts.min() > 0.05 * side.size and counts.max() < 0.15 * side.size


def test_no_handwritten_digit_is_in_both_splits():
    raw = np.load(DATA / "digit_pairs.npz")
    train, test = raw["train_source"], raw["test_source"]
    assert not set(train.ravel()) & set(test.ravel())
    assert train.max() < 5000 and test.max() < 5000
    # Two different images in every pair, and each source row is always the same image.
    assert np.all(train[0] != train[1]) and np.all(test[0] != test[1])
    seen = {}
    for part in ("train", "test"):
        for side in (0, 1):
            halves = raw[f"{part}_x"][:, :, 10 * side : 10 * side + 10]
            for source, image in zip(raw[f"{part}_source"][side], halves, strict=True):
                assert seen.setdefault(int(source), image.tobytes()) == image.tobytes()


# --- checksums and damaged files ------------------------------------------------------------


def test_shipped_files_match_the_recorded_checksums():
    readme = (DATA / "README.md").read_text()
    for name in FILES:
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert datasets.CHECKSUMS[name] == digest
        section = readme.split(f"## {name}")[1].split("## ")[0]
        assert re.search(rf"SHA-256:\*\* `{digest}`", section)


def test_a_missing_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("DLNOTES_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="data file breast_cancer.npz is missing"):
        datasets.load_breast_cancer()


@pytest.mark.parametrize(
    ("name", "loader"),
    [
        ("digits.npz", "load_digits"),
        ("breast_cancer.npz", "load_breast_cancer"),
        ("faces.npz", "load_faces"),
        ("digit_pairs.npz", "load_digit_pairs"),
    ],
)
def test_a_corrupted_file_is_named(tmp_path, monkeypatch, name, loader):
    content = bytearray((DATA / name).read_bytes())
    content[len(content) // 2] ^= 0x01  # one flipped bit
    (tmp_path / name).write_bytes(bytes(content))
    monkeypatch.setenv("DLNOTES_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=f"data file {re.escape(name)} is corrupted"):
        getattr(datasets, loader)()


def test_data_dir_follows_the_environment(tmp_path, monkeypatch):
    for name in FILES:
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.setenv("DLNOTES_DATA", str(tmp_path))
    assert datasets.data_dir() == tmp_path
    assert datasets.load_digits().train_X.shape == (64, 1438)


def test_build_script_reproduces_the_shipped_files(tmp_path):
    spec = importlib.util.spec_from_file_location("data_build", DATA / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    checksums = build.build(tmp_path)
    assert checksums == datasets.CHECKSUMS
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes()
