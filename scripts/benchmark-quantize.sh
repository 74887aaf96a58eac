#!/usr/bin/env bash
# Times `tinyssd quantize` against the TFLite converter (scripts/tf-reference.sh convert) on the
# same checkpoint and the same calibration images, alternating for ROUNDS rounds, and prints
# each time and the ratios. Usage: scripts/benchmark-quantize.sh [IMAGES [ROUNDS [CHECKPOINT]]]
# (default 100 images of `tinyssd dataset synth`, 3 rounds, the test checkpoint at 192).
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-100}
rounds=${2:-3}
checkpoint=${3:-Tests/QuantizationTests/Resources/shapes-192.safetensors}
swift build -c release --product tinyssd >/dev/null
tinyssd=$(swift build -c release --show-bin-path)/tinyssd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tinyssd" dataset synth --out "$work/shapes" --train "$images" --val 0 >/dev/null 2>&1
now() { python3 -c 'import time; print(time.time())'; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $images calibration images; release build"
echo "| round | tinyssd quantize s (wall) | converter convert() s | converter script s (wall) | wall / wall | tinyssd / convert() |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  start=$(now)
  "$tinyssd" quantize --model "$checkpoint" --calibration "$work/shapes/train" --max-images "$images" \
    --out "$work/ours.tflite" --json > "$work/ours.json" 2>/dev/null
  ours=$(python3 -c "print($(now) - $start)")
  start=$(now)
  bash scripts/tf-reference.sh convert "$checkpoint" --calibration "$work/shapes/train" --max-images "$images" \
    --out "$work/theirs.tflite" --json 2>/dev/null | tail -1 > "$work/theirs.json"
  theirs=$(python3 -c "print($(now) - $start)")
  python3 - "$round" "$ours" "$theirs" "$work/theirs.json" <<'PY'
import json, sys
round_, ours, wall = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
convert = json.load(open(sys.argv[4]))["convert_seconds"]
print("| %s | %.2f | %.2f | %.2f | %.3f | %.3f |" % (round_, ours, convert, wall, ours / wall, ours / convert))
PY
done
