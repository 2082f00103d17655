"""``distill``: successful agent runs in, a readable Python workflow out (and, optionally, verified)."""

from __future__ import annotations

import json
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
    print_json,
    scenario_options,
)


def distill(
    source: str = typer.Option(
        ...,
        "--from",
        help="Evaluation id in the store, an OpenAI chat JSONL file, or an OTLP JSON file",
    ),
    output: Path = typer.Option(
        Path("workflow.py"), "--output", "-o", help="Where to write the distilled module"
    ),
    task: str | None = typer.Option(
        None, "--task", help="Task the runs solved (read from the evaluation when --from is one)"
    ),
    tools: str | None = typer.Option(
        None, "--tools", help="MODULE:FUNCTION returning the agent's tools (default: the task's)"
    ),
    l0: str | None = typer.Option(
        None, "--l0", help="MODULE:FUNCTION, an L0 fast path tried first (it declines when unsure)"
    ),
    fallback: str | None = typer.Option(
        None, "--fallback", help="l3 (the task's L3 agent) or MODULE:FACTORY, tried last"
    ),
    include_unscored: bool = typer.Option(
        False, "--include-unscored", help="Also mine runs that carry no score"
    ),
    min_score: float = typer.Option(
        1.0, "--min-score", help="A scored import counts as successful at this score"
    ),
    min_share: float = typer.Option(
        0.9, "--min-share", help="Share of observations a provenance must explain"
    ),
    few_shot: int = typer.Option(
        1, "--few-shot", help="Worked examples (from the traces) in each extraction prompt"
    ),
    name: str = typer.Option("distilled", "--name", help="Name of the distilled agent"),
    report: Path | None = typer.Option(
        None, "--report", help="Also write the mining report as Markdown"
    ),
    verify: bool = typer.Option(
        False,
        "--verify",
        help="Evaluate against the source on held-out scenarios, compare, gate, leak-check",
    ),
    source_agent: str = typer.Option(
        "l3", "--source-agent", help="The source agent to verify against (task agent or .py)"
    ),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model for verification (default: llamacpp/smollm2-135m)"
    ),
    level: int | None = typer.Option(None, "--level", "-l", help="Verification scenarios: level"),
    n: int | None = typer.Option(None, "-n", help="Verification scenarios: how many (per level)"),
    scenario_source: str | None = typer.Option(
        None, "--source", help="Verification scenarios: task source (e.g. generated-heldout)"
    ),
    data: Path | None = DataOpt,
    task_args: list[str] = TaskArgOpt,
    scorer: str | None = ScorerOpt,
    seed: int = typer.Option(1, "--seed", help="Verification scenarios: seed"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON"),
    db: str | None = StoreOpt,
) -> None:
    """Distil successful agent runs into a Python workflow that calls the LLM only where it must.

    Then: behaviorlab eval TASK --agent workflow.py --model M, and compare it with the source.
    """
    from behaviorlab.distill import CallableSpec, fallback_spec
    from behaviorlab.distill import distill as run_distill

    store = open_store(db) if not Path(source).is_file() or verify else None
    try:
        result = run_distill(
            source,
            output,
            store=store,
            task=task,
            tools=CallableSpec.parse(tools) if tools else None,
            l0=CallableSpec.parse(l0) if l0 else None,
            fallback=fallback_spec(fallback, task or _task_of(store, source)) if fallback else None,
            include_unscored=include_unscored,
            min_score=min_score,
            min_share=min_share,
            few_shot=few_shot,
            name=name,
        )
    except (ValueError, FileNotFoundError, LookupError) as e:
        fail(str(e))
        return
    for issue in result.issues:
        typer.echo(f"skipped {issue.file}:{issue.line}: {issue.reason}", err=True)
    if report:
        report.write_text(result.mining.to_markdown() + "\n", encoding="utf-8")
    if not as_json:
        # plain echo: the report holds "[i]", which rich would read as markup
        typer.echo(result.mining.to_markdown(), err=True)
        typer.echo(result.static.summary(), err=True)
        err.print(
            f"wrote [bold]{result.output}[/] ({result.successful} successful of {result.runs} runs)"
        )
        err.print(
            f"next: behaviorlab eval {result.task or 'TASK'} --agent {result.output} --model MODEL"
        )
    payload = json.loads(result.model_dump_json())
    if verify:
        from behaviorlab.distill import verify_distilled

        if result.task is None:
            fail("--verify needs --task")
        assert store is not None and result.task is not None
        options = scenario_options(
            level=level,
            n=n,
            seed=seed,
            source=scenario_source,
            data=data,
            task_args=task_args,
            scorer=scorer,
        )
        try:
            ver = verify_distilled(
                result.output,
                task=result.task,
                store=store,
                model=model,
                options=options,
                source_agent=source_agent,
                allow=result.allow,
                exclude=result.scenario_ids,
            )
        except ValueError as e:
            fail(str(e))
            return
        payload["verify"] = json.loads(ver.model_dump_json())
        if not as_json:
            typer.echo(ver.to_markdown(), err=True)
        if as_json:
            print_json(payload)
        if not ver.ok:
            raise typer.Exit(1)
        return
    if as_json:
        print_json(payload)
    if not result.static.ok:
        raise typer.Exit(1)


def _task_of(store: object, source: str) -> str | None:
    if store is None or Path(source).is_file():
        return None
    from behaviorlab.evals import get_eval

    try:
        return get_eval(store, source).task  # type: ignore[arg-type]
    except LookupError:
        return None
