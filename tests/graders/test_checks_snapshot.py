"""The check messages of the whole catalogue equal the stored snapshot.

A refactoring of the check engine must not change what a learner reads: every stored
message must come out the same. Exercises and entries added since the snapshot are new
behaviour, tested by the catalogue's own tests; a deliberate change of wording regenerates
the snapshot, and its diff shows exactly which messages changed:

    python tests/graders/message_snapshot.py > tests/graders/snapshots/check_messages.json
"""

from __future__ import annotations

import json
from pathlib import Path

from message_snapshot import messages

SNAPSHOT = Path(__file__).parent / "snapshots" / "check_messages.json"


def test_every_catalogue_message_is_unchanged():
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    current = messages()
    missing = [f"{e} / {n}" for e in stored for n in stored[e] if n not in current.get(e, {})]
    changed = [
        f"{exercise} / {entry}: {outcomes} -> {current[exercise][entry]}"
        for exercise, entries in stored.items()
        for entry, outcomes in entries.items()
        if entry in current.get(exercise, {}) and current[exercise][entry] != outcomes
    ]
    assert not changed and not missing, "\n".join(changed[:5] + missing[:5])
