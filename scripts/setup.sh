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
