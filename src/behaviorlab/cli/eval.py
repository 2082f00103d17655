"""``eval``, ``compare``, ``history``, ``report``: the evaluation harness from the shell."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from behaviorlab.cli._common import (
    DataOpt,
    ScorerOpt,
    StoreOpt,
    TaskArgOpt,
    err,
    fail,
    open_store,
    print_json,
    scenario_options,
)
from behaviorlab.cli._evalcmd import execute, summarise
from behaviorlab.evals import (
    BudgetConfig,
    EvalConfig,
    EvalNotFoundError,
    GateCriteria,
    compare_evals,
    history,
)


def eval_cmd(
    task: str = typer.Argument(
        ..., help="Task: a name (airline), tasks.py@NAME, or data.jsonl|.csv|.parquet"
    ),
    agent: str = typer.Option(
        ...,
        "--agent",
        "-a",
        help="Agent: a task's own (airline: l0, l1, l1-unconstrained, l1-always, l3, cot) or a .py file",
    ),
    model: str | None = typer.Option(
        None, "--model", "-m", help="provider/model [default: llamacpp/smollm2-135m]"
    ),
    level: int | None = typer.Option(None, "--level", "-l"),
    n: int | None = typer.Option(None, "-n", help="Number of scenarios"),
    repeats: int = typer.Option(1, "--repeats", "-k", help="Runs per scenario"),
    workers: int = typer.Option(1, "--workers", "-w", help="Parallel workers"),
    executor: str = typer.Option("local", "--executor", help="local | ray"),
    data: Path | None = DataOpt,
    task_args: list[str] = TaskArgOpt,
    scorer: str | None = ScorerOpt,
    source: str | None = typer.Option(None, "--source"),
    split: str | None = typer.Option(None, "--split", help="Dataset split (e.g. heldout)"),
    seed: int = typer.Option(0, "--seed"),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="Per-run token budget"),
    max_cost: float | None = typer.Option(None, "--max-cost", help="Per-run cost budget (USD)"),
    timeout: float | None = typer.Option(None, "--timeout", help="Per-run time budget (s)"),
    new: bool = typer.Option(
        False, "--new", help="Start a new evaluation even if an unfinished one matches"
    ),
    jsonl: bool = typer.Option(False, "--jsonl"),
    as_json: bool = typer.Option(False, "--json", help="Print eval id and metrics as JSON"),
    otlp: str | None = typer.Option(
        None,
        "--otlp",
        envvar="BEHAVIORLAB_OTLP_ENDPOINT",
        help="Also export spans to this OTLP/HTTP endpoint",
    ),
    db: str | None = StoreOpt,
) -> None:
    """Evaluate an agent: scenarios × repeats, parallel, recorded, resumable after a crash."""
    if executor not in ("local", "ray"):
        fail(f"--executor must be local or ray, not {executor!r}")
    store = open_store(db)
    config = EvalConfig(
        task=task,
        agent=agent,
        model=model,
        options=scenario_options(
            level=level,
            n=n,
            seed=seed,
            source=source,
            split=split,
            data=data,
            task_args=task_args,
            scorer=scorer,
        ),
        repeats=repeats,
        seed=seed,
        workers=workers,
        executor=executor,  # type: ignore[arg-type]
        budget=BudgetConfig(max_tokens=max_tokens, max_cost_usd=max_cost, timeout_s=timeout),
    )
    run = execute(config, store, jsonl=jsonl, resume=not new, otlp=otlp)
    summarise(run, as_json=as_json)
    if not as_json:
        err.print(f"eval id: [bold]{run.record.eval_id}[/]")


def compare_cmd(
    baseline: str = typer.Argument(..., help="Baseline eval id (or prefix, or 'latest')"),
    candidate: str = typer.Argument(..., help="Candidate eval id"),
    min_accuracy_ratio: float = typer.Option(
        0.95, help="Candidate accuracy ≥ this × baseline (lower bound)"
    ),
    max_latency_ratio: float = typer.Option(
        1.10, help="Latency ratio upper bound must be below this"
    ),
    max_cost_ratio: float = typer.Option(1.20, help="Cost ratio upper bound must be below this"),
    confidence: float = typer.Option(0.95),
    seed: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json"),
    markdown: Path | None = typer.Option(
        None, "--markdown", help="Also write the comparison as Markdown"
    ),
    db: str | None = StoreOpt,
) -> None:
    """Paired comparison (McNemar, bootstrap, Holm) and the regression gate. Exit 1 on REJECT."""
    store = open_store(db)
    crit = GateCriteria(
        min_accuracy_ratio=min_accuracy_ratio,
        max_latency_ratio=max_latency_ratio,
        max_cost_ratio=max_cost_ratio,
        confidence=confidence,
    )
    try:
        rep = compare_evals(store, baseline, candidate, crit, seed=seed)
    except (EvalNotFoundError, ValueError) as e:
        fail(str(e))
        raise
    if as_json:
        print_json(rep.model_dump(mode="json"))
    else:
        from rich.markdown import Markdown

        err.print(Markdown(rep.to_markdown()))
        colour = "green" if rep.decision.verdict == "APPROVE" else "red"
        err.print(f"[bold {colour}]{rep.decision.verdict}[/]")
        for reason in rep.decision.reasons:
            err.print(f"  - {reason}")
        typer.echo(rep.decision.verdict)
    if markdown:
        markdown.write_text(rep.to_markdown() + "\n")
    if rep.decision.verdict != "APPROVE":
        raise typer.Exit(1)


def history_cmd(
    task: str | None = typer.Option(None, "--task"),
    metric: str = typer.Option("accuracy", "--metric"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """The trend of a metric per configuration (agent, model, level, prompt) over evaluations."""
    store = open_store(db)
    try:
        series = history(store, task, metric)
    except KeyError as e:
        fail(str(e.args[0]))
        raise
    if as_json:
        print_json([s.model_dump() for s in series])
        return
    import time

    for s in series:
        t = Table(title=s.key)
        for col in ("eval", "when", "code", "n", metric):
            t.add_column(col)
        prev = None
        for p in s.points:
            val = "-" if p.value is None else (f"{p.value:.3f}")
            trend = (
                ""
                if prev is None or p.value is None
                else (" ↑" if p.value > prev else " ↓" if p.value < prev else " =")
            )
            t.add_row(
                p.eval_id,
                time.strftime("%Y-%m-%d %H:%M", time.localtime(p.created_at)),
                p.code_version,
                str(p.n),
                val + trend,
            )
            if p.value is not None:
                prev = p.value
        err.print(t)
        for p in s.points:
            if p.unscored:
                err.print(f"[yellow]skipped {p.eval_id}:[/] {p.unscored}")
    if not series:
        err.print("no evaluations recorded yet")


def report_cmd(
    evals: list[str] = typer.Argument(
        ..., help="Eval ids; the first is the baseline for A/B deltas"
    ),
    output: Path = typer.Option(Path("report.html"), "-o", "--output"),
    db: str | None = StoreOpt,
) -> None:
    """A self-contained HTML report with charts, plus the same tables as Markdown and JSON."""
    from behaviorlab.report import build_report

    store = open_store(db)
    try:
        paths = build_report(store, evals, output)
    except (EvalNotFoundError, ValueError) as e:
        fail(str(e))
        raise
    for p in paths:
        err.print(f"wrote {p}")
