#!/usr/bin/env bash
# Re-records OpenCV's outputs for the ImageIO tests: the resize cases (Resources/resize-cases.json),
# the small decoding fixtures with their expected pixels (Resources/decoding/), and hashes of
# OpenCV's decoding of the person-mini photos (when ../shared/fixtures is there).
# Needs network access to PyPI once, for OpenCV in a private virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${OPENCV_VENV:-.build-opencv-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet opencv-python-headless==5.0.0.93 numpy pillow==13.0.0
fi
resources=Tests/ImageIOTests/Resources
"$venv/bin/python" scripts/opencv_resize_cases.py "$resources/resize-cases.json"
photos=${TINYSSD_FIXTURES:-../shared/fixtures}/person-mini
if [ -d "$photos" ]; then
  "$venv/bin/python" scripts/opencv_decoding_cases.py "$resources/decoding" "$photos"
else
  echo "$photos is absent: keeping the recorded photo hashes" >&2
  "$venv/bin/python" scripts/opencv_decoding_cases.py "$resources/decoding"
fi
