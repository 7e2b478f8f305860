"""Per-student HTML feedback: each exercise's points and the check's diagnosis.

Written from the stored results (``graders.pipeline.results``), not from the executed
notebook, so no test source (visible or hidden) and no expected value can reach a
learner: only the diagnosis messages, which ``autograde`` already cleaned of any
hidden-test source line. Files follow nbgrader's layout,
``feedback/<student>/<chapter>/<chapter>.html``, plus ``feedback/<student>/index.html``
with every chapter on one page.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path

from graders.pipeline.course import load_course
from graders.pipeline.results import SubmissionResult, load_results

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: .4em .6em; text-align: left; vertical-align: top; }
.pass { color: #176b2c; } .fail { color: #a11; } .ungraded { background: #fff3cd; }
pre { white-space: pre-wrap; margin: 0; font-family: inherit; }
"""


def write_feedback(course_dir: str | Path) -> list[Path]:
    """Write feedback for every graded or failed submission; return the files written."""
    course = load_course(course_dir)
    by_student: dict[str, list[SubmissionResult]] = defaultdict(list)
    for result in load_results(course.db_url):
        by_student[result.student].append(result)
    written = []
    for student, results in sorted(by_student.items()):
        folder = course.root / "feedback" / student
        for result in results:
            path = folder / result.chapter / f"{result.chapter}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_page(f"{student}: {result.chapter}", [result]))
            written.append(path)
        index = folder / "index.html"
        index.write_text(_page(f"Feedback for {student}", results))
        written.append(index)
    return written


def _page(title: str, results: list[SubmissionResult]) -> str:
    body = "\n".join(chapter_section(r) for r in results)
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head>\n<body><h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def chapter_section(result: SubmissionResult) -> str:
    """One chapter's feedback as an HTML fragment."""
    head = f"<h2>{escape(result.chapter)}</h2>"
    if not result.graded:
        return (
            f"{head}<p class='ungraded'><strong>Not graded:</strong> this notebook could not "
            f"be graded automatically ({escape(result.reason or 'unknown reason')}). "
            "Your instructor will look at it.</p>"
        )
    rows = []
    for e in result.exercises:
        verdict = (
            "<span class='pass'>passed</span>"
            if e.passed
            else f"<pre class='fail'>{escape(e.diagnosis or 'failed')}</pre>"
        )
        rows.append(
            f"<tr><td><code>{escape(e.function)}</code></td>"
            f"<td>{e.points:g} / {e.max_points:g}</td><td>{verdict}</td></tr>"
        )
    return (
        f"{head}<p>Score: <strong>{result.score:g} / {result.max_score:g}</strong></p>"
        "<table><tr><th>exercise</th><th>points</th><th>what the check found</th></tr>"
        + "".join(rows)
        + "</table>"
    )
