#!/usr/bin/env bash
# Disk full through the real server: the data dir is a tiny tmpfs; once it is
# full a write must fail with a clear error while reads keep working and the
# server stays up; after space is freed writes succeed again, and a restart
# keeps every acknowledged commit. See README.md.
#
#   run-disk-full-test.sh TRIBUTARY_BINARY CRASH_LOADGEN
#
# Needs permission to mount a tmpfs (root); exits 77 (skipped) otherwise.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 TRIBUTARY_BINARY CRASH_LOADGEN" >&2
  exit 2
fi
server_bin=$1
loadgen=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-disk-full.XXXXXX")
mnt="$work/mnt"
mkdir -p "$mnt"
server_pid=""
mounted=0
passed=0

cleanup() {
  if [[ -n $server_pid ]]; then
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $mounted == 1 ]]; then
    if [[ $passed != 1 ]]; then
      # Keep what the failing run left behind before the tmpfs goes away.
      cp -a "$mnt/data" "$work/data" 2>/dev/null || true
    fi
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  fi
  if [[ $passed == 1 ]]; then
    rm -rf "$work"
  else
    echo "disk-full test: work dir kept for inspection: $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! mount -t tmpfs -o size=8m tmpfs "$mnt" 2>/dev/null; then
  echo "disk-full test SKIPPED: cannot mount a tmpfs here (needs root)"
  passed=1
  exit 77
fi
mounted=1

fail() {
  echo "disk-full test FAILED: $*" >&2
  echo "---- last lines of $work/server.log" >&2
  tail -n 20 "$work/server.log" >&2 || true
  exit 1
}

port=$("$loadgen" free-port)

start_server() {
  echo "==== start $(date +%T.%N)" >>"$work/server.log"
  "$server_bin" serve --data-dir "$mnt/data" --bolt-address "127.0.0.1:$port" --wal-sync commit \
    --snapshot-interval 0 >>"$work/server.log" 2>&1 &
  server_pid=$!
  "$loadgen" wait --port "$port" --pid "$server_pid" --timeout-ms 60000 ||
    fail "the server did not start"
}

stop_server() {
  kill "-$1" "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# query QUERY: prints the rows; fails the test on an error.
query() {
  local out
  out=$("$loadgen" query --port "$port" "$1") || fail "query failed: $1: $out"
  echo "$out"
}

# expect QUERY EXPECTED: the query's output must equal EXPECTED.
expect() {
  local out
  out=$(query "$1")
  [[ $out == "$2" ]] || fail "$1: expected '$2', got '$out'"
}

server_alive() {
  kill -0 "$server_pid" 2>/dev/null || fail "the server died: $1"
}

# A write big enough (about 40 KB of WAL) never to fit in the slack of the
# last tmpfs page.
big_write="UNWIND range(1, 1000) AS j CREATE (:Big {j: j, pad: 'padding-padding-padding'})"

start_server
query "CREATE INDEX ON :Kept(i)" >/dev/null
query "UNWIND range(1, 100) AS i CREATE (:Kept {i: i})" >/dev/null
echo "100 nodes committed; filling the data dir's file system"

dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null || true
echo "free space: $(df --output=avail -B1 "$mnt" | tail -n 1) bytes"

for attempt in 1 2 3; do
  out=$("$loadgen" query --port "$port" "$big_write") &&
    fail "a write succeeded on a full disk (attempt $attempt): $out"
  echo "write on a full disk, attempt $attempt: $out"
  grep -qi "space" <<<"$out" || fail "the error does not say the disk is full: $out"
  # A specific Neo4j code (ADR 010): the commit was not applied, not an unknown error.
  grep -q "^ERROR Neo.DatabaseError.Transaction.TransactionLogError: " <<<"$out" ||
    fail "the error does not carry Neo.DatabaseError.Transaction.TransactionLogError: $out"
  server_alive "after a failed write"
done
out=$("$loadgen" query --port "$port" "CREATE SNAPSHOT") &&
  fail "CREATE SNAPSHOT succeeded on a full disk: $out"
echo "CREATE SNAPSHOT on a full disk: $out"
grep -q "^ERROR Neo.DatabaseError.Statement.ExecutionFailed: " <<<"$out" ||
  fail "CREATE SNAPSHOT's error does not carry Neo.DatabaseError.Statement.ExecutionFailed: $out"
server_alive "after a failed snapshot"
expect "MATCH (n:Kept) RETURN count(n)" "100"
expect "MATCH (n:Big) RETURN count(n)" "0"
expect "MATCH (n:Kept {i: 42}) RETURN n.i" "42"
echo "reads work on a full disk"

rm -f "$mnt/filler"
query "$big_write" >/dev/null
query "CREATE (:Kept {i: 101})" >/dev/null
expect "MATCH (n:Big) RETURN count(n)" "1000"
query "CREATE SNAPSHOT" >/dev/null
query "CREATE (:Kept {i: 102})" >/dev/null
echo "writes and snapshots succeed again after freeing space"

stop_server KILL
start_server
expect "MATCH (n:Kept) RETURN count(n)" "102"
expect "MATCH (n:Big) RETURN count(n)" "1000"
expect "MATCH (n:Kept {i: 102}) RETURN n.i" "102"
stop_server TERM
start_server
expect "MATCH (n:Kept) RETURN count(n)" "102"
expect "MATCH (n:Big) RETURN count(n)" "1000"
expect "SHOW INDEX INFO" "$(printf 'label+property\tKept\ti\t102')"
stop_server TERM
echo "after SIGKILL and after a clean restart: every acknowledged commit is there"

passed=1
echo "disk-full test passed"
