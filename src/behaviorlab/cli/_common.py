"""Shared CLI plumbing: the store option, a stderr console and the progress bar."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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

# progress and tables go to stderr so ``--jsonl``/``--json`` stdout stays machine-readable
err = Console(stderr=True)
out = Console()

StoreOpt = typer.Option(
    None,
    "--db",
    envvar="BEHAVIORLAB_DB",
    help="Store URL or SQLite path [default: .behaviorlab/store.db]",
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
