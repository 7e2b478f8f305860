"""``dlcourse export --format canvas|moodle|csv``: the files read back and held to each format.

The gradebook is written directly (``save_results``) on the tiny chapters, with results of
three exercises each (01_numpy: 4 points, 02_logistic: 7; "Points Possible" is the graded
results' maximum, so these, not the notebooks' totals): ``jdoe`` graded in both,
``asmith`` ungradable in 01_numpy and absent from 02_logistic, ``bnew`` submitted but not
graded yet, and a student whose id looks like a spreadsheet formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pipeline_tiny as tiny
import pytest
from pipeline_cli import dlcourse

from graders.errors import DlcourseError
from graders.pipeline.course import init_course
from graders.pipeline.export import CANVAS_COLUMNS, FIXED_COLUMNS, export_grades
from graders.pipeline.results import ExerciseResult as E
from graders.pipeline.results import SubmissionResult as S
from graders.pipeline.results import save_results
from graders.pipeline.roster import RosterError, read_roster
from graders.pipeline.untrusted import spreadsheet_cell

FORMULA = '=HYPERLINK("evil")'
CANVAS_ROSTER = "\ufeff" + """\
Student,ID,SIS User ID,SIS Login ID,Section,01_numpy (101),02_logistic (102)
Points Possible,,,,,4,7
"Doe, Jane",9001,S-1,jdoe,Section A,,
"Smith, Ann",9002,S-2,asmith,Section B,,
"Roster, Only",9003,S-3,ronly,Section A,,
"""
MOODLE_ROSTER = """First name;Surname;ID number;Email address;Username
Jane;Doe;1001;jane@uni.example;jdoe
Ann;Smith;1002;ann@uni.example;asmith
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    notebooks = tiny.write_notebooks(folder / "notebooks")
    course = init_course(folder / "course", notebooks_dir=notebooks)
    numpy = [E("sigmoid", 2, 2), E("sigmoid_derivative", 1, 1), E("row_means", 1, 1)]
    logistic = [E("forward", 2, 2), E("compute_cost", 0, 2, "wrong"), E("backward", 3, 3)]
    save_results(course.db_url, [
        S("jdoe", "01_numpy", "graded", numpy),
        S("jdoe", "02_logistic", "graded", logistic),
        S("asmith", "01_numpy", "failed", reason="nbformat.reader.NotJSONError: not JSON"),
        S(FORMULA, "01_numpy", "graded", [E("sigmoid", 0, 2, "x"), *numpy[1:]]),
    ])
    for student in ("jdoe", "asmith", FORMULA, "bnew"):
        folder = course.submitted_dir(student, "01_numpy")
        folder.mkdir(parents=True)
        (folder / "01_numpy.ipynb").write_text("{}")
    return course


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _roster(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_canvas_with_a_roster(course, tmp_path):
    out = tmp_path / "canvas.csv"
    done = export_grades(course.root, out, "canvas", roster=_roster(tmp_path, CANVAS_ROSTER))
    header, points, *students = _read(out)
    assert header == CANVAS_COLUMNS + ["01_numpy (101)", "02_logistic (102)"]
    assert points == ["Points Possible", "", "", "", "", "4", "7"]
    assert students == [  # one row per roster student, in roster order; blank = no score
        ["Doe, Jane", "9001", "S-1", "jdoe", "Section A", "4", "5"],
        ["Smith, Ann", "9002", "S-2", "asmith", "Section B", "", ""],  # ungradable: not 0
        ["Roster, Only", "9003", "S-3", "ronly", "Section A", "", ""],
    ]
    assert done.rows == 3
    assert sorted(done.not_in_roster) == sorted([FORMULA, "bnew"])  # listed, not dropped


def test_canvas_without_a_roster_names_assignments_given_on_the_command_line(course, tmp_path):
    out = tmp_path / "canvas.csv"
    done = export_grades(course.root, out, "canvas", assignment_ids={"02_logistic": "77"})
    header, points, *students = _read(out)
    assert header == CANVAS_COLUMNS + ["01_numpy", "02_logistic (77)"]
    assert points[0] == "Points Possible" and points[5:] == ["4", "7"]
    by_login = {row[3]: row for row in students}
    assert sorted(by_login) == sorted(["'" + FORMULA, "asmith", "bnew", "jdoe"])
    assert by_login["'" + FORMULA][5:] == ["2", ""]  # a formula-like id is text, not a formula
    assert by_login["bnew"][5:] == ["", ""]  # submitted, not graded yet: no score
    assert by_login["jdoe"][5:] == ["4", "5"]
    assert all(len(row) == len(header) for row in students)
    assert done.not_in_roster == [] and any("01_numpy" in n for n in done.notes)


def test_moodle_identifier_chosen_by_flag(course, tmp_path):
    roster = _roster(tmp_path, MOODLE_ROSTER)
    for flag, jdoe, asmith in [("username", "jdoe", "asmith"), ("idnumber", "1001", "1002"),
                               ("email", "jane@uni.example", "ann@uni.example")]:
        out = tmp_path / f"moodle-{flag}.csv"
        done = export_grades(course.root, out, "moodle", roster=roster, moodle_id=flag)
        assert _read(out) == [
            [flag, "01_numpy", "02_logistic"],
            [jdoe, "4", "5"],
            [asmith, "", ""],
        ]
        assert sorted(done.not_in_roster) == sorted([FORMULA, "bnew"])


def test_moodle_without_a_roster_writes_course_ids(course, tmp_path):
    out = tmp_path / "moodle.csv"
    export_grades(course.root, out, "moodle")
    header, *rows = _read(out)
    assert header == ["username", "01_numpy", "02_logistic"]
    assert sorted(rows) == sorted([["'" + FORMULA, "2", ""], ["asmith", "", ""],
                                   ["bnew", "", ""], ["jdoe", "4", "5"]])


def test_csv_keeps_its_layout(course, tmp_path):
    out = tmp_path / "grades.csv"
    done = export_grades(course.root, out, "csv")
    header, *rows = _read(out)
    assert header[: len(FIXED_COLUMNS)] == FIXED_COLUMNS
    table = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows}
    assert len(rows) == done.rows == 8  # 4 students x 2 chapters
    assert table[("jdoe", "02_logistic")]["score"] == "5"
    assert table[("jdoe", "02_logistic")]["compute_cost"] == "0"
    failed = table[("asmith", "01_numpy")]
    assert failed["status"] == "failed" and failed["score"] == "" and "JSON" in failed["reason"]
    assert table[("asmith", "02_logistic")]["status"] == "missing"
    assert table[("bnew", "01_numpy")]["status"] == "not graded"
    assert table[("'" + FORMULA, "01_numpy")]["score"] == "2"


