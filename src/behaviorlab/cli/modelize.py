"""``behaviorlab modelize synth|train|eval|predict|invert|monitor``: behaviour models of programs."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, cast

import typer
from rich.table import Table

from behaviorlab.cli._common import StoreOpt, err, fail, open_store, out, print_json, progress_bar
from behaviorlab.modelize import (
    DEFAULT_ROOT,
    AccuracyReport,
    BehaviorModel,
    Direction,
    EpochLog,
    ModelConfig,
    Monitor,
    MonitorReport,
    Pair,
    Subject,
    TrainConfig,
    evaluate_accuracy,
    evaluate_inversion,
    evaluate_monitor,
    faults_for,
    get_subject,
    inject_faults,
    invert,
    load_model,
    model_name,
    read_pairs,
    register_model,
    synthesize,
    train_model,
    write_pairs,
)
from behaviorlab.registry import ModelRegistry, RegistryError

app = typer.Typer(
    help="Behaviour models: learn a program's input/output behaviour from generated inputs; "
    "use the model as a mock, run it in reverse, or monitor the live program with it.",
    no_args_is_help=True,
)

SubjectArg = typer.Argument(..., help="Subject: markdown, sql, airline, or package.module:factory")
ModelOpt = typer.Option(
    None, "--model", "-m", help="Registry ref (name, name@3, name@alias) or checkpoint folder"
)
JsonOpt = typer.Option(False, "--json", help="Print the report as JSON on stdout")


def _subject(name: str) -> Subject:
    try:
        return get_subject(name)
    except (KeyError, ImportError, TypeError) as e:
        fail(str(e))
        raise AssertionError from e


def _text(value: str) -> str:
    """``-`` reads stdin, ``@path`` reads a file, anything else is the text itself."""
    if value == "-":
        return sys.stdin.read()
    if value.startswith("@"):
        return Path(value[1:]).read_text()
    return value


def _load(ref: str | None, subject: Subject, direction: str, db: str | None) -> BehaviorModel:
    ref = ref or model_name(subject.name, direction)  # type: ignore[arg-type]
    try:
        registry = None if (Path(ref) / "model.json").is_file() else ModelRegistry(open_store(db))
        model = load_model(ref, registry)
    except (RegistryError, FileNotFoundError) as e:
        fail(f"{e} (train one with: behaviorlab modelize train {subject.name})")
        raise AssertionError from e
    except ImportError as e:
        fail(str(e))
        raise AssertionError from e
    if model.info.direction != direction:
        fail(f"{ref} is a {model.info.direction} model; this command needs a {direction} one")
    if model.info.subject and model.info.subject != subject.name:
        err.print(f"[yellow]warning:[/] {ref} was trained on subject {model.info.subject!r}")
    return model


def _synth(
    subject: Subject, n: int, seed: int, exclude: list[str], label: str, quiet: bool
) -> list[Pair]:
    with progress_bar(label, enabled=not quiet) as p:
        task = p.add_task(label, total=n, status="")
        res = synthesize(
            subject,
            n,
            seed=seed,
            exclude=exclude,
            on_progress=lambda k: p.update(task, completed=k),
        )
    if len(res.pairs) < n:
        err.print(f"[yellow]only {len(res.pairs)} unique accepted inputs (asked for {n})[/]")
    return res.pairs


def _held_out(model: BehaviorModel, path: str | None) -> list[str]:
    """Training inputs to leave out of evaluation: saved beside the checkpoint by ``train``."""
    for candidate in ([Path(path)] if path else []) + [
        Path(model.info.checkpoint or "") / "train_pairs.jsonl"
    ]:
        if candidate.is_file():
            return [p.input for p in read_pairs(candidate)]
    return []


@app.command("synth")
def synth_cmd(
    subject: str = SubjectArg,
    n: int = typer.Option(1000, "-n", help="Unique inputs to generate"),
    seed: int = typer.Option(0, "--seed"),
    output: Path = typer.Option(
        Path("pairs.jsonl"), "--out", "-o", help="JSONL file of {input, output}"
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Generate unique inputs from the subject's grammar and record the subject's outputs."""
    subj = _subject(subject)
    t0 = time.process_time()
    with progress_bar("synth", enabled=not as_json) as p:
        task = p.add_task("synth", total=n, status="")
        res = synthesize(subj, n, seed=seed, on_progress=lambda k: p.update(task, completed=k))
    cpu = time.process_time() - t0
    write_pairs(res.pairs, output)
    stats = {
        "subject": subj.name,
        "pairs": len(res.pairs),
        "failures": res.failures,
        "duplicates": res.duplicates,
        "coverage": round(res.coverage, 4),
        "inputs_per_cpu_s": round(len(res.pairs) / res.generate_s, 1) if res.generate_s else None,
        "cpu_s": round(cpu, 3),
        "out": str(output),
    }
    if as_json:
        print_json(stats)
    else:
        _kv_table(f"synthesized {subj.name}", stats)


