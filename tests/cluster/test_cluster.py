"""Grading through real Celery workers over a real Redis broker (see conftest.py).

Expected points are the tiny chapters' (pipeline_tiny.py): every exercise of
``graders.exercises`` in 01_numpy and 02_logistic, with a plain assert as its check.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import cluster_course as cc
import pytest
from cluster_procs import VENV_BIN, dlcourse, snapshot_env

from graders.exercises import chapter_exercises
from graders.pipeline.results import load_results

SUBMISSIONS = {
    ("alice", "01_numpy"): None,
    ("alice", "02_logistic"): None,
    ("bob", "01_numpy"): {"row_means": cc.WRONG_AXIS},
    ("bob", "02_logistic"): "untouched",
    ("carol", "01_numpy"): "untouched",
    ("carol", "02_logistic"): None,
    ("dave", "01_numpy"): cc.BROKEN,
    ("erin", "01_numpy"): None,  # the same bytes as alice's: still two results
}
RECEIVED = re.compile(r"Task dlcourse\.grade\[(grade-\w+)\] received")


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    return cc.write_notebooks(tmp_path / "notebooks")


def _summary(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def _by_student(course) -> dict[tuple[str, str], object]:
    return {(r.student, r.chapter): r for r in load_results(course.db_url)}


def _deliveries(broker) -> dict[str, int]:
    client = broker.client()
    return {
        key.decode().rsplit(":", 1)[1]: int(client.get(key))
        for key in client.scan_iter("dlcourse:deliveries:*")
    }


def test_two_workers_grade_as_local_grading_does(broker, start_worker, code, notebooks, tmp_path):
    workers = [start_worker(), start_worker()]
    local = cc.make_course(tmp_path / "local", notebooks, SUBMISSIONS)
    remote = cc.make_course(tmp_path / "remote", notebooks, SUBMISSIONS)

    here = dlcourse(code, "autograde", local.root, "--jobs", "2")
    there = dlcourse(code, "autograde", remote.root, "--broker", broker.url)
    assert here.returncode == there.returncode == 1, there.stderr  # dave's cannot be graded
    assert "8 submission(s): 7 graded, 1 failed" in _summary(there)
    assert "autograde" in there.stderr and "8/8" in there.stderr  # the same progress bar
    assert _summary(here).splitlines()[:3] == _summary(there).splitlines()[:3]

    expected = cc.points(local)
    cells = sum(len(chapter_exercises(chapter)) for _, chapter in SUBMISSIONS)
    assert len(expected) == cells and cc.points(remote) == expected  # dave's too: ungraded
    assert expected[("alice", "01_numpy", "test_row_means")] == 1
    assert expected[("bob", "01_numpy", "test_row_means")] == 0
    assert expected[("bob", "02_logistic", "test_backward")] == 0
    here_results, there_results = _by_student(local), _by_student(remote)
    assert {k: (r.status, r.score) for k, r in there_results.items()} == {
        k: (r.status, r.score) for k, r in here_results.items()
    }
    assert "JSON" in there_results[("dave", "01_numpy")].reason
    assert "WEAK" not in (there_results[("alice", "01_numpy")].reason or "")
    copy = remote.root / "autograded" / "alice" / "01_numpy" / "01_numpy.ipynb"
    assert "NBGRADER_EXECUTION = autograde" in copy.read_text()  # written by the instructor side

    logs = [w.text() for w in workers]
    assert all("succeeded" in log for log in logs), "both workers graded"
    assert sum(len(RECEIVED.findall(log)) for log in logs) == 8 + 2  # 8 + a canary a chapter
    assert broker.password not in there.stdout + there.stderr + "".join(logs)
    assert all(count == 1 for count in _deliveries(broker).values())


def test_a_killed_worker_loses_nothing_and_grades_nothing_twice(
    broker, start_worker, code, notebooks, tmp_path
):
    """SIGKILL to a whole worker (its pool and sandbox too) while it grades: its message
    comes back after the visibility timeout, another worker grades it, each submission is
    recorded once."""
    victim, survivor = (start_worker("--visibility-timeout", "8") for _ in range(2))
    students = [f"s{i}" for i in range(8)]
    course = cc.make_course(
        tmp_path / "course", notebooks, {(s, "01_numpy"): cc.sleeping(1.5, s) for s in students}
    )
    start = time.monotonic()
    batch = subprocess.Popen(
        [
            str(VENV_BIN / "dlcourse"),
            "autograde",
            str(course.root),
            "--broker",
            broker.url,
            "--time-limit",
            "20",
        ],
        env={**os.environ, **code, "OPENBLAS_NUM_THREADS": "1"},
        cwd=code["PYTHONPATH"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:  # wait until the victim has finished one and holds another, unfinished
        log = victim.text()
        held = [t for t in RECEIVED.findall(log) if f"[{t}] succeeded" not in log]
        if "succeeded" in log and held:
            break
        assert time.monotonic() < deadline and batch.poll() is None, log
        time.sleep(0.05)
    victim.kill()
    out, err = batch.communicate(timeout=120)
    seconds = time.monotonic() - start
    assert batch.returncode == 0, err
    assert "8 submission(s): 8 graded, 0 failed" in out and "8/8" in err
    results = _by_student(course)
    assert sorted(s for s, _ in results) == students
    assert all(r.score == 4 for r in results.values())
    assert sum(cc.points(course).values()) == 8 * 4
    deliveries = _deliveries(broker)
    assert deliveries[held[-1]] == 2, deliveries  # the killed one, delivered again
    assert f"[{held[-1]}] succeeded" in survivor.text()
    print(f"kill test: {seconds:.1f} s; deliveries {sorted(deliveries.values())}")


def test_a_poison_submission_is_failed_after_bounded_deliveries(
    broker, start_worker, code, notebooks, tmp_path
):
    """A submission whose grading outlives the task's hard limit: Celery kills the pool
    process each time and puts the message back; after three deliveries the worker answers
    it as failed, and the others are graded."""
    workers = [start_worker(wait=False), start_worker(wait=False)]
    for worker in workers:
        _ready(worker)
    course = cc.make_course(
        tmp_path / "course",
        notebooks,
        {
            ("poison", "01_numpy"): cc.sleeping(30),
            ("fine", "01_numpy"): None,
            ("good", "01_numpy"): None,
        },
    )
    start = time.monotonic()
    proc = dlcourse(
        code,
        "autograde",
        course.root,
        "--broker",
        broker.url,
        "--time-limit",
        "20",
        "--task-time-limit",
        "4",
        timeout=150,
    )
    seconds = time.monotonic() - start
    out = _summary(proc)
    assert proc.returncode == 1, proc.stderr
    assert "3 submission(s): 2 graded, 1 failed" in out
    assert "FAILED poison 01_numpy: grading ended its worker process on each of 3 deliveries" in out
    results = _by_student(course)
    assert results[("fine", "01_numpy")].score == results[("good", "01_numpy")].score == 4
    assert results[("poison", "01_numpy")].status == "failed"
    poisoned = {k: v for k, v in cc.points(course).items() if k[0] == "poison"}
    assert poisoned and not any(poisoned.values())  # no points: "needs manual grade"
    kills = sum(w.text().count("Hard time limit (4") for w in workers)
    assert kills == 3
    assert sorted(_deliveries(broker).values())[-1] == 4  # 3 killed, the 4th answered
    assert all(w.process.poll() is None for w in workers)  # the workers live on
    print(f"poison test: {seconds:.1f} s, {kills} kills")


def test_a_worker_of_another_version_refuses(broker, start_worker, code, notebooks, tmp_path):
    """A worker running a changed copy of graders refuses the setup check and grading."""
    from graders.cluster.fingerprint import code_fingerprint

    copy = tmp_path / "other-version"
    env = snapshot_env(copy)
    with (copy / "graders" / "exercises.py").open("a") as f:
        f.write("\n# a later version of the course's code\n")
    other = start_worker(env=env, cwd=copy)
    version = re.search(r"grading version (\w+)", other.text()).group(1)
    course = cc.make_course(tmp_path / "course", notebooks, {("alice", "01_numpy"): None})

    proc = dlcourse(code, "autograde", course.root, "--broker", broker.url)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"dlcourse autograde: 01_numpy: a worker refused it: built for version "
        r"\w{12}, the worker runs \w{12} \(.*\)",
        line,
    ), proc.stderr
    built_for, runs = re.findall(r"version (\w{12})|runs (\w{12})", line)
    assert built_for[0] != runs[1]
    assert f"(code {version})" in other.text()  # the changed copy is what refused
    assert not (course.root / "autograded").exists() and not load_results(course.db_url)

    # a grading task too, sent straight to it
    from graders.cluster.broker import make_app
    from graders.cluster.fingerprint import task_fingerprint
    from graders.cluster.messages import GRADE_TASK, grade_payload

    source = course.source_notebook("01_numpy").read_bytes()
    notebook = (course.submitted_dir("alice", "01_numpy") / "01_numpy.ipynb").read_bytes()
    payload = grade_payload(
        "01_numpy",
        1,
        10.0,
        task_fingerprint(code_fingerprint(), "01_numpy", source),  # this tree's version
        source,
        notebook,
    )
    app = make_app(broker.url)
    answer = app.send_task(GRADE_TASK, args=[payload], queue="dlcourse").get(timeout=60)
    app.close()
    assert set(answer) == {"refused"} and "a worker refused it" in answer["refused"]
    assert other.text().count("refused a task") == 2


def test_grading_without_a_broker_imports_no_celery(notebooks, tmp_path):
    course = cc.make_course(tmp_path / "course", notebooks, {("alice", "01_numpy"): None})
    code = (
        "import json, sys\nfrom graders.pipeline.autograde import autograde\n"
        f"r = autograde({str(course.root)!r}, jobs=1)\n"
        "print(json.dumps([r[0].score, sorted(m for m in sys.modules if m.split('.')[0] in "
        "('celery', 'kombu', 'redis', 'billiard', 'graders.cluster'))]))"
    )
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=True,
    )
    score, loaded = json.loads(done.stdout.splitlines()[-1])
    assert score == 4 and loaded == []


def test_a_worker_needs_bubblewrap_and_a_reachable_broker(code, notebooks, tmp_path):
    no_bwrap = subprocess.run(
        [str(VENV_BIN / "dlcourse"), "worker", "--broker", "redis://127.0.0.1:9/0"],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path)},
        timeout=60,
    )
    assert no_bwrap.returncode == 2 and "bubblewrap" in no_bwrap.stderr
    assert len(no_bwrap.stderr.strip().splitlines()) == 1

    down = dlcourse(code, "worker", "--broker", "redis://:hunter2@127.0.0.1:9/0", timeout=60)
    assert down.returncode == 1, down.stderr
    assert down.stderr.strip() == (
        "dlcourse worker: cannot reach the broker "
        "redis://:***@127.0.0.1:9/0 (" + down.stderr.split("(", 1)[1].strip()
    )
    assert "hunter2" not in down.stdout + down.stderr and "Traceback" not in down.stderr
    course = cc.make_course(tmp_path / "course", notebooks, {("alice", "01_numpy"): None})
    sent = dlcourse(code, "autograde", course.root, "--broker", "redis://:hunter2@127.0.0.1:9/0")
    assert (
        sent.returncode == 1 and "cannot reach the broker redis://:***@127.0.0.1:9/0" in sent.stderr
    )
    assert "hunter2" not in sent.stdout + sent.stderr and "Traceback" not in sent.stderr


def _ready(worker) -> None:
    deadline = time.monotonic() + 60
    while " ready." not in worker.text():
        assert time.monotonic() < deadline and worker.process.poll() is None, worker.text()
        time.sleep(0.1)


def test_a_worker_without_bubblewrap_says_it_grades_in_the_weak_sandbox(
    broker, start_worker, code, tmp_path
):
    worker = start_worker(env={**code, "DLCOURSE_ALLOW_WEAK_SANDBOX": "1", "PATH": str(tmp_path)})
    assert re.search(
        r"grading version \w+ from redis\+socket://:\*\*\*@\S+ with 1 process\(es\) "
        r"in the WEAK sandbox \(bubblewrap \(bwrap\) is not installed; every result "
        r"says so\)",
        worker.text(),
    ), worker.text()
