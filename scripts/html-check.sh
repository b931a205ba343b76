#!/usr/bin/env bash
# Renders the workshop report of the hub-and-satellites playbook with the given binary
# and checks it in headless Chromium (non-blank screenshot, non-empty SVG charts, no
# console errors): tests/html-screenshot.sh does the checking, and its own test runs first.
set -euo pipefail
bin=${1:?usage: scripts/html-check.sh BRANCHSIM_BINARY}
cd "$(dirname "$0")/.."
out=.build/html-check
mkdir -p "$out"
tests/html-screenshot-test.sh
"$bin" run scenarios/hub-and-satellites.bsim --runs 60 --output "$out/workshop.html" >/dev/null || status=$?
# The playbook's expectations may fail at 60 replications; the report is what is checked here.
[ -s "$out/workshop.html" ] || { echo "html-check: no report written (status ${status:-0})" >&2; exit 1; }
set +e
MIN_SVGS=6 tests/html-screenshot.sh "$out/workshop.html" "$out/workshop.png"
rc=$?
set -e
if [ "$rc" = 77 ]; then echo "html-check: skipped (no Chromium)"; exit 0; fi
[ "$rc" = 0 ] || exit "$rc"
# The outlet-by-outlet workshop: its outlets' tables and the rankings' echelon charts (two
# `rank` before the comparison, one per variant after it) besides the charts above.
"$bin" run scenarios/hub-outlets.bsim --runs 60 --output "$out/outlets.html" >/dev/null || status=$?
[ -s "$out/outlets.html" ] || { echo "html-check: no outlets report written (status ${status:-0})" >&2; exit 1; }
grep -q '<section id="rankings">' "$out/outlets.html" || { echo "html-check: the outlets report has no rankings" >&2; exit 1; }
grep -q '<svg[^>]*aria-label="Outlets by uplift"' "$out/outlets.html" || grep -q '<title>Outlets by uplift</title>' "$out/outlets.html" \
  || { echo "html-check: the outlets report has no ranking chart" >&2; exit 1; }
MIN_SVGS=9 tests/html-screenshot.sh "$out/outlets.html" "$out/outlets.png"
