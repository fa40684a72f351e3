#!/usr/bin/env bash
# The regression gate both example pipelines run: bench the base and the head checkout side by side on the
# replay sets, then `report regression` (HTML + markdown). Exit 5 on a significant and practical regression.
#
# Side by side, because whatever else loads the runner then slows both runs alike; one after the other, a
# busy moment can make an unchanged head look slower (bench/compare/README.md has the measured rates).
#
#   BASE_DIR   checkout of the base commit (required)
#   HEAD_DIR   checkout of the head commit (default: the current directory)
#   OUT_DIR    where regression.html and regression.md go (default: $HEAD_DIR/reports/out)
#   TIERLAB_CONFIG / TIERLAB_TIER / TIERLAB_DATASET / TIERLAB_LIMIT / TIERLAB_SEED: what to bench
set -euo pipefail

: "${BASE_DIR:?set BASE_DIR to a checkout of the base commit}"
HEAD_DIR="$(cd "${HEAD_DIR:-$PWD}" && pwd)"
BASE_DIR="$(cd "$BASE_DIR" && pwd)"
OUT_DIR="${OUT_DIR:-$HEAD_DIR/reports/out}"
RESULTS_DIR="${RESULTS_DIR:-$HEAD_DIR/results/ci}"
CONFIG="${TIERLAB_CONFIG:-config/router.replay.yaml}"
TIER="${TIERLAB_TIER:-LOCAL_FAST}"
DATASET="${TIERLAB_DATASET:-datasets/gsm8k-replay.jsonl}"
LIMIT="${TIERLAB_LIMIT:-60}"
SEED="${TIERLAB_SEED:-1}"

mkdir -p "$RESULTS_DIR" "$OUT_DIR"
rm -rf "$RESULTS_DIR/base" "$RESULTS_DIR/head"

bench() { # <checkout> <run id>
  (cd "$1" && npm run --silent bench -- run --config "$CONFIG" --tier "$TIER" --dataset "$DATASET" --limit "$LIMIT" --seed "$SEED" \
    --results-dir "$RESULTS_DIR" --run-id "$2" --json > "$RESULTS_DIR/$2.summary.json")
}

bench "$BASE_DIR" base & base_pid=$!
bench "$HEAD_DIR" head & head_pid=$!
wait "$base_pid"
wait "$head_pid"

cd "$HEAD_DIR"
npx tsx scenarios/regression.ts --base "$RESULTS_DIR/base" --head "$RESULTS_DIR/head" --out-dir "$OUT_DIR"
