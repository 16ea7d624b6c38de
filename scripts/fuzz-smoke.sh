#!/usr/bin/env bash
# Runs every fuzz target for a short time (FUZZTIME, default 10s each). The
# checked-in corpora under testdata/fuzz also run as ordinary tests.
#
# Go 1.26's fuzz coordinator can fail a target with a bare "context deadline
# exceeded" at the -fuzztime boundary, having found nothing (a race fixed in
# Go 1.27: go.dev/issue/75804). Such a run, with no failing input written,
# is said loudly and run once more; a failing input, or a second failure,
# fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# fuzz PKG DIR TARGET: one run; 0 passed, 1 failed, 2 the coordinator race.
fuzz() {
  local before after
  before=$(ls "$2/testdata/fuzz/$3" 2>/dev/null | sort || true)
  if go test "$1" -run '^$' -fuzz "^${3}\$" -fuzztime "$fuzztime" 2>&1 | tee "$log"; then
    return 0
  fi
  after=$(ls "$2/testdata/fuzz/$3" 2>/dev/null | sort || true)
  if [ "$before" = "$after" ] && grep -q '^    context deadline exceeded$' "$log" &&
    ! grep -q 'Failing input written' "$log"; then
    return 2
  fi
  return 1
}

for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz $pkg $target ($fuzztime)"
    status=0
    fuzz "$pkg" "$dir" "$target" || status=$?
    if [ "$status" -eq 2 ]; then
      echo "!! $target: 'context deadline exceeded' with no failing input (Go's fuzz coordinator race, go.dev/issue/75804): running it once more"
      status=0
      fuzz "$pkg" "$dir" "$target" || status=$?
    fi
    if [ "$status" -ne 0 ]; then
      echo "FUZZ FAILED: $pkg $target"
      exit 1
    fi
  done
done
