"""The class report: one self-contained HTML page for the instructor, read like a dashboard.

Sections, top to bottom: the figures that matter (cards); submissions that could not be
graded, with the reason in plain words; every student's scores, each name linking to their
feedback; per chapter, a histogram of the scores (whole students on the count axis) with
mean and median; per exercise, how many passed, made a mistake, or did not attempt it (the
released stub left in place); the most frequent diagnoses, real mistakes only; and the
pairs of submissions whose solution cells are alike (``graders.pipeline.similarity``), side
by side with the shared lines marked. Plots are drawn with matplotlib's object API (no
pyplot state) and embedded as base64 PNG. Every untrusted string (student ids, diagnoses,
learner code) is escaped.
"""

from __future__ import annotations

import base64
import io
import os
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from graders.pipeline.course import Course, load_course
from graders.pipeline.results import ExerciseResult, SubmissionResult, load_results
from graders.pipeline.similarity import SimilarPair, find_similar, untouched_cells
from graders.pipeline.untrusted import printable

TOP_DIAGNOSES = 5
SIDE_BY_SIDE = 10  # pairs shown cell by cell; the table lists them all
MAX_CODE_LINES = 120
_CASE_PREFIX = re.compile(r"^\w+, case '[^']*' \(.*?\): ")
_STUB = "raises NotImplementedError"

# The reason a submission could not be graded, in plain words: (pattern, words), first
# match wins. The gradebook and ``dlcourse export --format csv`` keep the technical text.
PLAIN_REASONS = [
    (r"BATCH FLAGGED", "the whole grading batch is in doubt (a known-wrong answer was not "
     "failed); grade this batch again"),
    (r"JSON|nbformat|not a (readable )?notebook|unreadable",
     "the file is damaged: Jupyter cannot open it as a notebook (often cut short on upload)"),
    (r"time ?out|timed out|time limit|took longer",
     "it ran longer than the time limit (an endless loop, or very slow code)"),
    (r"memory", "it used more memory than a submission may"),
    (r"kernel (died|crashed)|DeadKernel|killed|signal",
     "its code crashed the Python process running it"),
    (r"tamper", "the notebook's own run and the trusted re-run disagree (possible tampering)"),
    (r"cell|grade_id|metadata",
     "its exercise cells were changed or removed, so its answers cannot be found"),
]
UNKNOWN_REASON = "it could not be graded automatically"


def plain_reason(reason: str | None) -> str:
    """Why a submission was not graded, in words an instructor reads at a glance."""
    for pattern, words in PLAIN_REASONS:
        if re.search(pattern, reason or "", re.IGNORECASE):
            return words
    return UNKNOWN_REASON


@dataclass(frozen=True)
class ExerciseStats:
    """One exercise over the graded submissions."""

    passed: int
    wrong: int
    not_attempted: int

    @property
    def graded(self) -> int:
        return self.passed + self.wrong + self.not_attempted


