#!/usr/bin/env bash
# Runs the end-to-end tests: the official Neo4j JavaScript driver and
# `tributary console` against real `tributary serve` processes.
#
#   tests/e2e/run.sh <path-to-tributary-binary> [test files...]
#
# Installs the pinned node dependencies (npm ci) when node_modules is missing
# or older than package-lock.json. Prints node's spec report, then counts per
# Bolt version and a closing "N passed, M failed" line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: $0 <tributary-binary> [test files...]" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
if [[ ! -x "$bin" ]]; then
  echo "tributary binary not found or not executable: $bin" >&2
  exit 2
fi

cd "$here"
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "installing node dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  files=(*.test.js)
fi

tap="$(mktemp "${TMPDIR:-/tmp}/tributary-e2e.XXXXXX.tap")"
trap 'rm -f "$tap"' EXIT
# node runs in its own process group so that whatever it leaves behind (a
# server of a test file that crashed) is ended with it.
status=0
TRIBUTARY_BIN="$bin" setsid node --test \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}" &
group=$!
trap 'kill -KILL -- -"$group" 2>/dev/null || true; rm -f "$tap"' EXIT
wait "$group" || status=$?
kill -KILL -- -"$group" 2>/dev/null || true
node tools/summarize_tap.js "$tap" || status=1
exit "$status"