@app.command("train")
def train_cmd(
    subject: str = SubjectArg,
    pairs: int = typer.Option(
        5000, "--pairs", "-n", help="Training pairs to synthesize (10%% are validation)"
    ),
    data: Path | None = typer.Option(None, "--data", help="Use pairs from this JSONL file instead"),
    direction: str = typer.Option("forward", "--direction", "-d", help="forward, reverse or both"),
    epochs: int = typer.Option(30, "--epochs"),
    batch_size: int = typer.Option(64, "--batch-size"),
    lr: float = typer.Option(5e-4, "--lr"),
    label_smoothing: float = typer.Option(0.0, "--label-smoothing"),
    patience: int = typer.Option(5, "--patience"),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Stop after this many seconds"
    ),
    clock: str = typer.Option(
        "wall", "--clock", help="What --time-limit counts: wall or cpu seconds"
    ),
    stop_at: float | None = typer.Option(
        None, "--stop-at", help="Stop once validation exact match reaches this"
    ),
    d_model: int = typer.Option(256, "--d-model"),
    layers: str = typer.Option("1,1", "--layers", help="encoder,decoder layers"),
    ffn: int = typer.Option(1024, "--ffn"),
    threads: int | None = typer.Option(None, "--threads", help="torch CPU threads"),
    seed: int = typer.Option(0, "--seed"),
    name: str | None = typer.Option(
        None, "--name", help="Registry name [default: modelize-SUBJECT-DIRECTION]"
    ),
    models_dir: Path = typer.Option(
        DEFAULT_ROOT, "--models-dir", help="Where checkpoints are written"
    ),
    db: str | None = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Train a behaviour model and register it (with a manifest) in the model registry."""
    subj = _subject(subject)
    dirs = ["forward", "reverse"] if direction == "both" else [direction]
    if any(d not in ("forward", "reverse") for d in dirs):
        fail("--direction must be forward, reverse or both")
    enc, dec = (int(x) for x in layers.split(","))
    mcfg = ModelConfig(d_model=d_model, encoder_layers=enc, decoder_layers=dec, ffn=ffn)
    tcfg = TrainConfig(
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        label_smoothing=label_smoothing,
        patience=patience,
        seed=seed,
        time_limit_s=time_limit,
        clock="cpu" if clock == "cpu" else "wall",
        stop_at_val_exact=stop_at,
    )
    if threads:
        import torch

        torch.set_num_threads(threads)
    train_pairs = read_pairs(data) if data else _synth(subj, pairs, seed, [], "synth", as_json)
    registry = ModelRegistry(open_store(db))
    results = []
    for d in cast(list[Direction], dirs):
        with progress_bar(f"train {d}", enabled=not as_json) as p:
            task = p.add_task(f"train {d}", total=epochs, status="")

            def on_epoch(log: EpochLog, p: Any = p, task: Any = task) -> None:
                p.update(
                    task,
                    completed=log.epoch,
                    status=f"loss {log.train_loss:.3f} val exact {log.val_exact:.1%}",
                )

            try:
                model = train_model(
                    subj, train_pairs, d, model_config=mcfg, train_config=tcfg, on_epoch=on_epoch
                )
            except ImportError as e:
                fail(str(e))
                raise AssertionError from e
        mv = register_model(model, registry, name=name if len(dirs) == 1 else None, root=models_dir)
        write_pairs(train_pairs, Path(mv.path) / "train_pairs.jsonl")
        report = model.info.report
        results.append(
            {
                "ref": mv.ref,
                "path": mv.path,
                "direction": d,
                "parameters": model.parameters,
                "val_exact": report.val_exact if report else None,
                "epochs": report.epochs if report else None,
                "train_s": round(report.train_s, 1) if report else None,
                "stopped": report.stopped if report else None,
            }
        )
    if as_json:
        print_json(results)
    else:
        for r in results:
            _kv_table(f"registered {r['ref']}", r)


@app.command("eval")
def eval_cmd(
    subject: str = SubjectArg,
    model_ref: str | None = ModelOpt,
    direction: str = typer.Option("forward", "--direction", "-d"),
    n: int = typer.Option(500, "-n", help="Held-out inputs to synthesize"),
    data: Path | None = typer.Option(None, "--data", help="Evaluate on pairs from this JSONL file"),
    exclude: str | None = typer.Option(
        None, "--exclude", help="JSONL of training pairs to keep out"
    ),
    seed: int = typer.Option(12345, "--seed"),
    k: int = typer.Option(5, "-k", help="Candidates per output (reverse)"),
    db: str | None = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Accuracy on held-out inputs: exact match, ≤1-edit match, BLEU, edit distances, latency."""
    subj = _subject(subject)
    model = _load(model_ref, subj, direction, db)
    pairs = (
        read_pairs(data)
        if data
        else _synth(subj, n, seed, _held_out(model, exclude), "synth", as_json)
    )
    with progress_bar("predict", enabled=not as_json) as p:
        task = p.add_task("predict", total=len(pairs), status="")
        acc = evaluate_accuracy(model, pairs, on_progress=lambda i: p.update(task, completed=i))
    report: dict[str, Any] = {
        "model": model.info.subject,
        "direction": direction,
        **acc.model_dump(),
    }
    if direction == "reverse":
        with progress_bar("round trip", enabled=not as_json) as p:
            task = p.add_task("round trip", total=len(pairs), status="")
            inv = evaluate_inversion(
                subj, model, pairs, k=k, on_progress=lambda i: p.update(task, completed=i)
            )
        report["inversion"] = inv.model_dump()
    if as_json:
        print_json(report)
        return
    _accuracy_table(acc, f"{subj.name} {direction}: {len(pairs)} held-out pairs")
    if "inversion" in report:
        _kv_table("inversion (checked on the real subject)", report["inversion"])


