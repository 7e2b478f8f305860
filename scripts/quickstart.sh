#!/usr/bin/env bash
# One command: the system package the main job needs (bubblewrap, as root), a fresh venv,
# then the course's main job: `dlcourse demo`. Not root and no bwrap: stop at once with
# what to do (install it, or opt in to the weaker sandbox), before the slow steps.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
    bash scripts/system-packages.sh main
elif ! command -v bwrap >/dev/null && [ "${DLCOURSE_ALLOW_WEAK_SANDBOX:-0}" = 0 ]; then
    # graders/errors.py needs only the standard library: the system's Python will do.
    python3 -c 'import sys; from graders.errors import sandbox_instruction
print("quickstart.sh: " + sandbox_instruction(sys.argv[1]), file=sys.stderr)' \
        "bwrap is not installed, and this script cannot install it without root" || true
    exit 2
fi
bash scripts/setup-venv.sh
.venv/bin/dlcourse demo "${1:-dlcourse-demo}"
