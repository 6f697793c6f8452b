#!/usr/bin/env python3
"""Where a load's server CPU per chunk went, from the recordings the comparison's -Dbench.jfr=<dir> writes.

python3 src/benchmark/jfr_breakdown.py <CPU per chunk, µs> <dir>/payara-echo-100-*.jfr [-v]

Several recordings of the same load are pooled. The Java threads' user CPU is split by their jdk.ExecutionSample
stacks (first rule that matches, see category); their kernel time, and the JIT, GC and JFR threads' CPU, come from
each recording's -threads.txt (from /proc). Prints a Markdown table; -v adds the hottest leaf frames of each row.
JFR= names another jfr binary (a JDK 25's reads JDK 17's recordings too).
"""
import json, subprocess, sys, collections, re, os
per_chunk = float(sys.argv[1]); recs = [a for a in sys.argv[2:] if a.endswith('.jfr')]
verbose = '-v' in sys.argv
JFR = os.environ.get('JFR', 'jfr')

def samples(rec):
    out = subprocess.run([JFR, 'print', '--json', '--stack-depth', '300', '--events', 'jdk.ExecutionSample', rec],
                         capture_output=True, text=True, check=True).stdout
    for ev in json.loads(out)['recording']['events']:
        st = ev['values']['stackTrace']
        fr = [(f['method']['type']['name'] + '.' + f['method']['name']).replace('/', '.') for f in (st['frames'] if st else [])]
        th = ev['values']['sampledThread']
        yield fr, (th.get('javaName') or th.get('osName') or '?')

def has(s, *keys): return any(any(k in f for k in keys) for f in s)

def category(s, t):
    if '__defaultManagedScheduledExecutorService' in t:
        return 'Tyrus idle-timeout task: runs (context set up, no-op, torn down)'
    if has(s, 'restartIdleTimeoutExecutor'):
        if has(s, 'TyrusRemoteEndpoint'):
            return 'Tyrus idle-timeout re-arm: per frame sent (context capture, schedule, cancel)'
        return 'Tyrus idle-timeout re-arm: per message received / session open'
    if has(s, 'org.agentstream.history', 'TurnRecorder', 'org.eclipse.persistence', 'org.h2.', 'com.sun.gjc', 'jdbc'):
        return 'conversation storing (JPA/H2, incl. its executor hand-off)'
    if has(s, 'flushBatch'):
        return 'flush (flushBatch)'
    if has(s, 'TyrusRemoteEndpoint', 'WebSocketTransport.send'):
        return 'container send path (sendText)'
    if has(s, 'org.agentstream.wire', 'org.eclipse.yasson', 'org.eclipse.parsson'):
        return 'frame encoding (JSON-B)'
    if has(s, 'captureContext', 'ContextSetupProviderImpl', 'setupContext', 'resetContext', 'ContextHandle'):
        return 'managed task context capture/apply (our timer tasks)'
    ours = [f for f in s if f.startswith('org.agentstream')]
    if has(s, 'org.glassfish.tyrus', 'org.glassfish.grizzly', 'org.apache.catalina', 'io.undertow', 'org.xnio'):
        return ('request handling: ours (onOpen/onMessage, admission)' if ours
                else 'container receive path / handshake')
    if ours:
        return 'timer wake-up/scheduling (WakeUpTimer, executor)' if ours[0].startswith('org.agentstream.timing') \
            else 'our step (ReplyStream, agent, outbox)'
    if s and s[0].startswith(('java.util.concurrent', 'jdk.internal.misc', 'java.lang.Thread', 'org.glassfish.enterprise.concurrent')):
        return 'timer wake-up/scheduling (WakeUpTimer, executor)'
    return 'other (Hazelcast, Payara, JDK)'

cats = collections.Counter(); leaf = collections.defaultdict(collections.Counter); threads = collections.Counter()
tot_user = tot_sys = 0; groups = collections.Counter()
for rec in recs:
    for s, t in samples(rec):
        c = category(s, t); cats[c] += 1; leaf[c][s[0] if s else '?'] += 1
        threads[re.sub(r'[0-9]+', 'N', t)] += 1
    for line in open(rec[:-4] + '-threads.txt'):
        m = re.match(r'\s*(\d+) ms user\s+(\d+) ms sys  (.*)', line)
        u, k, name = int(m.group(1)), int(m.group(2)), m.group(3)
        if re.match(r'(GC Thread|G1 |GN |VM Thread|VM Periodic)', name): groups['GC (G1 threads, VM thread)'] += u + k
        elif 'Compiler' in name or 'Sweeper' in name: groups['JIT (compiler threads, code sweeper)'] += u + k
        elif name.startswith('JFR'): groups['JFR itself'] += u + k
        else:
            tot_user += u; tot_sys += k
total = tot_user + tot_sys + sum(groups.values())
groups['kernel time of Java threads (socket writes, futex wake-ups, epoll)'] = tot_sys
n = sum(cats.values())
scale = per_chunk / total
rows = [(c, tot_user * scale * v / n) for c, v in cats.items()] + [(g, v * scale) for g, v in groups.items()]
print(f'{len(recs)} recording(s), {n} samples, window CPU {total} ms (Java user {tot_user}, sys {tot_sys})')
print('| where | µs per chunk | share |\n|---|---|---|')
for c, us in sorted(rows, key=lambda r: -r[1]):
    print(f'| {c} | {us:.1f} | {100 * us / per_chunk:.0f}% |')
print(f'| total | {per_chunk:.0f} | 100% |')
if verbose:
    print('threads sampled:', threads.most_common(8))
    for c in cats: print('\n##', c, cats[c], leaf[c].most_common(6))
