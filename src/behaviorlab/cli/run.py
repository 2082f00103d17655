"""``behaviorlab run TASK``: the main job. One pass over the scenarios, traced and scored."""

from __future__ import annotations

from pathlib import Path

import typer

from behaviorlab.cli._common import StoreOpt, fail, open_store
from behaviorlab.cli._evalcmd import execute, summarise
from behaviorlab.evals import EvalConfig
from behaviorlab.tasks import ScenarioOptions


def run(
    task: str = typer.Argument(..., help="Task name, e.g. airline"),
    agent: str = typer.Option(
        "l1",
        "--agent",
        "-a",
        help="Agent: a task's own (airline: l0, l1, l1-unnarrowed, l3, cot) or a .py file",
    ),
    model: str | None = typer.Option(
        None, "--model", "-m", help="provider/model [default: llamacpp/smollm2-135m]"
    ),
    level: int | None = typer.Option(None, "--level", "-l", help="Difficulty level"),
    n: int | None = typer.Option(None, "-n", help="Number of scenarios (first n)"),
    rulearena: Path | None = typer.Option(
        None, "--rulearena", help="RuleArena checkout; without it the task's own generator is used"
    ),
    source: str | None = typer.Option(
        None, "--source", help="Scenario source (rulearena | generated | generated-heldout)"
    ),
    split: str | None = typer.Option(
        None, "--split", help="Dataset split (tooluse: heldout; bfcl: the category)"
    ),
    seed: int = typer.Option(0, "--seed"),
    workers: int = typer.Option(1, "--workers", "-w"),
    jsonl: bool = typer.Option(
        False, "--jsonl", help="Print one JSON object per scenario on stdout, nothing else"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON on stdout"),
    otlp: str | None = typer.Option(
        None,
        "--otlp",
        envvar="BEHAVIORLAB_OTLP_ENDPOINT",
        help="Also export spans to this OTLP/HTTP endpoint",
    ),
    db: str | None = StoreOpt,
) -> None:
    """Run an agent over a task's scenarios once and print accuracy, tokens, latency and cost."""
    if rulearena is not None and not rulearena.exists():
        fail(f"RuleArena directory not found: {rulearena}")
    store = open_store(db)
    config = EvalConfig(
        task=task,
        agent=agent,
        model=model,
        options=ScenarioOptions(
            level=level,
            n=n,
            seed=seed,
            source=source,
            split=split,
            data_dir=str(rulearena) if rulearena else None,
        ),
        workers=workers,
    )
    result = execute(config, store, jsonl=jsonl, resume=False, quiet=False, otlp=otlp)
    summarise(result, as_json=as_json and not jsonl)
