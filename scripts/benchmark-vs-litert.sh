#!/usr/bin/env bash
# TinySSD against LiteRT 2.3.0 (XNNPACK and builtin kernels) on the reference models, side by side.
# Extra arguments go to benchmark_vs_litert.py (e.g. --rounds 3 --runs 100 --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
venv=${LITERT_VENV:-.build-litert-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet ai-edge-litert==2.3.0 numpy
fi
swift build -c release --product tinyssd >/dev/null
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; TinySSD release build"
"$venv/bin/python" scripts/benchmark_vs_litert.py "$(swift build -c release --show-bin-path)/tinyssd" "${TINYSSD_FIXTURES:-../shared/fixtures}" "$@"
