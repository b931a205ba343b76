#!/usr/bin/env bash
# `make slurm-test`: a run split over a real Slurm cluster equals the run in one process.
# Starts a one-node cluster on this machine (scripts/slurm-up.sh: installs munge and Slurm
# from Debian when missing), submits a bundled scenario with `branchsim slurm` in several
# tasks, waits (bounded) for the merge job, and compares its result byte for byte, and its
# exit status, with `branchsim run` in one process, in JSON and as text tables. Stops the
# daemons at the end (BRANCHSIM_SLURM_KEEP=1 keeps them). On failure it prints the jobs'
# and daemons' logs.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="$(cd "$(dirname "${1:-.build/release/branchsim}")" && pwd)/$(basename "${1:-.build/release/branchsim}")"
SCENARIO="${SLURM_TEST_SCENARIO:-scenarios/hub-and-satellites.bsim}"
RUNS="${SLURM_TEST_RUNS:-60}"
TASKS="${SLURM_TEST_TASKS:-4}"
WAIT="${SLURM_TEST_WAIT:-300}"
# This run's own cluster directory (and, chosen by slurm-up.sh, its own ports): two runs at
# once (two checkouts' `make test`) do not share a cluster.
export BRANCHSIM_SLURM_DIR="${BRANCHSIM_SLURM_DIR:-$(mktemp -d /tmp/branchsim-slurm.XXXXXX)}"
export SLURM_CONF="$BRANCHSIM_SLURM_DIR/slurm.conf"
own_dir=0
[ -n "$(ls -A "$BRANCHSIM_SLURM_DIR" 2>/dev/null)" ] || own_dir=1
WORK="$(mktemp -d /tmp/branchsim-slurm-test.XXXXXX)"
started=$(date +%s)

say() { echo "slurm-test: $*" >&2; }
dump_logs() {
  for f in "$WORK"/*/logs/* "$BRANCHSIM_SLURM_DIR"/log/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
  squeue >&2 2>/dev/null || true
}
finish() {
  status=$?
  [ "$status" = 0 ] || dump_logs
  if [ "${BRANCHSIM_SLURM_KEEP:-0}" != 1 ]; then
    scripts/slurm-down.sh --quiet || true
    # A passing run leaves nothing behind; a failing one keeps its logs for a look.
    if [ "$status" = 0 ] && [ "$own_dir" = 1 ]; then
      if [ "$(id -u)" = 0 ]; then rm -rf "$BRANCHSIM_SLURM_DIR"; else sudo rm -rf "$BRANCHSIM_SLURM_DIR"; fi
      rm -rf "$WORK"
    fi
  else
    say "cluster kept: export BRANCHSIM_SLURM_DIR=$BRANCHSIM_SLURM_DIR SLURM_CONF=$SLURM_CONF"
  fi
  say "took $(( $(date +%s) - started )) s (status $status)"
  exit "$status"
}
trap finish EXIT

[ -x "$BIN" ] || { say "no binary at $BIN: run 'make release' first"; exit 1; }
scripts/slurm-up.sh
say "cluster up after $(( $(date +%s) - started )) s"

# submit FORMAT: submits the scenario in $TASKS slices, waits for the merge job, compares.
submit() {
  local format="$1" out="$WORK/$1" ext="$1" merge_id state single_status merged_status
  [ "$format" = table ] && ext=txt
  "$BIN" slurm "$SCENARIO" --tasks "$TASKS" --runs "$RUNS" --format "$format" --out "$out" | tee "$WORK/$format.submit"
  merge_id="$(sed -n 's/^merge: *job \([0-9]*\).*/\1/p' "$WORK/$format.submit")"
  [ -n "$merge_id" ] || { say "branchsim slurm printed no merge job id"; return 1; }
  for _ in $(seq 1 "$WAIT"); do
    [ -f "$out/exit-status" ] && break
    state="$(squeue -h -j "$merge_id" -o '%T' 2>/dev/null || true)"
    if [ -z "$state" ] && [ ! -f "$out/exit-status" ]; then
      sleep 1
      [ -f "$out/exit-status" ] && break
      say "the merge job $merge_id ended without a result ($(scontrol show job "$merge_id" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || echo 'state unknown'))"
      return 1
    fi
    sleep 1
  done
  [ -f "$out/exit-status" ] || { say "no result after ${WAIT}s (merge job $merge_id: ${state:-gone})"; return 1; }
  merged_status="$(cat "$out/exit-status")"
  single_status=0
  "$BIN" run "$SCENARIO" --runs "$RUNS" --format "$format" --output "$WORK/single.$ext" 2>/dev/null || single_status=$?
  if ! cmp "$WORK/single.$ext" "$out/result.$ext"; then
    say "$format: the merged result differs from the single-process run"
    diff "$WORK/single.$ext" "$out/result.$ext" | head -n 40 >&2 || true
    return 1
  fi
  [ "$merged_status" = "$single_status" ] || { say "$format: merge exited $merged_status, the single run $single_status"; return 1; }
  say "$format: $TASKS slices merged = one process, byte for byte ($(wc -c < "$out/result.$ext") bytes, exit status $merged_status)"
}

submit json
submit table
