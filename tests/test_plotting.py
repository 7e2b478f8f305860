"""Tests for dlnotes.plotting: every plot draws into the Axes it gets and returns it."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib._pylab_helpers import Gcf  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dlnotes import plotting  # noqa: E402


def _axes():
    return Figure().add_subplot()


def _rendered(figure: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)  # (height, width, 3)


def test_plot_costs_draws_into_the_given_axes():
    ax = _axes()
    assert plotting.plot_costs([0.7, 0.5, 0.4], ax=ax, every=50) is ax
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [0, 50, 100]
    assert line.get_ydata().tolist() == [0.7, 0.5, 0.4]
    assert ax.get_xlabel() == "iteration" and ax.get_ylabel() == "cost"
    assert ax.get_legend() is None


def test_plot_costs_compares_runs_with_labels():
    ax = _axes()
    plotting.plot_costs([1.0, 0.5], ax=ax, label="lr 0.01")
    plotting.plot_costs([1.0, 0.2], ax=ax, label="lr 0.1")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["lr 0.01", "lr 0.1"]


def test_no_axes_means_a_new_figure_outside_pyplot():
    before = Gcf.get_num_fig_managers()
    ax = plotting.plot_costs([1.0, 0.5])
    assert isinstance(ax.figure, Figure)
    assert Gcf.get_num_fig_managers() == before  # nothing registered with pyplot


def test_decision_boundary_colours_each_side_by_the_prediction():
    X = np.array([[-2.0, -1.0, 1.0, 2.0], [0.5, -0.5, 0.5, -0.5]])
    Y = np.array([[0.0, 0.0, 1.0, 1.0]])
    seen = []

    def predict(points):
        seen.append(points)
        return (points[0:1] > 0).astype(float)  # label 1 right of x1 = 0

    ax = _axes()
    assert plotting.plot_decision_boundary(predict, X, Y, ax=ax, resolution=50) is ax
    (points,) = seen
    assert points.shape == (2, 2500)
    assert points[0].min() == -3.0 and points[0].max() == 3.0  # X's range plus the margin
    np.testing.assert_array_equal(ax.collections[-1].get_offsets(), X.T)

    image = _rendered(ax.figure)
    height = image.shape[0]
    for x, colour in ((-2.5, "red"), (2.5, "blue")):
        px, py = ax.transData.transform((x, 1.2))  # away from the scattered points
        r, _, b = image[height - int(round(py)), int(round(px))]
        assert (r > b) if colour == "red" else (b > r)


def test_decision_boundary_errors():
    predict = lambda P: np.zeros((1, P.shape[1]))  # noqa: E731
    with pytest.raises(ValueError, match=r"X has shape \(3, 4\), expected \(2, m\)"):
        plotting.plot_decision_boundary(predict, np.zeros((3, 4)), np.zeros((1, 4)), ax=_axes())
    with pytest.raises(ValueError, match=r"Y has shape \(4,\), expected \(1, 4\)"):
        plotting.plot_decision_boundary(predict, np.zeros((2, 4)), np.zeros(4), ax=_axes())
    with pytest.raises(ValueError, match="predict returned shape"):
        plotting.plot_decision_boundary(lambda P: np.zeros(3), np.zeros((2, 4)),
                                        np.zeros((1, 4)), ax=_axes())


def test_image_grid_shows_images_and_marks_mistakes():
    rng = np.random.default_rng(0)
    X = rng.random((64, 3))
    figure = Figure()
    axes = figure.subplots(1, 3)
    drawn = plotting.plot_image_grid(X, [[0, 1, 1]], [[0, 0, 1]], axes, classes=("0-4", "5-9"))
    assert list(drawn) == list(axes)
    for i, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), X[:, i].reshape(8, 8))
    assert axes[0].get_title() == "true 0-4\npred 0-4"
    assert axes[1].get_title() == "true 5-9\npred 0-4"
    assert matplotlib.colors.same_color(axes[1].title.get_color(), "#d62728")
    assert matplotlib.colors.same_color(axes[2].title.get_color(), "black")


def test_image_grid_makes_its_own_figure_and_fills_what_it_is_given():
    X = np.zeros((16, 10))
    axes = plotting.plot_image_grid(X, np.ones((1, 10)), image_shape=(4, 4), columns=4)
    assert len(axes) == 12  # 3 rows of 4
    assert sum(len(ax.images) for ax in axes) == 10
    assert axes[0].get_title() == "true 1"
    few = Figure().subplots(1, 2)
    plotting.plot_image_grid(X, np.ones((1, 10)), axes=few, image_shape=(4, 4))
    assert [len(ax.images) for ax in few] == [1, 1]


def test_image_grid_with_no_images_draws_nothing():
    axes = plotting.plot_image_grid(np.zeros((64, 0)), np.zeros((1, 0)), np.zeros((1, 0)))
    assert len(axes) == 1 and not axes[0].images


def test_image_grid_errors():
    with pytest.raises(ValueError, match=r"X has shape \(10, 2\), expected \(64, m\)"):
        plotting.plot_image_grid(np.zeros((10, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="Y_pred has 3 labels, expected 2"):
        plotting.plot_image_grid(np.zeros((64, 2)), np.zeros((1, 2)), np.zeros((1, 3)))


def test_plot_activations_draws_each_function_and_its_derivative():
    ax = plotting.plot_activations(z_range=3.0)
    lines = {line.get_label(): line for line in ax.get_lines()}
    sigmoid = lines["sigmoid"]
    z = sigmoid.get_xdata()
    assert z[0] == -3.0 and z[-1] == 3.0
    np.testing.assert_allclose(sigmoid.get_ydata(), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(lines["relu"].get_ydata(), np.maximum(z, 0))
    # 4 functions, 4 dashed derivatives, 2 axis lines.
    assert len(ax.get_lines()) == 10
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(dashed[0].get_ydata(), s * (1 - s), rtol=1e-10)


def test_rendering_everything_is_silent(capsys):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, 30))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for ax in (
            plotting.plot_costs([0.6, 0.3]),
            plotting.plot_decision_boundary(lambda P: (P[0:1] > 0).astype(float), X, Y),
            plotting.plot_decision_boundary(lambda P: np.zeros((1, P.shape[1])), X, Y),
            plotting.plot_image_grid(rng.random((64, 5)), np.zeros((1, 5)), np.ones((1, 5)))[0],
            plotting.plot_activations(),
        ):
            buffer = io.BytesIO()
            ax.figure.savefig(buffer, format="png")
            assert buffer.getvalue()[:4] == b"\x89PNG"
    assert capsys.readouterr() == ("", "")
