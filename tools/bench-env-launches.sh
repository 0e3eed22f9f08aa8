#!/usr/bin/env bash
# Runs `bench env` in separate JVM launches for every env at 1 and 2 threads and prints, per env and
# thread count, the episodes/s of each launch and their min, median and max (the single-thread figure
# is bimodal across launches: C2 compiles the scoring pass one of two ways).
# Usage: tools/bench-env-launches.sh [LAUNCHES] [EPISODES]   (defaults 5 and 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
launches="${1:-5}"
episodes="${2:-5000}"
./rlsearch world --seed 1 >/dev/null 2>&1 || true   # builds the jar once
for env in search gym gym-rich slate multi; do
  for threads in 1 2; do
    rates=()
    for _ in $(seq 1 "$launches"); do
      r=$(./rlsearch bench env --env "$env" --threads "$threads" --episodes "$episodes" --no-jmh --json 2>/dev/null \
        | grep -o '"episodes_per_sec" *: *[0-9.]*' | grep -o '[0-9.]*$' | cut -d. -f1)
      rates+=("$r")
    done
    sorted=$(printf '%s\n' "${rates[@]}" | sort -n)
    min=$(echo "$sorted" | head -1)
    med=$(echo "$sorted" | sed -n "$(( (launches + 1) / 2 ))p")
    max=$(echo "$sorted" | tail -1)
    echo "$env threads=$threads launches=[${rates[*]}] min=$min median=$med max=$max"
  done
done
