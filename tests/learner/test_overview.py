"""The pointer to the worked answers, printed once a chapter passes."""

from __future__ import annotations

from pathlib import Path

import pytest

import dlnotes
from graders.exercises import CHAPTERS, chapter_exercises
from graders.learner.overview import answer_key_pointer, answer_modules


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_pointer_names_modules_that_hold_every_graded_function(chapter):
    pointer = answer_key_pointer(chapter)
    folder = Path(dlnotes.__file__).resolve().parent
    assert pointer.endswith(f"in {folder}")
    for module, functions in answer_modules(chapter).items():
        assert f"dlnotes/{module}.py" in pointer
        source = (folder / f"{module}.py").read_text()
        for function in functions:
            assert f"def {function}(" in source, f"dlnotes/{module}.py lacks {function}"
    named = sum(answer_modules(chapter).values(), [])
    assert named == [e.function for e in chapter_exercises(chapter)]


def test_pointer_examples():
    assert answer_key_pointer("02_logistic").startswith(
        "worked answers: dlnotes/logistic.py (forward, compute_cost, backward")
    assert "dlnotes/activations.py (sigmoid, sigmoid_derivative); dlnotes/basics.py" in (
        answer_key_pointer("01_numpy"))
    with pytest.raises(ValueError, match="06_extra"):
        answer_key_pointer("06_extra")
