"""Recorder cost per span, against the same work with no recorder, in one process.

    python benchmarks/trace_overhead.py [--spans 20000] [--json]

Each "unit of work" is one nested span (agent → child) with attributes, input and output,
like an LLM or tool call. The baseline runs the identical code with no recorder active
(spans become no-ops). Reported: µs per span added by tracing, batched (512 per
transaction, the default) and unbatched (one transaction per span) for contrast.
Target (issue 2): under 100 µs per span with batching.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from behaviorlab.store import Store
from behaviorlab.trace import Recorder, span


def workload(n_roots: int) -> None:
    for i in range(n_roots):
        with span(
            "invoke_agent bench", kind="agent", attributes={"gen_ai.agent.name": "bench"}
        ) as root:
            root.set_input(f"input {i}")
            with span("chat bench", kind="llm", attributes={"gen_ai.request.model": "m"}) as s:
                s.set_input("prompt text " * 10)
                s.set_output("completion text " * 5)
                s.set_usage(120, 40)
            root.set_output("done")


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    n_roots = args.spans // 2
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        for mode, batch, flush_root in (("batched", 512, False), ("unbatched", 1, False)):
            best_base, best_traced = float("inf"), float("inf")
            for r in range(args.repeats):
                best_base = min(best_base, timed(workload, n_roots))
                store = Store(f"sqlite:///{Path(d) / f'{mode}-{r}.db'}")
                rec = Recorder(store, batch_size=batch, flush_on_root=flush_root)

                def traced(rec: Recorder = rec, batch: int = batch) -> None:
                    with rec:
                        workload(n_roots if batch > 1 else max(1, n_roots // 10))

                t = timed(traced)
                if batch == 1:  # fewer spans unbatched: it is slow; scale to per-span
                    t = t * n_roots / max(1, n_roots // 10)
                best_traced = min(best_traced, t)
                store.close()
            results[f"{mode}_us_per_span"] = (best_traced - best_base) / args.spans * 1e6
        results["baseline_us_per_span"] = best_base / args.spans * 1e6
        results["spans"] = args.spans
        results["ratio_unbatched_vs_batched"] = (
            results["unbatched_us_per_span"] / results["batched_us_per_span"]
        )
    if args.json:
        print(json.dumps(results))
        return
    print(f"spans per run: {args.spans} (best of {args.repeats})")
    print(f"no recorder (baseline):   {results['baseline_us_per_span']:8.2f} µs/span")
    print(
        f"recorder, batched 512:   +{results['batched_us_per_span']:8.2f} µs/span  (target < 100)"
    )
    print(
        f"recorder, unbatched:     +{results['unbatched_us_per_span']:8.2f} µs/span  "
        f"({results['ratio_unbatched_vs_batched']:.1f}× the batched cost)"
    )


if __name__ == "__main__":
    main()
