"""Harness overhead: L0 agent scenarios/s through the whole harness (store included) vs a bare loop.

    python benchmarks/eval_throughput.py [-n 300] [--json]

Same process, same scenarios (the generator's, levels 0-2), one run each. The bare loop calls
the L0 function directly; the harness path is ``run_eval`` with tracing, scoring and SQLite.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from behaviorlab.evals import EvalConfig, run_eval
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.airline._agents import l0_fee


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300, help="scenarios per level")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    task = get_task("airline")
    options = ScenarioOptions(n=args.n, seed=7)
    scenarios = task.scenarios(options)

    t0 = time.perf_counter()
    answers = [l0_fee(s.input) for s in scenarios]
    bare = time.perf_counter() - t0
    assert len(answers) == len(scenarios)

    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{Path(d) / 'bench.db'}")
        t0 = time.perf_counter()
        run = run_eval(
            EvalConfig(task="airline", agent="l0", options=options), store, scenarios=scenarios
        )
        harness = time.perf_counter() - t0
        store.close()
    assert len(run.results) == len(scenarios)
    out = {
        "scenarios": len(scenarios),
        "bare_per_s": len(scenarios) / bare,
        "harness_per_s": len(scenarios) / harness,
        "overhead_ratio": harness / bare,
        "harness_ms_per_scenario": harness / len(scenarios) * 1000,
        "bare_ms_per_scenario": bare / len(scenarios) * 1000,
    }
    if args.json:
        print(json.dumps(out))
        return
    print(f"scenarios: {out['scenarios']}")
    print(
        f"bare loop:   {out['bare_per_s']:9.1f} scenarios/s ({out['bare_ms_per_scenario']:.3f} ms each)"
    )
    print(
        f"harness:     {out['harness_per_s']:9.1f} scenarios/s ({out['harness_ms_per_scenario']:.3f} ms each)"
    )
    print(f"overhead:    {out['overhead_ratio']:.1f}× the bare loop's time")


if __name__ == "__main__":
    main()
