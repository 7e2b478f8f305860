"""The whole instructor pipeline through the installed ``dlcourse`` script, on both backends.

init -> release -> collect (an LMS-style zip) -> autograde -> feedback -> export -> report,
then re-grading after new submissions. The expected points are the tiny chapters' own
(see pipeline_tiny.py): sigmoid 2, sigmoid_derivative 1, row_means 1; forward 2,
compute_cost 2, backward 3. Bob's row_means averages columns (a catalogue mistake).
"""

from __future__ import annotations

import csv
import re
import subprocess
import time
import zipfile
from pathlib import Path

import nbformat
import pipeline_tiny as tiny
import pytest
from pipeline_cli import VENV_BIN, dlcourse

from graders.catalogue import WRONG
from graders.exercises import max_score
from graders.pipeline.course import load_course
from graders.pipeline.submissions import learner_notebook

_AXIS = next(w for w in WRONG["basics.row_means"] if w.name == "wrong axis, keepdims")
BOB = {"row_means": _AXIS.source}
# what the checks say of it: the grader's diagnosis, whatever the tiny test cell asserts
ROW_MEANS_DIAGNOSIS = re.compile(_AXIS.diagnosis)


def _zip(path: Path, entries: dict[str, tuple[str, tuple]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, (text, date_time) in entries.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=date_time), text)
    return path


def _nb(course, chapter, **kw) -> str:
    return nbformat.writes(learner_notebook(course, chapter, **kw))


def _rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, newline="") as fh:
        return {(r["student_id"], r["chapter"]): r for r in csv.DictReader(fh)}


def _ok(proc: subprocess.CompletedProcess, code: int = 0) -> str:
    assert proc.returncode == code, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_pipeline_end_to_end(backend, tiny_notebooks, tmp_path, request):
    root = tmp_path / "course"
    db = ["--db", request.getfixturevalue("postgres_url")] if backend == "postgresql" else []
    out = _ok(dlcourse("init", root, *db, notebooks=tiny_notebooks))
    assert "01_numpy, 02_logistic" in out
    config = (root / "nbgrader_config.py").read_text()
    assert f"c.CourseDirectory.root = '{root}'" in config
    assert "c.Execute.interrupt_on_timeout = True" in config
    assert ("db_url = 'postgresql+psycopg2://" in config) == (backend == "postgresql")

    _ok(dlcourse("release", root))
    for chapter in ("01_numpy", "02_logistic"):
        with zipfile.ZipFile(root / "handout" / f"{chapter}.zip") as zf:
            student_nb = zf.read(f"{chapter}/{chapter}.ipynb").decode()
        assert tiny.HIDDEN_MARKER not in student_nb and "BEGIN SOLUTION" not in student_nb

    course = load_course(root)
    new, old = (2026, 3, 2, 12, 0, 0), (2026, 3, 1, 12, 0, 0)
    lms = _zip(tmp_path / "lms.zip", {
        "alice/01_numpy.ipynb": (_nb(course, "01_numpy"), new),
        "alice_01_numpy.ipynb": (_nb(course, "01_numpy", solved=False), old),
        "alice_02_logistic.ipynb": (_nb(course, "02_logistic"), new),
        "bob_01_numpy.ipynb": (_nb(course, "01_numpy", answers=BOB), new),
        "carol_01_numpy.ipynb": (_nb(course, "01_numpy", solved=False), new),
        "dave_01_numpy.ipynb": ("{ this is not a notebook", new),
        "README.txt": ("hand-in instructions", new),
        "frank_09_quantum.ipynb": (_nb(course, "01_numpy"), new),
    })
    out = _ok(dlcourse("collect", root, lms))
    assert "imported 5 submission(s)" in out
    assert "  alice_01_numpy.ipynb: older than alice/01_numpy.ipynb" in out
    assert "README.txt" in out and "frank_09_quantum.ipynb: unknown chapter" in out

    graded = dlcourse("autograde", root, "--jobs", "2")
    out = _ok(graded, code=1)  # dave's notebook cannot be graded
    assert "5 submission(s): 4 graded, 1 failed" in out
    assert "FAILED dave 01_numpy" in out and "JSON" in out
    assert "autograde" in graded.stderr  # the progress bar
    # the sandboxed kernel knows it is grading, as nbgrader's own kernel would
    executed = (root / "autograded" / "alice" / "01_numpy" / "01_numpy.ipynb").read_text()
    assert "NBGRADER_EXECUTION = autograde" in executed

    _ok(dlcourse("feedback", root))
    pages = list((root / "feedback").rglob("*.html"))
    assert len(pages) == 5 + 4  # a page per graded submission + an index per student
    for page in pages:
        text = page.read_text()
        assert tiny.HIDDEN_MARKER not in text and "HIDDEN TESTS" not in text
    bob = (root / "feedback" / "bob" / "01_numpy" / "01_numpy.html").read_text()
    assert ROW_MEANS_DIAGNOSIS.search(bob) and "3 / 4" in bob
    dave_page = (root / "feedback" / "dave" / "01_numpy" / "01_numpy.html").read_text()
    assert "Not graded" in dave_page

    _ok(dlcourse("export", root, "--csv", tmp_path / "grades.csv"))
    rows = _rows(tmp_path / "grades.csv")
    assert len(rows) == 4 * 2
    alice = rows["alice", "01_numpy"]
    assert (alice["status"], alice["score"]) == ("graded", "4")
    assert rows["alice", "02_logistic"]["score"] == f"{max_score('02_logistic'):g}"
    bob_row = rows["bob", "01_numpy"]
    assert (bob_row["score"], bob_row["sigmoid"], bob_row["row_means"]) == ("3", "2", "0")
    assert rows["carol", "01_numpy"]["score"] == "0"
    dave = rows["dave", "01_numpy"]
    assert (dave["status"], dave["score"], dave["sigmoid"]) == ("failed", "", "")
    assert rows["bob", "02_logistic"]["status"] == "missing"

    _ok(dlcourse("report", root))
    report = (root / "report.html").read_text()
    assert report.count("data:image/png;base64,") == 1  # one figure, a histogram per chapter
    assert ROW_MEANS_DIAGNOSIS.search(report) and "dave" in report

    # nbgrader itself agrees, and flags the notebook it could not grade
    nbexport = subprocess.run([str(VENV_BIN / "nbgrader"), "export", "--to", "nb.csv"],
                              cwd=root, capture_output=True, text=True, timeout=120)
    assert nbexport.returncode == 0, nbexport.stderr
    nb_rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(open(root / "nb.csv"))}
    assert float(nb_rows["bob", "01_numpy"]["raw_score"]) == 3.0
    assert _flagged(course, "dave") and not _flagged(course, "bob")

    # re-grading: bob fixes his notebook, alice breaks hers, dave repairs his
    later = (2026, 3, 3, 12, 0, 0)
    fixes = _zip(tmp_path / "fixes.zip", {
        "bob_01_numpy.ipynb": (_nb(course, "01_numpy"), later),
        "alice_01_numpy.ipynb": ("not json either", later),
        "dave_01_numpy.ipynb": (_nb(course, "01_numpy", solved=False), later),
        "carol_01_numpy.ipynb": (_nb(course, "01_numpy"), old),  # older: must not replace
    })
    out = _ok(dlcourse("collect", root, fixes))
    assert "imported 3 submission(s)" in out and "carol_01_numpy.ipynb: not newer" in out
    _ok(dlcourse("autograde", root, "01_numpy", "--student", "[abd]*", "--no-progress"), code=1)
    _ok(dlcourse("export", root, "--csv", tmp_path / "again.csv"))
    rows = _rows(tmp_path / "again.csv")
    assert rows["bob", "01_numpy"]["score"] == "4"
    assert rows["alice", "01_numpy"]["status"] == "failed"
    assert rows["alice", "01_numpy"]["score"] == rows["alice", "01_numpy"]["sigmoid"] == ""
    dave = rows["dave", "01_numpy"]
    assert (dave["status"], dave["score"]) == ("graded", "0")
    assert rows["carol", "01_numpy"]["score"] == "0"
    assert _flagged(course, "alice") and not _flagged(course, "dave")
    assert _auto_scores(course, "alice") == [None, None, None]  # no stale grades left
    assert not (root / "autograded" / "alice" / "01_numpy").exists()


