"""Import submissions from a folder or an LMS-style zip into ``submitted/<student>/<chapter>/``.

Which file belongs to whom is read from its path inside the folder or zip (any folders
above it, e.g. an LMS's per-student folders, are allowed):

- ``<student>_<chapter>.ipynb``, e.g. ``jdoe_02_logistic.ipynb`` (the student id has no
  ``_``), or
- ``<student>/<chapter>.ipynb``, e.g. ``jdoe/02_logistic.ipynb``,

where ``<chapter>`` is one of the course's chapters and a student id is letters, digits,
``.`` and ``-`` (plus ``_`` in the folder form). ``pattern=`` replaces both with one
regular expression with named groups ``student`` and ``chapter``, matched against the
path (``/``-separated) with ``re.search``.

A submission's time is the file's modification time (for a zip, the entry's time), written
to nbgrader's ``timestamp.txt``. An older file never replaces a newer submission, whether
both are in the same import or one was collected before. Every file that is not imported
is reported (unrecognised, or older than what is kept), never silently dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from graders.pipeline.course import load_course

DEFAULT_PATTERNS = (
    r"(?:^|/)(?P<student>[A-Za-z0-9][A-Za-z0-9.-]*)_(?P<chapter>\d\d_[A-Za-z]+)\.ipynb$",
    r"(?:^|/)(?P<student>[A-Za-z0-9][A-Za-z0-9._-]*)/(?P<chapter>\d\d_[A-Za-z]+)\.ipynb$",
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Candidate:
    origin: str  # the path inside the folder or zip
    student: str
    chapter: str
    timestamp: datetime
    read: Callable[[], bytes]


@dataclass
class CollectResult:
    """What ``collect`` did with each file it found.

    Attributes
    ----------
    imported : list of (student, chapter, origin)
    older : list of (origin, reason)
        Files not imported because a newer submission of the same notebook is kept.
    unrecognised : list of (origin, reason)
    """

    imported: list[tuple[str, str, str]] = field(default_factory=list)
    older: list[tuple[str, str]] = field(default_factory=list)
    unrecognised: list[tuple[str, str]] = field(default_factory=list)


def collect(course_dir: str | Path, path: str | Path, pattern: str | None = None) -> CollectResult:
    """Import the submissions found in a folder or zip ``path``; see the module docstring."""
    course = load_course(course_dir)
    patterns = [re.compile(pattern)] if pattern else [re.compile(p) for p in DEFAULT_PATTERNS]
    result = CollectResult()
    newest: dict[tuple[str, str], Candidate] = {}
    for origin, timestamp, read in _entries(Path(path)):
        found = _match(origin, patterns)
        if found is None:
            result.unrecognised.append((origin, "file name matches no submission pattern"))
            continue
        student, chapter = found
        if chapter not in course.chapters:
            result.unrecognised.append((origin, f"unknown chapter {chapter!r}"))
        elif not _SAFE_ID.match(student):
            result.unrecognised.append((origin, f"unusable student id {student!r}"))
        else:
            cand = Candidate(origin, student, chapter, timestamp, read)
            kept = newest.get((student, chapter))
            if kept is None or cand.timestamp > kept.timestamp:
                newest[(student, chapter)] = cand
                kept, cand = cand, kept
            if cand is not None:
                result.older.append((cand.origin, f"older than {kept.origin}"))
    for (student, chapter), cand in sorted(newest.items()):
        folder = course.submitted_dir(student, chapter)
        existing = _existing_timestamp(folder)
        if existing is not None and existing >= cand.timestamp:
            reason = f"not newer than the submission collected at {existing}"
            result.older.append((cand.origin, reason))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{chapter}.ipynb").write_bytes(cand.read())
        (folder / "timestamp.txt").write_text(cand.timestamp.isoformat())
        result.imported.append((student, chapter, cand.origin))
    return result


def _match(origin: str, patterns: list[re.Pattern]) -> tuple[str, str] | None:
    for pattern in patterns:
        m = pattern.search(origin)
        if m:
            return m.group("student"), m.group("chapter")
    return None


def _entries(path: Path):
    """Yield ``(origin, timestamp, read)`` for every file in a folder, zip or single file."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            yield file.relative_to(path).as_posix(), _mtime(file), file.read_bytes
    elif zipfile.is_zipfile(path):
        zf = zipfile.ZipFile(path)
        for info in zf.infolist():
            if not info.is_dir():
                stamp = datetime(*info.date_time, tzinfo=UTC)
                yield info.filename, stamp, (lambda name=info.filename: zf.read(name))
    elif path.is_file():
        yield path.name, _mtime(path), path.read_bytes
    else:
        raise FileNotFoundError(f"{path} is neither a folder, a zip nor a file")


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _existing_timestamp(folder: Path) -> datetime | None:
    stamp = folder / "timestamp.txt"
    if not stamp.is_file():
        return None
    from nbgrader.utils import parse_utc

    value = parse_utc(stamp.read_text().strip())
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
