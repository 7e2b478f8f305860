#!/usr/bin/env bash
# The Debian packages, installed as root when missing. Usage: system-packages.sh [main|test]
#   main: what dlcourse's main job needs: bubblewrap (the sandbox that grading runs in);
#   test (the default): main's plus what only the tests use: PostgreSQL (the second
#         gradebook backend), Chromium and its driver (the browser tests), redis-server
#         (the broker of the cluster tests, tests/cluster).
set -euo pipefail
main="bubblewrap"
case "${1:-test}" in
    main) pkgs="$main" ;;
    test) pkgs="$main postgresql chromium chromium-driver redis-server" ;;
    *) echo "usage: $0 [main|test]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
[ -n "$missing" ] || exit 0
if ! command -v apt-get >/dev/null; then
    echo "system-packages.sh: no apt-get here; install$missing with this system's package manager" >&2
    exit 2
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
