"""Behaviour model of Python-Markdown (Markdown -> HTML) on a CPU: forward, reverse, monitor.

    python benchmarks/modelize_markdown.py [--pairs 10000] [--time-limit 1200] [--threads 1]
        [--out .behaviorlab/bench/modelize] [--skip-reverse] [--skip-monitor] [--airline]
        [--forward DIR] [--reverse DIR] [--json]

1. Synthesize disjoint sets of unique inputs from the Markdown grammar and run
   Python-Markdown on them: training (``--pairs``, 10% of it held out for validation and
   early stopping), test, monitor calibration and monitor test.
2. Train the forward model (Markdown -> HTML) and the reverse model (HTML -> Markdown),
   each within ``--time-limit`` seconds of training on ``--threads`` CPU threads.
3. Forward: exact match, ≤1-edit match, BLEU and edit-distance histogram on the held-out
   test inputs; latency of one prediction at a time (median, p90).
4. Reverse: exact match of the predicted input, and round-trip accuracy: the proposed
   input, run through the real Python-Markdown, gives back the wanted HTML (top-1, and any
   of ``--beam`` candidates).
5. Monitor: calibrate the threshold on clean held-out pairs (target false-alarm rate
   ``--false-alarms``), then score a separate set of clean outputs and as many outputs
   broken by each of the 10 injected fault types; precision, recall, F1, AUROC, false
   alarms on clean outputs, recall per fault.
6. ``--airline``: the same monitor on the airline agent. One forward model per fee tool
   (``checked_bag_fee``, ``oversize_overweight_fee``) learns the tool from synthesized
   arguments; its threshold comes from the calls of 100 clean agent runs on other
   problems (0.5% false alarms per call, at least ln 2); then each of ``--airline-runs`` airline
   problems is run by an agent that calls the real tools in the L3 agent's order, once
   clean and once with a fault injected into one tool (half its calls broken: a wrong
   schedule fee, or one dollar off). Reported: share of faulty runs flagged, share of
   broken steps located (the broken call itself flagged), false alarms on clean runs.
   ``--skip-forward --skip-reverse --airline`` runs only this part.

Time: ``--clock cpu`` (default) counts the training process's CPU seconds, which on a
dedicated core equal wall seconds; on a shared machine wall time also counts other
tenants. With ``--threads 1`` the run uses one of the two cores; both times are reported.

Targets (modelize issue): forward exact ≥ 90% with ≤ 10k pairs, ≤ 3M parameters and ≤ 20
minutes of training on 2 CPU cores; round trip ≥ 85%; median latency ≤ 50 ms; monitor
precision, recall and F1 ≥ 0.90, AUROC ≥ 0.97, false alarms ≤ 5%.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from behaviorlab.modelize import (
    HTML_FAULTS,
    BehaviorModel,
    EpochLog,
    ModelConfig,
    Monitor,
    Pair,
    TrainConfig,
    evaluate_accuracy,
    evaluate_inversion,
    evaluate_monitor,
    get_subject,
    inject_faults,
    split_pairs,
    train_model,
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pairs", type=int, default=10000, help="training pairs, validation included")
    ap.add_argument("--test", type=int, default=1000)
    ap.add_argument("--calibrate", type=int, default=500)
    ap.add_argument(
        "--monitor-test",
        type=int,
        default=1000,
        help="clean outputs; as many faulty ones are added",
    )
    ap.add_argument("--false-alarms", type=float, default=0.02)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument(
        "--time-limit", type=float, default=1200.0, help="training seconds per direction"
    )
    ap.add_argument(
        "--threads", type=int, default=1, help="torch threads (see the note on CPU time)"
    )
    ap.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="what --time-limit counts"
    )
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--layers", default="1,1", help="encoder,decoder layers")
    ap.add_argument("--ffn", type=int, default=1024)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--reverse-test", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path(".behaviorlab/bench/modelize"))
    ap.add_argument(
        "--forward", type=Path, help="reuse this forward checkpoint instead of training"
    )
    ap.add_argument(
        "--reverse", type=Path, help="reuse this reverse checkpoint instead of training"
    )
    ap.add_argument("--skip-forward", action="store_true", help="reverse only (for a parallel run)")
    ap.add_argument("--skip-reverse", action="store_true")
    ap.add_argument("--skip-monitor", action="store_true")
    ap.add_argument("--airline", action="store_true", help="also the monitor on the airline agent")
    ap.add_argument("--airline-runs", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    subject = get_subject("markdown")
    report: dict[str, Any] = {
        "machine": {
            "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
        "subject": subject.info().model_dump(),
    }
    t0 = time.perf_counter()
    sets = split_pairs(
        subject,
        {
            "train": args.pairs,
            "test": args.test,
            "calibrate": args.calibrate,
            "monitor": 2 * args.monitor_test,
        },
        seed=args.seed,
    )
    log(f"synthesized {sum(map(len, sets.values()))} pairs in {time.perf_counter() - t0:.1f}s")
    report["data"] = {k: len(v) for k, v in sets.items()}
    enc, dec = (int(x) for x in args.layers.split(","))
    mcfg = ModelConfig(encoder_layers=enc, decoder_layers=dec, ffn=args.ffn, dropout=args.dropout)
    tcfg = TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        warmup_steps=300,
        label_smoothing=args.label_smoothing,
        time_limit_s=args.time_limit,
        clock=args.clock,
        patience=8,
        seed=args.seed,
    )
    report["config"] = {"model": mcfg.model_dump(), "train": tcfg.model_dump()}
    args.out.mkdir(parents=True, exist_ok=True)

    def fit(direction: str, reuse: Path | None) -> BehaviorModel:
        if reuse is not None:
            return BehaviorModel.load(reuse)

        def on_epoch(e: EpochLog) -> None:
            log(
                f"{direction} epoch {e.epoch}: loss {e.train_loss:.4f} val exact {e.val_exact:.1%} "
                f"({e.elapsed_s:.0f} s wall, {e.cpu_s:.0f} s CPU)"
            )

        model = train_model(
            subject,
            sets["train"],
            direction,
            model_config=mcfg,
            train_config=tcfg,
            on_epoch=on_epoch,
        )  # type: ignore[arg-type]
        model.save(args.out / direction)
        return model

    if not args.skip_forward:
        forward = fit("forward", args.forward)
        report["forward"] = forward_report(forward, sets["test"])

    if not args.skip_reverse:
        reverse = fit("reverse", args.reverse)
        rr = reverse.info.report
        inv = evaluate_inversion(subject, reverse, sets["test"][: args.reverse_test], k=args.beam)
        racc = evaluate_accuracy(reverse, sets["test"], latency_items=0)
        report["reverse"] = {
            "parameters": reverse.parameters,
            "epochs": rr.epochs if rr else None,
            "train_s": round(rr.train_s, 1) if rr else None,
            "train_cpu_s": round(rr.train_cpu_s, 1) if rr else None,
            "stopped": rr.stopped if rr else None,
            "greedy_exact": racc.exact,
            "greedy_within_one_edit": racc.within_one_edit,
            **inv.model_dump(),
        }
        log(
            f"reverse round trip top-1 {inv.round_trip_top1:.1%} any-of-{args.beam} {inv.round_trip_any:.1%} exact {inv.reverse_exact:.1%}"
        )

    if not args.skip_monitor and not args.skip_forward:
        pool = sets["monitor"]
        clean, rest = pool[: args.monitor_test], pool[args.monitor_test :]
        faulty = inject_faults(
            rest, HTML_FAULTS, args.monitor_test // len(HTML_FAULTS), seed=args.seed
        )
        mon = Monitor(forward, subject)
        mrep = evaluate_monitor(
            mon, sets["calibrate"], clean, faulty, false_alarm_rate=args.false_alarms
        )
        report["monitor"] = mrep.model_dump()
        log(
            f"monitor P {mrep.precision:.3f} R {mrep.recall:.3f} F1 {mrep.f1:.3f} AUROC {mrep.auroc:.3f} "
            f"false alarms {mrep.false_alarm_rate:.1%}"
        )

    if args.airline:
        from behaviorlab.modelize import evaluate_tool_monitor

        def on_tool_epoch(tool: str, e: EpochLog) -> None:
            log(f"{tool} epoch {e.epoch}: loss {e.train_loss:.4f} val exact {e.val_exact:.1%}")

        arep = evaluate_tool_monitor(
            "airline", runs=args.airline_runs, seed=args.seed, on_epoch=on_tool_epoch
        )
        report["airline"] = arep.model_dump()
        for t in arep.tools:
            log(f"{t.tool}: exact {t.exact:.1%} on {t.calibrated_on}")
        for rr in arep.runs:
            log(
                f"fault {rr.fault} in {rr.tool}: {rr.faulty_runs_flagged:.1%} of {rr.faulty_runs} faulty runs "
                f"flagged, {rr.faulty_steps_located:.1%} of {rr.faulty_steps} broken steps located, "
                f"{rr.clean_runs_flagged:.1%} of clean runs flagged"
            )

    report["wall_s"] = round(time.perf_counter() - t0, 1)
    (args.out / "report.json").write_text(json.dumps(report, indent=1))
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_summary(report)


def forward_report(forward: BehaviorModel, test: list[Pair]) -> dict[str, Any]:
    fr = forward.info.report
    acc = evaluate_accuracy(forward, test, latency_items=200)
    beam = evaluate_accuracy(forward, test, latency_items=50, beam=3)
    log(
        f"forward exact {acc.exact:.1%} ≤1-edit {acc.within_one_edit:.1%} BLEU {acc.bleu:.3f} "
        f"median {acc.latency_ms_median:.1f} ms"
    )
    return {
        "parameters": forward.parameters,
        "train_pairs": fr.train_pairs if fr else None,
        "val_pairs": fr.val_pairs if fr else None,
        "epochs": fr.epochs if fr else None,
        "best_epoch": fr.best_epoch if fr else None,
        "train_s": round(fr.train_s, 1) if fr else None,
        "train_cpu_s": round(fr.train_cpu_s, 1) if fr else None,
        "stopped": fr.stopped if fr else None,
        "history": [h.model_dump() for h in fr.history] if fr else [],
        **acc.model_dump(),
        "beam3": beam.model_dump(),
    }


def print_summary(r: dict[str, Any]) -> None:
    if "forward" in r:
        f = r["forward"]
        print(
            f"forward: {f['parameters']:,} parameters, {f['train_pairs']} training pairs, "
            f"{f['epochs']} epochs in {f['train_s']} s wall / {f['train_cpu_s']} s CPU"
        )
        print(
            f"  exact {f['exact']:.1%}  ≤1-edit {f['within_one_edit']:.1%}  BLEU {f['bleu']:.3f}  "
            f"latency median {f['latency_ms_median']:.1f} ms (p90 {f['latency_ms_p90']:.1f})"
        )
        print(f"  edit distance histogram: {f['edit_histogram']}")
        b = f["beam3"]
        print(
            f"  beam 3: exact {b['exact']:.1%}  ≤1-edit {b['within_one_edit']:.1%}  "
            f"latency median {b['latency_ms_median']:.1f} ms"
        )
    if "reverse" in r:
        v = r["reverse"]
        print(
            f"reverse: round trip top-1 {v['round_trip_top1']:.1%}, any of {v['k']} "
            f"{v['round_trip_any']:.1%}; exact {v['reverse_exact']:.1%} "
            f"({v['epochs']} epochs in {v['train_s']} s wall / {v['train_cpu_s']} s CPU)"
        )
    for rr in r.get("airline", {}).get("runs", []):
        print(
            f"airline agent, {rr['fault']} in {rr['tool']}: faulty runs flagged {rr['faulty_runs_flagged']:.1%} "
            f"(n={rr['faulty_runs']}), broken steps located {rr['faulty_steps_located']:.1%} "
            f"(n={rr['faulty_steps']}), clean runs flagged {rr['clean_runs_flagged']:.1%}"
        )
    if "monitor" in r:
        m = r["monitor"]
        print(
            f"monitor: precision {m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f} "
            f"AUROC {m['auroc']:.3f} false alarms {m['false_alarm_rate']:.1%} "
            f"({m['n_clean']} clean + {m['n_faulty']} faulty)"
        )
        for pf in m["per_fault"]:
            print(f"  {pf['fault']:20} recall {pf['recall']:.1%} (n={pf['n']})")


if __name__ == "__main__":
    main()
