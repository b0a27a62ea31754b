#!/usr/bin/env bash
# Runs the openCypher TCK over Bolt against `tributary serve`.
#
#   tests/tck/run.sh [--check] <tributary-binary> [feature files or directories...]
#
# Features default to $TCK_DIR/features, with TCK_DIR defaulting to ../shared/tck
# relative to the repository root. Writes the report to $TCK_REPORT (default
# tests/tck/last-report.txt) and prints "N passed, M failed".
#
# Without --check the exit status is 0 whenever the runner itself worked:
# failing scenarios are engine gaps, listed in the report. With --check (what
# ctest runs) it fails when fewer scenarios pass than tests/tck/baseline.txt
# says: a ratchet, see README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
  shift
fi
if [[ $# -lt 1 ]]; then
  echo "usage: $0 [--check] <tributary-binary> [features...]" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
if [[ ! -x "$bin" ]]; then
  echo "tributary binary not found or not executable: $bin" >&2
  exit 2
fi

export TCK_DIR="${TCK_DIR:-$repo/../shared/tck}"
if [[ ! -d "$TCK_DIR/features" ]]; then
  echo "TCK not found at $TCK_DIR (set TCK_DIR)" >&2
  exit 2
fi
export TCK_DIR="$(cd "$TCK_DIR" && pwd)"
export TCK_REPORT="${TCK_REPORT:-$here/last-report.txt}"
# Scenarios that fail now but not in the committed report are listed (to help
# find what a change broke); only the pass count decides --check.
export TCK_PREVIOUS_REPORT="$here/last-report.txt"
# Feature paths are resolved now, before the cd below, so relative ones work.
features=()
# (cucumber's file.feature:LINE form is kept.)
for f in "$@"; do
  line=""
  if [[ "$f" =~ ^(.*)(:[0-9]+)$ ]]; then
    f="${BASH_REMATCH[1]}" line="${BASH_REMATCH[2]}"
  fi
  if [[ ! -e "$f" ]]; then
    echo "run.sh: no such feature file or directory: $f" >&2
    exit 2
  fi
  features+=("$(realpath "$f")$line")
done
if [[ ${#features[@]} -eq 0 ]]; then
  features=("$TCK_DIR/features")
fi

cd "$here"
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "installing node dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

count_file="$(mktemp "${TMPDIR:-/tmp}/tributary-tck.XXXXXX")"
trap 'rm -f "$count_file"' EXIT
export TCK_COUNT_FILE="$count_file"
export TRIBUTARY_BIN="$bin"

# cucumber's own output (progress dots and every failure in full) goes to a
# file next to the report; the summary comes from support/report.js.
# It runs in its own process group so nothing it started can outlive it.
status=0
setsid node_modules/.bin/cucumber-js \
  --require support/hooks.js --require support/steps.js \
  --tags 'not @ignore' \
  --format "progress:${TCK_REPORT%.txt}.cucumber.log" --format snippets \
  --exit \
  "${features[@]}" &
group=$!
trap 'kill -KILL -- -"$group" 2>/dev/null || true; rm -f "$count_file"' EXIT
wait "$group" || status=$?
kill -KILL -- -"$group" 2>/dev/null || true

if [[ ! -s "$count_file" ]]; then
  echo "the TCK runner did not finish (cucumber exit status $status); see ${TCK_REPORT%.txt}.cucumber.log" >&2
  exit 1
fi
read -r passed total < "$count_file"
if [[ $check -eq 1 ]]; then
  baseline="$(tr -dc '0-9' < "$here/baseline.txt")"
  if (( passed < baseline )); then
    echo "TCK regression: $passed scenarios pass, the baseline in tests/tck/baseline.txt is $baseline" >&2
    exit 1
  fi
  echo "TCK ratchet: $passed passing >= baseline $baseline"
  if (( passed > baseline )); then
    echo "  conformance went up: raise tests/tck/baseline.txt to $passed"
  fi
fi
exit 0
