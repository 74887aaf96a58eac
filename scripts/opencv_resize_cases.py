#!/usr/bin/env python3
"""Records cv2.resize(..., interpolation=cv2.INTER_LINEAR) on 8-bit RGB images that the Swift test
(Tests/ImageIOTests/ResizeCaseTests.swift) generates the same way: pixels from TestSupport's
DeterministicRandom (SplitMix64), mirrored below. Named cases keep the full output (or, for large
ones, its FNV-1a hash); the sweep over random sizes keeps output hashes.

Usage: opencv_resize_cases.py OUTPUT_JSON
"""
import base64, json, sys
import cv2
import numpy as np

MASK = (1 << 64) - 1


class DeterministicRandom:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def integer(self, low, high):
        return low + self.next() % (high - low + 1)

    def bytes(self, count):
        return bytes(self.next() & 0xFF for _ in range(count))


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & MASK
    return '%x' % h


def source(width, height, seed, pattern):
    """The Swift test's input: random bytes, or 'extremes' where each byte becomes 0 or 255."""
    data = DeterministicRandom(seed).bytes(width * height * 3)
    if pattern == 'extremes':
        data = bytes(255 if b & 0x80 else 0 for b in data)
    return data


# name, source (w, h), target (w, h), seed, pattern. Outputs above 4096 bytes are stored as a hash.
NAMED = [
    ('up-2x', (8, 6), (16, 12), 1, 'random'),
    ('up-3x', (5, 4), (15, 12), 2, 'random'),
    ('up-non-integer', (7, 5), (19, 11), 3, 'random'),
    ('up-large-ratio', (3, 2), (64, 48), 4, 'random'),
    ('down-non-integer', (37, 29), (16, 12), 5, 'random'),
    ('down-exact-2x', (32, 24), (16, 12), 6, 'random'),
    ('down-exact-2x-odd-result', (30, 18), (15, 9), 7, 'random'),
    ('down-exact-2x-extremes', (24, 24), (12, 12), 8, 'extremes'),
    ('down-2x-horizontal-only', (32, 12), (16, 12), 9, 'random'),
    ('down-2x-by-3x', (20, 30), (10, 10), 10, 'random'),
    ('down-3x', (33, 27), (11, 9), 11, 'random'),
    ('down-4x', (32, 32), (8, 8), 12, 'random'),
    ('up-x-down-y', (17, 13), (23, 7), 13, 'random'),
    ('same-size', (9, 7), (9, 7), 14, 'random'),
    ('one-pixel-up', (1, 1), (5, 3), 15, 'random'),
    ('one-column', (1, 7), (4, 4), 16, 'random'),
    ('one-row', (9, 1), (3, 5), 17, 'random'),
    ('to-one-pixel', (13, 11), (1, 1), 18, 'random'),
    ('to-one-column', (13, 11), (1, 6), 19, 'random'),
    ('to-one-row', (8, 8), (7, 1), 20, 'random'),
    ('up-extremes', (16, 16), (23, 23), 21, 'extremes'),
    ('model-192-from-600x400', (600, 400), (192, 192), 22, 'random'),
    ('model-224-from-451x300', (451, 300), (224, 224), 23, 'random'),
    ('model-256-from-512x512', (512, 512), (256, 256), 24, 'random'),
    ('model-256-from-800x420', (800, 420), (256, 256), 25, 'random'),
]

SWEEP_SEED, SWEEP_COUNT, SWEEP_FIRST_INPUT_SEED = 7, 400, 1000


def resize(data, size, target):
    image = np.frombuffer(data, np.uint8).reshape(size[1], size[0], 3)
    return np.ascontiguousarray(cv2.resize(image, target, interpolation=cv2.INTER_LINEAR)).tobytes()


def sweep_sizes():
    """Random sizes from 1 to 48 (sources) and 1 to 64 (targets); every fifth case an exact halving."""
    rng = DeterministicRandom(SWEEP_SEED)
    sizes = []
    for index in range(SWEEP_COUNT):
        sw, sh, dw, dh = rng.integer(1, 48), rng.integer(1, 48), rng.integer(1, 64), rng.integer(1, 64)
        if index % 5 == 0:
            dw, dh = max(1, sw // 2), max(1, sh // 2)
            sw, sh = 2 * dw, 2 * dh
        sizes.append((sw, sh, dw, dh))
    return sizes


cases = []
for name, size, target, seed, pattern in NAMED:
    data = source(size[0], size[1], seed, pattern)
    out = resize(data, size, target)
    entry = {'name': name, 'source': list(size), 'target': list(target), 'seed': seed, 'pattern': pattern,
             'input': fnv1a64(data), 'output': fnv1a64(out)}
    if len(out) <= 4096:
        entry['data'] = base64.b64encode(out).decode()
    cases.append(entry)

sweep = []
for index, (sw, sh, dw, dh) in enumerate(sweep_sizes()):
    data = source(sw, sh, SWEEP_FIRST_INPUT_SEED + index, 'random')
    sweep.append({'source': [sw, sh], 'target': [dw, dh], 'output': fnv1a64(resize(data, (sw, sh), (dw, dh)))})

# One case per line: readable diffs when cases are re-recorded.
lines = ['{', ' "opencv": %s,' % json.dumps(cv2.__version__), ' "cases": [']
lines += ['  %s,' % json.dumps(case) for case in cases]
lines[-1] = lines[-1].rstrip(',')
lines += [' ],', ' "sweep": {"seed": %d, "first_input_seed": %d, "cases": [' % (SWEEP_SEED, SWEEP_FIRST_INPUT_SEED)]
lines += ['  %s,' % json.dumps(case) for case in sweep]
lines[-1] = lines[-1].rstrip(',')
lines += [' ]}', '}']
with open(sys.argv[1], 'w') as f:
    f.write('\n'.join(lines) + '\n')
print('%d named cases and %d sweep cases written to %s (OpenCV %s)' % (len(cases), len(sweep), sys.argv[1], cv2.__version__))
