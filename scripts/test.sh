#!/usr/bin/env bash
# One command: set up everything the tests need, then run them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash scripts/system-packages.sh test; fi
bash scripts/setup-venv.sh dev
.venv/bin/python -m pytest -n 2 tests