@app.command("predict")
def predict_cmd(
    subject: str = SubjectArg,
    text: str = typer.Argument(..., help="Input text, @file or - for stdin"),
    model_ref: str | None = ModelOpt,
    beam: int = typer.Option(0, "--beam", help="Show this many beam candidates"),
    compare: bool = typer.Option(False, "--compare", help="Also run the real subject"),
    db: str | None = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """What the forward model predicts the subject outputs for an input."""
    subj = _subject(subject)
    model = _load(model_ref, subj, "forward", db)
    source = _text(text)
    t0 = time.perf_counter()
    pred = model.predict(source)
    latency = time.perf_counter() - t0
    result: dict[str, Any] = {"prediction": pred, "latency_ms": round(1000 * latency, 2)}
    if beam:
        result["candidates"] = [
            {"text": c.text, "logprob": c.logprob} for c in model.candidates(source, k=beam)
        ]
    if compare:
        actual = subj.run(source)
        result |= {"actual": actual, "match": actual == pred}
    if as_json:
        print_json(result)
        return
    out.print(pred, markup=False, highlight=False)
    for c in result.get("candidates", []):
        err.print(f"[dim]{c['logprob']:8.3f}[/]  {c['text']!r}", markup=True, highlight=False)
    if compare:
        err.print(
            "[green]matches the subject[/]"
            if result["match"]
            else f"[red]subject says:[/] {result['actual']!r}"
        )


@app.command("invert")
def invert_cmd(
    subject: str = SubjectArg,
    output: str = typer.Argument(..., help="Wanted output text, @file or - for stdin"),
    model_ref: str | None = ModelOpt,
    k: int = typer.Option(5, "-k", help="Inputs to propose"),
    db: str | None = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Propose inputs that should produce OUTPUT, each checked by running the real subject."""
    subj = _subject(subject)
    model = _load(model_ref, subj, "reverse", db)
    inv = invert(subj, model, _text(output), k=k)
    if as_json:
        print_json(inv.model_dump())
        return
    t = Table(title=f"inputs proposed for {subj.name}")
    for col in ("#", "logprob", "round trip", "input"):
        t.add_column(col)
    for i, c in enumerate(inv.candidates, 1):
        ok = "[green]yes[/]" if c.round_trip else ("[red]error[/]" if c.error else "[yellow]no[/]")
        t.add_row(str(i), f"{c.logprob:.3f}", ok, repr(c.input))
    out.print(t)
    if inv.found is None:
        raise typer.Exit(1)


@app.command("monitor")
def monitor_cmd(
    subject: str = SubjectArg,
    model_ref: str | None = ModelOpt,
    calibrate: int = typer.Option(
        500, "--calibrate", help="Clean held-out pairs for the threshold"
    ),
    n: int = typer.Option(500, "-n", help="Clean test pairs (as many faulty ones are added)"),
    faults: str = typer.Option("all", "--faults", help="Comma-separated fault names, or all"),
    false_alarms: float = typer.Option(
        0.02, "--false-alarms", help="Target false-alarm rate on clean pairs"
    ),
    mismatch_weight: float = typer.Option(4.0, "--mismatch-weight"),
    seed: int = typer.Option(777, "--seed"),
    record: bool = typer.Option(
        True, "--record/--no-record", help="Record anomaly spans in the trace store"
    ),
    db: str | None = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Inject faults into the subject's outputs and measure the monitor (AUROC, precision, recall)."""
    subj = _subject(subject)
    model = _load(model_ref, subj, "forward", db)
    available = faults_for(subj)
    chosen = (
        available
        if faults == "all"
        else {f: available[f] for f in faults.split(",") if f in available}
    )
    if not chosen:
        fail(f"no such fault; available: {', '.join(available)}")
    held = _held_out(model, None)
    cal = _synth(subj, calibrate, seed, held, "calibration set", as_json)
    test = _synth(subj, 2 * n, seed + 1, held + [p.input for p in cal], "test set", as_json)
    clean, pool = test[:n], test[n:]
    faulty = inject_faults(pool, chosen, max(1, n // len(chosen)), seed=seed)
    from behaviorlab.trace import Recorder

    recorder = Recorder(open_store(db)) if record else None
    mon = Monitor(model, subj, mismatch_weight=mismatch_weight, recorder=recorder)
    report = evaluate_monitor(mon, cal, clean, faulty, false_alarm_rate=false_alarms)
    if recorder is not None:
        recorder.flush()
    if as_json:
        print_json(report.model_dump())
        return
    _monitor_table(report, subj.name)


def _kv_table(title: str, rows: dict[str, Any]) -> None:
    t = Table(title=title, show_header=False)
    t.add_column("key")
    t.add_column("value")
    for k, v in rows.items():
        t.add_row(k, _fmt(v))
    out.print(t)


def _fmt(v: Any) -> str:
    if not isinstance(v, float):
        return str(v)
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"


def _accuracy_table(acc: AccuracyReport, title: str) -> None:
    _kv_table(
        title,
        {
            "exact match": f"{acc.exact:.1%}",
            "≤1-edit match": f"{acc.within_one_edit:.1%}",
            "BLEU": f"{acc.bleu:.3f}",
            "mean edit distance (tokens)": f"{acc.mean_edit_distance:.2f}",
            "latency median / p90 (ms)": f"{acc.latency_ms_median or 0:.1f} / {acc.latency_ms_p90 or 0:.1f}",
        },
    )
    h = Table(title="edit distance histogram")
    h.add_column("tokens")
    h.add_column("pairs")
    h.add_column("")
    top = max(acc.edit_histogram.values(), default=1) or 1
    for bucket, count in acc.edit_histogram.items():
        h.add_row(bucket, str(count), "█" * round(30 * count / top))
    out.print(h)


def _monitor_table(r: MonitorReport, name: str) -> None:
    _kv_table(
        f"monitor on {name}: {r.n_clean} clean + {r.n_faulty} faulty outputs",
        {
            "threshold": r.calibration.threshold,
            "AUROC": f"{r.auroc:.3f}",
            "precision": f"{r.precision:.3f}",
            "recall": f"{r.recall:.3f}",
            "F1": f"{r.f1:.3f}",
            "false alarms on clean": f"{r.false_alarm_rate:.1%}",
        },
    )
    t = Table(title="recall by fault")
    t.add_column("fault")
    t.add_column("n")
    t.add_column("recall")
    for f in r.per_fault:
        t.add_row(f.fault, str(f.n), f"{f.recall:.1%}")
    out.print(t)
