#!/usr/bin/env bash
# The main job: builds TinySSD (release), then for each reference model prints its inspect summary
# and runs every golden input, checking the output is byte-identical to LiteRT's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
fixtures=${TINYSSD_FIXTURES:-../shared/fixtures}
swift build -c release --product tinyssd >/dev/null
tinyssd=$(swift build -c release --show-bin-path)/tinyssd
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for size in 192 224 256; do
  model=$fixtures/st-models/ssd_mobilenet_v1_025_${size}_int8.tflite
  golden=$fixtures/golden/ssd_mobilenet_v1_025_$size
  echo "== $(basename "$model")"
  "$tinyssd" inspect "$model" | sed -n '/^Totals/,$p'
  for input in "$golden"/*.input.u8; do
    name=$(basename "$input" .input.u8)
    "$tinyssd" run "$model" --input "$input" --output "$out/$name.f32"
    if cmp -s "$out/$name.f32" "$golden/$name.output.f32"; then
      echo "  $name: identical to LiteRT"
    else
      echo "  $name: DIFFERS from LiteRT"; status=1
    fi
  done
done
exit $status
