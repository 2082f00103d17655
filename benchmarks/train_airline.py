"""Fine-tune the default SmolLM2-135M for the airline L1 extraction ptool and measure it.

    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena \\
        [--workdir .behaviorlab/bench/train_airline] [--phase all|data|baseline|train|after|report] \\
        [--n-train 20] [--epochs 1] [--lr 5e-4] [--heldout-n 20] [--l3 [--l3-base l1]]

The README's figures came from (data, train; after; L3 cloning; the untuned baseline and the
report last):

    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --phase data --n-train 300
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --phase train \
        --n-train 300 --epochs 1 --lr 4e-4 --grad-accum 4 --warmup 10 --threads 2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --phase after \
        --heldout-n 20 --eval-threads 2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --phase train \
        --heldout-n 20 --l3 --l3-base l1 --l3-train 24 --l3-n 5 --lr 4e-4 --grad-accum 1 \
        --warmup 5 --threads 2 --eval-threads 2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --phase report \
        --heldout-n 20 --baseline-n 4 --l3 --l3-base l1 --l3-train 24 --l3-n 5 --eval-threads 2

The second stage (the README's current L1 figures) trains on top of the first's merged model,
in its own workdir, with the item numbers copied from the text, retry examples and the
numbered checked-then-cabin phrasing drawn more often:

    W=.behaviorlab/bench/train_airline_s2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --workdir $W \
        --phase data --n-train 110 --retry-n 30 --train-seed 2000 \
        --weight numbered_checked_then_cabin=3 --weight labeled_dims=2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --workdir $W \
        --phase train --init-from .behaviorlab/bench/train_airline/merged --n-train 110 \
        --epochs 1 --lr 3e-4 --grad-accum 4 --warmup 5 --threads 2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --workdir $W \
        --phase after --heldout-n 20 --eval-threads 2
    python benchmarks/train_airline.py --rulearena ../shared/data/rulearena --workdir $W \
        --phase report --heldout-n 20 --baseline-n 4 --eval-threads 2

Not a CI job: the L1 training runs for about 75 minutes on 2 CPU cores (≈100 tokens/s), an
L1 evaluation of the 300 RuleArena problems through llama.cpp 15-40 minutes (3-8 s a problem,
by machine), the untuned baseline ≈ 55 s a problem (three attempts, each to the token limit),
hence ``--baseline-n``; L3 cloning ≈ 28 minutes, its after-evaluations ≈ 2 minutes a problem.

What it does (every phase reuses what an earlier run finished, so it can be resumed; a killed
training run continues from its newest checkpoint, written every ``--save-steps`` steps):

1. data: ``--n-train`` generated problems per level in the L1 training phrasings
   (``L1_TRAIN_TEMPLATES``: the parser's and the augmentation ones, RuleArena's own phrasing
   drawn ``--rulearena-weight`` times as often; seeds from 1000, never RuleArena's problems), the L1 ptool's exact prompts
   (``extract_airline_params.messages``) with targets ``target_for(problem)`` checked by the
   L0 calculator; exported with hygiene (10% of inputs held out by hash).
2. baseline: the L1 workflow on the packaged GGUF (llama.cpp) on all 300 RuleArena problems
   and on ``--heldout-n`` generated problems per level in the HELDOUT_TEMPLATES phrasings
   (seed 90001, disjoint from training).
3. train: LoRA SFT (completion-only loss) of SmolLM2 dequantised to fp32; merge; GGUF export
   in f16 (the base's Q4_1 values are exact in f16, so before/after differ only by the update;
   ``--quant template`` re-quantizes to Q4_1, which rounded a short run's update away);
   registered as ``smollm2-airline@candidate``.
4. after: the same evaluations with the fine-tuned GGUF; the gate compares the arms.
5. report: ``results.json`` and ``results.md`` in the workdir (per level: accuracy, tokens,
   latency, CPU seconds, cost).

``--l3`` adds the behaviour-cloning run: expert ReAct trajectories (the L0 program's tool
calls) → SFT → the L3 agent before/after on ``--l3-n`` problems per level.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from itertools import zip_longest
from pathlib import Path
from typing import Any

from sqlalchemy import select

from behaviorlab.evals import EvalConfig, compare_evals, load_results, run_eval
from behaviorlab.models import get_model, packaged_gguf
from behaviorlab.registry import ModelRegistry
from behaviorlab.store import Store
from behaviorlab.store import _schema as s
from behaviorlab.tasks import Scenario, ScenarioOptions, get_task
from behaviorlab.tasks.airline import (
    L1_TRAIN_TEMPLATES,
    TRAIN_TEMPLATES,
    airline_problems,
    cloning_examples,
    extraction_examples,
    retry_examples,
)
from behaviorlab.train import (
    LoraSettings,
    SplitSpec,
    TrainSettings,
    export_dataset,
    export_gguf,
    merge_adapter,
    read_manifest,
    register_training,
    train_sft,
)

TRAIN_SEED = 1000
RETRY_SEED = 3000
HELDOUT_SEED = 90001
BASE = "llamacpp/smollm2-135m"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def finished_eval(store: Store, cfg: EvalConfig, *, partial: bool = False) -> str | None:
    """The newest finished evaluation with this configuration (or, ``partial``, any)."""
    q = select(s.evals.c.eval_id).where(s.evals.c.config_hash == cfg.config_hash())
    if not partial:
        q = q.where(s.evals.c.status == "finished")
    q = q.order_by(s.evals.c.created_at.desc())
    with store.engine.connect() as conn:
        return conn.execute(q).scalars().first()


NO_RUN = False  # set by --no-run: report what exists, run nothing
EVAL_THREADS: int | None = None  # set by --eval-threads: llama.cpp threads for the evaluations
FRESH = False  # set by --fresh: evaluate anew (no reuse, no resume)


def interleaved(opts: ScenarioOptions) -> list[Scenario]:
    """Levels in turn (0, 1, 2, 0, 1, 2, ...), so a run cut short still covers every level."""
    by_level: dict[int | None, list[Scenario]] = {}
    for sc in get_task("airline").scenarios(opts):
        by_level.setdefault(sc.level, []).append(sc)
    return [sc for group in zip_longest(*by_level.values()) for sc in group if sc is not None]


def evaluate(
    store: Store, label: str, agent: str, model_id: str, opts: ScenarioOptions
) -> str | None:
    cfg = EvalConfig(task="airline", agent=agent, model=model_id, options=opts)
    done = None if FRESH else finished_eval(store, cfg, partial=NO_RUN)
    if done or NO_RUN:
        log(f"{label}: reusing {done}")
        return done
    make = get_task("airline").agent_factories[agent]
    model = get_model(model_id, n_threads=EVAL_THREADS) if EVAL_THREADS else get_model(model_id)
    t0 = time.time()
    count = {"n": 0, "ok": 0}

    def on_result(rec: Any, _sc: Any) -> None:
        count["n"] += 1
        count["ok"] += int(rec.correct)
        if count["n"] % 25 == 0:
            log(f"  {label}: {count['n']} done, {count['ok']} correct, {time.time() - t0:.0f}s")

    run = run_eval(
        cfg,
        store,
        factory=lambda: make(model, opts),
        scenarios=interleaved(opts),
        on_result=on_result,
    )
    log(f"{label}: {run.record.eval_id} in {time.time() - t0:.0f}s")
    return run.record.eval_id


def summarise(store: Store, eval_id: str) -> dict[str, Any]:
    rows = load_results(store, eval_id)
    out: dict[str, Any] = {}
    for key in ["all", 0, 1, 2]:
        rs = rows if key == "all" else [r for r in rows if r.level == key]
        if not rs:
            continue
        lat = [r.latency_s for r in rs]
        out[str(key)] = {
            "n": len(rs),
            "accuracy": sum(r.correct for r in rs) / len(rs),
            "declined_or_error": sum(bool(r.declined or r.error) for r in rs) / len(rs),
            "tokens_mean": statistics.fmean(r.tokens for r in rs),
            "output_tokens_mean": statistics.fmean(r.output_tokens for r in rs),
            "latency_mean_s": statistics.fmean(lat),
            "latency_p50_s": statistics.median(lat),
            "cpu_s_mean": statistics.fmean(r.cpu_s for r in rs),
            "cost_usd_total": sum(r.cost_usd for r in rs),
            "llm_calls_mean": statistics.fmean(r.llm_calls for r in rs),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rulearena", type=Path, required=True)
    ap.add_argument("--workdir", type=Path, default=Path(".behaviorlab/bench/train_airline"))
    ap.add_argument(
        "--phase", default="all", choices=["all", "data", "baseline", "train", "after", "report"]
    )
    ap.add_argument("--n-train", type=int, default=20, help="generated training problems per level")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--grad-accum", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=0, help="warm-up optimizer steps")
    ap.add_argument(
        "--save-steps",
        type=int,
        default=10,
        help="checkpoint every N steps; a killed run resumes from the newest one",
    )
    ap.add_argument(
        "--top-layers", type=int, default=0, help="adapt only the top N layers (0: all)"
    )
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument(
        "--heldout-n", type=int, default=20, help="held-out-phrasing problems per level"
    )
    ap.add_argument(
        "--rulearena-n",
        type=int,
        default=None,
        help="RuleArena problems per level (default all 100)",
    )
    ap.add_argument(
        "--baseline-n",
        type=int,
        default=None,
        help="problems per level for the untuned baseline, RuleArena and held-out alike "
        "(default: as many as the after arm); the gate pairs the problems both arms ran",
    )
    ap.add_argument(
        "--rulearena-weight",
        type=int,
        default=4,
        help="draw RuleArena's own phrasing this many times as often as each other training "
        "phrasing (the problems are still generated, never RuleArena's)",
    )
    ap.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="PHRASING=K",
        help="draw another training phrasing K times as often (repeatable)",
    )
    ap.add_argument(
        "--train-seed",
        type=int,
        default=TRAIN_SEED,
        help="seed of the generated training problems (a second stage uses another)",
    )
    ap.add_argument(
        "--templates",
        default="l1",
        choices=["l1", "parser"],
        help="training phrasings: 'l1' (the parser's and the augmentation ones) or 'parser' "
        "(the L0 parser's only, as in the first measured run)",
    )
    ap.add_argument(
        "--retry-n",
        type=int,
        default=0,
        help="generated problems per level rendered as a second attempt after a copy slip "
        "(retry_examples), added to the training data",
    )
    ap.add_argument(
        "--init-from",
        type=Path,
        default=None,
        help="train on top of this merged model directory (a previous run's merged/) "
        "instead of the packaged SmolLM2",
    )
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    ap.add_argument("--quant", default="f16", choices=["f16", "q8_0", "template"])
    ap.add_argument("--threads", type=int, default=None, help="torch threads for training")
    ap.add_argument(
        "--eval-threads", type=int, default=None, help="llama.cpp threads for the evaluations"
    )
    ap.add_argument(
        "--l1-agent",
        default="l1",
        choices=["l1", "l1-unconstrained"],
        help="[after] the L1 agent the fine-tuned model is measured as: 'l1-unconstrained' lets "
        "the decoder write any bag figures (the ablation of the bag narrowing)",
    )
    ap.add_argument("--l3", action="store_true", help="also the L3 behaviour-cloning run")
    ap.add_argument("--l3-n", type=int, default=5, help="[--l3] evaluation problems per level")
    ap.add_argument("--l3-train", type=int, default=10, help="[--l3] expert trajectories per level")
    ap.add_argument(
        "--l3-base",
        default="smollm2-135m",
        help="[--l3] model the behaviour cloning starts from: smollm2-135m, or 'l1' for the "
        "merged L1 extraction model of this run (it has already learnt to copy bags)",
    )
    ap.add_argument("--l3-epochs", type=float, default=1.0)
    ap.add_argument("--l3-max-steps", type=int, default=None)
    ap.add_argument(
        "--no-run", action="store_true", help="report the evaluations as they stand, run none"
    )
    ap.add_argument(
        "--fresh",
        action="store_true",
        help="run the phase's evaluations anew, neither reusing finished ones nor resuming "
        "unfinished ones (their configuration does not record the code: after a change to "
        "the agent, an old result would pass for a new one)",
    )
    args = ap.parse_args()
    global NO_RUN, EVAL_THREADS, FRESH
    NO_RUN, FRESH = args.no_run, args.fresh
    EVAL_THREADS = args.eval_threads
    if not (args.rulearena / "airline").is_dir():
        sys.exit(f"no RuleArena airline data under {args.rulearena}")
    wd = args.workdir.resolve()
    wd.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{wd / 'store.db'}")
    phases = (
        {args.phase} if args.phase != "all" else {"data", "baseline", "train", "after", "report"}
    )
    ra = ScenarioOptions(
        source="rulearena", data_dir=str(args.rulearena.resolve()), n=args.rulearena_n
    )
    held = ScenarioOptions(source="generated-heldout", n=args.heldout_n, seed=HELDOUT_SEED)
    data_dir, adapter, merged, gguf = (
        wd / "data",
        wd / "sft",
        wd / "merged",
        wd / f"sft-{args.quant}.gguf",
    )

    weights = {"rulearena": args.rulearena_weight}
    for spec in args.weight:
        name, _, k = spec.partition("=")
        if not k.isdigit():
            sys.exit(f"--weight wants PHRASING=K with K a whole number, got {spec!r}")
        weights[name] = int(k)
    if "data" in phases and not (data_dir / "report.json").is_file():
        templates = L1_TRAIN_TEMPLATES if args.templates == "l1" else TRAIN_TEMPLATES
        problems = airline_problems(
            args.n_train, seed=args.train_seed, templates=templates, weights=weights
        )
        exs, check = extraction_examples(problems)
        if args.retry_n:
            again = airline_problems(
                args.retry_n, seed=RETRY_SEED, templates=templates, weights=weights
            )
            exs += retry_examples(again, seed=RETRY_SEED)
        rep = export_dataset(
            data_dir, exs, split=SplitSpec(heldout_fraction=0.1), sources=["generated"]
        )
        log(f"data: {check.kept}/{check.generated} labelled; {rep.summary()}")

    base_ids: dict[str, str | None] = {}
    if "baseline" in phases or "report" in phases:
        cut = {"n": args.baseline_n} if args.baseline_n else {}
        base_ids["rulearena"] = evaluate(
            store, "baseline RuleArena", "l1", BASE, ra.model_copy(update=cut)
        )
        base_ids["heldout"] = evaluate(
            store, "baseline held-out phrasings", "l1", BASE, held.model_copy(update=cut)
        )

    if "train" in phases and not gguf.is_file():
        settings = TrainSettings(
            epochs=args.epochs,
            learning_rate=args.lr,
            batch_size=1,
            grad_accum=args.grad_accum,
            max_length=2048,
            seed=0,
            logging_steps=1,
            max_steps=args.max_steps,
            save_steps=args.save_steps,
            resume=True,
            warmup=args.warmup,
            threads=args.threads,
            precision=args.precision,
            lora=LoraSettings(
                layers=list(range(30 - args.top_layers, 30)) if args.top_layers else None
            ),
        )
        t0 = time.time()

        def on_log(e: dict[str, Any]) -> None:
            if "loss" in e:
                log(
                    f"  sft step {e['step']}/{e['max_steps']} loss={e['loss']:.4f} acc={e.get('mean_token_accuracy', 0):.3f} "
                    f"tokens={e.get('num_tokens')} {time.time() - t0:.0f}s"
                )

        base = str(args.init_from.resolve()) if args.init_from else "smollm2-135m"
        res = train_sft(base, data_dir, adapter, settings, on_log=on_log)
        m = res.manifest.metrics
        log(
            f"sft: {m['steps']} steps, {m['tokens_per_epoch']} tokens/epoch, {res.manifest.duration_s:.0f}s, "
            f"loss {m['first_loss']} -> {m['last_loss']}"
        )
        merge_adapter(adapter, merged)
        export_gguf(merged, gguf, template=packaged_gguf(), quant=args.quant)
        reg = ModelRegistry(store)
        mv = register_training(reg, "smollm2-airline", res)
        g = reg.register(
            "smollm2-airline",
            gguf,
            {"model_id": f"llamacpp/{gguf}", "merged_from": str(adapter)},
            kind="gguf",
        )
        reg.set_alias("smollm2-airline", "candidate", g.version)
        log(f"registered {mv.ref} (adapter) and {g.ref} (gguf, candidate)")

    after_ids: dict[str, str | None] = {}
    if ("after" in phases or "report" in phases) and gguf.is_file():
        # the held-out phrasings first: the shorter run, and the open question
        after_ids["heldout"] = evaluate(
            store, "after held-out phrasings", args.l1_agent, f"llamacpp/{gguf}", held
        )
        after_ids["rulearena"] = evaluate(
            store, "after RuleArena", args.l1_agent, f"llamacpp/{gguf}", ra
        )

    l3: dict[str, Any] = {}
    if args.l3:
        l3 = run_l3(store, wd, args, ra)

    if "report" in phases and base_ids and after_ids:
        write_report(store, wd, args, base_ids, after_ids, adapter, l3)


def run_l3(store: Store, wd: Path, args: argparse.Namespace, ra: ScenarioOptions) -> dict[str, Any]:
    l3_base = str(wd / "merged") if args.l3_base == "l1" else args.l3_base
    data_dir, adapter, merged, gguf = (
        wd / "l3-data",
        wd / "l3-sft",
        wd / "l3-merged",
        wd / f"l3-sft-{args.quant}.gguf",
    )
    opts = ra.model_copy(update={"n": args.l3_n})
    held = ScenarioOptions(source="generated-heldout", n=args.l3_n, seed=HELDOUT_SEED)
    out: dict[str, dict[str, str | None]] = {"before": {}, "after": {}}
    out["before"]["rulearena"] = evaluate(store, "L3 baseline RuleArena", "l3", BASE, opts)
    out["before"]["heldout"] = evaluate(store, "L3 baseline held-out", "l3", BASE, held)
    if not gguf.is_file():
        if not (data_dir / "report.json").is_file():
            exs = cloning_examples(airline_problems(args.l3_train, seed=TRAIN_SEED + 500))
            rep = export_dataset(
                data_dir, exs, split=SplitSpec(heldout_fraction=0.1), sources=["cloning"]
            )
            log(f"L3 data: {rep.summary()}")
        settings = TrainSettings(
            epochs=args.l3_epochs,
            learning_rate=args.lr,
            batch_size=1,
            grad_accum=args.grad_accum,
            max_length=4096,
            max_steps=args.l3_max_steps,
            save_steps=args.save_steps,
            resume=True,
            logging_steps=1,
            warmup=args.warmup,
            threads=args.threads,
            precision=args.precision,
        )
        t0 = time.time()
        res = train_sft(
            l3_base,
            data_dir,
            adapter,
            settings,
            on_log=lambda e: (
                log(
                    f"  l3 sft step {e.get('step')}/{e.get('max_steps')} loss={e.get('loss')} "
                    f"{time.time() - t0:.0f}s"
                )
                if "loss" in e
                else None
            ),
        )
        log(
            f"L3 sft: {res.manifest.duration_s:.0f}s, loss {res.manifest.metrics['first_loss']} -> {res.manifest.metrics['last_loss']}"
        )
        merge_adapter(adapter, merged)
        export_gguf(merged, gguf, template=packaged_gguf(), quant=args.quant)
    out["after"]["rulearena"] = evaluate(
        store, "L3 after RuleArena", "l3", f"llamacpp/{gguf}", opts
    )
    out["after"]["heldout"] = evaluate(store, "L3 after held-out", "l3", f"llamacpp/{gguf}", held)
    return out


def _row(label: str, sm: dict[str, Any]) -> str:
    cells = []
    for key in ["0", "1", "2", "all"]:
        v = sm.get(key)
        cells.append(f"{v['accuracy']:.1%} ({v['n']})" if v else "-")
    a = sm["all"]
    return (
        f"| {label} | "
        + " | ".join(cells)
        + f" | {a['tokens_mean']:.0f} | {a['latency_mean_s']:.2f} | {a['cpu_s_mean']:.2f} | ${a['cost_usd_total']:.2f} |"
    )


def write_report(
    store: Store,
    wd: Path,
    args: argparse.Namespace,
    base: dict[str, str | None],
    after: dict[str, str | None],
    adapter: Path,
    l3: dict[str, Any],
) -> None:
    res: dict[str, Any] = {"command": " ".join(sys.argv), "cpu_count": os.cpu_count(), "evals": {}}
    for arm, ids in (("before", base), ("after", after)):
        for split, eid in ids.items():
            if eid:
                res["evals"][f"{arm}.{split}"] = {"eval_id": eid, **summarise(store, eid)}
    gates = {}
    for split in base:
        b_id, a_id = base[split], after.get(split)
        if not (b_id and a_id):
            continue
        rep = compare_evals(store, b_id, a_id)
        gates[split] = {"verdict": rep.decision.verdict, "reasons": rep.decision.reasons}
    res["gate"] = gates
    if (adapter / "manifest.json").is_file():
        m = read_manifest(adapter)
        res["training"] = {
            "duration_s": m.duration_s,
            "data_version": m.data.version,
            "n_examples": m.data.n_examples,
            "config": m.config,
            "metrics": {k: v for k, v in m.metrics.items() if k != "log"},
            "environment": m.environment.model_dump(),
        }
    if l3:
        res["l3"] = {
            arm: {
                split: {"eval_id": eid, **summarise(store, eid)}
                for split, eid in ids.items()
                if eid
            }
            for arm, ids in l3.items()
        }
    (wd / "results.json").write_text(json.dumps(res, indent=2, default=str))
    hdr = "| model | level 0 | level 1 | level 2 | all | tokens/run | latency s | CPU s | cost |\n|---|---|---|---|---|---|---|---|---|"
    lines = ["## L1 workflow, SmolLM2-135M (llama.cpp), before/after SFT", ""]
    for split, title in (
        ("rulearena", "RuleArena airline (300)"),
        ("heldout", "Generated, held-out phrasings"),
    ):
        lines += [f"### {title}", "", hdr]
        for arm, label in (
            ("before", "before (packaged Q4_1)"),
            ("after", f"after (SFT, {args.quant})"),
        ):
            if f"{arm}.{split}" in res["evals"]:
                lines.append(_row(label, res["evals"][f"{arm}.{split}"]))
        if split in gates:
            lines += ["", f"gate: {gates[split]['verdict']}", ""]
    if "training" in res:
        t = res["training"]
        lines.append(
            f"training: {t['n_examples']} examples (data {t['data_version']}), {t['metrics'].get('steps')} steps, "
            f"{t['duration_s']:.0f}s on {t['environment']['cpu']} ×{t['environment']['cores']}, "
            f"loss {t['metrics'].get('first_loss'):.3f} → {t['metrics'].get('last5_loss') or t['metrics'].get('last_loss'):.3f} (mean of the last 5 steps)"
        )
    if l3:
        lines += ["", "## L3 agent (ReAct), before/after behaviour cloning", "", hdr]
        for arm in ("before", "after"):
            for split in ("rulearena", "heldout"):
                if split in res["l3"][arm]:
                    lines.append(_row(f"{arm} · {split}", res["l3"][arm][split]))
    (wd / "results.md").write_text("\n".join(lines) + "\n")
    log(f"report: {wd / 'results.md'}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
