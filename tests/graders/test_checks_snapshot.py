"""The check messages of the whole catalogue equal the stored snapshot.

A refactoring of the check engine must not change what a learner reads. A deliberate
change of wording (or a new exercise or entry) regenerates the snapshot, and the diff of
``snapshots/check_messages.json`` shows exactly which messages changed:

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
    assert sorted(current) == sorted(stored), "exercises differ from the snapshot"
    changed = [
        f"{exercise} / {entry}: {stored[exercise].get(entry)} -> {outcomes}"
        for exercise, entries in current.items()
        for entry, outcomes in entries.items()
        if stored[exercise].get(entry) != outcomes
    ]
    missing = [f"{e} / {n}" for e in stored for n in stored[e] if n not in current[e]]
    assert not changed and not missing, "\n".join(changed[:5] + missing[:5])
