#!/usr/bin/env bash
# Installs what BranchSim needs to build (libedit-dev, libsqlite3-dev, pkg-config) and, with --test,
# what its tests drive (tmux; chromium for the HTML screenshot check, best effort).
# Safe to run again: it installs only what is missing. Needs root (or sudo) on Debian.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing=()
pkg-config --exists libedit 2>/dev/null || missing+=(libedit-dev)
# SQLite for `customers from "crm.sqlite" table T` (BranchSimData, through the system library).
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "$want_test" = 1 ]; then
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "ensure-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # chromium is optional (the HTML screenshot check skips without it); the rest is not.
  required=()
  for p in "${missing[@]}"; do [ "$p" = chromium ] || required+=("$p"); done
  if [ "${#required[@]}" -gt 0 ]; then
    $SUDO apt-get install -y -qq --no-install-recommends "${required[@]}" >/dev/null
  fi
  if printf '%s\n' "${missing[@]}" | grep -qx chromium; then
    $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 \
      || echo "ensure-deps: chromium could not be installed; the HTML screenshot check will be skipped" >&2
  fi
fi
command -v swift >/dev/null 2>&1 || { echo "ensure-deps: no 'swift' on PATH; install Swift 6 (https://swift.org/install)" >&2; exit 1; }
