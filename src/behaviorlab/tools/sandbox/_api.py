"""Picking a backend, the one-call entry point, and the LLM-facing code tool."""

from __future__ import annotations

from typing import Literal

from behaviorlab.tools.sandbox import _bubblewrap, _docker
from behaviorlab.tools.sandbox._bubblewrap import BubblewrapSandbox
from behaviorlab.tools.sandbox._docker import DockerSandbox
from behaviorlab.tools.sandbox._types import (
    Sandbox,
    SandboxLimits,
    SandboxResult,
    SandboxUnavailableError,
)

BackendName = Literal["auto", "bubblewrap", "docker"]

# What the code tool allows one call: enough for real work, small enough for an agent loop.
CODE_TOOL_LIMITS = SandboxLimits(timeout_s=10, cpu_s=10, memory_mb=512, max_output_bytes=100_000)
_OBSERVATION_CHARS = 4000


def get_sandbox(backend: BackendName = "auto") -> Sandbox:
    """A ready backend: bubblewrap, else Docker (for ``auto``).

    Raises:
        SandboxUnavailableError: the backend asked for (or, for ``auto``, every backend) is
            missing; the message says how to install one.
    """
    if backend not in ("auto", "bubblewrap", "docker"):
        raise ValueError(f"unknown sandbox backend {backend!r}; use auto, bubblewrap or docker")
    reasons: list[str] = []
    if backend in ("auto", "bubblewrap"):
        bwrap = BubblewrapSandbox()
        reason = bwrap.available()
        if reason is None:
            return bwrap
        reasons.append(f"bubblewrap: {reason}")
    if backend in ("auto", "docker"):
        docker = DockerSandbox()
        reason = docker.available()
        if reason is None:
            return docker
        reasons.append(f"docker: {reason}")
    hint = f"To run code, {_bubblewrap.INSTALL_HINT}; or {_docker.INSTALL_HINT}."
    raise SandboxUnavailableError(
        "no sandbox backend is available (" + "; ".join(reasons) + "). " + hint
    )


def run_python(
    code: str,
    *,
    limits: SandboxLimits | None = None,
    stdin: str = "",
    files: dict[str, str] | None = None,
    backend: BackendName = "auto",
) -> SandboxResult:
    """Run ``code`` as ``/tmp/main.py`` in a sandbox; ``files`` are placed beside it."""
    return get_sandbox(backend).run_python(code, limits=limits, stdin=stdin, files=files)


def execute_python(code: str) -> str:
    """Run Python code in a sandbox and return what it prints.

    The code runs as a fresh Python 3 program with no network access, no access to the
    host's files, a private writable /tmp, and limits of 10 seconds, 512 MB of memory and
    100 kB of output. Only printed output is returned: use print() to show results.

    Args:
        code: a complete Python program, e.g. "print(48213 * 9377)".
    """
    return format_observation(run_python(code, limits=CODE_TOOL_LIMITS))


def format_observation(result: SandboxResult, max_chars: int = _OBSERVATION_CHARS) -> str:
    """A short text an LLM can read: output, then errors, exit status and any limit hit."""
    parts: list[str] = []
    stdout, stderr = result.stdout.strip("\n"), result.stderr.strip("\n")
    if stdout:
        parts.append(stdout if result.ok and not stderr else f"stdout:\n{stdout}")
    if stderr:
        parts.append(f"stderr:\n{stderr}")
    if result.limit_hit is not None:
        parts.append(f"[stopped: {_LIMIT_TEXT[result.limit_hit]}]")
    elif result.exit_code not in (0, None):
        parts.append(f"[exit code {result.exit_code}]")
    if not parts:
        parts.append("(no output)")
    return _shorten("\n".join(parts), max_chars)


_LIMIT_TEXT = {
    "timeout": "wall-clock time limit exceeded",
    "cpu": "CPU time limit exceeded",
    "memory": "memory limit exceeded",
    "output": "output size limit exceeded; output truncated",
    "processes": "process limit exceeded",
    "open_files": "open-file limit exceeded",
    "disk": "no space left in /tmp",
}


def _shorten(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    head = max_chars * 2 // 3
    tail = max_chars - head
    omitted = len(text) - head - tail
    return f"{text[:head]}\n... [{omitted} characters omitted] ...\n{text[-tail:]}"
