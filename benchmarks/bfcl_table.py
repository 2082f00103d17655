"""Markdown table of the BFCL evaluations in a store: category × agent.

python benchmarks/bfcl_table.py runs/bfcl.db
"""

from __future__ import annotations

import statistics
import sys

from behaviorlab.evals import compute_metrics, list_evals, load_results
from behaviorlab.store import Store


def main() -> None:
    st = Store(sys.argv[1] if len(sys.argv) > 1 else "runs/bfcl.db")
    print(
        "| category | agent | model | items | accuracy [95% CI] | tokens in / out | "
        "latency p50 | CPU s/item | calls made | parse errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for rec in list_evals(st, "bfcl"):
        results = load_results(st, rec.eval_id)
        if not results:
            continue
        m = compute_metrics(results)
        cat = rec.config.get("options", {}).get("split")
        calls = statistics.mean(r.scores.get("calls", 0) or 0 for r in results)
        parse = sum(1 for r in results if r.scores.get("parse_error"))
        model = "llamacpp/smollm2-135m" if rec.model == "default" else rec.model
        rows.append(
            (
                cat,
                rec.agent,
                f"| {cat} | {rec.agent} | {model} | {m.scenarios} | {m.accuracy.fmt()} | "
                f"{m.input_tokens_mean:.0f} / {m.output_tokens_mean:.0f} | "
                f"{m.latency_p50_s:.2f} s | {m.cpu_s_mean:.2f} | {calls:.2f} | {parse} |",
            )
        )
    for _, _, line in sorted(rows):
        print(line)


if __name__ == "__main__":
    main()
