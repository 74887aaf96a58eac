#!/usr/bin/env bash
# Re-records LiteRT's outputs for the synthetic operator cases (Tests/RuntimeTests/Support/OperatorCases.swift).
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
# The test exports every case's model and inputs; comparisons may fail before re-recording.
TINYSSD_EXPORT_OPERATOR_CASES="$export_dir" swift test --filter OperatorCaseTests >/dev/null 2>&1 || true
"$venv/bin/python" scripts/litert_operator_cases.py "$export_dir" Tests/RuntimeTests/Resources/operator-cases.json
