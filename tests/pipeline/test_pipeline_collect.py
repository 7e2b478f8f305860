"""collect: file-name patterns, folders and zips, unrecognised files, newest submission wins."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime

import pytest

from graders.pipeline.collect import collect
from graders.pipeline.course import init_course


@pytest.fixture
def course(tiny_notebooks, tmp_path):
    return init_course(tmp_path / "course", notebooks_dir=tiny_notebooks)


def _write(path, text, when: datetime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when.timestamp(), when.timestamp()))


def _submitted(course, student, chapter):
    return (course.submitted_dir(student, chapter) / f"{chapter}.ipynb").read_text()


def test_folder_with_both_name_forms_and_junk(course, tmp_path):
    day = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    inbox = tmp_path / "inbox"
    _write(inbox / "ann_01_numpy.ipynb", "ann 1", day)
    _write(inbox / "lms" / "Ann Lee_123" / "ann.lee_02_logistic.ipynb", "ann.lee 2", day)
    _write(inbox / "bo_k" / "01_numpy.ipynb", "bo_k 1", day)
    _write(inbox / "notes.txt", "x", day)
    _write(inbox / "cy_07_unknown.ipynb", "x", day)
    _write(inbox / "01_numpy.ipynb", "whose?", day)
    result = collect(course.root, inbox)
    assert sorted(result.imported) == [
        ("ann", "01_numpy", "ann_01_numpy.ipynb"),
        ("ann.lee", "02_logistic", "lms/Ann Lee_123/ann.lee_02_logistic.ipynb"),
        ("bo_k", "01_numpy", "bo_k/01_numpy.ipynb"),
    ]
    assert sorted(origin for origin, _ in result.unrecognised) == [
        "01_numpy.ipynb", "cy_07_unknown.ipynb", "notes.txt",
    ]
    assert _submitted(course, "bo_k", "01_numpy") == "bo_k 1"
    stamp = (course.submitted_dir("ann", "01_numpy") / "timestamp.txt").read_text()
    assert datetime.fromisoformat(stamp) == day


def test_an_older_file_never_replaces_a_newer_submission(course, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first / "ann_01_numpy.ipynb", "ann new", datetime(2026, 5, 2, tzinfo=UTC))
    _write(first / "bo_01_numpy.ipynb", "bo old", datetime(2026, 5, 1, tzinfo=UTC))
    collect(course.root, first)
    _write(second / "ann_01_numpy.ipynb", "ann old", datetime(2026, 5, 1, tzinfo=UTC))
    _write(second / "bo_01_numpy.ipynb", "bo new", datetime(2026, 5, 3, tzinfo=UTC))
    result = collect(course.root, second)
    assert result.imported == [("bo", "01_numpy", "bo_01_numpy.ipynb")]
    assert [origin for origin, _ in result.older] == ["ann_01_numpy.ipynb"]
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
    result = collect(course.root, archive, pattern=pattern)
    assert sorted(result.imported) == [
        ("s1234", "01_numpy", "s1234 - 01_numpy - try2.ipynb"),
        ("s99", "02_logistic", "s99 - 02_logistic - final.ipynb"),
    ]
    assert sorted(o for o, _ in result.older) == [
        "s1234 - 01_numpy - try1.ipynb", "s1234 - 01_numpy - try3.ipynb",
    ]
    assert _submitted(course, "s1234", "01_numpy") == "try 2"


def test_unsafe_student_ids_are_refused(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / "x" / "*" / "01_numpy.ipynb", "glob", datetime(2026, 5, 1, tzinfo=UTC))
    result = collect(course.root, inbox, pattern=r"(?P<student>[^/]+)/(?P<chapter>01_numpy)")
    assert result.imported == []
    assert result.unrecognised == [("x/*/01_numpy.ipynb", "unusable student id '*'")]
