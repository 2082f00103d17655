"""``feedback add|list|queue``: human ratings on runs and the runs most worth rating."""

from __future__ import annotations

import typer
from rich.table import Table

from behaviorlab.cli._common import StoreOpt, err, fail, open_store, out, print_json
from behaviorlab.feedback import FeedbackError, add_feedback, feedback_queue, list_feedback

app = typer.Typer(help="Rate runs (1-5) and find the runs most worth rating.", no_args_is_help=True)


@app.command("add")
def add_cmd(
    run: str = typer.Argument(..., help="Trace id (or prefix) or EVAL_ID:SCENARIO_ID[:REPEAT]"),
    rating: int = typer.Option(..., "--rating", "-r", min=1, max=5, help="Overall rating 1-5"),
    tool_selection: int | None = typer.Option(
        None, "--tool-selection", min=1, max=5, help="Tool choice rating 1-5"
    ),
    comment: str | None = typer.Option(None, "--comment", "-c"),
    suggested_tools: str | None = typer.Option(
        None, "--suggested-tools", help="Comma-separated tool names"
    ),
    author: str | None = typer.Option(None, "--author", envvar="USER"),
    corrected_answer: str | None = typer.Option(
        None,
        "--corrected-answer",
        help="What the run should have answered (`train export` turns it into an example)",
    ),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Store a rating against a run."""
    store = open_store(db)
    try:
        fb = add_feedback(
            store,
            run,
            rating,
            tool_selection=tool_selection,
            comment=comment,
            suggested_tools=[t.strip() for t in (suggested_tools or "").split(",") if t.strip()],
            author=author,
            corrected_answer=corrected_answer,
        )
    except FeedbackError as e:
        fail(str(e))
        return
    if as_json:
        print_json(fb.model_dump())
    else:
        err.print(
            f"feedback #{fb.id} on trace {fb.trace_id[:16]} ({fb.eval_id or '-'} {fb.scenario_id or ''}): {fb.rating}/5"
        )


@app.command("list")
def list_cmd(
    eval_id: str | None = typer.Option(None, "--eval", help="Only this evaluation (id or prefix)"),
    trace: str | None = typer.Option(None, "--trace"),
    min_rating: int | None = typer.Option(None, "--min-rating"),
    max_rating: int | None = typer.Option(None, "--max-rating"),
    limit: int = typer.Option(50, "--limit", "-n"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Stored feedback, newest first."""
    items = list_feedback(
        open_store(db),
        eval_id=eval_id,
        trace_id=trace,
        min_rating=min_rating,
        max_rating=max_rating,
        limit=limit,
    )
    if as_json:
        print_json([f.model_dump() for f in items])
        return
    t = Table(
        "id",
        "trace",
        "eval",
        "scenario",
        "rating",
        "tools",
        "suggested",
        "comment",
        "corrected answer",
        "author",
    )
    for f in items:
        t.add_row(
            str(f.id),
            f.trace_id[:12],
            f.eval_id or "-",
            f.scenario_id or "-",
            str(f.rating),
            str(f.tool_selection or "-"),
            ",".join(f.suggested_tools),
            (f.comment or "")[:60],
            (f.corrected_answer or "")[:40],
            f.author or "-",
        )
    out.print(t)


@app.command("queue")
def queue_cmd(
    eval_id: str | None = typer.Option(None, "--eval", help="Only this evaluation (id or prefix)"),
    task: str | None = typer.Option(None, "--task"),
    limit: int = typer.Option(20, "--limit", "-n"),
    include_rated: bool = typer.Option(False, "--include-rated"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Runs most worth labelling: declined or escalated runs first, then disagreement across
    repeats and low confidence."""
    items = feedback_queue(
        open_store(db), eval_id=eval_id, task=task, limit=limit, include_rated=include_rated
    )
    if as_json:
        print_json([i.model_dump() for i in items])
        return
    t = Table(
        "priority",
        "eval",
        "scenario",
        "repeats",
        "disagree",
        "split",
        "uncertain",
        "failed",
        "declined/escalated",
        "trace",
    )
    for i in items:
        t.add_row(
            f"{i.priority:.2f}",
            i.eval_id,
            i.scenario_id,
            str(i.repeats),
            f"{i.disagreement:.2f}",
            f"{i.correctness_split:.2f}",
            f"{i.uncertainty:.2f}",
            str(i.declined_or_failed),
            f"{i.declined}/{i.escalated}",
            i.trace_ids[0][:12] if i.trace_ids else "-",
        )
    out.print(t)
