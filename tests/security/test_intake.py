"""Intake (``dlcourse collect``) against files a student controls: each finding of issue 13.

A student chooses the name of what they upload (and so the id it claims), what is inside a
zip, links in a folder, a file's time and size. Each test replays one finding of the
review and checks what ``collect`` does with it now: impersonation through a name in an
LMS folder, links (to the source notebook, to a root-only file, into /proc), FIFOs and
devices, ids of 200 and 300 characters (against the real PostgreSQL gradebook too), a
zip bomb whose header lies, a date in 2099, terminal escapes in names, an id ending in a
newline, and nbformat 3.
"""

from __future__ import annotations

import copy
import os
import shutil
import stat
import sys
import threading
import tracemalloc
import uuid
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pipeline_tiny as tiny
import pytest
from pipeline_cli import dlcourse

from graders.pipeline import collect as intake
from graders.pipeline.collect import collect
from graders.pipeline.course import load_course
from graders.pipeline.ids import MAX_ID_LENGTH, escaped, id_problem
from graders.trusted.notebook import MAX_NOTEBOOK_BYTES


def _collector_clock() -> datetime:
    """The collector's clock for one test: a minute from now, on an even second (zip
    entries keep times in steps of two seconds)."""
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    return now - timedelta(seconds=now.second % 2)


NOW = _collector_clock()


@pytest.fixture(autouse=True)
def _fresh_clock(monkeypatch):
    """``NOW`` taken when each test starts, not when the module was imported: a long run
    would otherwise make real file times look like the future."""
    monkeypatch.setattr(sys.modules[__name__], "NOW", _collector_clock())


DAY = (2026, 5, 1, 9, 0, 0)
SECRET = "ROOT-ONLY-SECRET-4417"


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    return tiny.write_notebooks(tmp_path / "notebooks")


@pytest.fixture
def course(notebooks: Path, tmp_path: Path):
    """A course directory as ``dlcourse init`` writes it, less the gradebook (unused here)."""
    root = tmp_path / "course"
    shutil.copytree(notebooks, root / "source")
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.root = {str(root)!r}\n")
    return load_course(root)


def notebook_text(course, chapter: str = "01_numpy") -> str:
    return course.source_notebook(chapter).read_text()


def write_zip(path: Path, entries: dict[str, str | bytes], *, modes: dict[str, int] | None = None,
              date_time: tuple = DAY) -> Path:
    modes = modes or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in modes:
                info.external_attr = modes[name] << 16
                info.create_system = 3
            zf.writestr(info, data)
    return path


def submitted(course, student: str, chapter: str = "01_numpy") -> Path:
    return course.submitted_dir(student, chapter) / f"{chapter}.ipynb"


def reasons(rows) -> dict[str, str]:
    return dict(rows)


def everything_under(root: Path) -> str:
    """All the text in a folder's regular files (what a leak would have to show up in)."""
    texts = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


# --- impersonation (high) ---------------------------------------------------------------

ROSTER = "login,name,lms id\nalice,Alice Jones,101\nbob,Bob Brown,102\n"


