#!/usr/bin/env bash
# Prepares a fresh machine for building and testing TinySSD (idempotent).
set -euo pipefail
if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "setup: add /opt/swift/usr/bin to PATH" >&2
  else
    echo "setup: Swift 6 is required (https://swift.org/install)" >&2
  fi
  exit 1
fi
swift --version 2>&1 | head -1

# ImageIO links the system's libjpeg(-turbo) and libpng; Training links OpenBLAS.
if [ ! -f /usr/include/jpeglib.h ] || [ ! -f /usr/include/png.h ] || ! pkg-config --exists openblas 2>/dev/null; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: install the libjpeg, libpng and OpenBLAS development files (jpeglib.h, png.h, openblas.pc)" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: run as root, or install libjpeg62-turbo-dev, libpng-dev, libopenblas-dev and pkg-config" >&2
      exit 1
    fi
    sudo="sudo"
  fi
  echo "setup: installing libjpeg62-turbo-dev, libpng-dev, libopenblas-dev and pkg-config" >&2
  packages="libjpeg62-turbo-dev libpng-dev libopenblas-dev pkg-config"
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages </dev/null; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages </dev/null
  fi
fi
