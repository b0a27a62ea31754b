#!/usr/bin/env bash
# Runs every fuzz target for a bounded time; fails on any crash, leak,
# sanitizer report or timeout. Usage: tests/fuzz/run-smoke.sh <build-dir>
# (a build configured with clang and -DTRIBUTARY_FUZZ=ON).
# FUZZ_SECONDS overrides the per-target time budget (default 60).
set -euo pipefail

build=${1:?usage: run-smoke.sh <build-dir>}
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}

bin=$(find "$build" -name parser_fuzz -type f -perm -u+x 2>/dev/null | head -n 1)
if [[ -z "$bin" ]]; then
  echo "run-smoke.sh: no parser_fuzz binary under $build" >&2
  echo "  configure with CC=clang-14 CXX=clang++-14 -DTRIBUTARY_FUZZ=ON and build parser_fuzz" >&2
  exit 2
fi

# Fuzz a scratch copy of the seed corpus so the committed seeds stay small.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/corpus/parser/"* "$work/"
artifacts="$build/fuzz-artifacts/parser/"
mkdir -p "$artifacts"

echo "run-smoke.sh: fuzzing $bin for ${seconds}s"
"$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -dict="$here/parser.dict" -artifact_prefix="$artifacts" -print_final_stats=1 "$work"
echo "run-smoke.sh: parser_fuzz passed"
