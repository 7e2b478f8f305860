#!/usr/bin/env bash
# One command: set up a fresh venv and run the course's main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
.venv/bin/dlcourse demo "${1:-dlcourse-demo}"