def test_a_name_in_another_students_lms_folder_does_not_replace_her_submission(course,
                                                                                tmp_path):
    """The review's attack: alice_01_numpy.ipynb, newer, inside Bob's LMS folder."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    alice_real = notebook_text(course)
    lms = write_zip(tmp_path / "moodle.zip", {
        "Alice Jones_101_assignsubmission_file_/01_numpy.ipynb": alice_real,
    }, date_time=(2026, 5, 1, 9, 0, 0))
    with zipfile.ZipFile(lms, "a") as zf:  # Bob's file is newer: the newer time used to win
        zf.writestr(zipfile.ZipInfo("Bob Brown_102_assignsubmission_file_/alice_01_numpy.ipynb",
                                    date_time=(2026, 5, 2, 9, 0, 0)), "bob's wrong work")
        zf.writestr(zipfile.ZipInfo("Bob Brown_102_assignsubmission_file_/alice/01_numpy.ipynb",
                                    date_time=(2026, 5, 2, 9, 0, 0)), "bob's wrong work")
    result = collect(course.root, lms, roster=roster, roster_key="login", now=NOW)
    assert [(s, c) for s, c, _ in result.imported] == [("alice", "01_numpy")]
    assert submitted(course, "alice").read_text() == alice_real
    refused = reasons(result.refused)
    assert "names student 'alice' but the file is in the folder of 'bob'" in refused[
        "Bob Brown_102_assignsubmission_file_/alice_01_numpy.ipynb"]
    assert "names student 'alice'" in refused[
        "Bob Brown_102_assignsubmission_file_/alice/01_numpy.ipynb"]
    assert not course.submitted_dir("bob", "01_numpy").exists()


def test_without_a_roster_the_folder_still_wins_over_a_name(course, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "alice").mkdir(parents=True)
    (inbox / "bob").mkdir()
    (inbox / "alice" / "01_numpy.ipynb").write_text("alice's")
    (inbox / "bob" / "alice_01_numpy.ipynb").write_text("bob's")
    os.utime(inbox / "bob" / "alice_01_numpy.ipynb", (NOW.timestamp(), NOW.timestamp()))
    result = collect(course.root, inbox, now=NOW)
    assert result.imported == [("alice", "01_numpy", "alice/01_numpy.ipynb")]
    assert submitted(course, "alice").read_text() == "alice's"
    assert list(reasons(result.refused)) == ["bob/alice_01_numpy.ipynb"]


def test_an_lms_folder_without_a_roster_names_nobody(course, tmp_path):
    lms = write_zip(tmp_path / "moodle.zip", {
        "Bob Brown_102_assignsubmission_file_/alice_01_numpy.ipynb": "bob's",
    })
    result = collect(course.root, lms, now=NOW)
    assert result.imported == []
    [(_, reason)] = result.refused
    assert "does not name a student" in reason and "--roster" in reason


def test_two_sources_claiming_one_student_is_a_reported_conflict(course, tmp_path):
    """Bob, not on the roster, renamed himself "Alice Jones" in the LMS: two identities."""
    roster = tmp_path / "roster.csv"
    roster.write_text("login,name,lms id\nalice,Alice Jones,101\ncarol,Carol King,103\n")
    lms = write_zip(tmp_path / "moodle.zip", {
        "Alice Jones_101_assignsubmission_file_/01_numpy.ipynb": "alice's",
        "Alice Jones_555_assignsubmission_file_/02_logistic.ipynb": "bob's",
        "Carol King_103_assignsubmission_file_/01_numpy.ipynb": "carol's",
    })
    result = collect(course.root, lms, roster=roster, roster_key="login", now=NOW)
    assert [s for s, _, _ in result.imported] == ["carol"]  # the rest of the class imports
    refused = reasons(result.refused)
    assert len(refused) == 2 and all(r.startswith("conflict: 2 different sources claim student "
                                                  "'alice'") for r in refused.values())
    assert not (course.root / "submitted" / "alice").exists()


def test_a_folder_matching_two_roster_students_is_refused(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    lms = write_zip(tmp_path / "moodle.zip", {  # Bob's display name: "Alice Jones"
        "Alice Jones_102_assignsubmission_file_/01_numpy.ipynb": "bob's",
    })
    result = collect(course.root, lms, roster=roster, roster_key="login", now=NOW)
    assert result.imported == []
    [(_, reason)] = result.refused
    assert "matches several students of the roster (alice, bob)" in reason


# --- links and special files (high) -----------------------------------------------------


def test_links_in_a_folder_inbox_are_refused_and_never_read(course, tmp_path):
    secret = tmp_path / "root-only"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "01_numpy.ipynb").write_text(SECRET)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    links = {
        "mallory_01_numpy.ipynb": course.source_notebook("01_numpy"),  # solutions, hidden tests
        "eve_01_numpy.ipynb": secret,
        "environ_01_numpy.ipynb": Path("/proc/self/environ"),
        "pagemap_01_numpy.ipynb": Path("/proc/self/pagemap"),
        "zero_01_numpy.ipynb": Path("/dev/zero"),
        "proc": Path("/proc/self"),
        "trent": other,  # a link to a folder: never walked
    }
    for name, target in links.items():
        (inbox / name).symlink_to(target)
    os.link(secret, inbox / "hard_01_numpy.ipynb")  # another name of a file outside the inbox
    (inbox / "ann_01_numpy.ipynb").write_text("ann's notebook")
    run = dlcourse("collect", course.root, inbox)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "imported 1 submission(s)" in run.stdout
    for name in links:
        assert f"  {name}: a symbolic link, not a regular file" in run.stdout, name
    assert "  hard_01_numpy.ipynb: a hard link" in run.stdout
    assert sorted(p.name for p in (course.root / "submitted").iterdir()) == ["ann"]
    written = everything_under(course.root / "submitted") + everything_under(course.root / "logs")
    for leak in (SECRET, tiny.HIDDEN_MARKER, "PATH="):
        assert leak not in written + run.stdout + run.stderr, leak


def test_links_devices_and_escapes_in_a_zip_are_refused(course, tmp_path):
    source = str(course.source_notebook("01_numpy"))
    lms = write_zip(tmp_path / "lms.zip", {
        "mallory_01_numpy.ipynb": source,  # a symlink entry: its content is the target
        "dev_01_numpy.ipynb": b"",
        "fifo_01_numpy.ipynb": b"",
        "../escape_01_numpy.ipynb": notebook_text(course),
        "/abs/dot_01_numpy.ipynb": notebook_text(course),
        "a\\..\\..\\win_01_numpy.ipynb": notebook_text(course),
        "ann_01_numpy.ipynb": notebook_text(course),
    }, modes={
        "mallory_01_numpy.ipynb": stat.S_IFLNK | 0o777,
        "dev_01_numpy.ipynb": stat.S_IFCHR | 0o666,
        "fifo_01_numpy.ipynb": stat.S_IFIFO | 0o666,
    })
    result = collect(course.root, lms, now=NOW)
    assert [s for s, _, _ in result.imported] == ["ann"]
    refused = reasons(result.refused)
    assert refused["mallory_01_numpy.ipynb"].startswith("a symbolic link")
    assert refused["dev_01_numpy.ipynb"].startswith("a device")
    assert refused["fifo_01_numpy.ipynb"].startswith("a FIFO")
    for name in ("../escape_01_numpy.ipynb", "/abs/dot_01_numpy.ipynb",
                 "a\\..\\..\\win_01_numpy.ipynb"):
        assert refused[name].startswith("its path leaves the inbox"), name
    assert source not in everything_under(course.root / "submitted")


@pytest.mark.timeout(60)
def test_a_fifo_never_blocks_collect(course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "bob_01_numpy.ipynb")
    (inbox / "ann_01_numpy.ipynb").write_text("ann")
    result = collect(course.root, inbox, now=NOW)
    assert [s for s, _, _ in result.imported] == ["ann"]
    assert reasons(result.refused)["bob_01_numpy.ipynb"].startswith("a FIFO (named pipe)")
    # a file swapped for a FIFO after the walk is opened without blocking, then refused
    folder = os.open(inbox, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with pytest.raises(intake._Refused, match="a FIFO"):
            intake._open_beneath(folder, ("bob_01_numpy.ipynb",), os.fstat(folder).st_dev)
    finally:
        os.close(folder)
    # the inbox itself may not be one either
    with pytest.raises(intake.CollectError, match="neither a folder, a zip nor a notebook"):
        collect(course.root, inbox / "bob_01_numpy.ipynb", now=NOW)


def test_a_device_in_a_folder_inbox_is_refused(course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    try:
        os.mknod(inbox / "null_01_numpy.ipynb", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("this machine does not let the test make a device node")
    result = collect(course.root, inbox, now=NOW)
    assert result.imported == []
    assert reasons(result.refused)["null_01_numpy.ipynb"].startswith("a device")


def test_reads_stop_at_the_limit_even_where_the_size_says_zero(course):
    """/proc files say 0 bytes and never end: every read is bounded, whatever stat says."""
    proc = os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY)
    try:
        entry = intake._Entry("pagemap", ("pagemap",), 0, None,
                              lambda: intake._open_beneath(proc, ("pagemap",),
                                                           os.fstat(proc).st_dev))
        try:
            entry.opener().close()
        except intake._Refused:
            pytest.skip("/proc/self/pagemap cannot be opened here")
        with pytest.raises(intake._Refused, match="more than the notebook limit"):
            intake._read(entry)
    finally:
        os.close(proc)


def test_folders_nested_without_end_are_not_walked(course, tmp_path):
    deep = tmp_path / "inbox" / Path(*["d"] * (intake.MAX_DEPTH + 3))
    deep.mkdir(parents=True)
    (deep / "d_01_numpy.ipynb").write_text("deep")
    result = collect(course.root, tmp_path / "inbox", now=NOW)
    assert result.imported == []
    [(_, reason)] = result.refused
    assert f"nested more than {intake.MAX_DEPTH} deep" in reason


# --- ids that do not fit (high) ---------------------------------------------------------


def test_the_id_limit_fits_every_gradebook_column():
    from nbgrader.api import Student, SubmittedAssignment

    from graders.pipeline.results import result_table

    columns = [Student.__table__.c.id, SubmittedAssignment.__table__.c.student_id,
               result_table.c.student_id]
    assert all(MAX_ID_LENGTH <= c.type.length for c in columns)
    assert id_problem("a" * MAX_ID_LENGTH) is None
    assert "129 characters long, more than the 128" in id_problem("a" * 129)


def long_id_inbox(tmp_path: Path, text: str) -> tuple[Path, dict[str, str]]:
    """A zip where two ids are too long, between ids that fit (the longest allowed too)."""
    ids = {"ann": "ann", "max": "m" * MAX_ID_LENGTH, "l200": "l" * 200, "l300": "x" * 300,
           "zed": "zed"}
    entries = {f"{sid}_01_numpy.ipynb": text for sid in ids.values()}
    return write_zip(tmp_path / "lms.zip", entries), ids


def test_long_ids_are_listed_and_the_rest_of_the_batch_imports(course, tmp_path):
    archive, ids = long_id_inbox(tmp_path, notebook_text(course))
    result = collect(course.root, archive, now=NOW)
    assert sorted(s for s, _, _ in result.imported) == sorted([ids["ann"], ids["max"], "zed"])
    refused = reasons(result.refused)
    assert len(refused) == 2
    assert "200 characters long, more than the 128" in refused[f"{ids['l200']}_01_numpy.ipynb"]
    assert "300 characters long, more than the 128" in refused[f"{ids['l300']}_01_numpy.ipynb"]


def fresh_database(postgres_url: str) -> str:
    """A new, empty database on the suite's PostgreSQL server (tests share the server)."""
    import sqlalchemy as sa

    url = postgres_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    name = f"intake_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def test_long_ids_with_the_postgresql_gradebook(postgres_url, tmp_path):
    """The review's crash: PostgreSQL refuses a 200-character id (SQLite does not), and a
    300-character one stopped collect; now both are listed and the batch is graded."""
    import sqlalchemy as sa

    from graders.pipeline.autograde import autograde
    from graders.pipeline.results import GRADED, SubmissionResult, load_results, save_results
    from graders.pipeline.submissions import learner_notebook

    root = tmp_path / "course"
    for command in (["init", root, "--db", fresh_database(postgres_url)],
                    ["release", root, "01_numpy"]):
        run = dlcourse(*command)
        assert run.returncode == 0, run.stdout + run.stderr
    course = load_course(root)
    archive, ids = long_id_inbox(tmp_path, nbformat.writes(learner_notebook(course, "01_numpy")))
    run = dlcourse("collect", root, archive)
    assert run.returncode == 1 and run.stderr == "", run.stdout + run.stderr
    assert "imported 3 submission(s)" in run.stdout
    for key in ("l200", "l300"):
        line = next(ln for ln in run.stdout.splitlines() if ln.startswith(f"  {ids[key][:20]}"))
        assert f"{len(ids[key])} characters long, more than the 128 the gradebook holds" in line
    fitting = sorted([ids["ann"], ids["max"], ids["zed"]])
    assert sorted(p.name for p in (root / "submitted").iterdir()) == fitting
    # every imported id is graded and stored, in nbgrader's rows and dlcourse's
    results = autograde(root, ["01_numpy"], jobs=2)
    assert [(r.student, r.status, r.score) for r in results] == [(s, GRADED, 4.0) for s in fitting]
    assert sorted(r.student for r in load_results(course.db_url)) == fitting
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        assert sorted(s.id for s in gb.students) == fitting
    # and what collect refused would indeed have stopped the batch on PostgreSQL
    with pytest.raises(sa.exc.DataError):
        save_results(course.db_url, [SubmissionResult(ids["l200"], "01_numpy", GRADED)])


