#!/usr/bin/env python3
"""cputimeline.py OUT [PERIOD_S]: waits for a java process started after now, then records each thread's
CPU ticks every PERIOD_S (default 1) from /proc, in one process (no forks, so the run is not slowed);
on its end prints a timeline: cores busy per interval, by thread group.
usage: python3 tools/profile/cputimeline.py timeline.txt & ./rlsearch battle --json"""
import os, sys, time, re, collections, glob
out = sys.argv[1]
period = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
pid = None
for _ in range(600):
    pids = []
    for p in glob.glob('/proc/[0-9]*'):
        try:
            if open(p + '/comm').read().strip() == 'java':
                pids.append((os.stat(p).st_ctime, p))
        except OSError:
            pass
    if pids:
        pid = max(pids)[1]
        break
    time.sleep(0.1)
if pid is None:
    sys.exit(0)
hz = os.sysconf('SC_CLK_TCK')
snaps = []
# /proc cuts thread names to 15 characters; the JVM's thread dump (every 5 s, one fork) has them whole
names = {}
def refresh_names():
    import subprocess
    try:
        dump = subprocess.run(['jcmd', pid.rsplit('/', 1)[1], 'Thread.print'], capture_output=True, text=True,
                              timeout=10).stdout
    except Exception:
        return
    for m in re.finditer(r'^"([^"]+)".*?nid=(0x[0-9a-f]+|\d+)', dump, re.M):
        nid = m.group(2)
        names[str(int(nid, 16) if nid.startswith('0x') else int(nid))] = m.group(1)
last_names = 0
while os.path.isdir(pid):
    if time.time() - last_names > 5:
        refresh_names()
        last_names = time.time()
    ts = time.time()
    row = {}
    try:
        f = open(pid + '/stat').read()
        f = f[f.rindex(')') + 2:].split()
        # the process's own count also holds threads that have ended since the last snapshot
        row['process'] = (int(f[11]) + int(f[12]), 'process')
    except OSError:
        break
    for t in glob.glob(pid + '/task/*'):
        if t.endswith('/process'):
            continue
        try:
            s = open(t + '/stat').read()
            comm = open(t + '/comm').read().strip()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split()
        tid = t.rsplit('/', 1)[1]
        row[tid] = (int(f[11]) + int(f[12]), comm)
    snaps.append((ts, row))
    time.sleep(period)
def group(comm):
    for pat, g in (('study', 'study'), ('default-dispatcher', 'dispatch'), ('learner', 'learner'), ('battle-cql', 'cql'),
                   ('C2 Comp', 'C2'), ('C1 Comp', 'C1'), ('GC', 'gc'), ('battle-eval', 'eval'), ('main', 'main')):
        if pat in comm:
            return g
    return 'other'
groups = ['study', 'dispatch', 'learner', 'cql', 'C2', 'C1', 'gc', 'main', 'eval', 'other']
# 'cores' is the process's CPU per interval, 'ended' its part not seen on a live thread (threads that
# ended within the interval, such as a study's short-lived pool)
with open(out, 'w') as o:
    t0 = snaps[0][0]
    o.write('t_s cores ended ' + ' '.join(groups) + '\n')
    for (ta, a), (tb, b) in zip(snaps, snaps[1:]):
        dt = tb - ta
        g = collections.Counter()
        for tid, (ticks, comm) in b.items():
            if tid != 'process':
                g[group(names.get(tid, comm))] += (ticks - a.get(tid, (0, comm))[0]) / hz / dt
        proc = (b['process'][0] - a['process'][0]) / hz / dt
        o.write(f'{ta - t0:5.1f} {proc:4.2f} {max(0.0, proc - sum(g.values())):4.2f} '
                + ' '.join(f'{g[k]:4.2f}' for k in groups) + '\n')
