#!/usr/bin/env bash
# TensorFlow reference for TinySSD (scripts/tf_reference.py): the model zoo's Keras SSD-MobileNet-v1,
# TinySSD checkpoints in and out of it, and the TFLite converter's int8 quantization.
# Creates a private virtual environment on first use: ${TF_VENV:-.build-tf-venv} (tensorflow-cpu 2.21.0).
# Examples:
#   scripts/tf-reference.sh convert runs/shapes/checkpoints/best.safetensors --calibration shapes/train \
#       --max-images 100 --out shapes_int8.tflite --float-out shapes_float.tflite
#   scripts/tf-reference.sh --help
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv=${TF_VENV:-$root/.build-tf-venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "tf-reference.sh: creating the virtual environment $venv (tensorflow-cpu 2.21.0, about 600 MB)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet tensorflow-cpu==2.21.0 numpy safetensors pyyaml opencv-python-headless
fi
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
exec "$venv/bin/python" "$root/scripts/tf_reference.py" "$@"
