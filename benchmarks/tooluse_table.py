"""Markdown table of the tool-use evaluations in a store: agent (prompt format) × category.

python benchmarks/tooluse_table.py runs/tooluse.db
"""

from __future__ import annotations

import sys

from behaviorlab.evals import compute_metrics, list_evals, load_results
from behaviorlab.store import Store


def main() -> None:
    st = Store(sys.argv[1] if len(sys.argv) > 1 else "runs/tooluse.db")
    print(
        "| agent | model | category | items | correct [95% CI] | tool choice correct | tool F1 | over-use | under-use | model s / tool s | tokens |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for rec in list_evals(st, "tooluse"):
        rows = load_results(st, rec.eval_id)
        if not rows:
            continue
        m = compute_metrics(rows)
        groups = [("all", rows, m.details_mean)] + [
            (cat, [r for r in rows if r.category == cat], vals)
            for cat, vals in m.details_by_category.items()
        ]
        for cat, sub, vals in groups:
            sm = compute_metrics(sub)
            print(
                f"| {rec.agent} | {rec.model} | {cat} | {len(sub)} | {sm.accuracy.fmt()} | "
                f"{vals['tool_choice_correct']:.2f} | {vals['tool_f1']:.2f} | {vals['overuse']:.2f} | "
                f"{vals['underuse']:.2f} | {sm.model_s_mean:.1f} / {sm.tool_s_mean:.2f} | {sm.tokens_mean:.0f} |"
            )


if __name__ == "__main__":
    main()
