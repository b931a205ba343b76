#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for `make slurm-test`: installs what is
# missing (munge, slurmctld, slurmd, slurm-client from Debian), writes a minimal slurm.conf
# under $BRANCHSIM_SLURM_DIR (default: a new directory /tmp/branchsim-slurm.XXXXXX, printed;
# /etc/slurm is left alone) and starts munged, slurmctld and slurmd without systemd or
# cgroups, on ports free at that moment ($BRANCHSIM_SLURM_PORTS="CTLD SLURMD" to choose), so
# that two clusters started at once (two checkouts' `make slurm-test`) do not collide. Waits
# until `sinfo` shows the node idle. Needs root (or sudo) on Debian. Stop it with
# `BRANCHSIM_SLURM_DIR=DIR scripts/slurm-down.sh`.
#
# Commands that talk to this cluster need `SLURM_CONF=$BRANCHSIM_SLURM_DIR/slurm.conf`.
set -euo pipefail

DIR="${BRANCHSIM_SLURM_DIR:-$(mktemp -d /tmp/branchsim-slurm.XXXXXX)}"
WAIT="${BRANCHSIM_SLURM_WAIT:-60}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

say() { echo "slurm-up: $*" >&2; }
logs() {
  for f in "$DIR"/log/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
}
fail() { say "$*"; logs; exit 1; }

# 1. Packages: only what is missing.
missing=()
command -v munged >/dev/null 2>&1 || missing+=(munge)
command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep package scripts from starting the daemons (there is no systemd): this script starts them.
  policy_made=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    policy_made=1
  fi
  status=0
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || status=$?
  [ "$policy_made" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
  [ "$status" = 0 ] || { say "apt-get install ${missing[*]} failed (status $status)"; exit 1; }
fi

# 2. Munge: a key, and munged running as the munge user.
$SUDO mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  say "creating /etc/munge/munge.key"
  if command -v mungekey >/dev/null 2>&1; then
    $SUDO mungekey --create --keyfile=/etc/munge/munge.key --force
  else
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
fi
if id munge >/dev/null 2>&1; then
  $SUDO chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
fi
$SUDO chmod 700 /etc/munge /var/lib/munge /var/log/munge
$SUDO chmod 755 /run/munge
$SUDO chmod 400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  if id munge >/dev/null 2>&1; then
    $SUDO runuser -u munge -- /usr/sbin/munged
  else
    $SUDO /usr/sbin/munged --force
  fi
  for _ in $(seq 1 20); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.5
  done
  munge -n | unmunge >/dev/null || fail "munged does not answer (see /var/log/munge/munged.log)"
  $SUDO mkdir -p "$DIR"
  $SUDO touch "$DIR/munged.started"   # slurm-down.sh stops only a munged this script started
fi

# 3. slurm.conf for one node: this machine, with its real CPUs and memory (from `slurmd -C`),
# on two ports nothing listens on (tried at random in 20000-59999; another cluster's ports
# are taken, so two runs at once get different ones).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    [ "$p" != "${1:-}" ] && ! listening "$p" && { echo "$p"; return 0; }
  done
  return 1
}
if [ -n "${BRANCHSIM_SLURM_PORTS:-}" ]; then
  read -r ctld_port slurmd_port <<<"$BRANCHSIM_SLURM_PORTS"
else
  ctld_port="$(free_port)" || fail "no free port found for slurmctld"
  slurmd_port="$(free_port "$ctld_port")" || fail "no free port found for slurmd"
fi
$SUDO mkdir -p "$DIR/log" "$DIR/state" "$DIR/spool"
host="$(hostname -s)"
node="$(slurmd -C | head -n 1)"   # NodeName=HOST CPUs=N Boards=... RealMemory=M
case "$node" in NodeName=*) ;; *) fail "'slurmd -C' printed '$node', not a node line";; esac
cat <<EOF | $SUDO tee "$DIR/slurm.conf" >/dev/null
# Written by scripts/slurm-up.sh: one node, no systemd, no cgroups.
ClusterName=branchsim
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=3600
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
# Strip the `UpTime=` that some versions of `slurmd -C` append to the node line.
$SUDO sed -i 's/ UpTime=[^ ]*//' "$DIR/slurm.conf"
export SLURM_CONF="$DIR/slurm.conf"

# 4. The daemons (stopped first if a previous run left them).
"$(dirname "$0")/slurm-down.sh" --quiet --keep-munge || true
say "starting slurmctld (port $ctld_port) and slurmd (port $slurmd_port), config $SLURM_CONF"
$SUDO env SLURM_CONF="$SLURM_CONF" slurmctld -c -f "$SLURM_CONF" || fail "slurmctld did not start"
$SUDO env SLURM_CONF="$SLURM_CONF" slurmd -f "$SLURM_CONF" || fail "slurmd did not start"

# 5. Wait (bounded) until the node is idle.
for _ in $(seq 1 "$WAIT"); do
  state="$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)"
  case "$state" in
    idle) say "node $host is idle; export BRANCHSIM_SLURM_DIR=$DIR SLURM_CONF=$SLURM_CONF"; exit 0 ;;
    down*|drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
sinfo -N -l >&2 || true
fail "the node did not become idle within ${WAIT}s (last state '${state:-none}')"
