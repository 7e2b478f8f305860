"""Every expected failure of every ``dlcourse`` command: one line on stderr, its exit code.

The commands run as an instructor runs them: the installed script, in a fresh process,
with ``/usr/bin:/bin`` as PATH (or, for the sandbox cases, a PATH without ``bwrap``).
Each expected failure must print exactly one line, ``dlcourse <command>: <message>``, on
stderr and no traceback; exit code 2 for bad usage or input, as the README documents.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from graders import cli
from graders.errors import DlcourseError, sandbox_instruction
from graders.paths import NOTEBOOKS_DIR
from graders.trusted import sandbox

VENV_BIN = Path(sys.executable).parent
INSTALL = "apt-get install bubblewrap"
WEAK = "DLCOURSE_ALLOW_WEAK_SANDBOX=1"


def dlcourse(*args, path: str = "/usr/bin:/bin", env: dict | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DLNOTES_", "DLCOURSE_", "VIRTUAL_ENV"))}
    clean.update(env or {}, PATH=path)
    return subprocess.run([str(VENV_BIN / "dlcourse"), *map(str, args)], capture_output=True,
                          text=True, env=clean, timeout=timeout, check=False)


def one_line(run: subprocess.CompletedProcess, command: str, code: int = 2) -> str:
    """The single stderr line of a failed run, after checking its form and exit code."""
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"dlcourse {command}: "), lines[0]
    assert run.returncode == code, (run.returncode, run.stderr)
    return lines[0]


@pytest.fixture(scope="module")
def closed_port():
    """A loopback port that refuses connections: bound by us, never listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


@pytest.fixture(scope="module")
def dead_url(closed_port) -> str:
    return f"postgresql://teacher:secret@127.0.0.1:{closed_port}/gradebook"


def write_course(root: Path, db_url: str) -> Path:
    """A course directory made by hand (as ``dlcourse init`` would write it), chapter 1 only."""
    (root / "source" / "01_numpy").mkdir(parents=True)
    shutil.copy(NOTEBOOKS_DIR / "01_numpy" / "01_numpy.ipynb", root / "source" / "01_numpy")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        "c.CourseDirectory.course_id = 'dlnotes'\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.db_url = {db_url!r}\n")
    return root


@pytest.fixture
def course(tmp_path) -> Path:
    return write_course(tmp_path / "course", f"sqlite:///{tmp_path / 'course' / 'gradebook.db'}")


@pytest.fixture
def dead_course(tmp_path, closed_port) -> Path:
    url = f"postgresql+psycopg2://teacher:secret@127.0.0.1:{closed_port}/gradebook"
    return write_course(tmp_path / "dead", url)


@pytest.fixture(scope="module")
def path_without_bwrap(tmp_path_factory) -> str:
    """A folder with every system command but bwrap, as PATH."""
    bin_dir = tmp_path_factory.mktemp("no-bwrap-bin")
    for folder in ("/usr/bin", "/usr/sbin"):
        for tool in Path(folder).iterdir():
            if tool.name != "bwrap" and not (bin_dir / tool.name).exists():
                (bin_dir / tool.name).symlink_to(tool)
    assert shutil.which("bwrap", path=str(bin_dir)) is None
    assert shutil.which("prlimit", path=str(bin_dir)) is not None
    return str(bin_dir)


