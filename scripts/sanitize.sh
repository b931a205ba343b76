#!/bin/sh
# `make tsan` / `make asan`: builds the package and its tests with a sanitizer
# (ThreadSanitizer or AddressSanitizer, in .build-tsan / .build-asan so the normal
# build is untouched), runs the engine's and the shell's tests under it, then a
# representative run of the binary itself: a shipped scenario on 2 threads, a
# comparison, and a script piped into the shell. Any sanitizer report fails it.
# Usage: scripts/sanitize.sh thread|address
set -eu
kind=${1:?usage: scripts/sanitize.sh thread|address}
case $kind in
  thread) short=tsan ;;
  address) short=asan ;;
  *) echo "scripts/sanitize.sh: say 'thread' or 'address'" >&2; exit 64 ;;
esac
SWIFT=${SWIFT:-swift}
build=.build-$short
# The unit tests of the parts with threads and memory of their own; the end-to-end and
# tmux suites drive the release binary and would only test that.
filter=${SANITIZE_FILTER:-'BranchSimEngineTests|BranchSimModelTests|BranchSimReportsTests|BranchSimLanguageTests|BranchSimShellTests\.(ShellLoopTests|ScenarioBackendTests|ShellCommandTests|CompletionTests|HistoryStoreTests|ProgressBarTests|AtomicFileTests)'}
# A report exits 86, apart from branchsim's own 1 (an expect failed) and 2 (errors).
export TSAN_OPTIONS="halt_on_error=1 exitcode=86 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="halt_on_error=1 exitcode=86 detect_leaks=0 ${ASAN_OPTIONS:-}"
# Runs the binary; 0 and 1 (an expectation failed) are fine, anything else stops the script.
check() {
  status=0
  "$@" || status=$?
  if [ "$status" -gt 1 ]; then echo "scripts/sanitize.sh: '$*' exited $status" >&2; exit 1; fi
}

echo "== $kind sanitizer: building into $build"
$SWIFT build --build-tests --build-path "$build" --sanitize="$kind"
echo "== $kind sanitizer: tests ($filter)"
$SWIFT test --skip-build --build-path "$build" --sanitize="$kind" --filter "$filter"

bin=$build/debug/branchsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== $kind sanitizer: $bin run scenarios/potential-upgrade.bsim --runs 200 --threads 2"
check $bin run scenarios/potential-upgrade.bsim --runs 200 --threads 2 > "$tmp/run.txt"
echo "== $kind sanitizer: $bin run scenarios/hub-and-satellites.bsim --runs 100 --threads 2 (compare)"
check $bin run scenarios/hub-and-satellites.bsim --runs 100 --threads 2 > "$tmp/compare.txt"
echo "== $kind sanitizer: a script piped into the shell"
sed 's/^\( *runs\) [0-9][0-9]*/\1 50/' scenarios/potential-upgrade.bsim > "$tmp/script.bsim"
printf 'sweep upgrade_meeting.contacts over 20, 40\nreport uplift\n:format json\nreport uplift\n' >> "$tmp/script.bsim"
check env HOME=$tmp XDG_STATE_HOME=$tmp/state $bin < "$tmp/script.bsim" > "$tmp/piped.txt"
echo "== $kind sanitizer: nothing found"
