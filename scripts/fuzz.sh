#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 10s; 0 skips).
# scripts/test.sh calls it after go test; it can also run alone.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-10s}"
fuzzlog=$(mktemp)
trap 'rm -f "$fuzzlog"' EXIT
# fuzz PKG TARGET BUDGET: run one fuzz target; BUDGET is a duration or a count (Nx).
fuzz() { go test -run='^$' -fuzz="^$2\$" -fuzztime="$3" "$1" >"$fuzzlog" 2>&1; }
# Go before 1.27 can report its own -fuzztime deadline as a failure of the target
# (go.dev/issue/75804: the coordinator's context expires before the workers' one).
# That failure reads exactly "--- FAIL: Target (...)" then "context deadline
# exceeded", with no failing input written. It is retried once with a count
# budget (no wall-clock deadline, so no race) of as many inputs as the timed
# run reported; any other failure, or a failure of the retry, fails the suite.
coordinator_deadline() {
  ! grep -q 'Failing input written' "$fuzzlog" &&
    grep -A1 -- "^--- FAIL: $1 " "$fuzzlog" | tail -n1 | grep -qx '    context deadline exceeded'
}
if [ "$FUZZTIME" != "0" ]; then
  echo "== fuzz ($FUZZTIME per target)"
  targets=$(grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
    for t in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
      echo "./$(dirname "${f#./}") $t"
    done
  done)
  while read -r pkg t; do
    echo "-- $pkg $t"
    fuzz "$pkg" "$t" "$FUZZTIME" && continue
    if coordinator_deadline "$t"; then
      n=$(grep -o 'execs: [0-9]*' "$fuzzlog" | tail -n1 | grep -o '[0-9]*' || true)
      n=$(( ${n:-0} > 1000 ? ${n:-0} : 1000 ))
      echo "   Go's fuzz coordinator reported its own deadline (go.dev/issue/75804); again with -fuzztime=${n}x"
      fuzz "$pkg" "$t" "${n}x" && continue
    fi
    cat "$fuzzlog"
    echo "fuzz target $pkg $t failed"
    exit 1
  done <<<"$targets"
fi
