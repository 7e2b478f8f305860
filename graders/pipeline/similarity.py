"""Which submissions' solution cells are suspiciously alike: fingerprints of normalised code.

A similarity is a reason to look at two notebooks, never a verdict: two students can
write the same few lines independently, and a copy can be disguised beyond recognition.

The method is the one MOSS uses (Schleimer, Wilkerson and Aiken, "Winnowing: local
algorithms for document fingerprinting", SIGMOD 2003), applied per solution cell:

1. **Normalise.** Python's tokenizer splits the cell; every name a learner chooses becomes
   ``N`` (so renaming variables hides nothing), every literal becomes one token per kind
   (``0`` for numbers, ``S`` for strings), comments and whitespace are dropped. Keywords,
   operators, the end of each statement and the attribute names after a dot (``np.einsum``
   versus ``np.dot``: the library calls a solution makes, which a copier has no reason to
   rename) are kept.
2. **Fingerprint.** Every run of ``K`` consecutive tokens (a k-gram) is hashed; winnowing
   keeps the smallest hash of every ``WINDOW`` consecutive k-grams, so that any shared run
   of ``K + WINDOW - 1`` tokens is certain to share a fingerprint, whatever surrounds it.
3. **Leave out what was given.** Every k-gram of the released cell (the signature, the
   docstring, the hints, the stub and the lines around it) is dropped; a cell with fewer
   than ``MIN_TOKENS`` tokens of its own is ignored.
4. **Score a pair.** Per cell, the share of the smaller cell's fingerprints that the other
   cell has too; per pair of notebooks, the same over all the cells they both wrote
   (shared fingerprints / the smaller side's, summed over cells), so a long copied cell
   weighs more than a short one.

``find_similar(course)`` returns the pairs at or above the threshold, most alike first.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import keyword
import tokenize
from dataclasses import dataclass, field

from graders.pipeline.course import Course
from graders.pipeline.submissions import solution_sources

# Chosen on the planted copies and the catalogue's right variants of tests/pipeline
# (test_similarity.py), the only measurement there is: copies score 0.75 or more there,
# independent solutions 0.61 or less, and the threshold sits between them.
K = 4  # tokens per k-gram: about half a statement
WINDOW = 2  # k-grams per winnowing window: any shared run of K + WINDOW - 1 = 5 tokens is caught
MIN_TOKENS = 25  # a cell with fewer tokens of its own (beyond the release) is too short
DEFAULT_THRESHOLD = 0.68
_DROPPED = {
    tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
    tokenize.ENCODING, tokenize.ENDMARKER,
}


@dataclass(frozen=True)
class Token:
    """One normalised token and the source line (1-based) it came from."""

    text: str
    line: int


def normalised_tokens(source: str) -> list[Token]:
    """The cell's tokens with names, literals, comments and whitespace normalised away.

    Code that does not tokenize (a half-written cell) keeps the tokens read before the
    error; IPython magics and shell lines (``%``, ``!``) come out as operators.
    """
    tokens: list[Token] = []
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _DROPPED:
                continue
            tokens.append(Token(_normalise(tok, previous), tok.start[0]))
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return tokens


def _normalise(tok: tokenize.TokenInfo, previous: str) -> str:
    if tok.type == tokenize.NAME:
        if keyword.iskeyword(tok.string) or previous == ".":
            return tok.string
        return "N"
    if tok.type == tokenize.NUMBER:
        return "0"
    if tok.type == tokenize.STRING:
        return "S"
    if tok.type == tokenize.NEWLINE:
        return ";"
    return tok.string


def _hash(tokens: list[Token]) -> int:
    text = " ".join(t.text for t in tokens).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def kgram_hashes(tokens: list[Token], k: int = K) -> list[int]:
    """The hash of every run of ``k`` consecutive tokens, in order."""
    return [_hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def winnow(hashes: list[int], window: int = WINDOW) -> set[int]:
    """Positions of the k-grams winnowing keeps: the rightmost minimum of every window."""
    if len(hashes) <= window:
        return {min(range(len(hashes)), key=lambda i: (hashes[i], -i))} if hashes else set()
    return {
        min(range(start, start + window), key=lambda i: (hashes[i], -i))
        for start in range(len(hashes) - window + 1)
    }


@dataclass
class CellPrint:
    """The fingerprints of one solution cell, and which source lines each one covers."""

    source: str
    hashes: set[int] = field(default_factory=set)
    lines: dict[int, set[int]] = field(default_factory=dict)  # hash -> the learner's lines
    own_tokens: int = 0  # tokens not covered by a k-gram of the released cell


def fingerprint(source: str, released: str = "", k: int = K, window: int = WINDOW) -> CellPrint:
    """Fingerprint a cell, leaving out every k-gram of the released version of the cell."""
    tokens = normalised_tokens(source)
    given = set(kgram_hashes(normalised_tokens(released), k))
    hashes = kgram_hashes(tokens, k)
    covered = set()
    for i, h in enumerate(hashes):
        if h in given:
            covered.update(range(i, i + k))
    cell = CellPrint(source, own_tokens=len(tokens) - len(covered))
    for i in winnow(hashes, window):
        if hashes[i] not in given:
            cell.hashes.add(hashes[i])
            own = [t.line for j, t in enumerate(tokens[i : i + k], start=i) if j not in covered]
            cell.lines.setdefault(hashes[i], set()).update(own)
    return cell


@dataclass(frozen=True)
class CellMatch:
    """Two students' versions of one solution cell and what they share."""

    grade_id: str
    score: float  # shared fingerprints / the smaller cell's fingerprints
    shared: int
    smaller: int
    source_a: str
    source_b: str
    lines_a: frozenset[int]  # source lines of A covered by a shared fingerprint
    lines_b: frozenset[int]


