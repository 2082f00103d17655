"""The airline L1 agent and its ablations on RuleArena, the dev families and the test families.

    python benchmarks/airline_l1.py eval --set rulearena --set dev --set test -n 4 \\
        --variant shipped --variant untuned --variant unconstrained --variant model-free \\
        [--rulearena ../shared/data/rulearena] [--db .behaviorlab/bench/airline_l1.db]
    python benchmarks/airline_l1.py calibrate --eval <dev eval id> [--eval <dev-more eval id>] \\
        [--max-risk 0.01]
    python benchmarks/airline_l1.py calibrate --eval <test eval id> --threshold <from dev>

Variants (all answer without a confidence threshold, ``l1-always``, so the risk-coverage
curve covers every answer; the shipped threshold is applied afterwards by ``calibrate``):

- shipped: SmolLM2-135M + the packaged LoRA adapter, under the generic constraints;
- untuned: the packaged SmolLM2-135M, under the constraints;
- unconstrained: the shipped model, the decoder free within the plain schema (validation
  still checks the constraints and retries);
- model-free: no model, the first value the constraints allow (``constraints/first``).

``--model`` puts a candidate (another adapter) in the shipped model's place, to choose
between variants on the dev split.

``-n`` problems per level and set (the frozen dev/test splits are cut to their first ``n``
per level; RuleArena to its first ``n``; ``dev-more`` draws ``n`` per level afresh from the
dev families, for a calibration that needs more than the frozen 66). The test set is for
reporting once per model, never for choosing (tune on dev). Prints one row per (variant, set) and writes
``results.json`` beside the store.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from behaviorlab.agents import Declined
from behaviorlab.evals import EvalConfig, compute_metrics, load_results, run_eval
from behaviorlab.models import GenerationConfig, get_model
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import bags_left_out, l1_output_type, make_l1
from behaviorlab.tasks.airline._task import SHIPPED_L1_MODEL

VARIANTS = {
    "shipped": (SHIPPED_L1_MODEL, True),
    "untuned": ("llamacpp/smollm2-135m", True),
    "unconstrained": (SHIPPED_L1_MODEL, False),
    "model-free": ("constraints/first", True),
}
SOURCES = {
    "rulearena": "rulearena",
    "dev": "families-dev",
    "dev-more": "families-dev-more",
    "test": "families-test",
}


def _eval(args: argparse.Namespace) -> None:
    store = Store(f"sqlite:///{args.db}")
    rows_out = []
    for variant in args.variant:
        model_id, constrained = VARIANTS[variant]
        if args.model and model_id == SHIPPED_L1_MODEL:
            model_id = args.model  # a candidate adapter in the shipped one's place
        kwargs = {"n_threads": args.threads} if model_id.startswith("llamacpp/") else {}
        model = get_model(model_id, config=GenerationConfig(max_tokens=args.max_tokens), **kwargs)
        for name in args.set:
            source = SOURCES[name]
            cfg = EvalConfig(
                task="airline",
                agent="l1-always" if constrained else "l1-unconstrained",
                model=model_id,
                options=ScenarioOptions(
                    source=source,
                    level=args.level,
                    n=args.n,
                    data_dir=args.rulearena if source == "rulearena" else None,
                ),
            )
            run = run_eval(
                cfg,
                store,
                factory=lambda m=model, c=constrained: make_l1(
                    m, constrained=c, min_confidence=0.0
                ),
            )
            m = compute_metrics(load_results(store, run.record.eval_id))
            rc = m.risk_coverage
            row = {
                "variant": variant,
                "set": name,
                "eval_id": run.record.eval_id,
                "n": m.runs,
                "correct": m.accuracy.correct,
                "by_level": {k: f"{v.correct}/{v.n}" for k, v in m.by_level.items()},
                "wrong": round(m.wrong_rate * m.runs),
                "declined": round(m.declined_rate * m.runs),
                "aurc": rc.aurc if rc else None,
                "tokens": m.tokens_mean,
                "latency_p50_s": m.latency_p50_s,
                "llm_calls": m.llm_calls_mean,
            }
            rows_out.append(row)
            print(json.dumps(row), flush=True)
    out = Path(args.db).with_name("results.json")
    old = json.loads(out.read_text()) if out.is_file() else []
    out.write_text(json.dumps(old + rows_out, indent=2))


def _left_out(store: Store, trace_id: str | None) -> bool | None:
    """``bags_left_out`` read again from a stored run: the passenger text the extraction
    prompt holds and the extraction its last model call wrote (None where either is missing),
    for runs recorded before the workflow noted it."""
    llm = [s for s in store.trace_spans(trace_id) if s.kind == "llm"] if trace_id else []
    if not llm or not llm[-1].output or not llm[-1].input:
        return None
    text = json.loads(llm[-1].input)[-1]["content"].split("passenger_text:\n", 1)[-1]
    try:
        output_type = l1_output_type(text)
        return bags_left_out(output_type, output_type.model_validate_json(llm[-1].output))
    except (Declined, ValueError):
        return None


def _calibrate(args: argparse.Namespace) -> None:
    store = Store(f"sqlite:///{args.db}")
    rows = [r for eval_id in args.eval for r in load_results(store, eval_id)]
    if args.reread_left_out:  # a left-out bag reads as a confidence of 0, as l1 now reads it
        for r in rows:
            readable = not r.declined and isinstance(r.extra.get(args.signal), int | float)
            if readable and _left_out(store, r.trace_id):
                r.extra[args.signal] = 0.0
    rc = compute_metrics(rows).risk_coverage
    ranked = sorted(
        (
            (float(r.extra[args.signal]), r.correct)
            for r in rows
            if isinstance(r.extra.get(args.signal), int | float) and not r.declined
        ),
        key=lambda x: -x[0],
    )
    if args.threshold is not None:  # a threshold chosen elsewhere (on dev), applied here
        best = args.threshold
    else:  # the lowest confidence whose answered share keeps the error rate within max_risk
        best, misses = 1.0 + 1e-9, 0
        for k, (conf, ok) in enumerate(ranked, start=1):
            misses += not ok
            if misses / k <= args.max_risk:
                best = conf
    answered = sum(c >= best for c, _ in ranked)
    wrong = sum(c >= best and not ok for c, ok in ranked)
    print(
        json.dumps(
            {
                "threshold": best,
                "answered": answered,
                "right": answered - wrong,
                "wrong": wrong,
                "of": len(rows),
                "aurc": rc.aurc if rc else None,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("eval")
    e.add_argument("--set", action="append", choices=list(SOURCES), required=True)
    e.add_argument("--variant", action="append", choices=list(VARIANTS), required=True)
    e.add_argument("-n", type=int, default=4)
    e.add_argument("--level", type=int, choices=[0, 1, 2], help="one level only (default: all)")
    e.add_argument("--rulearena", default="../shared/data/rulearena")
    e.add_argument("--threads", type=int, default=2)
    e.add_argument("--max-tokens", type=int, default=400)
    e.add_argument(
        "--model",
        help="a candidate in the shipped model's place (shipped and unconstrained variants), "
        "e.g. llamacpp/smollm2-135m+path/to/adapter.gguf",
    )
    e.add_argument("--db", default=".behaviorlab/bench/airline_l1/store.db")
    c = sub.add_parser("calibrate")
    c.add_argument(
        "--eval", action="append", required=True, help="an eval id; repeat to pool several"
    )
    c.add_argument("--max-risk", type=float, default=0.01)
    c.add_argument(
        "--signal",
        default="confidence",
        help="the run note to rank by: confidence (what l1 acts on) or a candidate such as "
        "confidence_list_ends",
    )
    c.add_argument("--threshold", type=float, help="apply this threshold instead of choosing one")
    c.add_argument(
        "--reread-left-out",
        action="store_true",
        help="read bags_left_out again from the stored extractions (runs recorded before l1 "
        "noted it) and rank a left-out bag's answer at confidence 0",
    )
    c.add_argument("--db", default=".behaviorlab/bench/airline_l1/store.db")
    args = ap.parse_args()
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    (_eval if args.cmd == "eval" else _calibrate)(args)


if __name__ == "__main__":
    main()
