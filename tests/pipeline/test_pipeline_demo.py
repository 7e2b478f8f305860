"""``dlcourse demo`` on the real chapter notebooks, checks and catalogue.

What each sample student must get follows from how the demo built them, independently of
the grader: the instructor's solutions score full marks, the released stubs score 0, a
pasted catalogue mistake loses its exercise's points with the catalogue's diagnosis, and
the half-written notebook is not graded (and not scored 0).
"""

from __future__ import annotations

import re

from pipeline_cli import dlcourse

from graders.exercises import CHAPTERS, max_score
from graders.pipeline.course import load_course
from graders.pipeline.demo import MISTAKE_STUDENTS, mistake
from graders.pipeline.results import load_results


def test_demo_grades_the_sample_class(tmp_path):
    folder = tmp_path / "demo"
    proc = dlcourse("demo", folder, "--jobs", "2", timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "31 submissions: 30 graded, 1 could not be graded" in proc.stdout
    assert "Most frequent diagnoses" in proc.stdout and (folder / "report.html").is_file()

    course = load_course(folder)
    assert course.chapters == CHAPTERS
    results = {(r.student, r.chapter): r for r in load_results(course.db_url)}
    for chapter in CHAPTERS:
        ada, fay = results["ada", chapter], results["fay", chapter]
        assert ada.score == ada.max_score == max_score(chapter), (chapter, ada.exercises)
        assert fay.score == 0 and all(e.diagnosis for e in fay.exercises)
        for k, student in enumerate(MISTAKE_STUDENTS):
            impl = mistake(chapter, k)
            got = {e.function: e for e in results[student, chapter].exercises}[impl.function]
            assert got.points == 0, (student, chapter, impl.name)
            assert re.search(impl.diagnosis, got.diagnosis, re.IGNORECASE), (
                student, chapter, impl.name, got.diagnosis
            )
    gus = results["gus", CHAPTERS[0]]
    assert gus.status == "failed" and gus.score is None and "JSON" in gus.reason
