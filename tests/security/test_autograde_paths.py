"""``dlcourse autograde`` and the paths a learner could have written: nothing is followed.

The review found that a one-notebook batch (a ``--student`` re-grade) ran nbgrader's
kernel cold, owning ``autograded/<student>/<chapter>/``: a symlink placed there made the
grader write the gradebook or the source notebook through it, and chmod what it pointed
to. Now no learner code runs in the course directory at all, and the grader writes the
autograded copy without following links. Tested as root and as an unprivileged
instructor (uid 65534, bwrap in a user namespace), with real nbgrader and real bwrap.
Also here: the student-row race of two chapters at once, a database error that fails one
submission only, and hidden-test text a learner prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from security_course import CHAPTER, MAX_SCORE, WRONG, solution_source

from graders.pipeline.course import init_course, load_course
from graders.pipeline.release import release
from graders.pipeline.results import load_results

NOBODY = 65534
VENV_BIN = Path(sys.executable).parent


def reachable_interpreter() -> None:
    """Let other users run this interpreter: its folders must be traversable (o+x)."""
    for path in (Path(os.path.realpath(sys.executable)), Path(sys.prefix)):
        for folder in path.parents:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)


def submit(root: Path, student: str, chapter: str = CHAPTER, answers: dict | None = None,
           added: str | None = None) -> Path:
    notebook = json.loads((root / "release" / chapter / f"{chapter}.ipynb").read_text())
    source = json.loads((root / "source" / chapter / f"{chapter}.ipynb").read_text())
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in source["cells"]
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    solutions.update(answers or {})
    for cell in notebook["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell["source"] = solutions[gid]
    if added:
        notebook["cells"].insert(2, {"cell_type": "code", "metadata": {}, "source": added,
                                     "outputs": [], "execution_count": None})
    path = root / "submitted" / student / chapter / f"{chapter}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook))
    return path


def autograde(root: Path, *args: str, user: int | None = None) -> subprocess.CompletedProcess:
    prefix = [] if user is None else ["setpriv", f"--reuid={user}", f"--regid={user}",
                                      "--clear-groups"]
    env = {"PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(root), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([*prefix, str(VENV_BIN / "dlcourse"), "autograde", str(root), *args,
                           "--no-progress"], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def alice_points(db: Path) -> float:
    with sqlite3.connect(db) as conn:  # raises if the file is no longer a database
        rows = conn.execute(
            "SELECT SUM(grade.auto_score) FROM grade JOIN submitted_notebook ON "
            "grade.notebook_id = submitted_notebook.id JOIN submitted_assignment ON "
            "submitted_notebook.assignment_id = submitted_assignment.id "
            "WHERE submitted_assignment.student_id = 'alice'").fetchone()
    conn.close()
    return rows[0]


@pytest.fixture
def public_root():
    """A course folder that uid 65534 may own (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="dlnotes-paths-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.parametrize("user", [None, NOBODY], ids=["root", "non-root"])
@pytest.mark.parametrize("target", ["gradebook", "source folder", "secret"])
def test_a_symlink_in_autograded_is_never_followed(public_root, user, target):
    root = public_root / "course"
    init_course(root)
    release(root, [CHAPTER])
    secret = public_root / "secret.txt"
    secret.write_text("root only")
    secret.chmod(0o600)
    if user is not None:
        reachable_interpreter()
        subprocess.run(["chown", "-R", f"{user}:{user}", str(root)], check=True)
    submit(root, "alice")
    first = autograde(root, "--student", "alice", user=user)
    assert first.returncode == 0, first.stdout + first.stderr
    gradebook, source = root / "gradebook.db", root / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    before = {p: digest(p) for p in (source, secret)}

    folder = root / "autograded" / "alice" / CHAPTER
    if target == "source folder":
        shutil.rmtree(folder)
        folder.symlink_to(source.parent)
    else:
        link = folder / f"{CHAPTER}.ipynb"
        link.unlink()
        link.symlink_to(gradebook if target == "gradebook" else secret)
    again = autograde(root, "--student", "alice", user=user)  # a one-notebook batch
    assert again.returncode == 0, again.stdout + again.stderr

    assert alice_points(gradebook) == MAX_SCORE  # still a database, with alice's grades
    assert {p: digest(p) for p in before} == before
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    written = root / "autograded" / "alice" / CHAPTER / f"{CHAPTER}.ipynb"
    assert not written.is_symlink() and not written.parent.is_symlink()
    assert json.loads(written.read_text())["nbformat"] == 4


def test_two_chapters_of_a_new_student_at_once(tmp_path):
    root = tmp_path / "course"
    init_course(root)
    release(root, ["01_numpy", CHAPTER])
    for chapter in ("01_numpy", CHAPTER):
        submit(root, "zoe", chapter)
    done = autograde(root, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    results = load_results(load_course(root).db_url)
    assert [(r.chapter, r.status, r.score == r.max_score) for r in results] == [
        ("01_numpy", "graded", True), (CHAPTER, "graded", True)]


def test_a_database_error_fails_that_submission_only(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import graders.pipeline.autograde as pipeline

    root = tmp_path / "course"
    init_course(root)
    release(root, [CHAPTER])
    for student in ("alice", "bob", "carl"):
        submit(root, student)
    real = pipeline.write_grades

    def failing(gb, chapter, student, points, **kwargs):
        if student == "bob":
            raise OperationalError("UPDATE grade", {}, Exception("database is locked"))
        return real(gb, chapter, student, points, **kwargs)

    monkeypatch.setattr(pipeline, "write_grades", failing)
    results = {r.student: r for r in pipeline.autograde(root, jobs=2)}
    assert results["bob"].status == "failed" and "gradebook" in results["bob"].reason
    assert results["alice"].score == results["carl"].score == MAX_SCORE
    stored = {r.student: r.status for r in load_results(load_course(root).db_url)}
    assert stored == {"alice": "graded", "bob": "failed", "carl": "graded"}


PRINT_THE_TESTS = """
import gc
for thing in gc.get_objects():
    if isinstance(thing, dict) and "steps" in thing and "calls" in thing:
        for step in thing["steps"]:
            if "hidden" in step["source"]:
                print(step["source"])
"""


def test_hidden_test_text_a_learner_prints_is_not_shown(tmp_path):
    root = tmp_path / "course"
    init_course(root)
    release(root, [CHAPTER])
    submit(root, "mallory", answers={"forward": WRONG["forward"]}, added=PRINT_THE_TESTS)
    done = autograde(root)
    assert done.returncode == 0, done.stdout + done.stderr
    autograded = (root / "autograded" / "mallory" / CHAPTER / f"{CHAPTER}.ipynb").read_text()
    printed = next(c for c in json.loads(autograded)["cells"] if "gc.get_objects" in c["source"])
    assert "check_forward(forward)" in printed["outputs"][0]["text"]  # the print did run
    assert "hidden=True" not in autograded and "[hidden test]" in autograded
    feedback = subprocess.run([str(VENV_BIN / "nbgrader"), "generate_feedback", CHAPTER,
                               "--force"], cwd=root, capture_output=True, text=True,
                              timeout=300, env={**os.environ,
                                                "PATH": f"{VENV_BIN}:{os.environ['PATH']}"})
    assert feedback.returncode == 0, feedback.stderr
    html = (root / "feedback" / "mallory" / CHAPTER / f"{CHAPTER}.html").read_text()
    assert "hidden=True" not in html and "BEGIN HIDDEN" not in html
    assert solution_source("forward") not in html