@pytest.fixture(scope="module")
def problem_without_bwrap(path_without_bwrap) -> str:
    """What the sandbox module says where bwrap is not on PATH."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", path_without_bwrap)
        sandbox.bwrap_problem.cache_clear()
        try:
            return sandbox.bwrap_problem()
        finally:
            sandbox.bwrap_problem.cache_clear()


# --- the family, caught once -----------------------------------------------------------


def test_expected_error_is_one_line_with_its_exit_code(monkeypatch, capsys):
    class BusyError(DlcourseError):
        exit_code = 1

    def run(args):
        raise BusyError("the gradebook is\nlocked:  try again")

    monkeypatch.setattr("graders.commands.feedback.run", run)
    assert cli.main(["feedback", "course"]) == 1
    assert capsys.readouterr().err == "dlcourse feedback: the gradebook is locked: try again\n"


def test_unexpected_error_keeps_its_traceback_and_says_where_to_report(monkeypatch, capsys):
    def run(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("graders.commands.feedback.run", run)
    assert cli.main(["feedback", "course"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert err[-2] == "ZeroDivisionError: a bug"
    assert err[-1].startswith("dlcourse feedback: ") and "report it" in err[-1]
    assert "traceback above" in err[-1]


def test_sandbox_instruction_is_one_line_with_what_how_and_the_opt_in():
    text = sandbox_instruction("bwrap cannot create a sandbox here: bwrap: No permissions\n"
                               "to create new namespace\n")
    assert "\n" not in text
    assert "bwrap cannot create a sandbox here: bwrap: No permissions to create new" in text
    assert f"sudo {INSTALL}" in text and WEAK in text


def test_bad_arguments_argparse_can_check():
    run = dlcourse("autograde", "course", "--jobs", "two")
    assert run.returncode == 2 and "usage: dlcourse autograde" in run.stderr
    assert "Traceback" not in run.stderr


# --- each command's expected failures --------------------------------------------------

NOT_A_COURSE = "is not a course directory (no nbgrader_config.py); run dlcourse init"


@pytest.mark.parametrize("args", [
    ["release"], ["autograde"], ["feedback"], ["export", "--csv", "{tmp}/grades.csv"],
    ["report"], ["collect", "{tmp}"],
], ids=lambda a: a[0])
def test_not_a_course_directory(args, tmp_path):
    argv = [args[0], tmp_path / "nowhere", *(a.format(tmp=tmp_path) for a in args[1:])]
    assert f"{tmp_path / 'nowhere'} {NOT_A_COURSE}" in one_line(dlcourse(*argv), args[0])


@pytest.mark.parametrize("command", ["release", "autograde"])
def test_unknown_chapter(command, course):
    line = one_line(dlcourse(command, course, "02_logistic", "09_quantum"), command)
    assert line.endswith("unknown chapter(s) 02_logistic, 09_quantum; this course has 01_numpy")


def test_release_of_an_unreadable_source_notebook(course):
    (course / "source" / "01_numpy" / "01_numpy.ipynb").write_text('{"cells": [')
    line = one_line(dlcourse("release", course), "release", code=1)
    log = course / "logs" / "release" / "01_numpy.log"
    assert line == f"dlcourse release: 01_numpy: nbgrader generate_assignment failed; see {log}"
    assert log.is_file()


@pytest.mark.parametrize("command", ["autograde", "demo"])
def test_jobs_below_one(command, course):
    line = one_line(dlcourse(command, course, "--jobs", "0"), command)
    assert line == f"dlcourse {command}: --jobs must be at least 1, not 0"


def test_autograde_time_limit_must_be_positive(course):
    line = one_line(dlcourse("autograde", course, "--time-limit", "-5"), "autograde")
    assert line == "dlcourse autograde: --time-limit must be positive, not -5"


@pytest.mark.parametrize("command", ["autograde", "feedback", "export", "report"])
def test_unreachable_database(command, dead_course, tmp_path, closed_port):
    extra = ["--csv", tmp_path / "grades.csv"] if command == "export" else []
    line = one_line(dlcourse(command, dead_course, *extra), command)
    assert (f"cannot open the gradebook postgresql+psycopg2://teacher:***@127.0.0.1:"
            f"{closed_port}/gradebook: connection to server") in line
    assert "Connection refused" in line and "secret" not in line
    assert not (tmp_path / "grades.csv").exists()


def test_init_unreachable_database(tmp_path, dead_url, closed_port):
    line = one_line(dlcourse("init", tmp_path / "c", "--db", dead_url), "init")
    assert f"cannot open the gradebook postgresql+psycopg2://teacher:***@127.0.0.1:{closed_port}"\
           in line
    assert "Connection refused" in line and "secret" not in line


def test_init_unknown_database_kind(tmp_path):
    line = one_line(dlcourse("init", tmp_path / "c", "--db", "nosuchdb://host/x"), "init")
    assert "cannot open the gradebook nosuchdb://host/x: Can't load plugin" in line


def test_init_directory_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("")
    line = one_line(dlcourse("init", tmp_path / "file" / "course"), "init")
    assert line.endswith(f"cannot create the course directory {tmp_path}/file/course: "
                         "Not a directory")


def test_init_without_chapter_notebooks(tmp_path):
    run = dlcourse("init", tmp_path / "c", env={"DLNOTES_NOTEBOOKS": str(tmp_path)})
    assert one_line(run, "init").endswith(f"no chapter notebooks found in {tmp_path}")


def test_init_cell_timeout_below_one(tmp_path):
    line = one_line(dlcourse("init", tmp_path / "c", "--cell-timeout", "0"), "init")
    assert line.endswith("--cell-timeout must be at least 1 second, not 0")
    assert not (tmp_path / "c").exists()


# collect's own wording belongs to collect (issue 13): the path or pattern, and the point.
def test_collect_missing_inbox(course, tmp_path):
    line = one_line(dlcourse("collect", course, tmp_path / "inbox.zip"), "collect")
    assert str(tmp_path / "inbox.zip") in line


@pytest.mark.parametrize(("pattern", "says"), [
    ("(?P<student>", "regular expression"), ("(?P<student>[a-z]+)_x", "(?P<chapter>"),
])
def test_collect_bad_pattern(pattern, says, course, tmp_path):
    line = one_line(dlcourse("collect", course, tmp_path, "--pattern", pattern), "collect")
    assert pattern in line and says in line


def test_export_into_a_missing_folder(course, tmp_path):
    line = one_line(dlcourse("export", course, "--csv", tmp_path / "no" / "g.csv"), "export")
    assert line.endswith(f"there is no folder {tmp_path / 'no'}; create it first")


def test_report_onto_a_folder(course, tmp_path):
    line = one_line(dlcourse("report", course, "--output", tmp_path), "report")
    assert line.endswith(f"--output {tmp_path} is a folder; name the file to write")


def test_demo_in_a_folder_that_is_not_an_earlier_demo(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    line = one_line(dlcourse("demo", tmp_path), "demo")
    assert line.endswith(f"{tmp_path} exists and is not an earlier demo; pick another folder")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_lab_workspace_is_a_file(tmp_path):
    (tmp_path / "ws").write_text("")
    line = one_line(dlcourse("lab", tmp_path / "ws", "--prepare-only"), "lab")
    assert line.endswith(f"{tmp_path / 'ws'} is a file, not a folder; name a folder for the "
                         "workspace")


def test_lab_without_chapter_notebooks(tmp_path):
    line = one_line(dlcourse("lab", tmp_path / "ws", "--notebooks", tmp_path,
                             "--prepare-only"), "lab")
    assert f"no chapter notebooks in {tmp_path}" in line
    assert not (tmp_path / "ws").exists()


def test_lab_with_a_chapter_nbgrader_cannot_release(tmp_path):
    """A source chapter nbgrader refuses (two cells with one grade_id): one line, exit 1."""
    import json

    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR / "01_numpy", notebooks / "01_numpy")
    path = notebooks / "01_numpy" / "01_numpy.ipynb"
    nb = json.loads(path.read_text())
    solution = next(c for c in nb["cells"]
                    if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "sigmoid")
    copy = json.loads(json.dumps(solution))
    copy["id"] = "a-second-sigmoid-cell"
    nb["cells"].append(copy)
    path.write_text(json.dumps(nb))
    line = one_line(dlcourse("lab", tmp_path / "ws", "--notebooks", notebooks,
                             "--prepare-only"), "lab", code=1)
    assert "nbgrader could not make the student version of 01_numpy" in line


def test_lab_port_out_of_range(tmp_path):
    line = one_line(dlcourse("lab", tmp_path / "ws", "--port", "70000"), "lab")
    assert line.endswith("--port must be between 0 and 65535, not 70000")


def test_check_missing_notebook(tmp_path):
    line = one_line(dlcourse("check", tmp_path / "02_logistic.ipynb"), "check")
    assert line == f"dlcourse check: no such file or folder: {tmp_path / '02_logistic.ipynb'}"


def test_check_folder_without_chapter_notebooks(tmp_path):
    (tmp_path / "notes.ipynb").write_text("{}")
    line = one_line(dlcourse("check", tmp_path), "check")
    assert line.startswith("dlcourse check: no chapter notebooks found (looked for 01_numpy")


def test_check_unreadable_notebook(tmp_path):
    (tmp_path / "mine.ipynb").write_text('{"cells": [')
    line = one_line(dlcourse("check", tmp_path / "mine.ipynb"), "check")
    assert str(tmp_path / "mine.ipynb") in line and "not a readable notebook" in line


def test_train_output_folder_is_a_file(tmp_path):
    (tmp_path / "out").write_text("")
    line = one_line(dlcourse("train", "--out", tmp_path / "out", "--quick"), "train")
    assert line.endswith(f"--out {tmp_path / 'out'}: cannot create this folder (File exists)")


# --- without bwrap ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["demo", "autograde"])
def test_grading_other_peoples_code_refuses_without_bwrap(
        command, path_without_bwrap, problem_without_bwrap, course, tmp_path):
    folder = course if command == "autograde" else tmp_path / "demo"
    line = one_line(dlcourse(command, folder, path=path_without_bwrap), command)
    assert line == f"dlcourse {command}: {sandbox_instruction(problem_without_bwrap)}"
    assert "not installed" in line and f"sudo {INSTALL}" in line and WEAK in line
    assert not (tmp_path / "demo").exists()  # refused before any slow step
    assert not (course / "gradebook.db").exists()


def test_weak_mode_opt_in_passes_the_sandbox_check(path_without_bwrap, dead_course):
    run = dlcourse("autograde", dead_course, path=path_without_bwrap,
                   env={"DLCOURSE_ALLOW_WEAK_SANDBOX": "1"})
    assert "cannot open the gradebook" in one_line(run, "autograde")  # the next check


def test_check_grades_without_bwrap_and_says_so(path_without_bwrap, tmp_path):
    notebook = tmp_path / "01_numpy.ipynb"
    shutil.copy(NOTEBOOKS_DIR / "01_numpy" / "01_numpy.ipynb", notebook)  # solved
    run = dlcourse("check", notebook, path=path_without_bwrap, timeout=600)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1), run.stdout + run.stderr
    assert "without the sandbox" in run.stdout + run.stderr
    assert "01_numpy.ipynb (chapter 01_numpy): 4/4 points" in run.stdout
