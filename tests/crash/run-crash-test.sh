#!/usr/bin/env bash
# Crash test: commits numbered transactions over Bolt, kills the server with
# SIGKILL at a random moment, restarts it on the same data dir and checks that
# every acknowledged commit is there, nothing is half-applied, ids were not
# reused and the index and constraint came back. See README.md.
#
#   run-crash-test.sh TRIBUTARY_BINARY CRASH_LOADGEN CRASH_CHECK
#
# Environment (defaults in brackets):
#   CRASH_ROUNDS [30]           kill/restart rounds under load
#   CRASH_MIN_DELAY_MS [50]     shortest load before a kill
#   CRASH_MAX_DELAY_MS [3000]   longest load before a kill
#   CRASH_CONNECTIONS [4]       concurrent writing connections
#   CRASH_RECOVERY_KILLS [4]    one round in N also kills a server mid-recovery
#   CRASH_WAL_SYNC [commit]     --wal-sync of every start; "mixed" picks commit,
#                               interval or none per start (a process crash
#                               must lose no acknowledged commit under any)
#   CRASH_SEED [time]           seed of the random delays (printed; rerun with it)
#   CRASH_WORK_DIR [mktemp]     where the data dir and logs go
#   CRASH_KEEP [0]              1 keeps the work dir after a passing run
# A failing run always keeps the work dir (data dir, server log, ack logs).
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 TRIBUTARY_BINARY CRASH_LOADGEN CRASH_CHECK" >&2
  exit 2
fi
server_bin=$1
loadgen=$2
checker=$3
rounds=${CRASH_ROUNDS:-30}
min_delay=${CRASH_MIN_DELAY_MS:-50}
max_delay=${CRASH_MAX_DELAY_MS:-3000}
connections=${CRASH_CONNECTIONS:-4}
recovery_kills=${CRASH_RECOVERY_KILLS:-4}
wal_sync=${CRASH_WAL_SYNC:-commit}
seed=${CRASH_SEED:-$(( $(date +%s%N) % 1000000007 ))}
RANDOM=$((seed % 32768))
work=${CRASH_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tributary-crash.XXXXXX")}
mkdir -p "$work/acks"
data="$work/data"

server_pid=""
load_pid=""
passed=0
port=""

cleanup() {
  local pid
  for pid in $server_pid $load_pid; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ $passed == 1 && ${CRASH_KEEP:-0} != 1 ]]; then
    rm -rf "$work"
  else
    echo "crash test: work dir kept for inspection: $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "crash test FAILED (seed $seed, rerun with CRASH_SEED=$seed): $*" >&2
  echo "---- last lines of $work/server.log" >&2
  tail -n 30 "$work/server.log" >&2 || true
  exit 1
}

# A random integer in [lo, hi].
random_between() {
  local lo=$1 hi=$2
  echo $(( lo + ( (RANDOM << 15 | RANDOM) % (hi - lo + 1) ) ))
}

sleep_ms() {
  sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

now_ms() {
  echo $(( $(date +%s%N) / 1000000 ))
}

# Starts the server on $data in the background (server_pid). Periodic
# snapshots vary per start (off, 1 s, 2 s) so that kills land before, during
# and after snapshot writes and recovery reads snapshots and bare WALs.
launch_server() {
  local intervals=(0 1 1 2) modes=(commit interval none)
  local interval=${intervals[$((RANDOM % 4))]} sync=$wal_sync
  [[ $sync == mixed ]] && sync=${modes[$((RANDOM % 3))]}
  echo "==== start (port $port, --snapshot-interval $interval, --wal-sync $sync) $(date +%T.%N)" \
    >>"$work/server.log"
  "$server_bin" serve --data-dir "$data" --bolt-address "127.0.0.1:$port" --wal-sync "$sync" \
    --snapshot-interval "$interval" >>"$work/server.log" 2>&1 &
  server_pid=$!
}

# Starts the server and waits until it answers; sets recovery_ms. Picks a new
# port if another process took ours between rounds.
start_server() {
  local attempt start
  for attempt in 1 2 3 4 5; do
    start=$(now_ms)
    launch_server
    if "$loadgen" wait --port "$port" --pid "$server_pid" --timeout-ms 120000 \
        2>>"$work/loadgen.log"; then
      recovery_ms=$(( $(now_ms) - start ))
      return 0
    fi
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    if tail -n 5 "$work/server.log" | grep -qi "in use"; then
      port=$("$loadgen" free-port)
      continue
    fi
    fail "the server did not start on the data dir after round $round"
  done
  fail "no free port after 5 attempts"
}

kill_server() {
  local signal=$1
  kill "-$signal" "$server_pid" 2>/dev/null || true
  local status=0
  wait "$server_pid" 2>/dev/null || status=$?
  server_pid=""
  echo "==== stopped by SIG$signal (exit status $status) $(date +%T.%N)" >>"$work/server.log"
  last_status=$status
}

# check ROUND [--settle]
check() {
  if ! "$checker" --port "$port" --work "$work" --round "$@" 2>>"$work/check.log"; then
    grep VIOLATION "$work/check.log" | head -n 20 >&2 || true
    fail "check after round $1 found violations (full list in $work/check.log)"
  fi
  tail -n 1 "$work/check.log"
}

echo "crash test: $rounds rounds, $connections connections, kills after ${min_delay}-${max_delay} ms," \
  "--wal-sync $wal_sync, seed $seed, work dir $work"
test_start=$(now_ms)
port=$("$loadgen" free-port)
round=0
start_server
"$loadgen" setup --port "$port" --connections "$connections" 2>>"$work/loadgen.log" ||
  fail "setup failed"
check 0

total_recovery_ms=0
max_recovery_ms=0
recovery_kill_count=0
for ((round = 1; round <= rounds; round++)); do
  "$loadgen" load --port "$port" --round "$round" --work "$work" --connections "$connections" \
    --max-seconds 300 2>>"$work/loadgen.log" &
  load_pid=$!
  delay=$(random_between "$min_delay" "$max_delay")
  sleep_ms "$delay"
  kill_server KILL
  load_status=0
  wait "$load_pid" || load_status=$?
  load_pid=""
  [[ $load_status == 0 ]] || fail "load generator of round $round reported an anomaly (see $work/loadgen.log)"

  # Now and then, kill a restarting server while it recovers.
  if (( recovery_kills > 0 && RANDOM % recovery_kills == 0 )); then
    launch_server
    sleep_ms "$(random_between 0 $((max_recovery_ms + 50)))"
    kill_server KILL
    recovery_kill_count=$((recovery_kill_count + 1))
  fi

  start_server
  total_recovery_ms=$((total_recovery_ms + recovery_ms))
  (( recovery_ms > max_recovery_ms )) && max_recovery_ms=$recovery_ms
  echo -n "round $round/$rounds: killed after ${delay} ms, restarted in ${recovery_ms} ms; "
  check "$round"
done

# A clean shutdown (snapshot on exit) and one more restart must keep everything too.
kill_server TERM
[[ $last_status == 0 ]] || fail "clean shutdown exited with status $last_status"
start_server
echo -n "after a clean shutdown: "
check "$rounds" --settle
kill_server TERM

passed=1
echo "crash test passed: $rounds rounds ($recovery_kill_count kills during recovery) in" \
  "$(( ($(now_ms) - test_start) / 1000 )) s; restarts took $((total_recovery_ms / rounds)) ms" \
  "on average, at most ${max_recovery_ms} ms; $(tail -n 1 "$work/loadgen.log" | sed 's/^load //')"
