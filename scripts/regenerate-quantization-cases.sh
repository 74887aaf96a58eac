#!/usr/bin/env bash
# Re-records LiteRT's outputs for the models TinySSD's quantizer writes (Tests/QuantizationTests/LiteRTParityTests.swift).
# Needs network access to PyPI once, for ai-edge-litert in a private virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${LITERT_VENV:-.build-litert-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet ai-edge-litert==2.3.0 numpy
fi
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT
# The test exports every variant's model and input; comparisons may fail before re-recording.
TINYSSD_EXPORT_QUANTIZATION_CASES="$export_dir" swift test --filter LiteRTParityTests >/dev/null 2>&1 || true
"$venv/bin/python" scripts/litert_operator_cases.py "$export_dir" Tests/QuantizationTests/Resources/litert-quantized-cases.json
