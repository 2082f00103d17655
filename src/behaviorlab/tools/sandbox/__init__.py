"""Run untrusted Python: bubblewrap (namespaces + rlimits + seccomp) or Docker.

``run_python(code)`` picks a backend and returns a ``SandboxResult``; ``execute_python`` is
the LLM-facing code tool. ``PlainSubprocess`` is an unsandboxed baseline for benchmarks.
"""

from behaviorlab.tools.sandbox._api import (
    CODE_TOOL_LIMITS,
    BackendName,
    execute_python,
    format_observation,
    get_sandbox,
    run_python,
)
from behaviorlab.tools.sandbox._bubblewrap import BubblewrapSandbox, Interpreter
from behaviorlab.tools.sandbox._docker import DockerSandbox
from behaviorlab.tools.sandbox._plain import PlainSubprocess
from behaviorlab.tools.sandbox._types import (
    LimitHit,
    Sandbox,
    SandboxError,
    SandboxLimits,
    SandboxResult,
    SandboxUnavailableError,
)

__all__ = [
    "CODE_TOOL_LIMITS",
    "BackendName",
    "BubblewrapSandbox",
    "DockerSandbox",
    "Interpreter",
    "LimitHit",
    "PlainSubprocess",
    "Sandbox",
    "SandboxError",
    "SandboxLimits",
    "SandboxResult",
    "SandboxUnavailableError",
    "execute_python",
    "format_observation",
    "get_sandbox",
    "run_python",
]
