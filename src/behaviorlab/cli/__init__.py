"""The ``behaviorlab`` command: thin shells over the Python API, one module per command."""

from __future__ import annotations

import importlib

import typer

from behaviorlab.cli import eval as eval_cli
from behaviorlab.cli import run as run_cli
from behaviorlab.cli import serve as serve_cli
from behaviorlab.cli import traces as traces_cli

app = typer.Typer(
    name="behaviorlab",
    help="Trace, evaluate, compare, distil, train and monitor LLM agents that use tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("run")(run_cli.run)
app.command("eval")(eval_cli.eval_cmd)
app.command("compare")(eval_cli.compare_cmd)
app.command("history")(eval_cli.history_cmd)
app.command("report")(eval_cli.report_cmd)
app.command("serve")(serve_cli.serve)
app.add_typer(traces_cli.app, name="traces")

# sub-apps whose modules may need optional extras only when their commands run
for _name, _module in (
    ("sandbox", "behaviorlab.cli.sandbox"),
    ("modelize", "behaviorlab.cli.modelize"),
    ("models", "behaviorlab.cli.models"),
    ("feedback", "behaviorlab.cli.feedback"),
    ("train", "behaviorlab.cli.train"),
):
    try:
        app.add_typer(importlib.import_module(_module).app, name=_name)
    except ModuleNotFoundError as _e:
        if _e.name != _module:
            raise

for _cmd, _module, _attr in (
    ("distill", "behaviorlab.cli.distill", "distill"),
    ("promote", "behaviorlab.cli.promote", "promote"),
    ("ui", "behaviorlab.cli.ui", "ui"),
):
    try:
        app.command(_cmd)(getattr(importlib.import_module(_module), _attr))
    except ModuleNotFoundError as _e:
        if _e.name != _module:
            raise


def main() -> None:
    """The console script: every error is one line on stderr and a non-zero exit.

    Typer's own usage errors already are; anything else that escapes a command (a bug, or an
    error a command did not anticipate) is reported as ``error: Type: message`` with exit
    code 1. ``BEHAVIORLAB_DEBUG=1`` shows the traceback instead.
    """
    import os
    import sys

    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except Exception as e:
        if os.environ.get("BEHAVIORLAB_DEBUG"):
            raise
        sys.stderr.write(f"error: {one_line(e)}\n")
        raise SystemExit(1) from None


def one_line(e: BaseException, limit: int = 500) -> str:
    """``Type: message`` on one line (messages of several lines are joined), cut at ``limit``."""
    msg = " ".join(str(e).split())
    text = f"{type(e).__name__}: {msg}" if msg else type(e).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
