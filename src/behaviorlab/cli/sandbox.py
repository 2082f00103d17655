"""`behaviorlab sandbox`: run a Python file in the sandbox and print the result as JSON."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path

import typer

from behaviorlab.tools.sandbox import (
    SandboxError,
    SandboxLimits,
    SandboxUnavailableError,
    get_sandbox,
)

app = typer.Typer(
    help="Run untrusted Python in an isolated sandbox (bubblewrap or Docker).",
    no_args_is_help=True,
)

_ENV_ERROR = 1
_USAGE_ERROR = 2


@app.callback()
def _group() -> None:
    """Run untrusted Python in an isolated sandbox (bubblewrap or Docker)."""
    # A callback keeps `run` a subcommand even while it is the only one.


class Backend(StrEnum):
    auto = "auto"
    bubblewrap = "bubblewrap"
    docker = "docker"


@app.command("run")
def run(
    file: Path = typer.Argument(
        ..., help="Python file to run; it runs as /tmp/main.py inside the sandbox."
    ),
    timeout: float = typer.Option(10.0, "--timeout", min=0.001, help="Wall-clock limit, s."),
    memory: int = typer.Option(512, "--memory", min=32, help="Memory limit, MB."),
    cpu: int | None = typer.Option(
        None, "--cpu", min=1, help="CPU-time limit, s (default: the timeout, rounded up)."
    ),
    max_output: int = typer.Option(
        1_000_000, "--max-output", min=1, help="Cap on stdout + stderr, bytes."
    ),
    stdin_file: Path | None = typer.Option(
        None, "--stdin", help="File fed to the program's stdin."
    ),
    backend: Backend = typer.Option(Backend.auto, "--backend", help="Sandbox backend."),
) -> None:
    """Run FILE in the sandbox and print one JSON object.

    Keys: stdout, stderr, exit_code (null when the sandbox killed the program), limit_hit
    (null or timeout|cpu|memory|output|processes|open_files|disk), timed_out, ok, backend,
    durations. Exits 0 whatever the program did; 1 when no sandbox can run here.
    """
    for path in (file, stdin_file):
        if path is not None and not path.is_file():
            # Plain text, not a rich box: scripts grep for it.
            typer.echo(f"error: {path}: no such file", err=True)
            raise typer.Exit(_USAGE_ERROR)
    limits = SandboxLimits(
        timeout_s=timeout,
        cpu_s=cpu if cpu is not None else max(1, math.ceil(timeout)),
        memory_mb=memory,
        max_output_bytes=max_output,
    )
    code = file.read_text(encoding="utf-8", errors="replace")
    stdin = stdin_file.read_text(encoding="utf-8", errors="replace") if stdin_file else ""
    try:
        sandbox = get_sandbox(backend.value)  # type: ignore[arg-type]
        result = sandbox.run_python(code, limits=limits, stdin=stdin)
    except (SandboxUnavailableError, SandboxError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(_ENV_ERROR) from exc
    payload = result.model_dump(mode="json")
    payload["ok"] = result.ok
    typer.echo(json.dumps(payload))
