#!/usr/bin/env bash
# Stops the slurmd and slurmctld that scripts/slurm-up.sh started (by their pid files) and
# the munged it started (not one that was running before). `--keep-munge` leaves munged running; `--quiet` prints nothing.
set -uo pipefail

# The cluster's directory (slurm-up.sh printed it): each cluster has its own.
DIR="${BRANCHSIM_SLURM_DIR:-}"
[ -n "$DIR" ] || { echo "slurm-down: set BRANCHSIM_SLURM_DIR to the directory slurm-up.sh printed" >&2; exit 2; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
quiet=0 keep_munge=0
for a in "$@"; do
  case "$a" in --quiet) quiet=1 ;; --keep-munge) keep_munge=1 ;; esac
done
say() { [ "$quiet" = 1 ] || echo "slurm-down: $*" >&2; }

stop() {  # stop NAME PIDFILE: TERM, then KILL after 10 s
  local name="$1" file="$2" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    say "stopping $name ($pid)"
    $SUDO kill "$pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && $SUDO kill -9 "$pid" 2>/dev/null
  fi
  $SUDO rm -f "$file"
}

# Jobs still queued or running on this cluster (a test that failed or timed out) are
# cancelled first, so that no slice outlives the daemons; at most 10 s.
if [ -f "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid" 2>/dev/null)" 2>/dev/null; then
  export SLURM_CONF="$DIR/slurm.conf"
  if [ -n "$(squeue -h 2>/dev/null)" ]; then
    say "cancelling the jobs still on the cluster"
    scancel --full --user="$(id -un)" 2>/dev/null
    for _ in $(seq 1 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
  fi
fi
stop slurmd "$DIR/slurmd.pid"
stop slurmctld "$DIR/slurmctld.pid"
if [ "$keep_munge" = 0 ] && [ -f "$DIR/munged.started" ]; then
  # munged is one for the machine: while another cluster of slurm-up.sh still runs (a
  # concurrent `make slurm-test`), it keeps munged and stops it when it is stopped itself.
  heir=""
  for other in /tmp/branchsim-slurm.*/; do
    other="${other%/}"
    [ "$other" != "${DIR%/}" ] && [ -f "$other/slurmctld.pid" ] || continue
    kill -0 "$(cat "$other/slurmctld.pid" 2>/dev/null)" 2>/dev/null && { heir="$other"; break; }
  done
  if [ -n "$heir" ]; then
    say "leaving munged to the cluster in $heir"
    $SUDO touch "$heir/munged.started"
  else
    stop munged /run/munge/munged.pid
  fi
  $SUDO rm -f "$DIR/munged.started"
fi
exit 0
