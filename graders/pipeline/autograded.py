"""The autograded copy of a notebook: the one execution's outputs, in nbgrader's folder.

``autograded/<student>/<chapter>/<chapter>.ipynb`` is what the formgrader shows and what
``nbgrader generate_feedback`` turns into HTML. :func:`autograded_notebook` builds it from
the submission and the grading result: the submission's cells in the order they ran, the
instructor's setup and test cells from the source notebook (the hidden tests left out),
each test cell's output being the grader's verdict (the ✓ line or the diagnosis) and
every other cell's output what it printed and raised (learner output, cleaned and with
hidden-test lines redacted by the grader).

:func:`write_autograded` writes it without following any link: every folder on the way
is opened with ``O_NOFOLLOW`` relative to the course directory (a link found there is
removed, never followed), and the file is written under a fresh name and renamed into
place.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
from pathlib import Path

from graders.trusted import notebook
from graders.trusted.results import TrustedResult


def autograded_notebook(submission: Path, source: Path, result: TrustedResult) -> dict:
    """The autograded notebook (nbformat 4, as a dict) of a graded submission."""
    cells = notebook.read_cells(submission)
    source_cells = notebook.read_cells(source)
    functions = [e.function for e in result.exercises]
    steps = notebook.plan_steps(cells, source_cells, functions)
    by_id = {notebook.grade_id(c): c for c in source_cells if notebook.grade_id(c)}
    verdicts = {e.grade_id: e for e in result.exercises}
    outputs = {c.position: c for c in result.cells}
    out, shown = [], 0
    for position, step in enumerate(steps):
        if step.cell is not None:
            out += [_plain(c) for c in cells[shown:step.cell] if c.get("cell_type") != "code"]
            shown = step.cell + 1
        if step.kind == "code":
            cell = _plain(cells[step.cell])
        else:
            cell = _plain(by_id[step.grade_id])
            cell["source"] = notebook.HIDDEN.sub("", notebook.cell_source(cell))
        cell["outputs"] = _outputs(outputs.get(position), verdicts.get(step.grade_id))
        out.append(cell)
    out += [_plain(c) for c in cells[shown:] if c.get("cell_type") != "code"]
    meta = json.loads(source.read_text()).get("metadata", {})
    return {"cells": out, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def _plain(cell: dict) -> dict:
    """A well-formed nbformat 4 cell from a (possibly malformed) submitted one."""
    kind = cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown", "raw") else "raw"
    meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    try:
        source = notebook.cell_source(cell)
    except notebook.NotebookError:
        source = ""
    plain = {"cell_type": kind, "metadata": copy.deepcopy(meta), "source": source}
    if isinstance(cell.get("id"), str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cell["id"]):
        plain["id"] = cell["id"]
    if kind == "code":
        plain.update(execution_count=None, outputs=[])
    return plain


def _outputs(cell, verdict) -> list[dict]:
    if verdict is not None:
        if verdict.passed:
            return [_stream("stdout", verdict.output + "\n")]
        return [{"output_type": "error", "ename": "CheckFailure", "evalue": verdict.diagnosis,
                 "traceback": [f"CheckFailure: {verdict.diagnosis}"]}]
    if cell is None:
        return []
    outputs = [_stream("stdout", cell.stdout)] if cell.stdout else []
    problem = cell.error or (f"this cell {cell.note}" if cell.note else "")
    if problem:
        name, _, value = problem.partition(": ")
        outputs.append({"output_type": "error", "ename": name or "Error", "evalue": value,
                        "traceback": [problem]})
    return outputs


def _stream(name: str, text: str) -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def write_autograded(root: Path, parts: tuple[str, ...], name: str, content: bytes) -> Path:
    """Write ``root/<parts...>/<name>`` without following links (see the module doc)."""
    if any(p in ("", ".", "..") or "/" in p or "\0" in p for p in (*parts, name)):
        raise ValueError(f"not a plain file or folder name: {parts + (name,)!r}")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            fd = _subfolder(fd, part)
        temporary = f".{name}.{secrets.token_hex(6)}.tmp"
        out = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644,
                      dir_fd=fd)
        with os.fdopen(out, "wb") as file:
            file.write(content)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    finally:
        os.close(fd)
    return root.joinpath(*parts, name)


def remove_autograded(root: Path, parts: tuple[str, ...], name: str) -> None:
    """Remove ``root/<parts...>/<name>``, and its folder if that leaves it empty, following
    no link on the way (a stale autograded copy must not outlive a failed re-grade)."""
    try:
        fds = [os.open(root, os.O_RDONLY | os.O_DIRECTORY)]
    except OSError:
        return
    try:
        for part in parts:
            fds.append(os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                               dir_fd=fds[-1]))
        os.unlink(name, dir_fd=fds[-1])
        os.rmdir(parts[-1], dir_fd=fds[-2])  # only if nothing else is in it
    except OSError:
        pass  # nothing there, a link where a folder belongs, or a folder not empty
    finally:
        for fd in fds:
            os.close(fd)


def _subfolder(fd: int, part: str) -> int:
    """Open (or make) the folder ``part`` inside ``fd``; a link there is replaced, not followed."""
    for _ in range(2):
        try:
            sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            return sub
        except FileNotFoundError:
            os.mkdir(part, 0o755, dir_fd=fd)
        except (NotADirectoryError, OSError):
            os.unlink(part, dir_fd=fd)  # a link or a file where a folder belongs
    sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
    os.close(fd)
    return sub
