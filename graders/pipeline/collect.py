"""Import submissions from a folder or an LMS zip into ``submitted/<student>/<chapter>/``.

Everything in the inbox is hostile input: a student chooses the name of the file they
upload, what is inside it and inside a zip, its time and its size. So ``collect`` believes
only what the LMS (its per-student folders), the instructor's layout or a roster says:

**Which files.** Only regular files from inside the inbox, in a folder and in a zip alike.
Symbolic links, devices, FIFOs, sockets, hard links, anything on another file system (a
mount point inside the folder) and zip entries whose path leaves the zip (``..``, an
absolute path) are refused and listed. A folder is walked and its files are opened one
path component at a time, never following a link (``O_NOFOLLOW``, ``O_NONBLOCK`` so a FIFO
cannot block, ``fstat`` before reading). A file or zip entry larger than
``graders.trusted.notebook.MAX_NOTEBOOK_BYTES`` is refused by its declared size before it
is opened, and every read stops one byte past that limit whatever a zip header claims
(zip entries compressed with bzip2 or lzma, whose unpacking cannot be bounded, are refused).

**Whose file.** The file name gives the chapter: ``<chapter>.ipynb`` or
``<name>_<chapter>.ipynb`` (e.g. ``jdoe_02_logistic.ipynb``). The student is

- for a file at the top of the inbox, the student its name names (``jdoe``);
- for a file in a folder, the student whose folder it is: without a roster, the top-level
  folder's name is the student id and the notebook must be directly in it
  (``jdoe/02_logistic.ipynb``); with a roster (``roster=``), the outermost folder that the
  roster knows, at any depth below it (an LMS's ``Jane Doe_1234_assignsubmission_file_/``).

A file name (or, with a roster, a sub-folder) that names *another* student than the folder
it is in is refused and listed: the folder the LMS made wins, a name never moves a file to
someone else. Two sources (two different LMS identities: folders, roster entries, names)
claiming one student in one collect is a conflict: nothing of that student is imported
from this collect and every file involved is listed. Every id passes
:func:`graders.pipeline.ids.id_problem` (full match, at most 128 characters, printable);
a file that fails is listed with the reason and the others are imported.

``pattern=`` replaces the file-name rule: a regular expression with a named group
``chapter`` and optionally ``student``, searched in the ``/``-separated path. A
``student`` group inside the top-level folder (or, with a roster, a folder the roster
knows) reads the owner from that folder; anywhere else it is a claim that must agree.

**A roster** is a CSV read by :func:`graders.pipeline.roster.read_roster`: its key column
(``roster_key``, or the one holding the most known course ids) holds course ids; every
other non-empty cell of a row is a name or an id the LMS uses for that student. A folder
or a top-level name matches a row when it, or one of its ``_``-separated fields, equals
one of those values; a value shared by several rows identifies nobody, and a folder that
matches two students is refused. Prefer the LMS's ids (students cannot choose them) to
display names.

**Time.** A submission's time is the file's modification time (a zip entry's time), but
the collector's clock decides: a time later than now plus ``FUTURE_SKEW`` is clamped to
the collect time and flagged. An older file never replaces a newer submission, in the
same import or across imports.

**Format.** A notebook in nbformat 1-3 is converted to nbformat 4 (its cells' nbgrader
metadata kept); a later format is refused. A file that is not a readable notebook is
imported as it is (it is graded as failed) and flagged with that fixed phrase; parser
messages go to the instructor's log only.

**What is written.** ``submitted/<student>/<chapter>/<chapter>.ipynb``; nbgrader's
``timestamp.txt`` (the submission time, clamped); ``collected_at.txt`` (the collector's
clock when it was imported); ``claimed_timestamp.txt`` only when the claimed time was in
the future (that claimed time). ``logs/collect.log`` keeps every decision with its detail.
Every file that is not imported is listed (unrecognised, refused, or older than what is
kept), never silently dropped; names in listings are escaped (:func:`ids.escaped`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from graders.errors import DlcourseError, UsageError
from graders.pipeline.course import Course, load_course
from graders.pipeline.ids import escaped, id_problem
from graders.trusted.notebook import MAX_NOTEBOOK_BYTES

FUTURE_SKEW = timedelta(minutes=5)  # clocks of an LMS and of the collector may differ a little
MAX_DEPTH = 32  # folders inside the inbox; deeper ones are refused, not walked
LOG_NAME = "collect.log"  # in the course's logs/ folder
UNREADABLE = "not a readable notebook"
_CHAPTER_NAME = re.compile(r"(?:^|_)(?P<chapter>\d\d_[A-Za-z]+)\.ipynb$")
_CHUNK = 1 << 16
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # their unpacking is bounded


class CollectError(DlcourseError):
    """The inbox cannot be read at all: missing, not a folder, zip or notebook, a broken zip."""


@dataclass
class CollectResult:
    """What ``collect`` did with each file it found (origins as found: escape to print).

    Attributes
    ----------
    imported : list of (student, chapter, origin)
    older : list of (origin, reason)
        Not imported: a newer submission of the same notebook is kept.
    unrecognised : list of (origin, reason)
        Not a submission (no chapter in its name, an unknown chapter, macOS metadata).
    refused : list of (origin, reason)
        Not imported although it looks like a submission: not a regular file from inside
        the inbox, too large, an unusable id, claiming another student, a conflict, an
        unsupported notebook format.
    flagged : list of (origin, note)
        Imported, with something the instructor should know (a time in the future, a
        converted format, not a readable notebook).
    log : Path or None
        The instructor's log of this collect (``logs/collect.log``).
    """

    imported: list[tuple[str, str, str]] = field(default_factory=list)
    older: list[tuple[str, str]] = field(default_factory=list)
    unrecognised: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    log: Path | None = None


class _SkipError(Exception):
    """A file not imported: ``reason`` is fixed, printable text; ``detail`` is for the log."""

    def __init__(self, reason: str, detail: object = None):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


class _Refused(_SkipError):  # noqa: N818 (a verdict, not an error)
    pass


class _Unrecognised(_SkipError):  # noqa: N818
    pass


@dataclass(frozen=True)
class _Entry:
    """One file of the inbox, not read yet."""

    origin: str  # its path in the inbox as found, '/'-separated
    parts: tuple[str, ...]  # folders, then the file name
    size: int  # as declared (stat, or the zip's header)
    claimed: datetime | None  # its modification time; None when it has none
    opener: Callable[[], BinaryIO] | None
    refused: str | None = None  # why it is not a regular file from inside the inbox


@dataclass(frozen=True)
class _Candidate:
    entry: _Entry
    student: str
    chapter: str
    source: frozenset[str]  # the identity that named the student (LMS folder, roster keys)
    stamp: datetime  # the submission time to record (clamped)
    future: datetime | None  # the claimed time when it was clamped


def collect(
    course_dir: str | Path,
    path: str | Path,
    pattern: str | None = None,
    *,
    roster: str | Path | None = None,
    roster_key: str | None = None,
    now: datetime | None = None,
) -> CollectResult:
    """Import the submissions found in a folder, zip or notebook ``path``.

    Parameters
    ----------
    course_dir : path
    path : path
        A folder, a zip (e.g. an LMS's download of all submissions) or one notebook.
    pattern : str, optional
        Regular expression with groups ``chapter`` and optionally ``student``.
    roster : path, optional
        CSV mapping the LMS's names or ids to course ids (see the module docstring).
    roster_key : str, optional
        The roster's column of course ids.
    now : datetime, optional
        The collector's clock (timezone-aware; default the current time).

    Raises
    ------
    CollectError
        The inbox is missing or is not a folder, a readable zip or a file.
    graders.pipeline.roster.RosterError, UsageError
        A bad roster or pattern.
    """
    course = load_course(course_dir)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    matcher = _Matcher(course.chapters, pattern)
    people = _People.read(roster, roster_key, course) if roster is not None else _People(None)
    result = CollectResult()
    with _inbox(Path(path)) as entries, _Log(course.root, Path(path), now) as log:
        result.log = log.path
        candidates = []
        for entry in entries:
            try:
                candidates.append(_candidate(entry, matcher, people, now))
            except _SkipError as skip:
                bucket = result.refused if isinstance(skip, _Refused) else result.unrecognised
                bucket.append((entry.origin, skip.reason))
                log.note(entry.origin, skip.reason, skip.detail)
        by_notebook: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
        for cand in _without_conflicts(candidates, result, log):
            by_notebook[cand.student, cand.chapter].append(cand)
        for (student, chapter), cands in sorted(by_notebook.items()):
            _import(course, student, chapter, cands, now, result, log)
    return result


# --- attribution ------------------------------------------------------------------------


class _Matcher:
    """The chapter of a file, and where its path names a student (the ``student`` group)."""

    def __init__(self, chapters: tuple[str, ...], pattern: str | None):
        self.chapters = chapters
        self.pattern = compile_pattern(pattern) if pattern is not None else None

    def match(self, parts: tuple[str, ...]) -> tuple[str, str | None, int | None]:
        """``(chapter, student group or None, index of the part holding it or None)``."""
        if self.pattern is not None:
            origin = "/".join(parts)
            m = self.pattern.search(origin)
            if m is None:
                raise _Unrecognised("the path matches no submission pattern (--pattern)")
            chapter = m.group("chapter") or ""
            group = m.group("student") if "student" in m.re.groupindex else None
            at = _part_at(parts, m.span("student")) if group is not None else None
            if group is not None and at is None:
                raise _Refused("the pattern's student group spans more than one folder")
        else:
            name = parts[-1]
            m = _CHAPTER_NAME.search(name)
            if m is None:
                raise _Unrecognised(
                    "file name matches no submission pattern (CHAPTER.ipynb or "
                    "STUDENT_CHAPTER.ipynb)")
            chapter = m.group("chapter")
            named = m.group(0).startswith("_")
            group, at = (name[: m.start()], len(parts) - 1) if named else (None, None)
        if chapter not in self.chapters:
            raise _Unrecognised(f"unknown chapter '{escaped(chapter)}'")
        return chapter, group, at


def compile_pattern(pattern: str) -> re.Pattern:
    """``--pattern`` compiled, or a one-line :class:`UsageError`."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UsageError(f"--pattern {pattern!r} is not a regular expression: {exc}") from None
    if "chapter" not in compiled.groupindex:
        raise UsageError(f"--pattern {pattern!r} has no group (?P<chapter>...)")
    return compiled


def _part_at(parts: tuple[str, ...], span: tuple[int, int]) -> int | None:
    start = 0
    for i, part in enumerate(parts):
        end = start + len(part)
        if start <= span[0] and span[1] <= end:
            return i
        start = end + 1
    return None


class _People:
    """Who a folder or a name is: a course id itself, or through the roster's LMS names."""

    def __init__(self, aliases: dict[str, str] | None):
        self.aliases = aliases  # None: no roster

    @classmethod
    def read(cls, path: str | Path, key: str | None, course: Course) -> _People:
        from graders.pipeline.roster import RosterError, read_roster

        known = [p.name for p in (course.root / "submitted").glob("*") if p.is_dir()]
        roster = read_roster(path, key=key, course_ids=known)
        students: dict[str, set[str]] = defaultdict(set)
        for student, row in roster.rows.items():
            problem = id_problem(student)
            if problem:
                raise RosterError(f"roster {escaped(path)}, column {roster.key!r}: {problem}")
            for value in {student, *row.values()}:
                if value.strip():
                    students[value.strip()].add(student)
        # a value several rows share (a section, a common name) identifies nobody
        return cls({value: next(iter(s)) for value, s in students.items() if len(s) == 1})

    def hits(self, text: str) -> dict[str, str]:
        """``roster value -> course id`` for the values ``text`` or its ``_`` fields equal."""
        keys = {text.strip(), *(f.strip() for f in text.split("_"))} - {""}
        return {k: self.aliases[k] for k in keys if k in self.aliases}

    def owner(
        self, parts: tuple[str, ...], group: str | None, at: int | None
    ) -> tuple[str, frozenset[str]]:
        """The student a file belongs to, and the identity that says so; or :class:`_SkipError`."""
        folders = parts[:-1]
        if not folders:
            if group is None:
                raise _Unrecognised("a notebook at the top of the inbox must name its student "
                                    "(STUDENT_CHAPTER.ipynb)")
            return self._named(group, "the file name")
        if self.aliases is None:
            return self._folder_without_roster(folders, group, at)
        for i, folder in enumerate(folders):
            hits = self.hits(group if at == i else folder)
            if hits:
                break
        else:
            raise _Refused(f"no folder on its path is a student of the roster (top folder "
                           f"'{escaped(folders[0])}')")
        owner = self._one(hits, f"the folder '{escaped(folders[i])}'")
        for j, inner in enumerate(folders[i + 1:], start=i + 1):
            if at != j:
                self._agrees(set(self.hits(inner).values()), owner, f"the sub-folder "
                             f"'{escaped(inner)}'", folders[i])
        if group is not None and at != i:
            self._agrees(set(self.hits(group).values()), owner,
                         _where(group, at, len(folders)), folders[i])
        return owner, frozenset(hits)

    def _folder_without_roster(self, folders, group, at) -> tuple[str, frozenset[str]]:
        top = folders[0]
        owner = group if at == 0 else top
        problem = id_problem(owner)
        if problem:
            raise _Refused(f"the folder '{escaped(top)}' does not name a student: {problem}; "
                           "to collect an LMS's folders, give --roster")
        if group is not None and at != 0 and group.casefold() != owner.casefold():
            self._agrees({group}, owner, _where(group, at, len(folders)), top)
        if len(folders) > 1 and at != 0:
            raise _Refused(f"inside a sub-folder of '{escaped(top)}': without --roster, a "
                           "notebook must be directly in its student's folder")
        return owner, frozenset({owner})

    def _named(self, name: str, where: str) -> tuple[str, frozenset[str]]:
        if self.aliases is None:
            problem = id_problem(name)
            if problem:
                raise _Refused(problem)
            return name, frozenset({name})
        hits = self.hits(name)
        if not hits:
            raise _Refused(f"{where} ('{escaped(name)}') names no student of the roster")
        return self._one(hits, where), frozenset(hits)

    @staticmethod
    def _one(hits: dict[str, str], where: str) -> str:
        students = sorted(set(hits.values()))
        if len(students) > 1:
            raise _Refused(f"{where} matches several students of the roster "
                           f"({', '.join(students)}): whose it is cannot be told")
        return students[0]

    @staticmethod
    def _agrees(claimed: set[str], owner: str, what: str, folder: str) -> None:
        others = sorted(claimed - {owner})
        if others:
            raise _Refused(
                f"{what} names student '{escaped(others[0])}' but the file is in the folder "
                f"of '{owner}' ('{escaped(folder)}'): a file belongs to the student whose "
                "folder it came from")


def _where(group: str, at: int, folders: int) -> str:
    return f"its name ('{escaped(group)}')" if at == folders else f"the folder '{escaped(group)}'"


def _candidate(entry: _Entry, matcher: _Matcher, people: _People, now: datetime) -> _Candidate:
    if entry.refused:
        raise _Refused(entry.refused)
    if entry.parts[0] == "__MACOSX" or entry.parts[-1].startswith("._"):
        raise _Unrecognised("macOS metadata, not a submission")
    chapter, group, at = matcher.match(entry.parts)
    student, source = people.owner(entry.parts, group, at)
    if entry.size > MAX_NOTEBOOK_BYTES:
        raise _Refused(_too_big(f"{entry.size} bytes"))
    stamp, future = entry.claimed or now, None
    if stamp > now + FUTURE_SKEW:
        stamp, future = now, stamp
    return _Candidate(entry, student, chapter, source, stamp, future)


def _without_conflicts(
    candidates: list[_Candidate], result: CollectResult, log: _Log
) -> list[_Candidate]:
    """Candidates whose student only one source claims; the others are refused and listed."""
    sources: dict[str, set[frozenset[str]]] = defaultdict(set)
    for cand in candidates:
        sources[cand.student.casefold()].add(cand.source)
    kept = []
    for cand in candidates:
        claims = sources[cand.student.casefold()]
        if len(claims) == 1:
            kept.append(cand)
            continue
        named = "; ".join(sorted(", ".join(f"'{escaped(k)}'" for k in sorted(c)) for c in claims))
        reason = (f"conflict: {len(claims)} different sources claim student '{cand.student}' "
                  f"in this collect ({named}); nothing of theirs is imported: check the inbox "
                  "and the roster")
        result.refused.append((cand.entry.origin, reason))
        log.note(cand.entry.origin, reason)
    return kept


# --- importing --------------------------------------------------------------------------


def _import(
    course: Course,
    student: str,
    chapter: str,
    cands: list[_Candidate],
    now: datetime,
    result: CollectResult,
    log: _Log,
) -> None:
    """Import the newest readable candidate of one notebook, unless what is kept is newer."""
    cands = sorted(cands, key=lambda c: (c.stamp, c.entry.origin), reverse=True)
    existing = _existing_time(course.submitted_dir(student, chapter))
    for k, cand in enumerate(cands):
        origin = cand.entry.origin
        if existing is not None and existing >= cand.stamp:
            reason = f"not newer than the submission collected at {existing.isoformat()}"
            for rest in cands[k:]:
                result.older.append((rest.entry.origin, reason))
                log.note(rest.entry.origin, reason)
            return
        try:
            data = _read(cand.entry)
            data, note, detail = _as_notebook(data)
            _write_submission(course, student, chapter, {
                f"{chapter}.ipynb": data,
                "timestamp.txt": cand.stamp.isoformat().encode(),
                "collected_at.txt": now.isoformat().encode(),
                "claimed_timestamp.txt": cand.future and cand.future.isoformat().encode(),
            })
        except _Refused as skip:
            result.refused.append((origin, skip.reason))
            log.note(origin, skip.reason, skip.detail)
            continue
        result.imported.append((student, chapter, origin))
        digest = hashlib.sha256(data).hexdigest()
        log.note(origin, f"imported as {student} {chapter} ({len(data)} bytes, sha256 {digest}, "
                         f"time {cand.stamp.isoformat()})")
        notes = [note] if note else []
        if cand.future is not None:
            notes.insert(0, f"dated {cand.future.isoformat()}, later than the collect: recorded "
                            f"at the collect time {now.isoformat()}")
        for text in notes:
            result.flagged.append((origin, text))
            log.note(origin, text, detail)
        for rest in cands[k + 1:]:
            reason = f"older than {escaped(origin)}"
            result.older.append((rest.entry.origin, reason))
            log.note(rest.entry.origin, reason)
        return


def _too_big(size: str) -> str:
    return f"{size}, more than the notebook limit of {MAX_NOTEBOOK_BYTES} bytes"


def _read(entry: _Entry) -> bytes:
    """The bytes of an entry, at most ``MAX_NOTEBOOK_BYTES``, whatever its header says."""
    try:
        stream = entry.opener()
    except _SkipError:
        raise
    except Exception as exc:  # an archive's bytes are hostile: any failure is "unreadable"
        raise _Refused("could not be opened for reading", repr(exc)) from None
    with stream:
        buffer = bytearray()
        try:
            while chunk := stream.read(_CHUNK):  # /proc files take only whole records
                buffer += chunk
                if len(buffer) > MAX_NOTEBOOK_BYTES:
                    raise _Refused(_too_big("more bytes than its header said"))
        except _SkipError:
            raise
        except Exception as exc:  # broken compression, a bad CRC, an I/O error
            raise _Refused("could not be read (a broken file or zip entry)", repr(exc)) from None
    return bytes(buffer)


def _as_notebook(data: bytes) -> tuple[bytes, str | None, str | None]:
    """``(bytes to store, note for the listing, detail for the log)``; or :class:`_Refused`.

    nbformat 4 is kept byte for byte; nbformat 1-3 is converted to 4; a later format is
    refused; anything else is kept as it is, to be graded as failed, and noted.
    """
    as_it_is = f"{UNREADABLE}: imported as it is (it will be graded as failed)"
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as exc:
        return data, as_it_is, repr(exc)
    version = notebook.get("nbformat") if isinstance(notebook, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        return data, as_it_is, "the JSON has no integer nbformat field"
    if version == 4:
        return data, None, None
    if version > 4 or version < 1:
        raise _Refused(f"nbformat {version} is not a notebook format this course reads (1 to 4): "
                       "ask for the notebook saved by JupyterLab or Jupyter Notebook")
    import nbformat
    from nbformat import reader, v4

    try:
        upgraded = nbformat.convert(reader.reads(data.decode(json.detect_encoding(data))), 4)
        text = v4.writes(upgraded)
    except Exception as exc:  # nbformat's converters meet hostile JSON
        raise _Refused(f"an nbformat {version} notebook that could not be converted to "
                       "nbformat 4", repr(exc)) from None
    detail = None
    try:
        nbformat.validate(nbformat.reads(text, as_version=nbformat.NO_CONVERT))
    except Exception as exc:
        detail = f"the converted notebook does not validate: {exc!r}"
    return text.encode(), f"converted from nbformat {version} to nbformat 4", detail


def _write_submission(course: Course, student: str, chapter: str,
                      files: dict[str, bytes | None]) -> None:
    """Write (None: remove) files in ``submitted/<student>/<chapter>/``, following no link."""
    submitted = course.root / "submitted"
    submitted.mkdir(exist_ok=True)
    fd = os.open(submitted, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in (student, chapter):
            try:
                os.mkdir(part, dir_fd=fd)
            except FileExistsError:
                pass
            try:
                inner = os.open(part, _OPEN_DIR, dir_fd=fd)
            except OSError as exc:
                raise _Refused("its folder in submitted/ is not a plain folder", repr(exc)) \
                    from None
            os.close(fd)
            fd = inner
        for name, content in files.items():
            if content is None:
                try:
                    os.unlink(name, dir_fd=fd)
                except FileNotFoundError:
                    pass
                continue
            temporary = f".{name}.collecting"
            try:
                os.unlink(temporary, dir_fd=fd)
            except FileNotFoundError:
                pass
            out = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                          | os.O_CLOEXEC, 0o666, dir_fd=fd)
            with os.fdopen(out, "wb") as fh:
                fh.write(content)
            os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    finally:
        os.close(fd)


def _existing_time(folder: Path) -> datetime | None:
    """The time of the submission kept in ``folder``, never later than when it was collected.

    A ``timestamp.txt`` from before times were clamped may say 2099; what was collected
    cannot be newer than its collection (``collected_at.txt``, else the file's own time).
    """
    stamp_file = folder / "timestamp.txt"
    stamp = _read_time(stamp_file)
    if stamp is None:
        return None
    collected = _read_time(folder / "collected_at.txt")
    if collected is None:
        collected = datetime.fromtimestamp(stamp_file.lstat().st_mtime, tz=UTC)
    return min(stamp, collected)


def _read_time(path: Path) -> datetime | None:
    try:
        if not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size > 200:
            return None
        from nbgrader.utils import parse_utc

        value = parse_utc(path.read_text().strip())
    except (OSError, ValueError, OverflowError, TypeError):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- the inbox: a folder, a zip or one file ---------------------------------------------


@contextmanager
def _inbox(path: Path) -> Iterator[Iterator[_Entry]]:
    """The entries of a folder, zip or single file; only the inbox path itself may be a link."""
    shown = escaped(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise CollectError(f"{shown}: no such folder, zip or notebook") from None
    except OSError as exc:
        raise CollectError(f"{shown}: cannot be opened ({exc.strerror})") from None
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        try:
            yield _walk(fd, fd, (), info.st_dev)
        finally:
            os.close(fd)
        return
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise CollectError(f"{shown} is neither a folder, a zip nor a notebook")
    with os.fdopen(fd, "rb") as handle:
        if zipfile.is_zipfile(handle):
            try:
                archive = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise CollectError(f"{shown} is not a readable zip archive") from None
            with archive:
                yield _zip_entries(archive)
        else:
            parent = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                yield (_folder_entry(parent, parent, (), path.name, os.fstat(parent).st_dev),)
            finally:
                os.close(parent)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not collected (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    what = ("a symbolic link" if stat.S_ISLNK(mode)
            else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "a folder" if stat.S_ISDIR(mode)
            else "a special file")
    return f"{what}, not a regular file: only regular files are collected"


def _walk(root: int, folder: int, prefix: tuple[str, ...], device: int) -> Iterator[_Entry]:
    """Every file below the open folder ``folder``, sorted, without following any link."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        yield _Entry("/".join(prefix) or ".", prefix or (".",), 0, None, None,
                     "a folder that cannot be listed")
        return
    for name in names:
        parts = (*prefix, name)
        try:
            info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        except OSError:
            yield _Entry("/".join(parts), parts, 0, None, None, "cannot be examined (stat failed)")
            continue
        if not stat.S_ISDIR(info.st_mode):
            yield _folder_entry(root, folder, prefix, name, device, info)
        elif info.st_dev != device:
            yield _Entry("/".join(parts), parts, 0, None, None,
                         "a mount point (another file system inside the inbox): not walked")
        elif len(parts) > MAX_DEPTH:
            yield _Entry("/".join(parts), parts, 0, None, None,
                         f"a folder nested more than {MAX_DEPTH} deep: not walked")
        else:
            try:
                inner = os.open(name, _OPEN_DIR, dir_fd=folder)
            except OSError:
                yield _Entry("/".join(parts), parts, 0, None, None,
                             "a folder that cannot be opened")
                continue
            try:
                yield from _walk(root, inner, parts, device)
            finally:
                os.close(inner)


def _folder_entry(root: int, folder: int, prefix: tuple[str, ...], name: str, device: int,
                  info: os.stat_result | None = None) -> _Entry:
    parts = (*prefix, name)
    origin = "/".join(parts)
    try:
        info = info or os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return _Entry(origin, parts, 0, None, None, "cannot be examined (stat failed)")
    problem = _not_regular(info.st_mode) or _foreign(info, device)
    claimed = datetime.fromtimestamp(info.st_mtime, tz=UTC)

    def opener() -> BinaryIO:
        return _open_beneath(root, parts, device)

    return _Entry(origin, parts, info.st_size, claimed, opener, problem)


def _foreign(info: os.stat_result, device: int) -> str | None:
    if info.st_dev != device:
        return "on another file system than the inbox (a mount point inside it)"
    if info.st_nlink > 1:
        return "a hard link (the same file has other names, maybe outside the inbox)"
    return None


def _open_beneath(root: int, parts: tuple[str, ...], device: int) -> BinaryIO:
    """Open ``root/parts`` for reading, one component at a time, following no link."""
    opened: list[int] = []
    try:
        folder = root
        for part in parts[:-1]:
            folder = os.open(part, _OPEN_DIR, dir_fd=folder)
            opened.append(folder)
        fd = os.open(parts[-1], _OPEN_FILE, dir_fd=folder)
    except OSError as exc:
        raise _Refused("could not be opened without following a link", repr(exc)) from None
    finally:
        for each in opened:
            os.close(each)
    info = os.fstat(fd)
    problem = _not_regular(info.st_mode) or _foreign(info, device)
    if problem:
        os.close(fd)
        raise _Refused(problem)
    return os.fdopen(fd, "rb", buffering=0)


def _zip_entries(archive: zipfile.ZipFile) -> Iterator[_Entry]:
    for info in archive.infolist():
        name = info.filename
        parts = tuple(p for p in name.split("/") if p not in ("", "."))
        if name.endswith("/") or not parts:
            continue  # a folder
        yield _Entry(name, parts, info.file_size, _zip_time(info),
                     lambda info=info: archive.open(info), _zip_problem(info))


def _zip_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    pieces = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in pieces:
        return "its path leaves the inbox (an absolute path or '..')"
    mode = info.external_attr >> 16
    if stat.S_IFMT(mode):
        problem = _not_regular(mode)
        if problem:
            return problem
    if info.flag_bits & 0x1:
        return "an encrypted zip entry"
    if info.compress_type not in _ZIP_METHODS:
        return ("compressed with a method collect does not unpack (only stored or deflated "
                "entries: their unpacking stays bounded)")
    return None


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    try:
        return datetime(*info.date_time, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


# --- the instructor's log ---------------------------------------------------------------


class _Log:
    """``logs/collect.log`` of the course: one line per decision, with the detail."""

    def __init__(self, root: Path, inbox: Path, now: datetime):
        self.path = root / "logs" / LOG_NAME
        self.header = f"== {now.isoformat()} collect {escaped(inbox.resolve(), 1000)}\n"

    def __enter__(self) -> _Log:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        self.file.write(self.header)
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def note(self, origin: str, what: str, detail: object = None) -> None:
        line = f"{escaped(origin, 1000)}: {what}"
        if detail is not None:
            line += f" [{escaped(detail, 2000)}]"
        self.file.write(line + "\n")
