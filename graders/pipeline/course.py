"""An nbgrader course directory for dlnotes: create one, and read its configuration back.

A course directory is a plain nbgrader course: ``nbgrader_config.py`` at its root,
``source/<chapter>/<chapter>.ipynb`` copied from the repository's chapter notebooks,
and (made later by nbgrader) ``release/``, ``submitted/``, ``autograded/``, ``feedback/``
and the gradebook. Everything ``dlcourse`` knows about a course it reads from
``nbgrader_config.py``, so plain ``nbgrader`` commands and ``dlcourse`` always agree.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graders.errors import DatabaseError, DlcourseError, UsageError
from graders.exercises import CHAPTERS
from graders.paths import NOTEBOOKS_DIR

CONFIG_NAME = "nbgrader_config.py"
DEFAULT_COURSE_ID = "dlnotes"
DEFAULT_CELL_TIMEOUT = 60  # seconds per cell: the longest training cell stays well below

_CONFIG_TEMPLATE = """\
# nbgrader configuration written by `dlcourse init`; plain `nbgrader` commands use it too.
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.db_url = {db_url!r}

# Per-cell time limit; a cell that runs longer is interrupted and scores 0.
c.Execute.timeout = {timeout!r}
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"

# A learner who deletes a test cell gets it back (graded) instead of escaping it.
c.OverwriteCells.add_missing_cells = True
"""


class CourseError(DlcourseError):
    """A course directory is missing, incomplete or misconfigured."""


@dataclass(frozen=True)
class Course:
    """What ``dlcourse`` needs to know about one nbgrader course directory.

    Attributes
    ----------
    root : Path
        Absolute course directory (``CourseDirectory.root``).
    course_id : str
    db_url : str
        SQLAlchemy URL of the gradebook.
    cell_timeout : int
        ``Execute.timeout`` in seconds.
    """

    root: Path
    course_id: str
    db_url: str
    cell_timeout: int

    @property
    def chapters(self) -> tuple[str, ...]:
        """Chapters present in ``source/``, in course order."""
        return tuple(c for c in CHAPTERS if (self.root / "source" / c / f"{c}.ipynb").is_file())

    def source_notebook(self, chapter: str) -> Path:
        return self.root / "source" / chapter / f"{chapter}.ipynb"

    def release_notebook(self, chapter: str) -> Path:
        return self.root / "release" / chapter / f"{chapter}.ipynb"

    def submitted_dir(self, student: str, chapter: str) -> Path:
        return self.root / "submitted" / student / chapter

    def autograded_notebook(self, student: str, chapter: str) -> Path:
        return self.root / "autograded" / student / chapter / f"{chapter}.ipynb"

    def submissions(self, chapter: str) -> list[str]:
        """Students who have a submitted notebook for ``chapter``, sorted."""
        pattern = f"*/{chapter}/{chapter}.ipynb"
        return sorted(p.parts[-3] for p in (self.root / "submitted").glob(pattern))

    def check_chapters(self, chapters: list[str] | None) -> list[str]:
        """Validate chapter names given on the command line (None means all)."""
        if not chapters:
            return list(self.chapters)
        unknown = [c for c in chapters if c not in self.chapters]
        if unknown:
            raise UsageError(
                f"unknown chapter(s) {', '.join(unknown)}; this course has "
                f"{', '.join(self.chapters) or 'no chapters'}"
            )
        return list(chapters)


def init_course(
    root: str | Path,
    *,
    db_url: str | None = None,
    course_id: str = DEFAULT_COURSE_ID,
    notebooks_dir: str | Path | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
) -> Course:
    """Create (or refresh) a course directory with the chapter notebooks as its source.

    Parameters
    ----------
    root : path
        The course directory; created if missing. Existing submissions and grades are kept;
        ``nbgrader_config.py`` and ``source/`` are rewritten.
    db_url : str, optional
        Any SQLAlchemy URL; default a SQLite file ``gradebook.db`` in ``root``.
    course_id : str
    notebooks_dir : path, optional
        Folder holding ``<chapter>/<chapter>.ipynb`` (default ``graders.paths.NOTEBOOKS_DIR``).
    cell_timeout : int
        Seconds one cell may run at autograde before it is interrupted.

    Returns
    -------
    Course
    """
    root = Path(root).resolve()
    notebooks_dir = Path(notebooks_dir or NOTEBOOKS_DIR)
    found = [c for c in CHAPTERS if (notebooks_dir / c / f"{c}.ipynb").is_file()]
    if not found:
        raise CourseError(f"no chapter notebooks found in {notebooks_dir}")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CourseError(f"cannot create the course directory {root}: {exc.strerror}") from None
    db_url = _with_driver(db_url) if db_url else f"sqlite:///{root / 'gradebook.db'}"
    source = root / "source"
    if source.exists():
        shutil.rmtree(source)
    for chapter in found:
        shutil.copytree(
            notebooks_dir / chapter,
            source / chapter,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    config = _CONFIG_TEMPLATE.format(
        course_id=course_id, root=str(root), db_url=db_url, timeout=int(cell_timeout)
    )
    (root / CONFIG_NAME).write_text(config)
    course = load_course(root)
    create_gradebook(course)
    return course


def tools_on_path() -> None:
    """Put this Python's ``bin/`` on PATH: nbgrader runs ``alembic`` from PATH.

    ``.venv/bin/dlcourse`` works without an activated venv, but nbgrader's
    ``Gradebook`` creates a new database by running the ``alembic`` command.
    """
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, path]) if path else bindir


def create_gradebook(course: Course) -> None:
    """Create nbgrader's gradebook tables (and check that the database is reachable)."""
    from nbgrader.api import Gradebook

    tools_on_path()
    with database_errors(course.db_url), Gradebook(course.db_url, course.course_id):
        pass


