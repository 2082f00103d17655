"""UNSAFE baseline: a bare subprocess with no isolation, for latency comparisons only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from behaviorlab.tools.sandbox._bubblewrap import Interpreter
from behaviorlab.tools.sandbox._process import LaunchSpec, classify, launch, validate_files
from behaviorlab.tools.sandbox._types import SandboxLimits, SandboxResult


class PlainSubprocess:
    """NOT A SANDBOX. Runs ``python -E -s -u main.py`` in a temporary directory.

    The program can read and write anything the caller can, use the network and outlive the
    run. Only the wall clock and the output cap are enforced. ``get_sandbox`` never returns
    it; it exists so benchmarks can measure what isolation costs.
    """

    name = "unsafe-plain-subprocess"

    def __init__(self, *, python: str | None = None) -> None:
        # Same default interpreter as BubblewrapSandbox, so a comparison isolates the sandbox.
        self._python = python or Interpreter.current().executable

    def available(self) -> str | None:
        return None

    def run_python(
        self,
        code: str,
        *,
        limits: SandboxLimits | None = None,
        stdin: str = "",
        files: dict[str, str] | None = None,
    ) -> SandboxResult:
        limits = limits or SandboxLimits()
        checked = validate_files(files)
        with tempfile.TemporaryDirectory(prefix="behaviorlab-plain-") as work:
            for name, content in {**checked, "main.py": code}.items():
                path = Path(work) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
            spec = LaunchSpec(argv=[self._python, "-E", "-s", "-u", "main.py"], env=env, cwd=work)
            raw = launch(spec, limits, stdin)
        stderr = raw.stderr.decode("utf-8", "replace")
        return SandboxResult(
            stdout=raw.stdout.decode("utf-8", "replace"),
            stderr=stderr,
            exit_code=raw.returncode,
            limit_hit=classify(raw, raw.returncode, limits, stderr),
            timed_out=raw.killed_for == "timeout",
            output_truncated=raw.truncated,
            backend=self.name,
            started_at=raw.started_at,
            duration_s=raw.duration_s,
            cpu_s=raw.cpu_s,
        )
