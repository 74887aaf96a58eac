#!/usr/bin/env bash
# Float AP, the TFLite converter's int8 AP and TinySSD's (with and without --separate-output-scales),
# per class, for one checkpoint: calibration on the first IMAGES training images of DATASET,
# evaluation on DATASET/val with DATASET/user_config.yaml (a `tinyssd dataset synth` folder).
# Usage: scripts/compare-quantizers.sh CHECKPOINT DATASET [IMAGES]   (default 100 images)
set -euo pipefail
cd "$(dirname "$0")/.."
checkpoint=$1
dataset=$2
images=${3:-100}
swift build -c release --product tinyssd >/dev/null
tinyssd=$(swift build -c release --show-bin-path)/tinyssd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
common=(--model "$checkpoint" --calibration "$dataset/train" --max-images "$images" --config "$dataset/user_config.yaml" --val "$dataset/val")
"$tinyssd" quantize "${common[@]}" --out "$work/ours.tflite" --json > "$work/ours.json" 2>/dev/null
"$tinyssd" quantize "${common[@]}" --separate-output-scales --out "$work/separate.tflite" --json > "$work/separate.json" 2>/dev/null
bash scripts/tf-reference.sh convert "$checkpoint" --calibration "$dataset/train" --max-images "$images" \
  --out "$work/converter.tflite" --json >/dev/null 2>&1
"$tinyssd" evaluate --model "$work/converter.tflite" --config "$dataset/user_config.yaml" --data "$dataset/val" \
  --json "$work/converter.json" >/dev/null 2>&1
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
ours, separate, converter = (json.load(open(f"{w}/{n}.json")) for n in ("ours", "separate", "converter"))
conv = {c["name"]: c["ap"] for c in converter["classes"]}
print("| class | float | converter int8 | TinySSD int8 | TinySSD int8, separate output scales |")
print("|---|---|---|---|---|")
for a, b in zip(ours["evaluation"]["classes"], separate["evaluation"]["classes"]):
    print("| %s | %.4f | %.4f | %.4f | %.4f |" % (a["name"], a["floatAP"] * 100, conv[a["name"]] * 100, a["int8AP"] * 100, b["int8AP"] * 100))
e, s = ours["evaluation"], separate["evaluation"]
print("| mAP | %.4f | %.4f | %.4f | %.4f |" % (e["floatMAP"] * 100, converter["map"] * 100, e["int8MAP"] * 100, s["int8MAP"] * 100))
PY
