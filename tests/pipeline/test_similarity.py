"""Similarity: normalisation, winnowing, the release left out, and a measured test set.

The measured test: in a course released from the real chapters, ``orig`` hands in the
catalogue's first right implementation of every function, ``indep1..3`` the other right
variants (written separately), and five copiers hand in disguised copies of two of
``orig``'s cells per chapter (``similarity_cases.py``). A pair is a true copy when both
notebooks come from ``orig``; every other pair is independent.
"""

from __future__ import annotations

import itertools

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_cli import dlcourse
from similarity_cases import COPIES, DISGUISES

from graders.catalogue import RIGHT
from graders.exercises import chapter_exercises
from graders.pipeline import similarity as sim
from graders.pipeline.course import init_course
from graders.pipeline.release import release
from graders.pipeline.submissions import learner_notebook

STUB = '''def backward(X, A, Y):
    """Gradients."""
    # YOUR CODE HERE
    raise NotImplementedError()
    return grads
'''
CELL = '''def backward(X, A, Y):
    """Gradients."""
    m = X.shape[1]
    dZ = A - Y
    dw = np.dot(X, dZ.T) / m
    db = float(np.sum(dZ) / m)
    grads = {"dw": dw, "db": db}
    return grads
'''


def _texts(source: str) -> list[str]:
    return [t.text for t in sim.normalised_tokens(source)]


def test_names_comments_spacing_and_literal_spelling_do_not_change_the_tokens():
    disguised = '''def backward(X, A, Y):
    """Other words."""
    n   = X.shape[ 1 ]        # examples
    err = A-Y
    gw  = np.dot(X, err.T)/n
    gb  = float(np.sum(err)/n)
    out = {'dw': gw,
           'db': gb}
    return out
'''
    assert _texts(disguised) == _texts(CELL)
    assert "N" in _texts(CELL) and "shape" in _texts(CELL)  # attribute names are kept
    assert _texts("x = 1.5e3") == _texts("y = 0x10") == ["N", "=", "0", ";"]


def test_code_that_does_not_tokenize_keeps_what_came_before():
    assert _texts("x = (1,\n") == ["N", "=", "(", "0", ","]
    assert sim.fingerprint("def f(:\n  return '''").hashes is not None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), min_size=sim.K + sim.WINDOW - 1, max_size=40),
    st.lists(st.sampled_from("abcdefgh"), max_size=20),
    st.lists(st.sampled_from("abcdefgh"), max_size=20),
)
def test_winnowing_catches_every_shared_run_of_k_plus_window_minus_one(shared, left, right):
    def prints(words):
        hashes = sim.kgram_hashes([sim.Token(w, 1) for w in words])
        return {hashes[i] for i in sim.winnow(hashes)}

    assert prints(left + shared + right) & prints(right + shared + left)


def test_the_released_stub_and_short_cells_are_left_out():
    assert sim.fingerprint(STUB, STUB).hashes == set()
    prints = sim.chapter_prints(
        {"backward": STUB},
        {"a": {"backward": STUB}, "b": {"backward": CELL}, "c": {"backward": "def f(): pass"},
         "d": {"other_cell": CELL}},
    )
    assert list(prints) == ["b"]
    # every fingerprint kept holds some of the learner's own lines (3 on), none only given ones
    assert all(max(lines) >= 3 for lines in sim.fingerprint(CELL, STUB).lines.values())


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = tmp_path_factory.mktemp("similarity") / "course"
    course = init_course(root)
    release(root, ["02_logistic", "03_shallow", "04_deep"])
    return course


def _hand_in(course, student: str, chapter: str, answers: dict[str, str]) -> None:
    folder = course.submitted_dir(student, chapter)
    folder.mkdir(parents=True, exist_ok=True)
    nb = learner_notebook(course, chapter, solved=False, answers=answers)
    nbformat.write(nb, folder / f"{chapter}.ipynb")


def _class(course) -> dict[str, set[str]]:
    """Hand in the test set; return ``chapter -> students whose notebook comes from orig``."""
    family = {}
    for chapter in ("02_logistic", "03_shallow", "04_deep"):
        exercises = chapter_exercises(chapter)
        for i in range(4):
            answers = {}
            for e in exercises:
                variants = RIGHT[f"{e.module}.{e.function}"]
                if i < len(variants):
                    answers[e.function] = variants[i].source
            _hand_in(course, "orig" if i == 0 else f"indep{i}", chapter, answers)
        for k, disguise in enumerate(DISGUISES):
            _hand_in(course, f"copy{k}", chapter, COPIES[chapter][disguise])
        family[chapter] = {"orig", *(f"copy{k}" for k in range(len(DISGUISES)))}
    return family


def test_planted_copies_are_found_and_independent_solutions_are_not(released, capsys):
    family = _class(released)
    pairs = sim.find_similar(released, threshold=0.0)
    flagged = {(p.chapter, p.student_a, p.student_b) for p in pairs
               if p.score >= sim.DEFAULT_THRESHOLD}
    copies = {(c, a, b) for c, members in family.items()
              for a, b in itertools.combinations(sorted(members), 2)}
    students = sorted({p.student_a for p in pairs} | {p.student_b for p in pairs})
    assert len(students) == 9
    true_positives = len(flagged & copies)
    precision = true_positives / len(flagged)
    recall = true_positives / len(copies)
    scores = {(p.chapter, p.student_a, p.student_b): p.score for p in pairs}
    independent = [s for key, s in scores.items() if key not in copies]
    with capsys.disabled():
        print(f"\nsimilarity at threshold {sim.DEFAULT_THRESHOLD}: {len(copies)} copied pairs, "
              f"{len(independent)} independent pairs; precision {precision:.2f}, recall "
              f"{recall:.2f}; lowest copy {min(scores[k] for k in copies):.2f}, "
              f"highest independent {max(independent):.2f}")
    assert recall == 1.0, sorted(copies - flagged)
    assert precision == 1.0, sorted(flagged - copies)
    # the pair list is ranked, and each pair says which of its cells are alike
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    top = next(p for p in pairs if (p.chapter, p.student_a, p.student_b) in copies)
    assert top.cells[0].lines_a and top.cells[0].lines_b


def test_similarity_command(released):
    _class(released)
    proc = dlcourse("similarity", released.root, "02_logistic")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "a reason to look at two notebooks, not a verdict" in lines[0]
    assert lines[1].split() == ["score", "chapter", "student", "student", "alike", "cells"]
    assert all(" 02_logistic " in line for line in lines[2:-1])
    assert not any("indep" in line for line in lines)
    assert dlcourse("similarity", released.root, "09_nope").returncode == 2
    assert dlcourse("similarity", released.root, "--threshold", "3").returncode == 2
    assert "not a verdict" in " ".join(dlcourse("similarity", "--help").stdout.split())
