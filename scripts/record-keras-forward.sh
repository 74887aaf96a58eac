#!/usr/bin/env bash
# Re-records Keras's forward pass of the test checkpoint on the first synthetic validation image
# (Tests/QuantizationTests/Resources/keras-forward-shapes-192.f32), which KerasForwardTests compares
# with TinySSD's float network. Needs TensorFlow from PyPI once (scripts/tf-reference.sh makes its
# virtual environment).
set -euo pipefail
cd "$(dirname "$0")/.."
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT
# The parity test writes the float export's input (the image as `evaluate` prepares it).
TINYSSD_EXPORT_QUANTIZATION_CASES="$export_dir" swift test --filter LiteRTParityTests >/dev/null 2>&1 || true
bash scripts/tf-reference.sh forward Tests/QuantizationTests/Resources/shapes-192.safetensors \
  --input "$export_dir/float-export/input0.bin" --output Tests/QuantizationTests/Resources/keras-forward-shapes-192.f32
echo "recorded Tests/QuantizationTests/Resources/keras-forward-shapes-192.f32"
