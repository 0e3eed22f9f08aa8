#!/usr/bin/env bash
# Runs `bench env` in separate JVM launches for every env at 1 and 2 threads and prints, per env and
# thread count, the episodes/s of each launch and their min, median and max.
# Usage: tools/bench-env-launches.sh [LAUNCHES] [EPISODES]   (defaults 5 and 5000)
# RLSEARCH_BEFORE="java -jar old.jar" adds a second row per line from another build, its launches
# interleaved with this build's (the machine's speed drifts within a session; a before/after table
# made of alternating launches is fair to both).
set -euo pipefail
cd "$(dirname "$0")/.."
launches="${1:-5}"
episodes="${2:-5000}"
./rlsearch world --seed 1 >/dev/null 2>&1 || true   # builds the jar once
rate() {
  $1 bench env --env "$2" --threads "$3" --episodes "$episodes" --no-jmh --json 2>/dev/null \
    | grep -o '"episodes_per_sec" *: *[0-9.]*' | grep -o '[0-9.]*$' | cut -d. -f1
}
summary() {
  local label="$1"; shift
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  echo "$label launches=[$*] min=$(echo "$sorted" | head -1) median=$(echo "$sorted" | sed -n "$(( (launches + 1) / 2 ))p") max=$(echo "$sorted" | tail -1)"
}
for env in search gym gym-rich slate multi; do
  for threads in 1 2; do
    after=()
    before=()
    for _ in $(seq 1 "$launches"); do
      if [ -n "${RLSEARCH_BEFORE:-}" ]; then
        before+=("$(rate "$RLSEARCH_BEFORE" "$env" "$threads")")
      fi
      after+=("$(rate ./rlsearch "$env" "$threads")")
    done
    if [ -n "${RLSEARCH_BEFORE:-}" ]; then
      summary "$env threads=$threads before" "${before[@]}"
    fi
    summary "$env threads=$threads" "${after[@]}"
  done
done
