"""Report, feedback and diagnoses on hand-made results (numbers counted by hand)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from graders.pipeline.autograde import read_diagnoses
from graders.pipeline.feedback import chapter_section
from graders.pipeline.report import exercise_stats, render_report, top_diagnoses
from graders.pipeline.results import ExerciseResult as E
from graders.pipeline.results import SubmissionResult as S

DW = "dW1 is exactly m times too large: divide by m"


def _class() -> list[S]:
    return [
        S("a", "02_logistic", "graded", [E("forward", 2, 2), E("backward", 3, 3)]),
        S("b", "02_logistic", "graded", [
            E("forward", 2, 2), E("backward", 0, 3, f"backward, case 'm = 1' (X (2, 1)): {DW}")
        ]),
        S("c", "02_logistic", "graded", [
            E("forward", 0, 2, "<script>alert(1)</script>"),
            E("backward", 0, 3, f"backward, case 'm = 7' (X (4, 7)): {DW}"),
        ]),
        S("d", "02_logistic", "failed", reason="Kernel died"),
    ]


def test_pass_rates_and_top_diagnoses():
    graded = [r for r in _class() if r.graded]
    assert exercise_stats(graded) == {
        ("02_logistic", "forward"): (2, 3), ("02_logistic", "backward"): (1, 3),
    }
    top = top_diagnoses(graded)
    assert top[("02_logistic", "backward")] == [(DW, 2)]  # same mistake on two cases
    assert top[("02_logistic", "forward")] == [("<script>alert(1)</script>", 1)]


def test_report_page():
    html = render_report(_class(), "demo")
    assert html.count("data:image/png;base64,") == 2
    assert "4 submissions from 4 students: 3 graded, 1 could not be graded" in html
    assert "<td>d</td><td>02_logistic</td><td>Kernel died</td>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<td class='n'>1 / 3</td><td class='n'>33%</td>" in html
    assert f"<td class='n'>2</td><td>{DW}</td>" in html


def test_feedback_section_never_scores_a_failed_submission():
    graded, failed = _class()[1], _class()[3]
    assert "Score: <strong>2 / 5</strong>" in chapter_section(graded)
    text = chapter_section(failed)
    assert "Not graded" in text and "Kernel died" in text and "Score" not in text


def test_diagnoses_come_from_test_cells_and_hide_hidden_test_source(tmp_path):
    meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": "test_f", "points": 1}}
    leaky = "assert secret_case(X) == 41.5"
    failing = new_code_cell("check_f(f)", metadata=meta)
    failing.outputs = [new_output("error", ename="CheckFailure", evalue=f"f is wrong: {leaky}",
                                  traceback=[])]
    noisy = new_code_cell("check_g(g)", metadata={"nbgrader": {**meta["nbgrader"],
                                                              "grade_id": "test_g"}})
    noisy.outputs = [new_output("stream", name="stderr", text="RuntimeWarning: overflow\n")]
    other = new_code_cell("1/0", metadata={})
    other.outputs = [new_output("error", ename="ZeroDivisionError", evalue="x", traceback=[])]
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[failing, noisy, other]), path)
    diagnoses = read_diagnoses(path, hidden=[leaky])
    assert diagnoses == {
        "test_f": "f is wrong: [hidden test]",
        "test_g": "the test cell wrote to stderr (nbgrader scores that 0): "
        "RuntimeWarning: overflow",
    }
