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
  "$tinyssd" evaluate --config "$fixtures/st-models/ssd_mobilenet_v1_025_${size}_config.yaml" --model "$model" \
    --data "$fixtures/person-mini" --json "$out/ap.json" 2>/dev/null | sed -n '3p'
  python3 - "$out/ap.json" "$fixtures/person-mini/REFERENCE_RESULTS.json" "ssd_mobilenet_v1_025_$size" <<'PY' || status=1
import json, sys
ours = json.load(open(sys.argv[1]))['map'] * 100
reference = json.load(open(sys.argv[2]))['models'][sys.argv[3]]['AP_percent_stable_ties']['1']
print('  person-mini AP %.4f %% (model zoo %.4f %%): %s' % (ours, reference, 'same' if round(ours, 4) == reference else 'DIFFERENT'))
sys.exit(0 if round(ours, 4) == reference else 1)
PY
done
exit $status
