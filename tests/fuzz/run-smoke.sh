#!/usr/bin/env bash
# Runs every fuzz target for a bounded time each; fails on any crash, leak,
# sanitizer report or timeout. Usage: tests/fuzz/run-smoke.sh <build-dir>
# (a build configured with clang and -DTRIBUTARY_FUZZ=ON).
# FUZZ_SECONDS overrides the per-target time budget (default 60).
# Targets: parser_fuzz (Cypher parser), bolt_fuzz (Bolt server input path).
set -euo pipefail

build=${1:?usage: run-smoke.sh <build-dir>}
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}

run_target() {
  local target=$1 corpus=$2
  shift 2
  local bin
  bin=$(find "$build" -name "$target" -type f -perm -u+x 2>/dev/null | head -n 1)
  if [[ -z "$bin" ]]; then
    echo "run-smoke.sh: no $target binary under $build" >&2
    echo "  configure with CC=clang-14 CXX=clang++-14 -DTRIBUTARY_FUZZ=ON and build $target" >&2
    exit 2
  fi
  # Fuzz a scratch copy of the seed corpus so the committed seeds stay small.
  local work
  work=$(mktemp -d)
  cp "$here/corpus/$corpus/"* "$work/"
  local artifacts="$build/fuzz-artifacts/$corpus/"
  mkdir -p "$artifacts"
  echo "run-smoke.sh: fuzzing $bin for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts" -print_final_stats=1 "$@" "$work"; then
    rm -rf "$work"
    echo "run-smoke.sh: $target FAILED; the crashing input is in $artifacts" >&2
    exit 1
  fi
  rm -rf "$work"
  echo "run-smoke.sh: $target passed"
}

run_target parser_fuzz parser -dict="$here/parser.dict"
run_target bolt_fuzz bolt
