#!/usr/bin/env bash
# Tests tests/html-screenshot.sh: a generated workshop report passes, a blank page and a page
# without charts fail, and a missing file is a usage error. Skips (77) when Chromium is unavailable.
# usage: tests/html-screenshot-test.sh [OUT.png]   (OUT.png keeps the report's screenshot)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
script="$here/html-screenshot.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check NAME EXPECTED-STATUS EXPECTED-MESSAGE COMMAND...
  local name=$1 want=$2 message=$3; shift 3
  "$@" >"$work/out.log" 2>&1
  local got=$?
  if [[ $got -eq 77 ]]; then cat "$work/out.log"; echo "SKIP: $name (Chromium unavailable)"; exit 77; fi
  if [[ $got -eq $want ]] && grep -q -- "$message" "$work/out.log"; then echo "ok: $name (status $got: $message)"
  else echo "FAIL: $name: status $got, expected $want with '$message'"; cat "$work/out.log"; failures=$((failures + 1)); fi
}

# The sample report comes from the Swift test that renders it (synthetic results, no engine).
(cd "$root" && BRANCHSIM_SAMPLE_HTML="$work/report.html" swift test --filter HTMLReportTests/sampleWorkshopReport >"$work/build.log" 2>&1) \
  || { cat "$work/build.log"; echo "FAIL: could not generate the sample report"; exit 1; }
[[ -s "$work/report.html" ]] || { echo "FAIL: the sample report was not written"; exit 1; }

check "usage error without a file" 2 "usage:" "$script" "$work/missing.html"
MIN_SVGS=14 check "sample workshop report renders with its 14 charts" 0 "14 non-empty" "$script" "$work/report.html" "$work/report.png"
printf '<!DOCTYPE html><html><body style="background:#fff"></body></html>\n' >"$work/blank.html"
check "a blank page fails" 1 "looks blank" "$script" "$work/blank.html" "$work/blank.png"
big='<div style="height:1200px;background:linear-gradient(#08306b,#c6dbef,#e69f00)"></div>'
printf '<!DOCTYPE html><html><body><h1>Report</h1>%s<svg></svg></body></html>\n' "$big" >"$work/nosvg.html"
check "a page without drawn SVG fails" 1 "0 non-empty <svg>" "$script" "$work/nosvg.html" "$work/nosvg.png"
printf '<!DOCTYPE html><html><body><h1>Report</h1>%s<svg width="200" height="100"><rect width="200" height="100" fill="#08306b"/></svg><script>console.error("boom")</script></body></html>\n' "$big" >"$work/err.html"
check "a console error fails" 1 "console errors" "$script" "$work/err.html" "$work/err.png"

if [[ -n "${1:-}" && -f "$work/report.png" ]]; then cp "$work/report.png" "$1"; fi
[[ $failures -eq 0 ]] && echo "all screenshot checks passed" || { echo "$failures screenshot check(s) failed"; exit 1; }
