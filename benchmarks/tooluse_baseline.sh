#!/usr/bin/env bash
# The README's tool-use baseline: the default model (or MODEL) on the held-out split, per prompt format.
#   benchmarks/tooluse_baseline.sh [N_PER_CELL] [MODEL]
set -euo pipefail
N=${1:-4}; MODEL=${2:-smollm2-135m}
DB=${TOOLUSE_DB:-runs/tooluse.db}
mkdir -p "$(dirname "$DB")"
for A in l3-direct l3-cot l3-tooldesc; do
  behaviorlab eval tooluse --agent "$A" --split heldout -n "$N" --model "$MODEL" --db "$DB"
done
