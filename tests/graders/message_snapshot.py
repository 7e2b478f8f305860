"""Every check message of the catalogue, as one JSON document (the refactoring snapshot).

``python tests/graders/message_snapshot.py > tests/graders/snapshots/check_messages.json``
regenerates it; ``test_checks_snapshot.py`` compares the current messages with the file.
For each exercise, each catalogue entry (wrong and right) and the nbgrader stub are checked
on the visible cases and with ``hidden=True``; the message (or the success line) is kept.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from exercise_params import free_names, stub  # noqa: E402

from graders.catalogue import RIGHT, WRONG, load  # noqa: E402
from graders.exercises import EXERCISES  # noqa: E402


def outcome(check, fn, **kwargs) -> str:
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        try:
            check(fn, **kwargs)
        except AssertionError as failure:
            return "FAIL " + str(failure)
    return "PASS " + out.getvalue().strip()


def messages() -> dict[str, dict[str, list[str]]]:
    snapshot: dict[str, dict[str, list[str]]] = {}
    for exercise in EXERCISES:
        check = exercise.check()
        entries = {"stub": stub(exercise)}
        for kind, table in (("wrong", WRONG), ("right", RIGHT)):
            for impl in table.get(exercise.key, []):
                entries[f"{kind}: {impl.name}"] = load(impl, free_names(exercise))
        snapshot[exercise.key] = {
            name: [outcome(check, fn), outcome(check, fn, hidden=True)]
            for name, fn in entries.items()
        }
    return snapshot


if __name__ == "__main__":
    json.dump(messages(), sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")
