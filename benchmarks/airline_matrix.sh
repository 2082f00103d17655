#!/usr/bin/env bash
# The README's airline table: L0, L1, L3 and CoT × RuleArena levels 0-2 on the default model.
#   benchmarks/airline_matrix.sh RULEARENA_DIR [N_L0] [N_LLM] [N_L3]  (N = problems per level)
# Results go to runs/matrix.db (an interrupted run resumes); print the table with
#   python benchmarks/airline_table.py runs/matrix.db
set -euo pipefail
RA=${1:?RuleArena dir}; N0=${2:-100}; N1=${3:-20}; N3=${4:-10}
DB=${MATRIX_DB:-runs/matrix.db}
mkdir -p "$(dirname "$DB")"
for L in 0 1 2; do
  behaviorlab eval airline --agent l0 --level "$L" -n "$N0" --rulearena "$RA" --db "$DB"
  behaviorlab eval airline --agent l1 --level "$L" -n "$N1" --rulearena "$RA" --db "$DB"
  behaviorlab eval airline --agent l3 --level "$L" -n "$N3" --rulearena "$RA" --db "$DB"
  behaviorlab eval airline --agent cot --level "$L" -n "$N1" --rulearena "$RA" --db "$DB"
done
