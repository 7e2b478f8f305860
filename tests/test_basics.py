import numpy as np
import pytest

from dlnotes.basics import row_means


def test_row_means_hand_worked():
    X = np.array([[1.0, 2.0, 6.0], [0.0, -3.0, 3.0]])
    result = row_means(X)
    assert result.shape == (2, 1)
    np.testing.assert_allclose(result, [[3.0], [0.0]])


def test_row_means_single_example_is_the_column_itself():
    X = np.array([[4.0], [5.0]])
    np.testing.assert_array_equal(row_means(X), X)


def test_row_means_rejects_rank_1_input():
    with pytest.raises(ValueError, match=r"X has shape \(3,\), expected \(\?, \?\)"):
        row_means(np.ones(3))
