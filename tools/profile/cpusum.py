#!/usr/bin/env python3
# cpusum.py FILE [from_offset_s] [to_offset_s]: per-thread CPU seconds in a window (offsets from first snapshot)
import sys, collections, re
rows = [(l.split(None, 3) + [""])[:4] for l in open(sys.argv[1]) if not l.startswith("pid")]
t0 = float(rows[0][0])
lo = float(sys.argv[2]) if len(sys.argv) > 2 else -1
hi = float(sys.argv[3]) if len(sys.argv) > 3 else 1e18
first, last, names = {}, {}, {}
for ts, tid, ticks, comm in rows:
    off = float(ts) - t0
    if off < lo or off > hi: continue
    first.setdefault(tid, (off, int(ticks))); last[tid] = (off, int(ticks)); names[tid] = comm.strip()
offs = [v[0] for v in last.values()]
span = max(offs) - min(v[0] for v in first.values())
agg = collections.Counter()
for tid in last:
    agg[names[tid] + ("#" + tid if "rlsear" in names[tid] or "pekko" in names[tid] else "")] += (last[tid][1] - first[tid][1]) / 100.0
tot = sum(agg.values())
print(f'window {span:.1f} s, total CPU {tot:.2f} s ({tot/span:.2f} cores)')
for k, v in agg.most_common(15):
    if v > 0: print(f'| {k} | {v:.2f} s | {100*v/tot:.1f}% | {v/span:.2f} cores |')
