"""``behaviorlab ui`` page latency on a SQLite store of 100k spans (target: first page and a run
page < 300 ms).

    python benchmarks/ui_pages.py [--spans 100000] [--keep DIR] [--json]

Builds the store through the real harness: evaluations of an L0 agent on generated airline
problems, each run traced as 10 spans (agent → ptool → 4 LLM calls with their messages and
4 tool calls), 2 repeats. Then serves the app with uvicorn on 127.0.0.1 and times whole HTTP
requests (server + client, one connection): the first request of each page once, and the
median and p95 of repeats (the run page over different traces).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from behaviorlab.agents import FunctionAgent
from behaviorlab.evals import EvalConfig, list_evals, load_results, run_eval
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import l0_fee
from behaviorlab.trace import span
from behaviorlab.ui import UIServer, create_app

SPANS_PER_RUN = 10
REPEATS = 2
RUNS_PER_EVAL = 1000


def traced_agent(text: str) -> int:
    """The L0 answer, with the spans an L1 workflow records around its LLM and tool calls."""
    with span("ptool extract", kind="workflow", attributes={"behaviorlab.ptool": "extract"}):
        for i in range(4):
            msgs = [
                {"role": "system", "content": "Extract the passenger's bags as JSON. " * 8},
                {"role": "user", "content": text},
            ]
            with span("chat bench-model", kind="llm") as s:
                s.set_input(json.dumps(msgs))
                s.set_output(json.dumps({"step": i, "bags": [[20, 14, 8, 12]] * 3}))
                s.set_usage(400 + i, 60)
            with span("execute_tool calculator", kind="tool") as t:
                t.set_attribute("gen_ai.tool.name", "calculator")
                t.set_input({"expression": f"{i} + 40"})
                t.set_output(str(i + 40))
    return l0_fee(text)


def build(path: Path, spans: int) -> Store:
    store = Store(f"sqlite:///{path}")
    n_evals = max(1, round(spans / (SPANS_PER_RUN * RUNS_PER_EVAL)))
    per_level = -(-RUNS_PER_EVAL // (REPEATS * 3))  # levels 0-2, at least RUNS_PER_EVAL runs
    for k in range(n_evals):
        cfg = EvalConfig(
            task="airline",
            agent=f"bench-{k}",
            options=ScenarioOptions(source="generated", n=per_level, seed=100 + k),
            repeats=REPEATS,
        )
        run_eval(cfg, store, factory=lambda: FunctionAgent(traced_agent, name="bench"))
    return store


def timed(client: httpx.Client, path: str) -> float:
    t0 = time.perf_counter()
    r = client.get(path)
    dt = time.perf_counter() - t0
    if r.status_code != 200:
        raise SystemExit(f"GET {path}: {r.status_code} {r.text[:300]}")
    return dt * 1000


def stats(first: float, rest: list[float]) -> dict[str, float]:
    rest = sorted(rest)
    return {
        "first_ms": round(first, 1),
        "median_ms": round(statistics.median(rest), 1),
        "p95_ms": round(rest[max(0, int(len(rest) * 0.95) - 1)], 1),
        "n": len(rest),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the store in this folder")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "ui-bench.db"
        t0 = time.perf_counter()
        store = build(path, args.spans) if not path.exists() else Store(f"sqlite:///{path}")
        built_s = time.perf_counter() - t0
        with store.engine.connect() as conn:
            n_spans = conn.exec_driver_sql("SELECT count(*) FROM spans").scalar_one()
            n_runs = conn.exec_driver_sql("SELECT count(*) FROM results").scalar_one()
        evals = list_evals(store)
        traces = [r.trace_id for e in evals for r in load_results(store, e.eval_id) if r.trace_id]
        random.Random(0).shuffle(traces)
        pages: dict[str, Any] = {}
        with UIServer(create_app(Store(f"sqlite:///{path}"))) as srv:
            client = httpx.Client(base_url=srv.url, timeout=60)
            first = timed(client, "/")
            pages["/ (evaluations)"] = stats(
                first, [timed(client, "/") for _ in range(args.repeats)]
            )
            first = timed(client, f"/runs/{traces[0]}")
            pages["/runs/<trace> (span tree)"] = stats(
                first, [timed(client, f"/runs/{t}") for t in traces[1 : args.repeats + 1]]
            )
            for name, path_ in (
                ("/evals/<id> (1,000 runs, charts)", f"/evals/{evals[-1].eval_id}"),
                ("/queue", "/queue"),
                ("/traces?q= (search)", "/traces?q=luggage%20box"),
            ):
                first = timed(client, path_)
                pages[name] = stats(first, [timed(client, path_) for _ in range(5)])
            client.close()
        out = {"spans": n_spans, "runs": n_runs, "evals": len(evals), "build_s": round(built_s, 1)}
        out["pages"] = pages
        if args.json:
            print(json.dumps(out, indent=2))
            return
        print(
            f"store: {n_spans:,} spans, {n_runs:,} runs, {len(evals)} evaluations "
            f"(built in {built_s:.0f} s)"
        )
        print(f"{'page':38} {'first':>9} {'median':>9} {'p95':>9}  n")
        for name, s in pages.items():
            print(
                f"{name:38} {s['first_ms']:>7.1f}ms {s['median_ms']:>7.1f}ms "
                f"{s['p95_ms']:>7.1f}ms  {s['n']}"
            )


if __name__ == "__main__":
    main()