@dataclass(frozen=True)
class SimilarPair:
    """Two submissions of one chapter whose solution cells are alike, with a score in [0, 1]."""

    chapter: str
    student_a: str
    student_b: str
    score: float
    cells: tuple[CellMatch, ...]  # every cell both wrote, most alike first


def compare_cells(grade_id: str, a: CellPrint, b: CellPrint) -> CellMatch:
    shared = a.hashes & b.hashes
    smaller = min(len(a.hashes), len(b.hashes))
    return CellMatch(
        grade_id=grade_id,
        score=len(shared) / smaller if smaller else 0.0,
        shared=len(shared),
        smaller=smaller,
        source_a=a.source,
        source_b=b.source,
        lines_a=frozenset(ln for h in shared for ln in a.lines[h]),
        lines_b=frozenset(ln for h in shared for ln in b.lines[h]),
    )


def compare(
    chapter: str, prints: dict[str, dict[str, CellPrint]]
) -> list[SimilarPair]:
    """Every pair of students (``student -> grade_id -> CellPrint``), most alike first."""
    pairs = []
    for a, b in itertools.combinations(sorted(prints), 2):
        common = sorted(set(prints[a]) & set(prints[b]))
        cells = [compare_cells(g, prints[a][g], prints[b][g]) for g in common]
        smaller = sum(c.smaller for c in cells)
        if not smaller:
            continue
        score = sum(c.shared for c in cells) / smaller
        cells.sort(key=lambda c: -c.score)
        pairs.append(SimilarPair(chapter, a, b, score, tuple(cells)))
    return sorted(pairs, key=lambda p: (-p.score, p.chapter, p.student_a, p.student_b))


def chapter_prints(
    released: dict[str, str], submitted: dict[str, dict[str, str]]
) -> dict[str, dict[str, CellPrint]]:
    """Fingerprint each student's solution cells (``student -> grade_id -> source``).

    Cells the release does not have, and cells too short once the release is left out,
    are not compared.
    """
    prints: dict[str, dict[str, CellPrint]] = {}
    for student, cells in submitted.items():
        for grade_id, source in cells.items():
            if grade_id not in released:
                continue
            cell = fingerprint(source, released[grade_id])
            if cell.own_tokens >= MIN_TOKENS and cell.hashes:
                prints.setdefault(student, {})[grade_id] = cell
    return prints


def submitted_solutions(course: Course, chapter: str) -> dict[str, dict[str, str]]:
    """``student -> grade_id -> source`` of every readable submitted notebook of a chapter."""
    import nbformat

    found = {}
    for student in course.submissions(chapter):
        path = course.submitted_dir(student, chapter) / f"{chapter}.ipynb"
        try:
            found[student] = solution_sources(path)
        except (OSError, ValueError, KeyError, AttributeError, nbformat.ValidationError):
            continue  # an unreadable notebook has nothing to compare (the report lists it)
    return found


def find_similar(
    course: Course,
    chapters: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SimilarPair]:
    """Pairs of submissions scoring at least ``threshold``, most alike first."""
    pairs = []
    for chapter in course.check_chapters(chapters):
        release = course.release_notebook(chapter)
        if not release.is_file():
            continue
        prints = chapter_prints(solution_sources(release), submitted_solutions(course, chapter))
        pairs += [p for p in compare(chapter, prints) if p.score >= threshold]
    return sorted(pairs, key=lambda p: (-p.score, p.chapter, p.student_a, p.student_b))




def untouched_cells(course: Course, chapter: str) -> dict[str, set[str]]:
    """``student -> grade_ids`` of the solution cells a student left as released.

    A cell is untouched when its normalised tokens are the released cell's: changing
    only comments or spacing is not an attempt.
    """
    release = course.release_notebook(chapter)
    if not release.is_file():
        return {}
    released = {g: _texts(s) for g, s in solution_sources(release).items()}
    return {
        student: {g for g, source in cells.items() if _texts(source) == released.get(g)}
        for student, cells in submitted_solutions(course, chapter).items()
    }


def _texts(source: str) -> list[str]:
    return [t.text for t in normalised_tokens(source)]
