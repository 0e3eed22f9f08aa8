#!/usr/bin/env python3
"""Summarise a JFR recording: samples per thread, categories, top self methods; optional time window.
usage: jfrsum.py REC.jfr [--after-main-idle] [--from ISO] [--to ISO]"""
import collections, re, subprocess, sys, json, datetime
path = sys.argv[1]
args = sys.argv[2:]
def run(ev, depth=64):
    return subprocess.run(['jfr', 'print', '--stack-depth', str(depth), '--events', ev, path],
                          capture_output=True, text=True, check=True).stdout
def events(text, name):
    out = []
    for chunk in text.split(name + ' {')[1:]:
        m = re.search(r'startTime = ([\d:.]+)', chunk)
        t = m.group(1) if m else ''
        th = re.search(r'sampledThread = "([^"]*)"', chunk) or re.search(r'eventThread = "([^"]*)"', chunk)
        frames = re.findall(r'^\s+([\w.$<>/]+)\(', chunk, re.M)
        out.append((t, th.group(1) if th else '?', frames))
    return out
def tsec(t):
    h, m, s = t.split(':'); return int(h)*3600+int(m)*60+float(s)
CATS = [
 ('GC/JVM', r'^(GC|VM)'),
 ('learner: LinUCB/ridge update', r'RidgeRule\.observe|LinUcb\.update|Ridge\w*\.(update|observe)|Sherman|rankOne'),
 ('learner: snapshot/state copies', r'RidgeRule\.(snapshot|state)|\.freeze|thaw|LearnerActor\.publish'),
 ('policy server: acting (LinUCB scoring)', r'PolicyServerActor|InferenceEngine|LinUcbSnapshot|\.act\('),
 ('replay', r'ReplayActor|ReplayBuffer'),
 ('evaluator', r'EvaluatorActor|OnlineMetrics|RetentionMetrics'),
 ('population', r'UserPopulationActor|Population\.'),
 ('learner actor other', r'LearnerActor'),
 ('shard simulation (world)', r'EnvShardActor|SessionRunner|io\.rlsearch\.sim\.|EpisodeScorer|Scoring|Pcg64|NumpyRandom'),
 ('sync loop', r'SyncRunner'),
 ('pekko streams', r'org\.apache\.pekko\.stream'),
 ('pekko actors/dispatch/ask', r'org\.apache\.pekko|scala\.'),
 ('fork-join/park', r'java\.util\.concurrent'),
]
def cat(frames):
    for f in frames:  # innermost first
        for name, pat in CATS:
            if re.search(pat, f):
                return name
    return 'other:' + (frames[0] if frames else '?')
ex = events(run('jdk.ExecutionSample'), 'jdk.ExecutionSample')
nat = events(run('jdk.NativeMethodSample', 8), 'jdk.NativeMethodSample')
lo = hi = None
if '--after-main-idle' in args:
    # window: after the last main-thread sample inside SyncRunner
    ts = [tsec(t) for t, th, fr in ex if th == 'main' and any('SyncRunner' in f for f in fr)]
    lo = max(ts) if ts else None
if '--from' in args: lo = tsec(args[args.index('--from')+1])
if '--to' in args: hi = tsec(args[args.index('--to')+1])
def inwin(t):
    s = tsec(t); return (lo is None or s >= lo) and (hi is None or s <= hi)
ex = [e for e in ex if inwin(e[0])]
nat = [e for e in nat if inwin(e[0])]
if ex:
    print('window', lo, hi, 'span s', round(max(tsec(e[0]) for e in ex) - min(tsec(e[0]) for e in ex), 2))
n = len(ex); print('execution samples', n)
def norm(th):
    return re.sub(r'-\d+$', '-N', th)
print('\n## samples by thread (Java execution)')
for th, c in collections.Counter(norm(e[1]) for e in ex).most_common(20):
    print(f'| {th} | {c} | {100*c/n:.1f}% |')
print('\n## categories (innermost matching frame)')
cc = collections.Counter(cat(e[2]) for e in ex)
for k, c in cc.most_common(30):
    print(f'| {k} | {c} | {100*c/n:.1f}% |')
print('\n## top 25 self methods')
for k, c in collections.Counter(e[2][0] if e[2] else '?' for e in ex).most_common(25):
    print(f'| {k} | {c} | {100*c/n:.1f}% |')
print('\n## native samples by thread/top frame', len(nat))
for k, c in collections.Counter((norm(e[1]), e[2][0] if e[2] else '?') for e in nat).most_common(12):
    print(f'| {k[0]} | {k[1]} | {c} |')
