"""Latency of llama.cpp decoding settings: the shipped L1 extraction on RuleArena, or the
shipped function-calling agent on BFCL.

    python benchmarks/llamacpp_decode.py [--workload l1|bfcl] [--n 3] \
        [--settings lib/full,lib/lazy,0/full,0/lazy] [--rulearena ../shared/data/rulearena]

Each setting is THREADS/GRAMMAR. THREADS: ``lib`` = llama-cpp-python's own default, which the
project used before (``cpu_count() // 2`` threads decode, ``cpu_count()`` read the prompt);
``0`` = the project's default, ``default_threads()`` for both; a number = that many for both.
GRAMMAR: ``full`` = llama.cpp's grammar sampler tests the whole vocabulary at every step (the
project's decoding before); ``lazy`` = ``GrammarMask`` tests the model's choice first (the
default now).

Workloads: ``l1``, the first ``n`` problems of each RuleArena level through the L1 extraction
(the shipped adapter under the generic constraints, greedy, the workflow's retries); ``bfcl``,
the first ``n`` items of six BFCL categories through the ``fc`` agent with every call kept (the
shipped adapter under the tool-call grammar, greedy). The settings take turns on each problem
(the order rotated, so a slow spell of the machine falls on all alike), each on its own model,
loaded and warmed before the timing. Reported: wall seconds per problem (median and mean),
output tokens per second, and the ratio of each row's median to the first row's, all measured
in this run. The outputs must be the same in every row (greedy decoding; a thread count
changes the order of floating-point sums, so a rare tie could differ: the count of differences
is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from behaviorlab.agents import using_model
from behaviorlab.models import get_model
from behaviorlab.models._llamacpp import default_threads
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import extract_airline_params, l1_output_type
from behaviorlab.tasks.airline._task import SHIPPED_L1_MODEL, load_problems
from behaviorlab.tasks.bfcl import FunctionCallingAgent, load_category, scenario_for
from behaviorlab.tasks.bfcl._task import REPORT_SLICES, SHIPPED_FC_MODEL

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rulearena"


def setting(spec: str) -> tuple[str, dict[str, object]]:
    """A label and the model's keyword arguments for one ``--settings`` entry."""
    threads, _, grammar = spec.partition("/")
    if grammar not in ("full", "lazy"):
        raise SystemExit(f"setting {spec!r}: the grammar part is full or lazy")
    cpus = os.cpu_count() or 1
    if threads == "lib":
        label, decode, batch = f"lib {max(cpus // 2, 1)}/{cpus}", max(cpus // 2, 1), cpus
    else:
        decode = batch = int(threads) or default_threads()
        label = f"{'default ' if threads == '0' else ''}{decode}/{batch}"
    kwargs = {"n_threads": decode, "n_threads_batch": batch, "lazy_grammar": grammar == "lazy"}
    return f"{label} {grammar}", kwargs


#: the categories the README reports (those of the frozen report slices), in their order
BFCL_CATEGORIES = tuple(s.partition("[")[0] for s in REPORT_SLICES)


def run_bfcl(model: object, item: object) -> tuple[float, int, str]:
    """Wall seconds, output tokens and the decoded output for one BFCL item through ``fc``."""
    agent = FunctionCallingAgent(model, name="fc-always")  # type: ignore[arg-type]
    t0 = time.perf_counter()
    result = agent.run(scenario_for(item).input)  # type: ignore[arg-type]
    wall = time.perf_counter() - t0
    return wall, result.output_tokens, json.dumps(result.output, default=str)


def run_l1(model: object, problem: object) -> tuple[float, int, str]:
    """Wall seconds, output tokens and the extraction (or the error's name) for one problem."""
    extract = extract_airline_params.with_output(l1_output_type(problem.prompt))  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    try:
        with using_model(model):  # type: ignore[arg-type]
            value, completions = extract.run(problem.prompt)  # type: ignore[attr-defined]
        out = value.model_dump_json()
    except Exception as e:  # a failed extraction is a result here
        completions, out = [], f"error: {type(e).__name__}"
    wall = time.perf_counter() - t0
    return wall, sum(c.usage.output_tokens for c in completions), out


Runner = Callable[[object, object], tuple[float, int, str]]


def measure(
    specs: list[str],
    problems: list,  # type: ignore[type-arg]
    model_id: str,
    run_one: Runner,
) -> list[dict[str, object]]:
    """Every setting on every problem, the settings taking turns problem by problem (the
    order rotated) so that a slower or faster spell of the machine falls on all alike."""
    labelled = [setting(s) for s in specs]
    models = [get_model(model_id, **kwargs) for _, kwargs in labelled]
    walls: list[list[float]] = [[] for _ in specs]
    tokens = [0 for _ in specs]
    outputs: list[list[str]] = [[] for _ in specs]
    try:
        for m in models:  # load, and warm each model once, untimed
            run_one(m, problems[0])
        for i, p in enumerate(tqdm(problems, desc="problems")):
            for k in [(i + j) % len(specs) for j in range(len(specs))]:
                wall, toks, out = run_one(models[k], p)
                walls[k].append(wall)
                tokens[k] += toks
                outputs[k].append(out)
    finally:
        for m in models:
            m.close()
    return [
        {
            "label": label,
            "median_s": statistics.median(walls[k]),
            "mean_s": statistics.fmean(walls[k]),
            "out_tok_per_s": tokens[k] / sum(walls[k]),
            "outputs": outputs[k],
        }
        for k, (label, _) in enumerate(labelled)
    ]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--workload", choices=("l1", "bfcl"), default="l1")
    ap.add_argument("--n", type=int, default=3, help="problems per RuleArena level / BFCL category")
    ap.add_argument(
        "--settings",
        default="lib/full,lib/lazy,0/full,0/lazy",
        help="THREADS/GRAMMAR, comma-separated; the first is the baseline",
    )
    ap.add_argument("--rulearena", default=str(DEFAULT_DATA))
    ap.add_argument("--model", help="default: the workload's shipped model")
    args = ap.parse_args()
    problems: list[object]
    run_one: Runner = run_l1 if args.workload == "l1" else run_bfcl
    if args.workload == "l1":
        args.model = args.model or SHIPPED_L1_MODEL
        problems = list(
            load_problems(ScenarioOptions(source="rulearena", n=args.n, data_dir=args.rulearena))
        )
    else:
        args.model = args.model or SHIPPED_FC_MODEL
        problems = [item for c in BFCL_CATEGORIES for item in load_category(c, args.n)]
    rows = measure(args.settings.split(","), problems, args.model, run_one)
    base = rows[0]
    what = "RuleArena problems" if args.workload == "l1" else "BFCL items"
    print(f"{len(problems)} {what}, {args.model}")
    print(
        f"{'threads/grammar':>18} {'median s':>9} {'mean s':>7} {'out tok/s':>10} {'ratio':>6} {'differ':>7}"
    )
    for r in rows:
        differ = sum(a != b for a, b in zip(r["outputs"], base["outputs"], strict=True))  # type: ignore[call-overload]
        ratio = float(r["median_s"]) / float(base["median_s"])  # type: ignore[arg-type]
        print(
            f"{r['label']:>18} {r['median_s']:>9.2f} {r['mean_s']:>7.2f} {r['out_tok_per_s']:>10.1f}"
            f" {ratio:>6.2f} {differ:>7}"
        )


if __name__ == "__main__":
    main()