@contextmanager
def database_errors(db_url: str) -> Iterator[None]:
    """Turn a gradebook that cannot be opened into a one-line :class:`DatabaseError`.

    Wraps the first connection to a course's database: a bad URL, a server that is down,
    a file that cannot be created, a missing driver.
    """
    import sqlalchemy as sa

    try:
        yield
    except (ImportError, sa.exc.SQLAlchemyError) as exc:
        why = " ".join(str(getattr(exc, "orig", None) or exc).split())
        raise DatabaseError(
            f"cannot open the gradebook {_shown(db_url)}: {why}; check the URL "
            f"(dlcourse init --db, or db_url in {CONFIG_NAME}) and that the server is running"
        ) from None


def _shown(db_url: str) -> str:
    """The URL without its password, to print."""
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(db_url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return db_url


def _with_driver(db_url: str) -> str:
    """Name the installed PostgreSQL driver in a bare ``postgresql://`` URL.

    SQLAlchemy 2.1 takes ``postgresql://`` to mean psycopg 3; the dev extra installs
    psycopg2 (``psycopg2-binary``), so a bare URL would fail with a missing module.
    """
    import importlib.util

    scheme, sep, rest = db_url.partition("://")
    if scheme == "postgresql" and sep and importlib.util.find_spec("psycopg") is None:
        if importlib.util.find_spec("psycopg2") is not None:
            return f"postgresql+psycopg2://{rest}"
    return db_url


def load_course(root: str | Path) -> Course:
    """Read a course directory's ``nbgrader_config.py`` (as nbgrader itself would)."""
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    if not (root / CONFIG_NAME).is_file():
        raise CourseError(f"{root} is not a course directory (no {CONFIG_NAME}); run dlcourse init")
    config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
    course_dir = config.get("CourseDirectory", {})
    configured_root = Path(course_dir.get("root", str(root)))
    if configured_root.resolve() != root:
        raise CourseError(
            f"{root / CONFIG_NAME} names another root ({configured_root}); "
            "rerun dlcourse init after moving a course"
        )
    return Course(
        root=root,
        course_id=str(course_dir.get("course_id", DEFAULT_COURSE_ID)),
        db_url=str(course_dir.get("db_url", f"sqlite:///{root / 'gradebook.db'}")),
        cell_timeout=int(config.get("Execute", {}).get("timeout", 30)),
    )