def test_spreadsheet_guard():
    for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert spreadsheet_cell(text).startswith("'"), text
    assert spreadsheet_cell("ok\x1b[31m\nnext\u202e") == "ok[31mnext"
    assert spreadsheet_cell("4.5") == "4.5"


def test_roster_reading(tmp_path):
    path = _roster(tmp_path, MOODLE_ROSTER)
    roster = read_roster(path, course_ids=["jdoe", "nobody"])
    assert roster.key == "Username" and list(roster.rows) == ["jdoe", "asmith"]
    assert roster.value("jdoe", "email", "email address") == "jane@uni.example"
    assert read_roster(path, key="id number").get("1002")["Surname"] == "Smith"
    with pytest.raises(RosterError, match="no column 'login'"):
        read_roster(path, key="login")
    with pytest.raises(RosterError, match="--roster-key"):
        read_roster(path, course_ids=["nobody"])
    twice = _roster(tmp_path, "login\njdoe\njdoe\n", "twice.csv")
    with pytest.raises(RosterError, match="twice"):
        read_roster(twice, course_ids=["jdoe"])
    assert issubclass(RosterError, DlcourseError)


def test_export_command(course, tmp_path):
    roster = _roster(tmp_path, CANVAS_ROSTER)
    out = tmp_path / "canvas.csv"
    proc = dlcourse("export", course.root, "--format", "canvas", "--roster", roster,
                    "--out", out)
    assert proc.returncode == 1, proc.stderr  # two course students are not in the roster
    assert proc.stdout.startswith(f"wrote 3 row(s) to {out}")
    assert "2 student(s) of the course are not in the roster" in proc.stderr
    assert "bnew" in proc.stderr
    assert _read(out)[0][:5] == CANVAS_COLUMNS
    moodle = dlcourse("export", course.root, "--format", "moodle", "--moodle-id", "email",
                      "--out", tmp_path / "m.csv")
    assert moodle.returncode == 0 and "note: no --roster" in moodle.stdout
    old = dlcourse("export", course.root, "--csv", tmp_path / "old.csv")
    assert old.returncode == 0 and _read(tmp_path / "old.csv")[0][:6] == FIXED_COLUMNS
    bad = dlcourse("export", course.root, "--format", "canvas", "--roster", tmp_path / "none",
                   "--out", out)
    assert bad.returncode == 2 and "cannot read the roster" in bad.stderr
    help_text = " ".join(dlcourse("export", "--help").stdout.split())
    assert "--format {csv,canvas,moodle}" in help_text and "--roster FILE" in help_text
