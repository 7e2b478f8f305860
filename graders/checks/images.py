"""Check for chapter 5's ``flatten_images(images: (m, h, w) uint8) -> X: (h * w, m) in [0, 1]``.

No shape is square and ``m != h * w``, so a transposed answer shows in its shape. The
usual mistakes: the examples as rows ``(m, h * w)``; ``reshape(h * w, m)`` without the
transpose, which has the right shape but mixes pixels of different images in a column (the
classic mistake: it is right only for m = 1); integer division or no scaling; scaling by
256 or by the largest pixel (a dark set of images then looks brighter); arithmetic in uint8,
which wraps around above 255; the pixels of a column in column-major (Fortran) order.
Cases: several sizes, m = 1, dark images (largest pixel below 255), all-0 and all-255.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import images as ref
from graders.checks._check import make_check
from graders.checks._diagnose import mistake
from graders.checks._outputs import Array
from graders.checks._spec import Case, Spec
from graders.checks._tamper import seal

# (name, (m, h, w), brightest pixel; None: every pixel that value)
_VISIBLE = (
    ("4 images of 3x5", (4, 3, 5), 255),
    ("m = 1", (1, 2, 3), 255),
    ("dark images, brightest pixel 180", (3, 4, 2), 180),
    ("all black (0)", (2, 3, 4), 0),
    ("all white (255)", (3, 2, 5), None),
)
_HIDDEN = (
    ("6 images of 4x7", (6, 4, 7), 255),
    ("m = 1, 5x2", (1, 5, 2), 255),
    ("10x20 like the digit pairs", (7, 10, 20), 255),
    ("dark images, brightest pixel 90", (5, 3, 2), 90),
    ("all black (0)", (3, 1, 6), 0),
    ("all white (255)", (2, 6, 3), None),
)


def _images(rng: np.random.Generator, shape: tuple[int, int, int], top: int | None):
    if top is None:
        return np.full(shape, 255, dtype=np.uint8)
    images = rng.integers(0, top + 1, size=shape).astype(np.uint8)
    if top:
        images.flat[0], images.flat[-1] = top, 0  # the range's ends, whatever the draw
    return images


def _cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [
        Case(name, (_images(rng, shape, top),), m=shape[0])
        for name, shape, top in (_HIDDEN if hidden else _VISIBLE)
    ]


def _scaling(rng: np.random.Generator, m: int) -> Case:
    return Case(f"m={m}", (_images(rng, (m, 3, 4), 255),), m=m)


def _rows(images):
    return images.reshape(images.shape[0], -1)  # (m, h * w)


FLATTEN_IMAGES = Spec(
    arg_names=("images",),
    reference=ref.flatten_images,
    make_cases=_cases,
    output=Array("X"),
    diagnoses=(
        mistake(
            "X has shape {got_shape}, one image per row: examples are the columns, so X "
            "must be (h * w, m) = {expected_shape}; transpose the (m, h * w) matrix",
            lambda images: _rows(images) / 255,
        ),
        mistake(
            "X has the right shape but each column mixes pixels of several images: "
            "reshape(h * w, m) fills X row by row, from image 0's pixels first; flatten each "
            "image to a row, (m, h * w), and then transpose",
            lambda images: images.reshape(-1, images.shape[0]) / 255,
        ),
        mistake(
            "X's pixels are in column-major (Fortran) order: X[:, i].reshape(h, w) must be "
            "image i, so flatten each image row by row (numpy's default order, 'C')",
            lambda images: images.reshape(images.shape[0], -1, order="F").T / 255,
        ),
        mistake(
            "X holds only 0 and 1: // is integer (floor) division; divide with /",
            lambda images: _rows(images).T // 255,
        ),
        mistake(
            "X holds the pixels unscaled (0-255): divide by 255 to bring them to [0, 1]",
            lambda images: _rows(images).T,
        ),
        mistake(
            "X is divided by 256: pixels go from 0 to 255, so divide by 255 (white is 1.0)",
            lambda images: _rows(images).T / 256,
        ),
        mistake(
            "X is divided by the brightest pixel of the images: scale by 255, the largest "
            "value a pixel can take, so that the same pixel value means the same input in "
            "every set of images (the dark case's brightest pixel is below 255)",
            lambda images: _rows(images).T / images.max(),
        ),
        mistake(
            "X is divided by each image's brightest pixel: scale every image by 255, the "
            "largest value a pixel can take",
            lambda images: _rows(images).T / images.max(axis=(1, 2)),
        ),
        mistake(
            "X's values wrapped around: arithmetic on uint8 pixels (here * 100) keeps the "
            "result in 0-255 and wraps larger values; convert to float first (or just / 255)",
            lambda images: _rows(images).T * np.uint8(100) / 25500,
        ),
    ),
    scaling_case=_scaling,
)
check_flatten_images = make_check(FLATTEN_IMAGES)

seal(sys.modules[__name__])
seal(ref)
