"""Shared CLI plumbing: the store option, a stderr console and the progress bar."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from behaviorlab.store import Store, StoreError, default_url
from behaviorlab.tasks import ScenarioOptions

# progress and tables go to stderr so ``--jsonl``/``--json`` stdout stays machine-readable
err = Console(stderr=True)
out = Console()

StoreOpt = typer.Option(
    None,
    "--db",
    envvar="BEHAVIORLAB_DB",
    help="Store URL or SQLite path [default: .behaviorlab/store.db]",
)


DataOpt = typer.Option(
    None,
    "--data",
    "--rulearena",
    help="The task's data: a RuleArena checkout for airline (--rulearena is the old name)",
)
TaskArgOpt = typer.Option(
    [],
    "-T",
    "--task-arg",
    help="key=value argument for a task from a file (repeatable; values read as JSON if they parse)",
)
ScorerOpt = typer.Option(
    None,
    "--scorer",
    help="For a data-file task: exact | numeric | includes | regex | json | choice | model:PROVIDER/MODEL",
)


def parse_task_args(pairs: list[str]) -> dict[str, Any]:
    """``["k=v", ...]`` as a dict; a value that parses as JSON (``3``, ``true``, ``[1]``) is
    that value, anything else the text."""
    args: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"task argument {pair!r} must look like key=value")
        try:
            args[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            args[key.strip()] = value
    return args


def scenario_options(
    *,
    level: int | None = None,
    n: int | None = None,
    seed: int = 0,
    source: str | None = None,
    split: str | None = None,
    data: Path | None = None,
    task_args: list[str] | None = None,
    scorer: str | None = None,
) -> ScenarioOptions:
    """The options every command that picks scenarios shares, checked (one-line errors)."""
    if data is not None and not data.exists():
        fail(f"data not found: {data}")
    args = parse_task_args(task_args or [])
    if scorer is not None:
        args["scorer"] = scorer
    return ScenarioOptions(
        level=level,
        n=n,
        seed=seed,
        source=source,
        split=split,
        data_dir=str(data) if data is not None else None,
        task_args=args,
    )


def open_store(url: str | None) -> Store:
    try:
        return Store(url or default_url())
    except StoreError as e:
        fail(str(e))
        raise AssertionError from e


def fail(msg: str, code: int = 2) -> None:
    """One line on stderr (never wrapped, never read as markup) and exit ``code``."""
    from rich.text import Text

    err.print(Text.assemble(("error:", "bold red"), " ", " ".join(msg.split())), soft_wrap=True)
    raise typer.Exit(code)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Progress]:
    p = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
        console=err,
        disable=not enabled,
        transient=False,
    )
    with p:
        yield p