# --- a zip bomb (medium) ----------------------------------------------------------------


def bomb(path: Path, name: str, size: int, declared: int) -> Path:
    """A zip holding ``size`` zero bytes whose headers say ``declared``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        info = zipfile.ZipInfo(name, date_time=DAY)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=False) as out:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                out.write(chunk)
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 22: local + 26] = declared.to_bytes(4, "little")
    data[central + 24: central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("declared", [1000, MAX_NOTEBOOK_BYTES])
def test_a_zip_bomb_whose_header_lies_is_refused_in_bounded_memory(course, tmp_path, declared):
    archive = bomb(tmp_path / "bomb.zip", "bob_01_numpy.ipynb", 256 << 20, declared)
    assert archive.stat().st_size < 1 << 20  # 256 MiB of zeros in well under a MiB
    tracemalloc.start()
    try:
        result = collect(course.root, archive, now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.imported == [] and not (course.root / "submitted" / "bob").exists()
    [(_, reason)] = result.refused
    assert reason.startswith("could not be read") or "more than the notebook limit" in reason
    assert peak < 3 * MAX_NOTEBOOK_BYTES  # never the 256 MiB the entry unpacks to


def test_an_entry_declared_too_large_is_refused_before_it_is_unpacked(course, tmp_path,
                                                                      monkeypatch):
    size = MAX_NOTEBOOK_BYTES + 1
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("bob_01_numpy.ipynb", date_time=DAY), bytes(size))
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, name, *a, **k: opened.append(name) or real_open(self, name,
                                                                                    *a, **k))
    result = collect(course.root, archive, now=NOW)
    assert opened == [] and result.imported == []
    [(_, reason)] = result.refused
    assert reason == (f"{size} bytes, more than the notebook limit of {MAX_NOTEBOOK_BYTES} "
                      "bytes")


def test_a_file_above_the_limit_in_a_folder_is_refused_unread(course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(inbox / "bob_01_numpy.ipynb", "wb") as fh:
        fh.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: costs nothing on disk
    result = collect(course.root, inbox, now=NOW)
    assert result.imported == []
    assert "more than the notebook limit" in reasons(result.refused)["bob_01_numpy.ipynb"]


def test_entries_whose_unpacking_cannot_be_bounded_are_refused(course, tmp_path):
    archive = tmp_path / "bz2.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr(zipfile.ZipInfo("bob_01_numpy.ipynb", date_time=DAY), notebook_text(course),
                    compress_type=zipfile.ZIP_BZIP2)
    result = collect(course.root, archive, now=NOW)
    assert result.imported == []
    assert "only stored or deflated" in reasons(result.refused)["bob_01_numpy.ipynb"]


# --- a time in the future (medium) ------------------------------------------------------


def test_a_future_time_is_clamped_flagged_and_does_not_lock_out_resubmissions(course,
                                                                              tmp_path):
    first = write_zip(tmp_path / "first.zip", {"ann_01_numpy.ipynb": notebook_text(course)},
                      date_time=(2099, 1, 1, 0, 0, 0))
    result = collect(course.root, first, now=NOW)
    assert [s for s, _, _ in result.imported] == ["ann"]
    [(_, note)] = result.flagged
    assert note.startswith("dated 2099-01-01T00:00:00+00:00, later than the collect")
    folder = course.submitted_dir("ann", "01_numpy")
    assert datetime.fromisoformat((folder / "timestamp.txt").read_text()) == NOW
    assert datetime.fromisoformat((folder / "collected_at.txt").read_text()) == NOW
    assert (folder / "claimed_timestamp.txt").read_text().startswith("2099-01-01")
    # the next day, a real resubmission made after the first collect counts
    later = NOW + timedelta(hours=2)
    second = write_zip(tmp_path / "second.zip", {"ann_01_numpy.ipynb": '{"nbformat": 4}'},
                       date_time=later.timetuple()[:6])
    result = collect(course.root, second, now=NOW + timedelta(days=1))
    assert [s for s, _, _ in result.imported] == ["ann"] and result.flagged == []
    assert submitted(course, "ann").read_text() == '{"nbformat": 4}'
    assert not (folder / "claimed_timestamp.txt").exists()


def test_a_time_within_the_skew_is_kept_as_claimed(course, tmp_path):
    soon = NOW + intake.FUTURE_SKEW - timedelta(minutes=1)
    inbox = write_zip(tmp_path / "in.zip", {"ann_01_numpy.ipynb": notebook_text(course)},
                      date_time=soon.timetuple()[:6])
    result = collect(course.root, inbox, now=NOW)
    assert result.flagged == []
    stamp = course.submitted_dir("ann", "01_numpy") / "timestamp.txt"
    assert datetime.fromisoformat(stamp.read_text()) == soon


def test_a_2099_time_stored_before_this_fix_no_longer_locks_out(course, tmp_path):
    folder = course.submitted_dir("ann", "01_numpy")
    folder.mkdir(parents=True)
    (folder / "01_numpy.ipynb").write_text("old")
    (folder / "timestamp.txt").write_text("2099-01-01 00:00:00")
    collected = datetime(2026, 5, 1, tzinfo=UTC).timestamp()
    os.utime(folder / "timestamp.txt", (collected, collected))
    inbox = write_zip(tmp_path / "in.zip", {"ann_01_numpy.ipynb": "new"},
                      date_time=(2026, 5, 5, 0, 0, 0))
    result = collect(course.root, inbox, now=NOW)
    assert [s for s, _, _ in result.imported] == ["ann"]
    assert submitted(course, "ann").read_text() == "new"


# --- what is printed (low) --------------------------------------------------------------


def test_escape_sequences_in_names_never_reach_the_terminal(course, tmp_path):
    erase = "\x1b[1A\x1b[2K\r"  # up one line, erase it: would hide the line before
    archive = write_zip(tmp_path / "lms.zip", {
        f"bob/{erase}alice_01_numpy.ipynb": "impersonation",
        "mallory\x1b]0;owned\x07/01_numpy.ipynb": "title",
        "\x1b[31mREADME\x1b[0m.txt": "red",
        "\u202eknab_01_numpy.ipynb": "bidi",
    })
    run = dlcourse("collect", course.root, archive)
    out = run.stdout + run.stderr
    assert run.returncode == 1
    for raw in ("\x1b", "\x07", "\r", "\u202e"):
        assert raw not in out
    assert "  bob/\\x1b[1A\\x1b[2K\\x0dalice_01_numpy.ipynb: its name" in out
    assert "mallory\\x1b]0;owned\\x07/01_numpy.ipynb" in out
    assert "\\u202eknab" in out
    log = (course.root / "logs" / "collect.log").read_text()
    assert "\x1b" not in log and "\\x1b[2K" in log


def test_escaped_shows_what_is_there_and_nothing_else():
    assert escaped("plain name.ipynb") == "plain name.ipynb"
    assert escaped("a\\b") == "a\\\\b"
    assert escaped("zero\u200bwidth") == "zero\\u200bwidth"
    assert escaped(os.fsdecode(b"bad\xffbyte")) == "bad\\xffbyte"
    long = escaped("x" * 1000)
    assert len(long) < 200 and "more]" in long


def test_a_trailing_newline_is_not_part_of_an_id(course, tmp_path):
    assert id_problem("alice\n") is not None and id_problem("alice") is None
    archive = write_zip(tmp_path / "lms.zip", {"alice\n/01_numpy.ipynb": "x",
                                               "bob\n_01_numpy.ipynb": "y"})
    result = collect(course.root, archive, now=NOW)
    assert result.imported == []
    assert all("control or invisible character" in r for _, r in result.refused)
    pattern = r"^(?P<student>[^/]+)/(?P<chapter>01_numpy)\.ipynb$"
    result = collect(course.root, archive, pattern=pattern, now=NOW)
    assert result.imported == [] and len(result.refused) == 1
    assert not (course.root / "submitted").exists() or not any(
        (course.root / "submitted").iterdir())


def test_learner_facing_text_never_quotes_a_parser(course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ann_01_numpy.ipynb").write_text('{"cells": [' + "x" * 50)
    result = collect(course.root, inbox, now=NOW)
    assert result.imported == [("ann", "01_numpy", "ann_01_numpy.ipynb")]
    [(_, note)] = result.flagged
    assert note == "not a readable notebook: imported as it is (it will be graded as failed)"
    assert "JSONDecodeError" in result.log.read_text()


# --- old notebooks (low) ----------------------------------------------------------------


def as_version(nb: nbformat.NotebookNode, version: int) -> str:
    old = nbformat.convert(copy.deepcopy(nb), version)  # converting down changes nb itself
    return nbformat.writes(old, version=version) if version > 2 else nbformat.v2.writes_json(old)


def nbgrader_cells(nb) -> list[tuple[str, str, dict]]:
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


@pytest.mark.parametrize("version", [3, 2])
def test_an_old_nbformat_is_converted_to_4_at_collect(course, tmp_path, version):
    original = nbformat.read(course.source_notebook("01_numpy"), as_version=4)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ann_01_numpy.ipynb").write_text(as_version(original, version))
    result = collect(course.root, inbox, now=NOW)
    assert result.flagged == [("ann_01_numpy.ipynb",
                               f"converted from nbformat {version} to nbformat 4")]
    stored = nbformat.reads(submitted(course, "ann").read_text(), as_version=nbformat.NO_CONVERT)
    assert stored.nbformat == 4
    nbformat.validate(stored)
    assert nbgrader_cells(stored) == nbgrader_cells(original)


def test_a_format_nbformat_cannot_read_is_refused_with_a_clear_message(course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ann_01_numpy.ipynb").write_text('{"nbformat": 5, "nbformat_minor": 0, "cells": []}')
    result = collect(course.root, inbox, now=NOW)
    assert result.imported == []
    [(_, reason)] = result.refused
    assert reason.startswith("nbformat 5 is not a notebook format this course reads (1 to 4)")


def test_a_converted_nbformat_3_notebook_is_graded_normally(tmp_path):
    """The review's notebook: correct, saved as nbformat 3, graded "no list of cells"."""
    from graders.pipeline.autograde import autograde
    from graders.pipeline.course import init_course
    from graders.pipeline.release import release
    from graders.pipeline.submissions import learner_notebook

    course = init_course(tmp_path / "course")  # the real chapter, graded by the engine
    release(course.root, ["01_numpy"])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    correct = learner_notebook(course, "01_numpy")
    (inbox / "ann_01_numpy.ipynb").write_text(as_version(correct, 3))
    nbformat.write(correct, inbox / "bo_01_numpy.ipynb")  # the same notebook, as nbformat 4
    result = collect(course.root, inbox)
    assert [s for s, _, _ in result.imported] == ["ann", "bo"]
    ann, bo = autograde(course.root, ["01_numpy"], jobs=2)
    assert ann.graded and not ann.reason, ann.reason
    assert ann.score == bo.score == ann.max_score > 0
    assert [(e.function, e.points) for e in ann.exercises] == [
        (e.function, e.points) for e in bo.exercises]


def test_collect_in_a_thread_finishes(course, tmp_path):
    """Whatever the inbox holds, collect returns (FIFO, /proc links, a bomb, all at once)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "f_01_numpy.ipynb")
    (inbox / "p_01_numpy.ipynb").symlink_to("/proc/self/pagemap")
    shutil.copy(bomb(tmp_path / "b.zip", "x", 8 << 20, 10), inbox / "b_01_numpy.ipynb")
    (inbox / "z_01_numpy.ipynb").write_bytes(zlib.compress(bytes(1 << 20)))
    done = []
    worker = threading.Thread(target=lambda: done.append(collect(course.root, inbox, now=NOW)),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert done, "collect did not return"
    assert {o for o, _ in done[0].refused} == {"f_01_numpy.ipynb", "p_01_numpy.ipynb"}
