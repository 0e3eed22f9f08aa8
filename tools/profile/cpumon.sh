#!/usr/bin/env bash
# cpumon.sh OUT: waits for a java process started after now, then snapshots per-thread CPU ticks every 0.5 s
out=$1; : > "$out"
pid=""
for i in $(seq 1 200); do pid=$(pgrep -n -x java || true); [ -n "$pid" ] && break; sleep 0.1; done
[ -z "$pid" ] && exit 0
echo "pid $pid" >> "$out"
while [ -d /proc/$pid ]; do
  ts=$(date +%s.%N)
  for t in /proc/$pid/task/*; do
    s=$(cat $t/stat 2>/dev/null) || continue
    comm=$(cat $t/comm 2>/dev/null)
    rest=${s##*) }
    set -- $rest
    echo "$ts ${t##*/} $((${12}+${13})) $comm"
  done >> "$out"
  sleep 0.5
done
