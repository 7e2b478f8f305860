"""Plots for the course: cost curves, decision boundaries, image grids, activations.

Examples are columns: ``X`` has shape ``(n_x, m)``, labels ``Y`` shape ``(1, m)``.
Every function draws into the ``Axes`` it is given and returns it; without one it makes
a new ``matplotlib.figure.Figure`` (not registered with pyplot, so nothing global
changes and nothing accumulates). In a notebook, pass your own::

    fig, ax = plt.subplots()
    plot_costs(costs, ax=ax)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

# Label 0 red, label 1 blue, as in the course's planar plots.
CLASS_COLOURS = ListedColormap(["#d62728", "#1f77b4"])


def plot_costs(
    costs: Sequence[float], ax: Axes | None = None, *, every: int = 100, label: str | None = None
) -> Axes:
    """The cost recorded every ``every`` iterations, against the iteration number.

    Parameters
    ----------
    costs : sequence of float, ``costs[k]`` recorded at iteration ``k * every``
    ax : Axes, optional
    every : int
        Iterations between two recorded costs (the model's ``record_every``).
    label : str, optional
        Legend entry, e.g. the learning rate, to compare several runs on one ``ax``.
    """
    ax = _new_axes() if ax is None else ax
    costs = np.asarray(costs, dtype=np.float64).ravel()
    ax.plot(np.arange(costs.size) * every, costs, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    if label is not None:
        ax.legend()
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X: ArrayLike,
    Y: ArrayLike,
    ax: Axes | None = None,
    *,
    resolution: int = 200,
    margin: float = 1.0,
) -> Axes:
    """Colour the plane by ``predict`` and scatter the examples over it.

    Parameters
    ----------
    predict : callable
        ``predict(points) -> labels``, points of shape (2, k), labels (1, k) of 0 or 1.
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
    ax : Axes, optional
    resolution : int
        Grid points along each axis.
    margin : float
        How far the grid extends beyond the examples.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X has shape {X.shape}, expected (2, m): one point per column")
    if Y.shape != (1, X.shape[1]):
        raise ValueError(f"Y has shape {Y.shape}, expected (1, {X.shape[1]}): one label per column")
    ax = _new_axes() if ax is None else ax
    x0 = np.linspace(X[0].min() - margin, X[0].max() + margin, resolution)
    x1 = np.linspace(X[1].min() - margin, X[1].max() + margin, resolution)
    grid0, grid1 = np.meshgrid(x0, x1)  # (resolution, resolution) each
    points = np.stack([grid0.ravel(), grid1.ravel()])  # (2, resolution**2)
    labels = np.asarray(predict(points), dtype=np.float64)
    if labels.size != points.shape[1]:
        raise ValueError(
            f"predict returned shape {labels.shape} for {points.shape[1]} points, "
            f"expected (1, {points.shape[1]})"
        )
    ax.contourf(grid0, grid1, labels.reshape(grid0.shape), levels=[-0.5, 0.5, 1.5],
                cmap=CLASS_COLOURS, alpha=0.3)
    ax.scatter(X[0], X[1], c=Y.ravel(), cmap=CLASS_COLOURS, vmin=0, vmax=1, s=12,
               edgecolors="k", linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def plot_image_grid(
    X: ArrayLike,
    Y_true: ArrayLike,
    Y_pred: ArrayLike | None = None,
    axes: Sequence[Axes] | np.ndarray | None = None,
    *,
    image_shape: tuple[int, int] = (8, 8),
    classes: Sequence[str] = ("0", "1"),
    columns: int = 8,
) -> np.ndarray:
    """Show images (columns of ``X``) with their true and predicted labels.

    A wrong prediction gets a red title, so misclassified examples stand out.

    Parameters
    ----------
    X : ndarray of shape (n_pixels, m), one flattened (row-major) image per column
    Y_true : ndarray of shape (1, m)
    Y_pred : ndarray of shape (1, m), optional
    axes : sequence of Axes, optional
        One per image to show; the first ``len(axes)`` images are drawn. Without it, a
        new figure shows all m images, ``columns`` per row.
    image_shape : (int, int)
        ``X[:, i].reshape(image_shape)`` is image i.
    classes : (str, str)
        Names of labels 0 and 1.

    Returns
    -------
    axes : ndarray of Axes, the ones drawn into
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != image_shape[0] * image_shape[1]:
        raise ValueError(
            f"X has shape {X.shape}, expected ({image_shape[0] * image_shape[1]}, m): "
            f"one flattened {image_shape[0]}x{image_shape[1]} image per column"
        )
    m = X.shape[1]
    true = np.asarray(Y_true).reshape(-1)
    pred = None if Y_pred is None else np.asarray(Y_pred).reshape(-1)
    for name, labels in (("Y_true", true), ("Y_pred", pred)):
        if labels is not None and labels.size != m:
            raise ValueError(f"{name} has {labels.size} labels, expected {m}: one per image")
    if axes is None:
        rows, cols = max(1, -(-m // columns)), max(1, min(m, columns))
        figure = Figure(figsize=(1.2 * cols, 1.4 * rows), layout="constrained")
        axes = figure.subplots(rows, cols, squeeze=False).ravel()
    axes = np.asarray(axes, dtype=object).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i >= m:
            continue
        ax.imshow(X[:, i].reshape(image_shape), cmap="gray_r", interpolation="nearest")
        title = f"true {classes[int(true[i])]}"
        wrong = pred is not None and pred[i] != true[i]
        if pred is not None:
            title += f"\npred {classes[int(pred[i])]}"
        ax.set_title(title, fontsize=8, color="#d62728" if wrong else "black")
    return axes


def plot_activations(ax: Axes | None = None, *, z_range: float = 4.0) -> Axes:
    """Sigmoid, tanh, ReLU and leaky ReLU (solid) with their derivatives (dashed)."""
    from dlnotes import activations  # deferred: plotting is a tool, activations a chapter

    ax = _new_axes() if ax is None else ax
    Z = np.linspace(-z_range, z_range, 401).reshape(1, -1)  # (1, 401)
    ones = np.ones_like(Z)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        g = getattr(activations, name)
        g_backward = getattr(activations, f"{name}_backward")
        (line,) = ax.plot(Z[0], g(Z)[0], label=name)
        ax.plot(Z[0], g_backward(ones, Z)[0], linestyle="--", color=line.get_color())
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_xlabel("z")
    ax.legend()
    return ax


def _new_axes() -> Axes:
    return Figure(figsize=(5, 3.5), layout="constrained").add_subplot()
