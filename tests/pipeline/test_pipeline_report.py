"""Report, feedback and diagnoses on hand-made results (numbers counted by hand)."""

from __future__ import annotations

import re

import nbformat
import pipeline_tiny as tiny

from graders.pipeline.course import init_course
from graders.pipeline.feedback import chapter_section, write_feedback
from graders.pipeline.release import release
from graders.pipeline.report import (
    UNKNOWN_REASON,
    ExerciseStats,
    chapter_scores,
    exercise_stats,
    plain_reason,
    render_report,
    score_figure,
    top_diagnoses,
    write_report,
)
from graders.pipeline.results import ExerciseResult as E
from graders.pipeline.results import SubmissionResult as S
from graders.pipeline.results import save_results
from graders.pipeline.similarity import CellMatch, SimilarPair
from graders.pipeline.submissions import learner_notebook

DW = "dW1 is exactly m times too large: divide by m"
STUB = "backward raises NotImplementedError: replace `raise NotImplementedError()` with yours"
PARSER = "nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{\\n \"cells\"..."


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
        S("e<img src=x>", "02_logistic", "graded", [
            E("forward", 0, 2, "forward, case 'm = 5' (w (4, 1)): forward is wrong"),  # untouched
            E("backward", 0, 3, f"backward, case 'm = 5' (X (3, 5)): {STUB}"),
        ]),
        S("f", "01_numpy", "failed", reason=PARSER),
    ]


UNTOUCHED = {("e<img src=x>", "02_logistic", "forward")}


def test_not_attempted_is_counted_apart_from_mistakes():
    graded = [r for r in _class() if r.graded]
    assert exercise_stats(graded, UNTOUCHED) == {
        ("02_logistic", "forward"): ExerciseStats(passed=2, wrong=1, not_attempted=1),
        ("02_logistic", "backward"): ExerciseStats(passed=1, wrong=2, not_attempted=1),
    }
    top = top_diagnoses(graded, untouched=UNTOUCHED)
    assert top[("02_logistic", "backward")] == [(DW, 2)]  # same mistake on two cases; no stub
    assert top[("02_logistic", "forward")] == [("<script>alert(1)</script>", 1)]


def test_reasons_in_plain_words():
    assert plain_reason(PARSER).startswith("the file is damaged")
    assert plain_reason("Kernel died") == "its code crashed the Python process running it"
    assert "time limit" in plain_reason("TimeoutError: the submission took longer than 300 s")
    assert "possible tampering" in plain_reason("possible tampering: kernel said pass")
    assert plain_reason("BATCH FLAGGED: canary scored 2").startswith("the whole grading batch")
    assert plain_reason(None) == plain_reason("zzz") == UNKNOWN_REASON


def test_histograms_count_whole_students():
    graded = [r for r in _class() if r.graded]
    fig = score_figure(chapter_scores(graded))
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)
    assert fig.axes[0].get_ylabel() == "students"


def _pair() -> SimilarPair:
    code = "def backward(X, A, Y):\n    dZ = A - Y  # </pre><script>x()</script>\n    return dZ\n"
    cell = CellMatch("backward", 0.9, 9, 10, code, code, frozenset({2}), frozenset({2, 3}))
    return SimilarPair("02_logistic", "a", "b<b>", 0.9, (cell,))


def test_report_page():
    feedback = {"a": "feedback/a/index.html", "e<img src=x>": "feedback/e%3Cimg/index.html"}
    html = render_report(_class(), "demo", untouched=UNTOUCHED, feedback=feedback,
                         similar=[_pair()])
    assert html.count("data:image/png;base64,") == 1
    assert "6 submissions from 6 students: 4 graded, 2 could not be graded" in html
    # not graded, in plain words (never the parser's text)
    assert "<td>d</td><td>02_logistic</td><td>its code crashed the Python process" in html
    assert "the file is damaged" in html and "NotJSONError" not in html
    # a dashboard: the figures first, the stub counted apart
    cards = dict(re.findall(r"<span class='n'>([^<]*)</span>([^<]*)</div>", html))
    assert cards["2"] == "exercises not attempted"
    assert cards["1"] == "pairs alike (a reason to look)"
    assert "<td class='n'>1</td><td class='n'>2</td><td class='n'>1</td><td class='n'>33%</td>" \
        in html  # backward: 1 passed, 2 mistakes, 1 not attempted; 1 of 3 attempts passed
    # each student's row links to their feedback
    assert ("<tr><td><a href='feedback/a/index.html'>a</a></td>"
            "<td class='none'>no submission</td><td class='n full'>5 / 5</td></tr>") in html
    assert "<a href='feedback/e%3Cimg/index.html'>e&lt;img src=x&gt;</a>" in html
    # untrusted text is escaped everywhere
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=x>" not in html
    assert f"<td class='n'>2</td><td>{DW}</td>" in html and STUB not in html
    # similarity: a reason to look, the pair side by side with the shared lines marked
    assert "A similarity is a reason to look at two notebooks, not a verdict" in html
    assert "b&lt;b&gt;" in html and "<b>" not in html
    marked = re.findall(r"<span class='shared'>([^<]*)</span>", html)
    assert marked == ["    dZ = A - Y  # &lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;",
                      "    dZ = A - Y  # &lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;",
                      "    return dZ"]


def test_feedback_section_never_scores_a_failed_submission():
    graded, failed = _class()[1], _class()[3]
    assert "Score: <strong>2 / 5</strong>" in chapter_section(graded)
    text = chapter_section(failed)
    assert "Not graded" in text and "Kernel died" in text and "Score" not in text


def test_write_report_on_a_course(tmp_path):
    """Untouched cells found by comparing with the release; links to the feedback files."""
    course = init_course(tmp_path / "course", notebooks_dir=tiny.write_notebooks(tmp_path / "nb"))
    release(course.root, ["01_numpy"])
    for student, solved in (("ann", True), ("bob", False)):
        folder = course.submitted_dir(student, "01_numpy")
        folder.mkdir(parents=True)
        nbformat.write(learner_notebook(course, "01_numpy", solved=solved),
                       folder / "01_numpy.ipynb")
    numpy = [E("sigmoid", 2, 2), E("sigmoid_derivative", 1, 1), E("row_means", 1, 1)]
    save_results(course.db_url, [
        S("ann", "01_numpy", "graded", numpy),
        # bob left every stub; the tiny chapters' plain asserts say nothing of NotImplementedError
        S("bob", "01_numpy", "graded", [E(e.function, 0, e.max_points, "sigmoid(2) is wrong")
                                        for e in numpy]),
    ])
    write_feedback(course.root)
    out = tmp_path / "elsewhere" / "report.html"
    out.parent.mkdir()
    html = write_report(course.root, out).read_text()
    assert re.search(r"<span class='n'>3</span>exercises not attempted", html)
    assert "No mistakes: every attempted exercise passed." in html
    links = re.findall(r"<a href='([^']+)'>(ann|bob)</a>", html)
    assert sorted(name for _, name in links) == ["ann", "bob"]
    for href, name in links:
        assert (out.parent / href).resolve() == course.root / "feedback" / name / "index.html"
        assert (out.parent / href).is_file()
