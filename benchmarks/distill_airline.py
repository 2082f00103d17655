"""The distillation benchmark on the airline task (the README tables).

    python benchmarks/distill_airline.py --rulearena ../shared/data/rulearena --n 5 --out distill.md

1. Source traces, on generated problems in the training phrasings: ``--source real`` records
   the L3 agent of ``--model`` itself (e.g. SmolLM2 after behaviour cloning,
   ``benchmarks/train_airline.py --l3``) and distils its successful runs; ``--source replay``
   drives the L3 agent with the expert-trajectory replay (scripted model), for models whose
   own L3 runs contain no success.
2. Distil them into a module (with the L0 parser as the chain's fast path).
3. Evaluate on RuleArena levels 0-2 and on generated problems in held-out phrasings: the L0
   program, the L3 source (replay), the real L3, the hand-written L1, the distilled L1 alone
   and the distilled chain (L0 → distilled L1), all through the harness; compare and gate the
   chain against the source; run both leak checks.

The replay is not a model: its LLM calls are the expert's steps, its tokens are what those
prompts and replies measure with the model's tokenizer, and it has no meaningful latency.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from behaviorlab.agents import Agent, WorkflowAgent
from behaviorlab.distill import (
    CallableSpec,
    distill,
    dynamic_leak_check,
    escalation_report,
    record_expert_runs,
    static_leak_check_file,
)
from behaviorlab.evals import EvalConfig, RunRecord, compare_evals, compute_metrics, run_eval
from behaviorlab.models import (
    Completion,
    GenerationConfig,
    Message,
    Model,
    PriceTable,
    ScriptedModel,
    ToolSpec,
    get_model,
)
from behaviorlab.store import Store
from behaviorlab.tasks import Scenario, ScenarioOptions, get_task
from behaviorlab.tasks.airline import (
    HELDOUT_TEMPLATES,
    TRAIN_TEMPLATES,
    AirlineProblem,
    expert_model,
    generate_problems,
    load_rulearena,
)
from behaviorlab.tasks.airline._agents import make_l0, make_l1, make_l3

L0_SPEC = "behaviorlab.tasks.airline._agents:l0_fee"
REFERENCE_PRICE = "gpt-4o-mini"


class TokenCountingReplay(ScriptedModel):
    """The expert replay, with usage measured by a real tokenizer on the prompts it is shown
    and on the tool-call text a model would have to write."""

    def __init__(
        self, problems: Sequence[AirlineProblem], count: Callable[[str], int] | None
    ) -> None:
        base = expert_model(problems)
        super().__init__(base.replies, cycle=True, name="expert-replay")
        self.count = count

    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        c = super()._complete(messages, tools=tools, json_schema=json_schema, config=config)
        if self.count is not None:
            c.usage.input_tokens = sum(self.count(m.content) + 4 for m in messages)
            reply = c.text or "\n".join(
                "<tool_call>"
                + json.dumps({"name": t.name, "arguments": t.arguments})
                + "</tool_call>"
                for t in c.tool_calls
            )
            c.usage.output_tokens = self.count(reply)
        return c


def _tokenizer(model: Model | None) -> Callable[[str], int] | None:
    load = getattr(model, "_load", None)
    if load is None:
        return None
    llm = load()
    return lambda text: len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))


def _problems(suite: str, options: ScenarioOptions) -> list[AirlineProblem]:
    levels = [options.level] if options.level is not None else [0, 1, 2]
    out: list[AirlineProblem] = []
    for lvl in levels:
        if options.source == "generated-heldout":
            out += generate_problems(
                options.n or 5, seed=options.seed, level=lvl, templates=list(HELDOUT_TEMPLATES)
            )
        else:
            out += load_rulearena(options.data_dir or "", lvl).problems[: options.n]
    return out


def _row(label: str, rows: list[RunRecord], note: str = "") -> dict[str, Any]:
    m = compute_metrics(rows)
    prices = PriceTable()
    ref = sum(prices.cost(REFERENCE_PRICE, r.input_tokens, r.output_tokens) for r in rows) / max(
        len(rows), 1
    )
    rep = escalation_report(rows)
    parts = [f"{s.level} {s.share:.0%}" for s in rep.shares]
    if rep.declined_all:
        parts.append(f"none (declined/failed) {rep.declined_all / max(rep.runs, 1):.0%}")
    shares = ", ".join(parts)
    return {
        "agent": label,
        "n": m.runs,
        "accuracy": m.accuracy.fmt(),
        "correct": m.accuracy.correct,
        "tokens": m.tokens_mean,
        "latency_s": m.latency_mean_s,
        "cost_usd": m.cost_per_run_usd,
        "ref_cost_usd": ref,
        "llm_calls": m.llm_calls_mean,
        "answered_by": shares,
        "note": note,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| agent | n | accuracy [95% CI] | tokens / problem | latency / problem | cost / problem (local) "
        f"| at {REFERENCE_PRICE} prices | LLM calls / problem | answered by |"
    )
    lines = [head, "|---|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        latency = "—" if "replay" in r["agent"] else f"{r['latency_s']:.2f} s"
        lines.append(
            f"| {r['agent']} | {r['n']} | {r['accuracy']} | {r['tokens']:.0f} | {latency} | ${r['cost_usd']:.4f} "
            f"| ${r['ref_cost_usd']:.5f} | {r['llm_calls']:.2f} | {r['answered_by']} |"
        )
    return "\n".join(lines)


def _replay_factory(
    problems: list[AirlineProblem], count: Callable[[str], int] | None
) -> Callable[[], Agent]:
    return lambda: make_l3(TokenCountingReplay(problems, count))


def _per_level(scenarios: list[Scenario], n: int) -> list[Scenario]:
    """The first ``n`` scenarios of every level, in their order."""
    seen: dict[int | None, int] = {}
    out = []
    for sc in scenarios:
        seen[sc.level] = seen.get(sc.level, 0) + 1
        if seen[sc.level] <= n:
            out.append(sc)
    return out


def _import(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("airline_distilled_bench", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python benchmarks/distill_airline.py", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--rulearena", required=True, help="RuleArena checkout")
    ap.add_argument("--model", default="smollm2-135m", help="the L3 source agent's model")
    ap.add_argument(
        "--ptool-model",
        default=None,
        help="model of the L1 ptools, hand-written and distilled [default: --model]",
    )
    ap.add_argument(
        "--source",
        choices=["replay", "real"],
        default="replay",
        help="distil from the expert replay's runs or from --model's own L3 runs",
    )
    ap.add_argument(
        "--train-n", type=int, default=10, help="training problems per level (expert replay)"
    )
    ap.add_argument("--n", type=int, default=5, help="RuleArena problems per level")
    ap.add_argument(
        "--heldout-n",
        type=int,
        default=None,
        help="held-out-phrasing problems per level [default: --n]",
    )
    ap.add_argument(
        "--l3-n", type=int, default=2, help="real L3 runs per level and suite (0 skips)"
    )
    ap.add_argument(
        "--real-train-n",
        type=int,
        default=0,
        help="real L3 runs of the model on training problems, to count its successes (0 skips)",
    )
    ap.add_argument(
        "--dynamic-n", type=int, default=2, help="held-out scenarios for the dynamic leak check"
    )
    ap.add_argument(
        "--no-llm", action="store_true", help="only the rows that need no model (smoke test)"
    )
    ap.add_argument("--db", default=None, help="store (default: a temporary SQLite file)")
    ap.add_argument("--out", default=None, help="write the Markdown report here")
    ap.add_argument("--workflow", default=None, help="write the distilled module here")
    args = ap.parse_args(argv)
    t0 = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="behaviorlab-distill-bench-"))
    store = Store(args.db or f"sqlite:///{tmp / 'store.db'}")
    task = get_task("airline")
    model = None if args.no_llm else get_model(args.model)
    if args.source == "real" and model is None:
        ap.error("--source real needs a model (drop --no-llm)")
    pmodel: Model | None = (
        model
        if args.ptool_model in (None, args.model) or model is None
        else get_model(args.ptool_model)
    )
    pname = args.ptool_model or args.model
    count = _tokenizer(model)
    report: list[str] = ["# Distillation benchmark (airline)", ""]

    train = [
        p
        for lvl in (0, 1, 2)
        for p in generate_problems(
            args.train_n, seed=1001, level=lvl, templates=list(TRAIN_TEMPLATES)
        )
    ]
    train_scenarios = [
        sc
        for sc in task.scenarios(ScenarioOptions(n=args.train_n, seed=1001, source="generated"))
        if sc.id in {p.id for p in train}
    ]
    if args.source == "real":
        assert model is not None
        src = run_eval(
            EvalConfig(
                task="airline",
                agent="l3",
                model=args.model,
                options=ScenarioOptions(
                    n=args.train_n, seed=1001, extra={"purpose": "distillation source"}
                ),
            ),
            store,
            factory=lambda: make_l3(model),
            scenarios=train_scenarios,
        )
        train_eval = src.record.eval_id
        ok = sum(r.correct for r in src.results)
        source_text = (
            f"Source traces: {len(train_scenarios)} real L3 runs of `{args.model}` on generated "
            f"problems in the training phrasings ({args.train_n} per level), {ok} successful "
            f"(only those are mined), eval `{train_eval}`."
        )
    else:
        train_eval = record_expert_runs(store, "airline", train)
        source_text = (
            f"Source traces: {len(train)} L3 runs driven by the expert-trajectory replay (scripted; "
            f"not model runs) on generated problems in the training phrasings ({args.train_n} per "
            f"level), eval `{train_eval}`."
        )
    wf_path = Path(args.workflow or tmp / "airline_distilled.py")
    res = distill(
        train_eval, wf_path, store=store, l0=CallableSpec.parse(L0_SPEC), name="airline-distilled"
    )
    report += [source_text, "", res.mining.to_markdown(), "", res.static.summary(), ""]
    if args.real_train_n and model is not None and args.source == "replay":
        real_train = [p for lvl in (0, 1, 2) for p in train if p.level == lvl][: args.real_train_n]
        scs = [s for s in train_scenarios if s.id in {p.id for p in real_train}]
        ev = run_eval(
            EvalConfig(
                task="airline",
                agent="l3",
                model=args.model,
                options=ScenarioOptions(extra={"purpose": "real L3 training runs"}),
            ),
            store,
            factory=lambda: make_l3(model),
            scenarios=scs,
            resume=False,
        )
        ok = sum(r.correct for r in ev.results)
        report += [
            f"Real L3 runs of {args.model} on {len(scs)} training problems: {ok} successful "
            f"(eval `{ev.record.eval_id}`).",
            "",
        ]
    mod = _import(wf_path)
    suites = {
        f"RuleArena level {lvl}": ScenarioOptions(
            level=lvl, n=args.n, data_dir=args.rulearena, source="rulearena"
        )
        for lvl in (0, 1, 2)
    }
    suites["Held-out phrasings (generated, levels 0-2)"] = ScenarioOptions(
        n=args.heldout_n or args.n, seed=2002, source="generated-heldout"
    )
    results: dict[str, list[dict[str, Any]]] = {}
    for suite, options in suites.items():
        scenarios: list[Scenario] = task.scenarios(options)
        problems = _problems(suite, options)
        heldout = options.source == "generated-heldout"
        agents: list[tuple[str, Callable[[], Agent], list[Scenario]]] = [
            ("L0 program (hand-written parser)", lambda: make_l0(None), scenarios),
        ]
        if args.source == "replay":
            agents.append(
                (
                    "L3 source: expert-trajectory replay (scripted)",
                    _replay_factory(problems, count),
                    scenarios,
                )
            )
        if model is not None and pmodel is not None:
            pm: Model = pmodel
            l3_scenarios = _per_level(scenarios, args.l3_n)
            if args.source == "real":
                agents.append(
                    (f"L3 source: {args.model} (real)", lambda: make_l3(model), l3_scenarios)
                )
            elif l3_scenarios and not heldout:
                agents.append((f"L3 {args.model} (real)", lambda: make_l3(model), l3_scenarios))
            agents.append((f"L1 hand-written ({pname})", functools.partial(make_l1, pm), scenarios))
            if not heldout:
                agents.append(
                    (
                        f"L1 distilled, alone ({pname})",
                        functools.partial(WorkflowAgent, mod.workflow, pm, name="distilled-l1"),
                        scenarios,
                    )
                )
        agents.append(
            (
                f"distilled chain: L0 → distilled L1 ({pname if model else 'no model'})",
                lambda: mod.make_agent(pmodel),
                scenarios,
            )
        )
        rows, evals = [], {}
        for label, factory, scs in agents:
            ev = run_eval(
                EvalConfig(task="airline", agent=label, model=args.model, options=options),
                store,
                factory=factory,
                scenarios=scs,
                resume=False,
            )
            evals[label] = ev.record.eval_id
            rows.append(_row(label, ev.results))
            print(
                f"[{time.time() - t0:6.0f}s] {suite}: {label}: {rows[-1]['accuracy']}",
                file=sys.stderr,
                flush=True,
            )
        results[suite] = rows
        report += [f"## {suite}", "", _table(rows), ""]
        chain = next(k for k in evals if k.startswith("distilled chain"))
        for source in (k for k in evals if "replay" in k or k.endswith("(real)")):
            cmp = compare_evals(store, evals[source], evals[chain])
            note = (
                "its latency is not a model's"
                if "replay" in source
                else f"on the {cmp.comparison.n_scenarios} problems both ran"
            )
            report += [
                f"Gate, distilled chain vs {source} ({note}): "
                f"**{cmp.decision.verdict}** ({'; '.join(cmp.decision.reasons)})",
                "",
            ]
    report += [
        "## Leak checks",
        "",
        "```",
        static_leak_check_file(wf_path, allow=res.allow).summary(),
    ]
    if pmodel is not None and args.dynamic_n:
        dyn_model: Model = pmodel
        held = task.scenarios(suites["Held-out phrasings (generated, levels 0-2)"])[
            : args.dynamic_n
        ]
        dyn = dynamic_leak_check(
            lambda: WorkflowAgent(mod.workflow, dyn_model, name="distilled-l1"),
            "airline",
            held,
            store=store,
        )
        report.append(dyn.summary())
    report += ["```", "", f"Total wall time: {time.time() - t0:.0f} s. Workflow: `{wf_path}`."]
    text = "\n".join(report) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        Path(args.out).with_suffix(".json").write_text(
            json.dumps(results, indent=2), encoding="utf-8"
        )
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
