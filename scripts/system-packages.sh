#!/usr/bin/env bash
# Debian packages the tests use: bubblewrap (grading sandbox), PostgreSQL (second
# gradebook backend), Chromium and its driver (browser tests). Needs root.
set -euo pipefail
pkgs="bubblewrap postgresql chromium chromium-driver"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
