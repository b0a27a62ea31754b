#!/usr/bin/env bash
# Read your writes under --wal-sync commit: four connections each commit a
# node and read it back in their next transaction. A miss means COMMIT was
# acknowledged before the commit became visible to new transactions.
#
#   run-read-your-writes.sh TRIBUTARY_BINARY CRASH_LOADGEN [SECONDS]
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 TRIBUTARY_BINARY CRASH_LOADGEN [SECONDS]" >&2
  exit 2
fi
server_bin=$1
loadgen=$2
seconds=${3:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-ryw.XXXXXX")
server_pid=""

cleanup() {
  if [[ -n $server_pid ]]; then
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$loadgen" free-port)
"$server_bin" serve --data-dir "$work/data" --bolt-address "127.0.0.1:$port" --wal-sync commit \
  >"$work/server.log" 2>&1 &
server_pid=$!
"$loadgen" wait --port "$port" --pid "$server_pid" --timeout-ms 60000
"$loadgen" read-your-writes --port "$port" --connections 4 --seconds "$seconds"
