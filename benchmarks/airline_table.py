"""Markdown table of the airline evaluations in a store: agent × level.

python benchmarks/airline_table.py runs/matrix.db
"""

from __future__ import annotations

import sys

from behaviorlab.evals import compute_metrics, list_evals, load_results
from behaviorlab.store import Store


def main() -> None:
    st = Store(sys.argv[1] if len(sys.argv) > 1 else "runs/matrix.db")
    print(
        "| agent | model | level | problems × repeats | accuracy [95% CI] | declined | tokens/problem | LLM calls | latency p50 | cost/problem |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for rec in list_evals(st, "airline"):
        rows = load_results(st, rec.eval_id)
        if not rows:
            continue
        m = compute_metrics(rows)
        lvl = rec.config.get("options", {}).get("level")
        print(
            f"| {rec.agent} | {'llamacpp/smollm2-135m' if rec.model == 'default' else rec.model} | {lvl} | {m.scenarios} × {m.repeats} | {m.accuracy.fmt()} | "
            f"{m.declined_rate:.0%} | {m.tokens_mean:.0f} | {m.llm_calls_mean:.1f} | "
            f"{m.latency_p50_s:.2f} s | ${m.cost_per_run_usd:.4f} |"
        )


if __name__ == "__main__":
    main()
