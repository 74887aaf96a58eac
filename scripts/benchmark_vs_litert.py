#!/usr/bin/env python3
"""Times TinySSD and LiteRT (XNNPACK on, and its builtin kernels) side by side on the same machine.

For each model and thread count, the engines run alternately for several rounds so that machine
noise hits all of them alike; each round reports a median over many inferences and the table
shows the median of those round medians. Usage:

  benchmark_vs_litert.py TINYSSD FIXTURES [--rounds 5] [--runs 200] [--threads 1 2]
"""
import argparse, json, os, statistics, subprocess, sys

CARD_KIB = {192: 195.6, 224: 333.25, 256: 347.3}

def tinyssd(binary, model, threads, runs):
    out = subprocess.run([binary, 'benchmark', model, '--runs', str(runs), '--threads', str(threads), '--json'],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)

def litert(oracle, model, threads, runs):
    out = subprocess.run([sys.executable, oracle, 'bench', model, '--threads', str(threads), '--runs', str(runs)],
                         check=True, capture_output=True, text=True).stdout
    return {row['engine']: row['median_ms'] for row in map(json.loads, out.strip().splitlines())}

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('tinyssd'); p.add_argument('fixtures')
p.add_argument('--rounds', type=int, default=5); p.add_argument('--runs', type=int, default=200)
p.add_argument('--threads', type=int, nargs='+', default=[1, 2])
a = p.parse_args()
oracle = os.path.join(a.fixtures, '..', 'tools', 'litert_oracle.py')
print('| model | threads | TinySSD ms | LiteRT XNNPACK ms | LiteRT builtin ms | TinySSD / XNNPACK | TinySSD / builtin | arena KiB | model card KiB |')
print('|---|---|---|---|---|---|---|---|---|')
for size in (192, 224, 256):
    model = os.path.join(a.fixtures, 'st-models', 'ssd_mobilenet_v1_025_%d_int8.tflite' % size)
    for threads in a.threads:
        ours, xnnpack, builtin, arena = [], [], [], 0
        for _ in range(a.rounds):
            result = tinyssd(a.tinyssd, model, threads, a.runs)
            ours.append(result['medianMs']); arena = result['activationBytes']
            theirs = litert(oracle, model, threads, a.runs)
            xnnpack.append(theirs['litert-xnnpack']); builtin.append(theirs['litert-builtin'])
        o, x, b = statistics.median(ours), statistics.median(xnnpack), statistics.median(builtin)
        print('| %d | %d | %.3f | %.3f | %.3f | %.2f | %.2f | %.1f | %s |' % (
            size, threads, o, x, b, o / x, o / b, arena / 1024, CARD_KIB[size]), flush=True)
