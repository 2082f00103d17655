"""Shared by ``run`` and ``eval``: build the config, run with a progress bar, print the summary."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from behaviorlab.cli._common import err, fail, print_json, progress_bar
from behaviorlab.evals import (
    EvalConfig,
    EvalMetrics,
    EvalRun,
    EvaluationStopped,
    RunRecord,
    compute_metrics,
    run_eval,
    unscored_summary,
)
from behaviorlab.models import ModelError
from behaviorlab.store import Store
from behaviorlab.tasks import Scenario, Task, get_task
from behaviorlab.trace import OTLPExporter


def execute(
    config: EvalConfig,
    store: Store,
    *,
    jsonl: bool = False,
    resume: bool = True,
    quiet: bool = False,
    otlp: str | None = None,
) -> EvalRun:
    try:
        task = get_task(config.task, config.options.task_args)
    except KeyError as e:
        fail(str(e.args[0]))
        raise
    state: dict[str, Any] = {"correct": 0, "done": 0}
    with progress_bar(f"{config.task} · {config.agent}", enabled=not quiet) as bar:
        tid = bar.add_task(f"{config.task} · {config.agent}", total=None, status="")

        def on_start(total: int, already: int) -> None:
            bar.update(tid, total=total, status=f"(resumed {already} done)" if already else "")

        def on_result(rec: RunRecord, sc: Scenario) -> None:
            if rec.infra_error is not None:
                bar.update(tid, advance=1, status="[red]infrastructure error[/]")
            else:
                state["done"] += 1
                state["correct"] += int(rec.correct)
                bar.update(tid, advance=1, status=f"acc {state['correct'] / state['done']:.0%}")
            if jsonl:
                print_json(jsonl_row(task, rec, sc))

        try:
            exporters = [OTLPExporter(otlp)] if otlp else None
            run = run_eval(
                config,
                store,
                resume=resume,
                on_result=on_result,
                on_start=on_start,
                exporters=exporters,
            )
        except EvaluationStopped as e:
            fail(str(e), code=3)
            raise
        except (FileNotFoundError, ValueError, KeyError, ImportError, ModelError) as e:
            fail(str(e))
            raise
    return run


def jsonl_row(task: Task, rec: RunRecord, sc: Scenario) -> dict[str, Any]:
    row: dict[str, Any] = {"index": sc.metadata.get("index"), "scenario_id": sc.id}
    row["answer"] = task.jsonl_answer(rec)
    row.update({"correct": rec.correct, "declined": rec.declined, "error": rec.error})
    row.update(task.jsonl_fields(rec, sc))
    if rec.infra_error is not None:
        row["infra_error"] = rec.infra_error
    return row


def metrics_table(title: str, m: EvalMetrics) -> Table:
    t = Table(title=title, show_lines=False)
    t.add_column("metric")
    t.add_column("value", justify="right")
    t.add_row("runs (scenarios × repeats)", f"{m.runs} ({m.scenarios} × {m.repeats})")
    if m.unscored:
        t.add_row("[red]not scored (infrastructure errors)[/]", str(m.unscored))
    t.add_row("accuracy [Wilson 95%]", m.accuracy.fmt())
    for lvl, acc in m.by_level.items():
        t.add_row(f"  level {lvl}", acc.fmt())
    for cat, acc in m.by_category.items():
        t.add_row(f"  {cat}", acc.fmt())
    t.add_row("declined / errors", f"{m.declined_rate:.1%} / {m.error_rate:.1%}")
    t.add_row("wrong answers (answered, not right)", f"{m.wrong_rate:.1%}")
    if m.risk_coverage is not None and m.risk_coverage.aurc is not None:
        rc = m.risk_coverage
        t.add_row("coverage / risk / AURC", f"{rc.coverage:.1%} / {rc.risk:.1%} / {rc.aurc:.3f}")
    t.add_row(
        "tokens per run (in + out)", f"{m.input_tokens_mean:.0f} + {m.output_tokens_mean:.0f}"
    )
    t.add_row("LLM calls per run", f"{m.llm_calls_mean:.2f}")
    t.add_row("tool calls per run", f"{m.tool_calls_mean:.2f}")
    t.add_row(
        "latency p50 / p95", f"{m.latency_p50_s * 1000:.1f} ms / {m.latency_p95_s * 1000:.1f} ms"
    )
    t.add_row("cost per run", f"${m.cost_per_run_usd:.5f}")
    t.add_row("CPU seconds per run", f"{m.cpu_s_mean:.2f}")
    t.add_row("model / tool time per run", f"{m.model_s_mean:.2f} s / {m.tool_s_mean:.2f} s")
    if m.repeats > 1:
        t.add_row("repeat disagreement", f"{m.repeat_disagreement:.1%}")
    if m.tool_f1_mean is not None:
        t.add_row(
            "tool P / R / F1",
            f"{m.tool_precision_mean:.2f} / {m.tool_recall_mean:.2f} / {m.tool_f1_mean:.2f}",
        )
    return t


def summarise(run: EvalRun, *, as_json: bool = False) -> EvalMetrics:
    m = compute_metrics(run.results)
    if as_json:
        print_json({"eval_id": run.record.eval_id, "metrics": m.model_dump()})
    else:
        err.print(
            metrics_table(f"{run.record.eval_id}  ({run.record.agent} · {run.record.model})", m)
        )
        if run.resumed:
            err.print(f"resumed: {run.resumed} runs were already recorded, {run.ran} ran now")
    why = unscored_summary(run.results)
    if why is not None:
        fail(
            f"evaluation {run.record.eval_id}: {why}; run the same command again to resume",
            code=3,
        )
    return m
