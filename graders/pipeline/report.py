"""The class report: one self-contained HTML page for the instructor.

Sections: a summary (submissions graded, and every one that could not be graded, with
the reason); per chapter, a histogram of the scores (in % of the maximum) with mean and
median; the pass rate of every exercise (bar chart and table); and, per exercise, the
most frequent diagnoses, i.e. which mistakes the class made and how often. Plots are
drawn with matplotlib's object API (no pyplot state) and embedded as base64 PNG.
"""

from __future__ import annotations

import base64
import io
import re
import statistics
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from matplotlib.figure import Figure

from graders.pipeline.course import load_course
from graders.pipeline.results import SubmissionResult, load_results

TOP_DIAGNOSES = 5
_CASE_PREFIX = re.compile(r"^\w+, case '[^']*' \(.*?\): ")

_STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; } .failed { background: #fff3cd; }
"""


def write_report(course_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write the report (default ``<course>/report.html``) and return its path."""
    course = load_course(course_dir)
    results = load_results(course.db_url)
    path = Path(path) if path else course.root / "report.html"
    path.write_text(render_report(results, course.course_id))
    return path


def render_report(results: list[SubmissionResult], title: str = "dlnotes") -> str:
    """The report as one HTML string."""
    graded = [r for r in results if r.graded]
    failed = [r for r in results if not r.graded]
    parts = [
        f"<h1>Class report: {escape(title)}</h1>",
        f"<p>{len(results)} submissions from {len({r.student for r in results})} students: "
        f"{len(graded)} graded, {len(failed)} could not be graded.</p>",
        _failed_section(failed),
        "<h2>Score distribution per chapter</h2>",
        _score_section(graded),
        "<h2>Pass rate per exercise</h2>",
        _pass_rate_section(graded),
        "<h2>Most frequent diagnoses per exercise</h2>",
        _diagnosis_section(graded),
    ]
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>Class report: {escape(title)}</title><style>{_STYLE}</style></head>\n"
        "<body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img alt='plot' src='data:image/png;base64,{data}'>"


def _failed_section(failed: list[SubmissionResult]) -> str:
    if not failed:
        return "<p>Every submission was graded.</p>"
    rows = "".join(
        f"<tr class='failed'><td>{escape(r.student)}</td><td>{escape(r.chapter)}</td>"
        f"<td>{escape(r.reason or '')}</td></tr>"
        for r in failed
    )
    return (
        "<h2>Not graded (no score; look at these by hand)</h2>"
        f"<table><tr><th>student</th><th>chapter</th><th>reason</th></tr>{rows}</table>"
    )


def _score_section(graded: list[SubmissionResult]) -> str:
    by_chapter: dict[str, list[float]] = defaultdict(list)
    for r in graded:
        by_chapter[r.chapter].append(100.0 * r.score / r.max_score if r.max_score else 0.0)
    if not by_chapter:
        return "<p>No graded submissions yet.</p>"
    chapters = sorted(by_chapter)
    fig = Figure(figsize=(3.2 * len(chapters), 2.6))
    axes = fig.subplots(1, len(chapters), squeeze=False)[0]
    for ax, chapter in zip(axes, chapters, strict=True):
        ax.hist(by_chapter[chapter], bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001])
        ax.set_title(chapter)
        ax.set_xlabel("score (%)")
        ax.set_xlim(0, 100)
    axes[0].set_ylabel("students")
    rows = "".join(
        f"<tr><td>{escape(c)}</td><td class='n'>{len(by_chapter[c])}</td>"
        f"<td class='n'>{statistics.mean(by_chapter[c]):.0f}%</td>"
        f"<td class='n'>{statistics.median(by_chapter[c]):.0f}%</td></tr>"
        for c in chapters
    )
    table = (
        "<table><tr><th>chapter</th><th>graded</th><th>mean</th><th>median</th></tr>"
        f"{rows}</table>"
    )
    return _png(fig) + table


def exercise_stats(graded: list[SubmissionResult]) -> dict[tuple[str, str], tuple[int, int]]:
    """``(chapter, function) -> (passed, attempted)`` over graded submissions, course order."""
    stats: dict[tuple[str, str], list[int]] = {}
    for r in sorted(graded, key=lambda r: r.chapter):
        for e in r.exercises:
            counts = stats.setdefault((r.chapter, e.function), [0, 0])
            counts[0] += e.passed
            counts[1] += 1
    return {k: (p, n) for k, (p, n) in stats.items()}


def _pass_rate_section(graded: list[SubmissionResult]) -> str:
    stats = exercise_stats(graded)
    if not stats:
        return "<p>No graded submissions yet.</p>"
    labels = [f"{c} / {f}" for c, f in stats]
    rates = [100.0 * p / n for p, n in stats.values()]
    fig = Figure(figsize=(7, 0.3 * len(labels) + 1))
    ax = fig.subplots()
    ax.barh(range(len(labels)), rates)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("passed (%)")
    rows = "".join(
        f"<tr><td>{escape(c)}</td><td><code>{escape(f)}</code></td>"
        f"<td class='n'>{p} / {n}</td><td class='n'>{100.0 * p / n:.0f}%</td></tr>"
        for (c, f), (p, n) in stats.items()
    )
    table = (
        "<table><tr><th>chapter</th><th>exercise</th><th>passed</th><th>rate</th></tr>"
        f"{rows}</table>"
    )
    return _png(fig) + table


def top_diagnoses(
    graded: list[SubmissionResult], top: int = TOP_DIAGNOSES
) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """``(chapter, function) -> [(diagnosis, count), ...]``, most frequent first."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in graded:
        for e in r.exercises:
            if not e.passed:
                counts[(r.chapter, e.function)][_headline(e.diagnosis)] += 1
    return {k: c.most_common(top) for k, c in sorted(counts.items())}


def _headline(diagnosis: str | None) -> str:
    """The mistake a diagnosis names, without the case it was found on (to count alike).

    Checks report ``"<function>, case '<case>' (<inputs>): <diagnosis>"``; the same
    mistake found on another case is the same mistake.
    """
    lines = (diagnosis or "").strip().splitlines()
    if not lines:
        return "failed without a message"
    return _CASE_PREFIX.sub("", lines[0], count=1)[:300]


def _diagnosis_section(graded: list[SubmissionResult]) -> str:
    top = top_diagnoses(graded)
    if not top:
        return "<p>No exercise was failed.</p>"
    rows = []
    for (chapter, function), items in top.items():
        name = f"{escape(chapter)} / <code>{escape(function)}</code>"
        for i, (text, count) in enumerate(items):
            label = f"<td rowspan='{len(items)}'>{name}</td>"
            rows.append(
                f"<tr>{label if i == 0 else ''}<td class='n'>{count}</td>"
                f"<td>{escape(text)}</td></tr>"
            )
    return (
        "<table><tr><th>exercise</th><th>students</th><th>diagnosis</th></tr>"
        + "".join(rows)
        + "</table>"
    )