def _flagged(course, student: str) -> bool:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        return bool(gb.find_submission_notebook("01_numpy", "01_numpy", student).flagged)


def _auto_scores(course, student: str) -> list:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        notebook = gb.find_submission_notebook("01_numpy", "01_numpy", student)
        return [g.auto_score for g in notebook.grades if g.name.startswith("test_")]


def test_a_hanging_submission_costs_its_own_exercise_and_is_killed(tiny_notebooks, tmp_path):
    """A cell that ignores SIGINT and never ends is stopped within the submission's time
    limit and costs only its exercise; what it started is killed; the others are graded."""
    from graders.pipeline.autograde import autograde
    from graders.pipeline.course import init_course
    from graders.pipeline.release import release

    course = init_course(tmp_path / "course", notebooks_dir=tiny_notebooks)
    release(course.root, ["01_numpy"])
    marker = tmp_path / "still-running"
    hang = (
        "import signal, subprocess, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        f"subprocess.Popen(['sh', '-c', 'sleep 1000; touch {marker}'])\n"
        "while True:\n    time.sleep(0.1)\n"
    )
    for student, answers in [("hang", {"row_means": hang}), ("fine", None)]:
        folder = course.submitted_dir(student, "01_numpy")
        folder.mkdir(parents=True)
        nb = learner_notebook(course, "01_numpy", answers=answers)
        nbformat.write(nb, folder / "01_numpy.ipynb")
    start = time.monotonic()
    results = {r.student: r for r in autograde(course.root, jobs=2, time_limit=12)}
    assert time.monotonic() - start < 40
    assert results["fine"].score == 4
    hung = results["hang"]
    assert hung.status == "graded" and hung.score == 3  # sigmoid and its derivative
    lost = next(e for e in hung.exercises if e.function == "row_means")
    assert "time limit" in lost.diagnosis and lost.points == 0
    leftovers = subprocess.run(["pgrep", "-f", f"sleep 1000; touch {marker}"],
                               capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "a process the learner started outlived grading"
    assert not marker.exists()
