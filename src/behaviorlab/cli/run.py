"""``behaviorlab run TASK``: the main job. One pass over the scenarios, traced and scored."""

from __future__ import annotations

from pathlib import Path

import typer

from behaviorlab.cli._common import (
    DataOpt,
    ScorerOpt,
    StoreOpt,
    TaskArgOpt,
    fail,
    open_store,
    parse_task_args,
    scenario_options,
)
from behaviorlab.cli._evalcmd import execute, summarise
from behaviorlab.evals import EvalConfig


def default_agent(task: str, task_args: list[str] | None) -> str:
    """The task's own default agent (``Task.default_agent_name``)."""
    from behaviorlab.tasks import TaskFileError, get_task

    try:
        name = get_task(task, parse_task_args(task_args or [])).default_agent_name()
    except (KeyError, TaskFileError) as e:
        fail(str(e.args[0]) if isinstance(e, KeyError) else str(e))
        raise AssertionError from e
    if name is None:
        fail(f"task {task!r} ships no agent: pass --agent FILE.py")
        raise AssertionError
    return name


def run(
    task: str = typer.Argument(
        ..., help="Task: a name (airline), tasks.py@NAME, or data.jsonl|.csv|.parquet"
    ),
    agent: str | None = typer.Option(
        None,
        "--agent",
        "-a",
        help="Agent: a task's own (airline: l0, l1, l1-unconstrained, l1-always, l3, cot) or a "
        ".py file [default: the task's: airline l1, tooluse l3, bfcl fc, a data file direct]",
    ),
    model: str | None = typer.Option(
        None, "--model", "-m", help="provider/model [default: llamacpp/smollm2-135m]"
    ),
    level: int | None = typer.Option(None, "--level", "-l", help="Difficulty level"),
    n: int | None = typer.Option(None, "-n", help="Number of scenarios (first n)"),
    data: Path | None = DataOpt,
    task_args: list[str] = TaskArgOpt,
    scorer: str | None = ScorerOpt,
    source: str | None = typer.Option(
        None,
        "--source",
        help="Scenario source, one the task names (an unknown one's error lists them)",
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
    store = open_store(db)
    if agent is None:
        agent = default_agent(task, task_args)
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
        workers=workers,
    )
    result = execute(config, store, jsonl=jsonl, resume=False, quiet=False, otlp=otlp)
    summarise(result, as_json=as_json and not jsonl)
