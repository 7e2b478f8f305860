"""From stored images to the network's input: one column of pixels per image, in [0, 1].

Images are stored as ``uint8`` arrays of shape ``(m, h, w)``, one image per row of the
first axis, pixel values 0 (black) to 255 (white). A network takes examples as columns:
``X`` of shape ``(n_x, m)`` with ``n_x = h * w``, pixel values scaled to [0, 1].
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def flatten_images(images: ArrayLike) -> Array:
    """Flatten ``(m, h, w)`` uint8 images into the columns of an ``(h * w, m)`` float matrix.

    Column ``i`` is image ``i``'s pixels in row-major order (``X[:, i].reshape(h, w)`` is
    ``images[i] / 255``), divided by 255 so that they lie in [0, 1].

    Parameters
    ----------
    images : ndarray of uint8, shape (m, h, w), values 0-255

    Returns
    -------
    X : ndarray of float64, shape (h * w, m), values in [0, 1]
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images has shape {images.shape}, expected (m, h, w)")
    m = images.shape[0]
    return images.reshape(m, -1).T / 255.0