def write_report(course_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write the report (default ``<course>/report.html``) and return its path."""
    course = load_course(course_dir)
    results = load_results(course.db_url)
    path = Path(path) if path else course.root / "report.html"
    html = render_report(
        results,
        course.course_id,
        untouched=untouched_exercises(course),
        feedback=feedback_links(course, results, path.parent),
        similar=find_similar(course),
    )
    path.write_text(html, encoding="utf-8")
    return path


def untouched_exercises(course: Course) -> set[tuple[str, str, str]]:
    """``(student, chapter, function)`` of every solution cell left as released."""
    return {
        (student, chapter, grade_id)
        for chapter in course.chapters
        for student, cells in untouched_cells(course, chapter).items()
        for grade_id in cells
    }


def feedback_links(course: Course, results: list[SubmissionResult], folder: Path) -> dict:
    """``student -> link`` to ``feedback/<student>/index.html``, from ``folder``, if written."""
    links = {}
    for student in {r.student for r in results}:
        page = course.root / "feedback" / student / "index.html"
        if page.is_file():
            relative = os.path.relpath(page, folder.resolve())
            links[student] = "/".join(quote(part) for part in Path(relative).parts)
    return links


def render_report(
    results: list[SubmissionResult],
    title: str = "dlnotes",
    *,
    untouched: set[tuple[str, str, str]] | None = None,
    feedback: dict[str, str] | None = None,
    similar: list[SimilarPair] | None = None,
) -> str:
    """The report as one HTML string.

    Parameters
    ----------
    results : the stored results
    title : the course id
    untouched : ``(student, chapter, function)`` left as released (else only the
        ``NotImplementedError`` diagnosis says so)
    feedback : ``student -> link`` to their feedback page
    similar : pairs of alike submissions, most alike first
    """
    untouched = untouched or set()
    graded = [r for r in results if r.graded]
    failed = [r for r in results if not r.graded]
    stats = exercise_stats(graded, untouched)
    sections = [
        ("not-graded", "Not graded", _failed_section(failed, feedback or {})),
        ("students", "Students", _student_section(results, feedback or {})),
        ("scores", "Scores per chapter", _score_section(graded)),
        ("exercises", "Exercises: passed, mistakes, not attempted", _exercise_section(stats)),
        ("mistakes", "Most frequent mistakes", _diagnosis_section(graded, untouched)),
        ("similarity", "Similar solutions", _similarity_section(similar or [])),
    ]
    nav = " ".join(f"<a href='#{key}'>{escape(name)}</a>" for key, name, _ in sections)
    body = [
        f"<h1>Class report: {escape(printable(title))}</h1>",
        f"<p class='lead'>{len(results)} submissions from "
        f"{len({r.student for r in results})} students: {len(graded)} graded, "
        f"{len(failed)} could not be graded.</p>",
        _cards(results, graded, failed, stats, similar or []),
        f"<nav>{nav}</nav>",
        *(f"<h2 id='{key}'>{escape(name)}</h2>\n{html}" for key, name, html in sections),
    ]
    style = files("graders.pipeline").joinpath("report.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Class report: {escape(printable(title))}</title><style>{style}</style></head>\n"
        "<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _text(value: object) -> str:
    """Untrusted text for a page: printable, escaped."""
    return escape(printable(value))


def _student(student: str, feedback: dict[str, str]) -> str:
    name = _text(student)
    link = feedback.get(student)
    return f"<a href='{escape(link)}'>{name}</a>" if link else name


def _cards(results, graded, failed, stats, similar) -> str:
    attempted = sum(s.passed + s.wrong for s in stats.values())
    passed = sum(s.passed for s in stats.values())
    skipped = sum(s.not_attempted for s in stats.values())
    cards = [
        ("students", len({r.student for r in results}), ""),
        ("submissions graded", len(graded), ""),
        ("could not be graded", len(failed), "warn" if failed else ""),
        ("attempted exercises passed", f"{100 * passed / attempted:.0f}%" if attempted else "-",
         ""),
        ("exercises not attempted", skipped, ""),
        ("pairs alike (a reason to look)", len(similar), "alert" if similar else ""),
    ]
    return "<div class='cards'>" + "".join(
        f"<div class='card {kind}'><span class='n'>{value}</span>{escape(label)}</div>"
        for label, value, kind in cards
    ) + "</div>"


def _png(fig: Figure, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img alt='{escape(alt)}' src='data:image/png;base64,{data}'>"


def _failed_section(failed: list[SubmissionResult], feedback: dict[str, str]) -> str:
    if not failed:
        return "<p>Every submission was graded.</p>"
    rows = "".join(
        f"<tr class='failed'><td>{_student(r.student, feedback)}</td><td>{_text(r.chapter)}</td>"
        f"<td>{escape(plain_reason(r.reason))}</td></tr>"
        for r in failed
    )
    return (
        "<p>These have no score (not 0): look at them by hand. The technical detail is in "
        "the <code>reason</code> column of <code>dlcourse export --format csv</code>.</p>"
        f"<table><tr><th>student</th><th>chapter</th><th>why</th></tr>{rows}</table>"
    )


def _student_section(results: list[SubmissionResult], feedback: dict[str, str]) -> str:
    if not results:
        return "<p>No submissions yet.</p>"
    chapters = sorted({r.chapter for r in results})
    by_key = {(r.student, r.chapter): r for r in results}
    head = "".join(f"<th>{_text(c)}</th>" for c in chapters)
    rows = []
    for student in sorted({r.student for r in results}):
        cells = []
        for chapter in chapters:
            r = by_key.get((student, chapter))
            if r is None:
                cells.append("<td class='none'>no submission</td>")
            elif not r.graded:
                cells.append("<td class='failed'>not graded</td>")
            else:
                full = " full" if r.score >= r.max_score else ""
                cells.append(f"<td class='n{full}'>{r.score:g} / {r.max_score:g}</td>")
        rows.append(f"<tr><td>{_student(student, feedback)}</td>{''.join(cells)}</tr>")
    hint = "" if feedback else (
        "<p>No feedback pages yet: <code>dlcourse feedback</code> writes them, and the names "
        "below then link to them.</p>"
    )
    return f"{hint}<table><tr><th>student</th>{head}</tr>{''.join(rows)}</table>"


def _score_section(graded: list[SubmissionResult]) -> str:
    by_chapter = chapter_scores(graded)
    if not by_chapter:
        return "<p>No graded submissions yet.</p>"
    rows = "".join(
        f"<tr><td>{_text(c)}</td><td class='n'>{len(scores)}</td>"
        f"<td class='n'>{statistics.mean(scores):.0f}%</td>"
        f"<td class='n'>{statistics.median(scores):.0f}%</td></tr>"
        for c, scores in by_chapter.items()
    )
    table = (
        "<table><tr><th>chapter</th><th>graded</th><th>mean</th><th>median</th></tr>"
        f"{rows}</table>"
    )
    return _png(score_figure(by_chapter), "histograms of the scores per chapter") + table


def chapter_scores(graded: list[SubmissionResult]) -> dict[str, list[float]]:
    """``chapter -> scores in % of the maximum``, chapters sorted."""
    by_chapter: dict[str, list[float]] = defaultdict(list)
    for r in graded:
        by_chapter[r.chapter].append(100.0 * r.score / r.max_score if r.max_score else 0.0)
    return dict(sorted(by_chapter.items()))


def score_figure(by_chapter: dict[str, list[float]]) -> Figure:
    """One histogram per chapter: score (%) across, whole students up."""
    fig = Figure(figsize=(3.0 * len(by_chapter), 2.4))
    axes = fig.subplots(1, len(by_chapter), squeeze=False)[0]
    for ax, (chapter, scores) in zip(axes, by_chapter.items(), strict=True):
        ax.hist(scores, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001],
                color="#4a78b5", edgecolor="white")
        ax.set_title(chapter)
        ax.set_xlabel("score (%)")
        ax.set_xlim(0, 100)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # students come whole
    axes[0].set_ylabel("students")
    return fig


def not_attempted(result: SubmissionResult, e: ExerciseResult, untouched: set) -> bool:
    """The released stub was left in place (same cell, or it still raises the stub's error)."""
    if e.passed:
        return False
    return (result.student, result.chapter, e.function) in untouched or _STUB in (
        e.diagnosis or "")


def exercise_stats(
    graded: list[SubmissionResult], untouched: set | None = None
) -> dict[tuple[str, str], ExerciseStats]:
    """``(chapter, function) -> ExerciseStats`` over graded submissions, course order."""
    counts: dict[tuple[str, str], list[int]] = {}
    for r in sorted(graded, key=lambda r: r.chapter):
        for e in r.exercises:
            n = counts.setdefault((r.chapter, e.function), [0, 0, 0])
            n[0 if e.passed else 2 if not_attempted(r, e, untouched or set()) else 1] += 1
    return {k: ExerciseStats(*n) for k, n in counts.items()}


def _exercise_section(stats: dict[tuple[str, str], ExerciseStats]) -> str:
    if not stats:
        return "<p>No graded submissions yet.</p>"
    rows = []
    for (chapter, function), s in stats.items():
        bars = "".join(
            f"<span class='bar {kind}' style='width:{10 * n / s.graded:.2f}em'></span>"
            for kind, n in (("pass", s.passed), ("wrong", s.wrong), ("skip", s.not_attempted))
        )
        attempted = s.passed + s.wrong
        rate = f"{100 * s.passed / attempted:.0f}%" if attempted else "-"
        rows.append(
            f"<tr><td>{_text(chapter)}</td><td><code>{_text(function)}</code></td>"
            f"<td>{bars}</td><td class='n'>{s.passed}</td><td class='n'>{s.wrong}</td>"
            f"<td class='n'>{s.not_attempted}</td><td class='n'>{rate}</td></tr>"
        )
    legend = (
        "<p class='legend'><span><span class='bar pass' style='width:1em'></span> passed</span>"
        "<span><span class='bar wrong' style='width:1em'></span> mistake</span>"
        "<span><span class='bar skip' style='width:1em'></span> not attempted (the released "
        "stub left in place)</span></p>"
    )
    return legend + (
        "<table><tr><th>chapter</th><th>exercise</th><th></th><th>passed</th><th>mistake</th>"
        "<th>not attempted</th><th>passed of attempted</th></tr>" + "".join(rows) + "</table>"
    )


def top_diagnoses(
    graded: list[SubmissionResult], top: int = TOP_DIAGNOSES, untouched: set | None = None
) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """``(chapter, function) -> [(diagnosis, count), ...]``: real mistakes, most frequent first."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in graded:
        for e in r.exercises:
            if not e.passed and not not_attempted(r, e, untouched or set()):
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


def _diagnosis_section(graded: list[SubmissionResult], untouched: set) -> str:
    top = top_diagnoses(graded, untouched=untouched)
    if not top:
        return "<p>No mistakes: every attempted exercise passed.</p>"
    rows = []
    for (chapter, function), items in top.items():
        name = f"{_text(chapter)} / <code>{_text(function)}</code>"
        for i, (text, count) in enumerate(items):
            label = f"<td rowspan='{len(items)}'>{name}</td>"
            rows.append(
                f"<tr>{label if i == 0 else ''}<td class='n'>{count}</td>"
                f"<td>{_text(text)}</td></tr>"
            )
    return (
        "<p>Exercises left as released are not counted here (see the table above).</p>"
        "<table><tr><th>exercise</th><th>students</th><th>diagnosis</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _similarity_section(pairs: list[SimilarPair]) -> str:
    note = (
        "<p class='note'>A similarity is a reason to look at two notebooks, not a verdict: "
        "short or standard solutions can be alike by chance, and a thorough disguise can "
        "hide a copy. Names, comments, spacing, literal values and the released code do "
        "not count; each score is the share of the smaller cell's fingerprints found in "
        "the other one.</p>"
    )
    if not pairs:
        return note + "<p>No pair of submissions is alike above the threshold.</p>"
    rows = "".join(
        f"<tr><td class='n'>{p.score:.2f}</td><td>{_text(p.chapter)}</td>"
        f"<td>{_text(p.student_a)}</td><td>{_text(p.student_b)}</td><td>{_alike(p)}</td></tr>"
        for p in pairs
    )
    table = (
        "<table><tr><th>score</th><th>chapter</th><th>student</th><th>student</th>"
        f"<th>cells</th></tr>{rows}</table>"
    )
    shown = "".join(_side_by_side(p) for p in pairs[:SIDE_BY_SIDE])
    more = (f"<p>The {len(pairs) - SIDE_BY_SIDE} other pairs: <code>dlcourse similarity</code>.</p>"
            if len(pairs) > SIDE_BY_SIDE else "")
    return note + table + shown + more


def _alike(pair: SimilarPair) -> str:
    return ", ".join(
        f"<code>{_text(c.grade_id)}</code> {c.score:.2f}" for c in pair.cells if c.shared
    )


def _side_by_side(pair: SimilarPair) -> str:
    a, b = _text(pair.student_a), _text(pair.student_b)
    cells = "".join(
        f"<h4><code>{_text(c.grade_id)}</code>: {c.score:.2f}</h4><div class='side'>"
        f"<div><h4>{a}</h4>{_code(c.source_a, c.lines_a)}</div>"
        f"<div><h4>{b}</h4>{_code(c.source_b, c.lines_b)}</div></div>"
        for c in pair.cells if c.shared
    )
    return (f"<details><summary>{_text(pair.chapter)}: {a} and {b} ({pair.score:.2f}); "
            f"shared parts marked</summary>{cells}</details>")


def _code(source: str, shared: frozenset[int]) -> str:
    lines = printable(source, newlines=True).splitlines()
    shown = [
        f"<span class='shared'>{escape(line) or ' '}</span>" if n in shared
        else f"<span>{escape(line) or ' '}</span>"
        for n, line in enumerate(lines[:MAX_CODE_LINES], start=1)
    ]
    if len(lines) > MAX_CODE_LINES:
        shown.append(f"<span>... ({len(lines) - MAX_CODE_LINES} more lines)</span>")
    return f"<pre class='code'>{''.join(shown)}</pre>"
