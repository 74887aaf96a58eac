#!/usr/bin/env bash
# Re-records the TFLite converter's int8 model of the test checkpoint
# (Tests/QuantizationTests/Resources/converter-shapes-192-20.tflite), which ConverterParityTests
# compares with TinySSD's quantization: the first 20 training images of `tinyssd dataset synth`
# (seed 1) as calibration set, per-channel weights, uint8 in, float out. Needs TensorFlow from
# PyPI once (scripts/tf-reference.sh makes its virtual environment).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product tinyssd >/dev/null
tinyssd=$(swift build -c release --show-bin-path)/tinyssd
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$tinyssd" dataset synth --out "$data/shapes" --train 20 --val 0 >/dev/null
bash scripts/tf-reference.sh convert Tests/QuantizationTests/Resources/shapes-192.safetensors \
  --calibration "$data/shapes/train" --max-images 20 --out Tests/QuantizationTests/Resources/converter-shapes-192-20.tflite --json
