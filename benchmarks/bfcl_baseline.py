"""BFCL baseline: an agent (fc = grammar-constrained on llama.cpp, fc-prompt = the same prompt,
decode unconstrained) on the first N items of each category, in rounds of growing N, each
(category, agent) one resumable evaluation in the store.

python benchmarks/bfcl_baseline.py --db runs/bfcl.db --rounds 10,20 [--model smollm2-135m] [--threads 2]
python benchmarks/bfcl_table.py runs/bfcl.db

No ``--model``: the task's default for the agent (the shipped fc adapter where it is packaged);
``--model smollm2-135m``: the untuned base.
"""

from __future__ import annotations

import argparse

from behaviorlab.evals import EvalConfig, run_eval
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task

CATEGORIES = [
    "simple_python",
    "multiple",
    "parallel",
    "parallel_multiple",
    "irrelevance",
    "live_simple",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="runs/bfcl.db")
    ap.add_argument("--rounds", default="10,20", help="growing N, comma-separated")
    ap.add_argument("--agents", default="fc,fc-prompt")
    ap.add_argument("--categories", default=",".join(CATEGORIES))
    ap.add_argument("--model", default=None, help="default: the task's (the shipped adapter)")
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads")
    a = ap.parse_args()
    store = Store(a.db)
    task = get_task("bfcl")
    rounds = [int(x) for x in a.rounds.split(",")]
    for end in rounds:
        for cat in a.categories.split(","):
            scenarios = task.scenarios(ScenarioOptions(split=cat, n=end))
            for agent in a.agents.split(","):
                # one evaluation per (category, agent): n is the last round's, so each round
                # resumes it and runs only the items it has not run
                config = EvalConfig(
                    task="bfcl",
                    agent=agent,
                    model=a.model,
                    options=ScenarioOptions(split=cat, n=rounds[-1]),
                )
                run = run_eval(
                    config,
                    store,
                    scenarios=scenarios,
                    model_kwargs={"n_threads": a.threads} if a.threads else None,
                    on_result=lambda r, sc: print(
                        f"  {sc.id:28s} {'ok ' if r.correct else 'no '} "
                        f"{r.latency_s:6.2f} s {r.output_tokens:4d} tokens out",
                        flush=True,
                    ),
                )
                ok = sum(r.correct for r in run.results)
                print(f"{cat:18s} {agent:10s} {ok}/{len(run.results)}", flush=True)


if __name__ == "__main__":
    main()
