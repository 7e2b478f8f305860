"""collect: the layouts it reads, rosters, patterns, newest submission wins, the listing.

What a hostile inbox can try (links, bombs, impersonation, ids, times, escapes) is in
tests/security/test_intake.py.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import UTC, datetime

import nbformat
import pytest
from pipeline_cli import dlcourse

from graders.commands.collect import listing
from graders.pipeline.collect import collect
from graders.pipeline.course import load_course
from graders.pipeline.roster import RosterError

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
DAY = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def course(tiny_notebooks, tmp_path):
    return light_course(tmp_path / "course", tiny_notebooks)


def light_course(root, notebooks):
    """A course directory as ``dlcourse init`` writes it, less the gradebook (unused here)."""
    shutil.copytree(notebooks, root / "source")
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.root = {str(root)!r}\n")
    return load_course(root)


def _write(path, text, when: datetime = DAY):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when.timestamp(), when.timestamp()))


def _zip(path, entries: dict[str, str], day: int = 1):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 5, day, 8, 0, 0)), text)
    return path


def _submitted(course, student, chapter):
    return (course.submitted_dir(student, chapter) / f"{chapter}.ipynb").read_text()


def _origins(rows):
    return sorted(origin for origin, _ in rows)


def test_plain_layouts_and_junk(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / "ann_01_numpy.ipynb", "ann 1")
    _write(inbox / "bo_k" / "01_numpy.ipynb", "bo_k 1")
    _write(inbox / "cy" / "cy_02_logistic.ipynb", "cy 2")
    _write(inbox / "lms" / "Ann Lee_123" / "ann.lee_02_logistic.ipynb", "ann.lee 2")
    _write(inbox / "notes.txt", "x")
    _write(inbox / "cy_07_unknown.ipynb", "x")
    _write(inbox / "01_numpy.ipynb", "whose?")
    result = collect(course.root, inbox, now=NOW)
    assert sorted(result.imported) == [
        ("ann", "01_numpy", "ann_01_numpy.ipynb"),
        ("bo_k", "01_numpy", "bo_k/01_numpy.ipynb"),
        ("cy", "02_logistic", "cy/cy_02_logistic.ipynb"),
    ]
    assert _origins(result.unrecognised) == ["01_numpy.ipynb", "cy_07_unknown.ipynb", "notes.txt"]
    # a name below a folder that is not the student's own is never believed without a roster
    [(origin, reason)] = result.refused
    assert origin == "lms/Ann Lee_123/ann.lee_02_logistic.ipynb"
    assert "names student 'ann.lee' but the file is in the folder of 'lms'" in reason
    assert _submitted(course, "bo_k", "01_numpy") == "bo_k 1"
    folder = course.submitted_dir("ann", "01_numpy")
    assert datetime.fromisoformat((folder / "timestamp.txt").read_text()) == DAY
    assert datetime.fromisoformat((folder / "collected_at.txt").read_text()) == NOW
    assert not (folder / "claimed_timestamp.txt").exists()
    assert not list(folder.glob(".*"))  # no temporary file left behind


def test_an_older_file_never_replaces_a_newer_submission(course, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first / "ann_01_numpy.ipynb", "ann new", datetime(2026, 5, 2, tzinfo=UTC))
    _write(first / "bo_01_numpy.ipynb", "bo old", datetime(2026, 5, 1, tzinfo=UTC))
    collect(course.root, first, now=NOW)
    _write(second / "ann_01_numpy.ipynb", "ann old", datetime(2026, 5, 1, tzinfo=UTC))
    _write(second / "bo_01_numpy.ipynb", "bo new", datetime(2026, 5, 3, tzinfo=UTC))
    result = collect(course.root, second, now=NOW)
    assert result.imported == [("bo", "01_numpy", "bo_01_numpy.ipynb")]
    [(origin, reason)] = result.older
    assert origin == "ann_01_numpy.ipynb" and reason.startswith("not newer than")
    assert _submitted(course, "ann", "01_numpy") == "ann new"
    assert _submitted(course, "bo", "01_numpy") == "bo new"


def test_zip_keeps_the_newest_of_duplicates_and_honours_a_custom_pattern(course, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text, day in [
            ("s1234 - 01_numpy - try1.ipynb", "try 1", 1),
            ("s1234 - 01_numpy - try2.ipynb", "try 2", 3),
            ("s1234 - 01_numpy - try3.ipynb", "try 3", 2),
            ("s99 - 02_logistic - final.ipynb", "s99", 1),
        ]:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 5, day, 8, 0, 0)), text)
    pattern = r"(?P<student>s\d+) - (?P<chapter>\d\d_\w+) - .*\.ipynb$"
    result = collect(course.root, archive, pattern=pattern, now=NOW)
    assert sorted(result.imported) == [
        ("s1234", "01_numpy", "s1234 - 01_numpy - try2.ipynb"),
        ("s99", "02_logistic", "s99 - 02_logistic - final.ipynb"),
    ]
    assert _origins(result.older) == ["s1234 - 01_numpy - try1.ipynb",
                                      "s1234 - 01_numpy - try3.ipynb"]
    assert _submitted(course, "s1234", "01_numpy") == "try 2"


def test_a_pattern_can_read_the_student_from_the_lms_folder(course, tmp_path):
    """``(?P<student>...)`` in the top-level folder names the owner, at any depth below it."""
    archive = _zip(tmp_path / "lms.zip", {
        "jdoe@uni_88_assignsubmission_file_/work/v2/01_numpy.ipynb": "jdoe",
        "asmith@uni_89_assignsubmission_file_/asmith_01_numpy.ipynb": "asmith",
        "bjones@uni_90_assignsubmission_file_/jdoe_01_numpy.ipynb": "bjones",
    })
    pattern = r"^(?P<student>[a-z]+)@[^/]*/(?:.*[/_])?(?P<chapter>\d\d_[a-z]+)\.ipynb$"
    result = collect(course.root, archive, pattern=pattern, now=NOW)
    assert sorted(s for s, _, _ in result.imported) == ["asmith", "bjones", "jdoe"]
    assert _submitted(course, "bjones", "01_numpy") == "bjones"  # the folder decides


def test_unsafe_student_ids_are_refused(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / "x" / "*" / "01_numpy.ipynb", "glob")
    result = collect(course.root, inbox, pattern=r"(?P<student>[^/]+)/(?P<chapter>01_numpy)",
                     now=NOW)
    assert result.imported == []
    [(origin, reason)] = result.refused
    assert origin == "x/*/01_numpy.ipynb" and "'*'" in reason


ROSTER = """\
Student,ID,SIS Login ID,Section
"Lee, Ann",1201,ann.lee,A
"Moe, Bo",1202,bo,A
"Ng, Cy",1203,cy,B
"""


def test_a_roster_maps_lms_folders_to_course_ids(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    archive = _zip(tmp_path / "moodle.zip", {
        # Moodle: <full name>_<id>_assignsubmission_file_/<what the student uploaded>
        "Ann Lee_1201_assignsubmission_file_/01_numpy.ipynb": "ann 1",
        "Ann Lee_1201_assignsubmission_file_/unzipped/work/02_logistic.ipynb": "ann 2",
        "Bo Moe_1202_assignsubmission_file_/bo_01_numpy.ipynb": "bo 1",  # his own id: fine
        "Bo Moe_1202_assignsubmission_file_/final_02_logistic.ipynb": "bo 2",  # no student
        "Dee Roe_1299_assignsubmission_file_/01_numpy.ipynb": "not on the roster",
        "Cy Ng_1203_assignsubmission_onlinetext_/onlinetext.html": "<p>hi</p>",
    })
    result = collect(course.root, archive, roster=roster, roster_key="SIS Login ID", now=NOW)
    assert sorted((s, c) for s, c, _ in result.imported) == [
        ("ann.lee", "01_numpy"), ("ann.lee", "02_logistic"), ("bo", "01_numpy"),
        ("bo", "02_logistic"),
    ]
    assert _submitted(course, "ann.lee", "02_logistic") == "ann 2"
    [(origin, reason)] = result.refused
    assert origin.startswith("Dee Roe_1299") and "roster" in reason
    assert _origins(result.unrecognised) == [
        "Cy Ng_1203_assignsubmission_onlinetext_/onlinetext.html"]


def test_a_roster_also_names_top_level_files_and_wrapper_folders_are_skipped(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    inbox = tmp_path / "inbox"
    _write(inbox / "1202_01_numpy.ipynb", "bo by LMS id")
    _write(inbox / "download" / "Ann Lee_1201_x" / "01_numpy.ipynb", "ann, wrapped")
    _write(inbox / "stranger_01_numpy.ipynb", "who?")
    result = collect(course.root, inbox, roster=roster, roster_key="sis login id", now=NOW)
    assert sorted(result.imported) == [
        ("ann.lee", "01_numpy", "download/Ann Lee_1201_x/01_numpy.ipynb"),
        ("bo", "01_numpy", "1202_01_numpy.ipynb"),
    ]
    assert _origins(result.refused) == ["stranger_01_numpy.ipynb"]


def test_a_roster_with_an_unusable_course_id_is_refused_whole(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("login,name\nok,Ok Person\nbad id,Bad Person\n")
    with pytest.raises(RosterError, match="unusable student id 'bad id'"):
        collect(course.root, tmp_path, roster=roster, roster_key="login", now=NOW)


def test_nbformat_4_is_kept_byte_for_byte(course, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    text = nbformat.writes(nb) + "\n\n"  # a byte nbformat would not write
    _write(tmp_path / "inbox" / "ann_01_numpy.ipynb", text)
    result = collect(course.root, tmp_path / "inbox", now=NOW)
    assert result.flagged == [] and _submitted(course, "ann", "01_numpy") == text


def test_the_command_lists_every_file_and_exits_1_when_it_refused_one(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / "ann_01_numpy.ipynb", "{ not json")
    _write(inbox / "README.txt", "hand-in instructions")
    ok = dlcourse("collect", course.root, inbox)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.splitlines() == [
        "imported 1 submission(s)",
        "  ann              01_numpy         <- ann_01_numpy.ipynb",
        "flagged, imported with a note: 1 file(s):",
        "  ann_01_numpy.ipynb: not a readable notebook: imported as it is (it will be graded "
        "as failed)",
        "not imported, unrecognised: 1 file(s):",
        "  README.txt: file name matches no submission pattern (CHAPTER.ipynb or "
        "STUDENT_CHAPTER.ipynb)",
        f"details: {course.root / 'logs' / 'collect.log'}",
    ]
    _write(inbox / "bo" / "ann_02_logistic.ipynb", "bo as ann")
    refused = dlcourse("collect", course.root, inbox)
    assert refused.returncode == 1 and refused.stderr == ""
    assert "refused, not imported: 1 file(s):" in refused.stdout
    assert "  bo/ann_02_logistic.ipynb: its name ('ann') names student 'ann'" in refused.stdout
    log = (course.root / "logs" / "collect.log").read_text()
    assert log.count("== ") == 2 and "JSONDecodeError" in log  # the detail is in the log only
    assert "JSONDecodeError" not in ok.stdout + refused.stdout


def test_listing_puts_each_name_on_one_line():
    from graders.pipeline.collect import CollectResult

    result = CollectResult(refused=[("a\nb\x1b[2K", "why")], older=[("c\rd", "older")])
    text = listing(result)
    assert "\x1b" not in text and "\r" not in text
    assert "  a\\x0ab\\x1b[2K: why" in text.splitlines()


def test_ids_that_differ_only_in_case_are_a_conflict(course, tmp_path):
    """On a case-insensitive disk submitted/Ann and submitted/ann are one folder."""
    inbox = tmp_path / "inbox"
    _write(inbox / "Ann" / "01_numpy.ipynb", "Ann")
    _write(inbox / "ann" / "02_logistic.ipynb", "ann")
    _write(inbox / "bo_01_numpy.ipynb", "bo")
    result = collect(course.root, inbox, now=NOW)
    assert [s for s, _, _ in result.imported] == ["bo"]
    assert len(result.refused) == 2
    assert all(r.startswith("conflict: 2 different sources") for _, r in result.refused)
