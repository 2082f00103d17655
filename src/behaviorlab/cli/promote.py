"""``promote``: compare a candidate model with production on fixed scenarios, gate, move."""

from __future__ import annotations

from pathlib import Path

import typer

from behaviorlab.cli._common import (
    DataOpt,
    ScorerOpt,
    StoreOpt,
    TaskArgOpt,
    err,
    fail,
    open_store,
    out,
    print_json,
    scenario_options,
)


def promote(
    name: str = typer.Argument(..., help="Registered model name"),
    candidate: str = typer.Option(
        "candidate", "--candidate", help="Alias or version number of the candidate"
    ),
    alias: str = typer.Option("production", "--alias", help="The alias to move on APPROVE"),
    task: str = typer.Option(
        "airline", "--task", help="A task name, tasks.py@NAME, or a data file"
    ),
    agent: str = typer.Option(
        "l1", "--agent", "-a", help="The task's agent to run with each model (l1, l3, ...)"
    ),
    level: int | None = typer.Option(None, "--level", "-l"),
    n: int | None = typer.Option(20, "-n", help="Scenarios (per level for airline)"),
    source: str | None = typer.Option(None, "--source"),
    data: Path | None = DataOpt,
    task_args: list[str] = TaskArgOpt,
    scorer: str | None = ScorerOpt,
    seed: int = typer.Option(0, "--seed"),
    repeats: int = typer.Option(1, "--repeats", "-k"),
    max_tokens: int | None = typer.Option(
        None, "--max-tokens", help="Generation cap for each model call"
    ),
    min_accuracy_ratio: float = typer.Option(0.95, "--min-accuracy-ratio"),
    max_latency_ratio: float = typer.Option(1.10, "--max-latency-ratio"),
    max_cost_ratio: float = typer.Option(1.20, "--max-cost-ratio"),
    rollout: float | None = typer.Option(
        None,
        "--rollout",
        min=0,
        max=100,
        help="On APPROVE route P%% of calls to the candidate (sticky per input) instead of moving the alias",
    ),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Run compare + gate of NAME@candidate vs NAME@production; move the alias only on APPROVE."""
    from behaviorlab.evals import GateCriteria
    from behaviorlab.models import GenerationConfig
    from behaviorlab.registry import RegistryError
    from behaviorlab.train import promote as run_promote

    store = open_store(db)
    opts = scenario_options(
        level=level,
        n=n,
        seed=seed,
        source=source,
        data=data,
        task_args=task_args,
        scorer=scorer,
    )
    criteria = GateCriteria(
        min_accuracy_ratio=min_accuracy_ratio,
        max_latency_ratio=max_latency_ratio,
        max_cost_ratio=max_cost_ratio,
    )
    kw = {"config": GenerationConfig(max_tokens=max_tokens)} if max_tokens else {}
    try:
        res = run_promote(
            store,
            name,
            candidate=candidate,
            alias=alias,
            task=task,
            agent=agent,
            options=opts,
            criteria=criteria,
            repeats=repeats,
            seed=seed,
            model_kwargs=kw,
            rollout_percent=rollout,
            on_progress=None if as_json else (lambda m: err.print(m)),
        )
    except (RegistryError, ValueError) as e:
        fail(str(e))
        return
    if as_json:
        print_json(
            {
                "verdict": res.verdict,
                "moved": res.moved,
                "candidate": res.candidate.ref,
                "current": res.current.ref,
                "current_eval": res.current_eval,
                "candidate_eval": res.candidate_eval,
                "reasons": res.decision.reasons,
                "rollout": res.rollout.model_dump() if res.rollout else None,
            }
        )
        return
    out.print(res.report.to_markdown())
    if res.moved:
        err.print(f"[bold green]{res.verdict}[/]: {name}@{alias} → {res.candidate.version}")
    elif res.rollout is not None:
        err.print(
            f"[bold green]{res.verdict}[/]: {name}@rollout → {res.candidate.version}, serving {res.rollout.percent:g}% "
            f"(served: {res.rollout.served}); {name}@{alias} stays {res.current.version}"
        )
    else:
        err.print(f"[bold red]{res.verdict}[/]: {name}@{alias} stays {res.current.version}")
