"""Every exercise shows a worked example and hints in two steps.

- The example, a ``>>>`` transcript in the markdown cell right before the solution cell,
  is recomputed here from dlnotes (the course's reference) with doctest: a stated output
  can never drift from what the reference returns.
- The one-line nudge that opens the solution cell, and the fuller hint folded away in a
  ``<details>`` block, do not contain the answer.
"""

from __future__ import annotations

import doctest
import importlib
import re

import numpy as np
import pytest
from notebook_course import nbgrader_meta, notebook_file, read_notebook

from graders.exercises import EXERCISES, chapter_exercises

EXAMPLE = re.compile(r"\*\*Example\*\*.*?```python\n(?P<code>.*?)```", re.S)
HINT = re.compile(r"<details><summary>Hint[^<]*</summary>\n(?P<hint>.*?)</details>", re.S)


def _cells(exercise):
    """The markdown cell before ``exercise``'s solution cell, and the solution cell."""
    cells = read_notebook(notebook_file(exercise.chapter)).cells
    index = next(i for i, c in enumerate(cells)
                 if nbgrader_meta(c).get("grade_id") == exercise.solution_id)
    return cells[index - 1], cells[index]


def reference_namespace(chapter: str) -> dict:
    """numpy as ``np`` and the reference of every exercise of ``chapter``, by its name."""
    namespace = {"np": np}
    for exercise in chapter_exercises(chapter):
        module = importlib.import_module(f"dlnotes.{exercise.module}")
        namespace[exercise.function] = getattr(module, exercise.function)
    return namespace


def answer_expressions(solution_source: str) -> list[str]:
    """The right-hand sides of the reference solution's lines, without spaces."""
    body = solution_source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    found = []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("return "):
            line = line[len("return "):]
        elif re.match(r"^[\w\[\]\"'{}, ]+ = ", line):
            line = line.split(" = ", 1)[1]
        found.append(re.sub(r"\s", "", line))
    return [f for f in found if len(f) >= 6]


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


IDS = [f"{e.chapter}:{e.function}" for e in EXERCISES]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_worked_example_is_what_the_reference_returns(exercise):
    markdown, _ = _cells(exercise)
    assert markdown.cell_type == "markdown", "the example comes right before the solution"
    match = EXAMPLE.search(markdown.source)
    assert match, f"{exercise.function}: no **Example** with a python block"
    code = match["code"]
    assert f"{exercise.function}(" in code, "the example calls the exercise's function"
    test = doctest.DocTestParser().get_doctest(
        code, reference_namespace(exercise.chapter), exercise.function, None, 0)
    report = []
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test, out=report.append)
    assert result.attempted >= 1 and result.failed == 0, "".join(report)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_hints_come_in_two_steps_without_the_answer(exercise):
    markdown, solution = _cells(exercise)
    answers = answer_expressions(solution.source)
    assert answers, f"{exercise.function}: no answer lines found"

    before_def = solution.source.split(f"def {exercise.function}(")[0].strip().splitlines()
    assert len(before_def) == 1 and before_def[0].startswith("# "), "one nudge line"
    nudge = _flat(before_def[0])
    for answer in answers:
        assert answer not in nudge, f"the nudge gives away {answer!r}"

    match = HINT.search(markdown.source)
    assert match, f"{exercise.function}: no folded <details> hint before the solution"
    hint = _flat(match["hint"])
    assert len(hint) > len(nudge), "the folded hint says more than the nudge"
    longest = max(answers, key=len)
    assert longest not in hint, f"the folded hint gives away {longest!r}"
    assert not all(answer in hint for answer in answers), "the folded hint is the answer"
    assert "<details>" not in markdown.source.split("**Example**")[0], "example, then hint"
