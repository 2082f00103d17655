"""Records and errors shared by every sandbox backend."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

LimitHit = Literal["timeout", "cpu", "memory", "output", "processes", "open_files", "disk"]


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the program inside it)."""


class SandboxUnavailableError(SandboxError):
    """No usable backend on this machine; the message says how to install one."""


class SandboxLimits(BaseModel):
    """Resource limits for one execution.

    ``memory_mb`` is the address-space limit of each process (RLIMIT_AS under bubblewrap,
    the cgroup limit under Docker); ``max_processes`` counts processes and threads.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(10.0, gt=0, description="wall-clock limit")
    cpu_s: int = Field(10, ge=1, description="CPU-time limit of each process")
    memory_mb: int = Field(512, ge=32)
    max_processes: int = Field(32, ge=1)
    max_open_files: int = Field(64, ge=8)
    max_output_bytes: int = Field(1_000_000, ge=1, description="stdout + stderr together")
    tmp_mb: int = Field(64, ge=1, description="size of the private writable /tmp")
    network: bool = False


class SandboxResult(BaseModel):
    """What one execution produced.

    ``exit_code`` is None when the sandbox killed the program (timeout, output flood);
    a program killed by a signal reports 128 + the signal number, as a shell does.
    ``limit_hit`` for ``memory``, ``processes``, ``open_files`` and ``disk`` (the /tmp size)
    is inferred from the program's own error output (MemoryError, EAGAIN from fork, EMFILE,
    ENOSPC), so a program can fake or hide it; ``timeout`` and ``output`` are observed by
    the host, ``cpu`` from the exit signal (SIGXCPU, or SIGKILL after the hard CPU limit).
    """

    stdout: str
    stderr: str
    exit_code: int | None
    limit_hit: LimitHit | None = None
    timed_out: bool = False
    output_truncated: bool = False
    backend: str
    started_at: datetime
    duration_s: float = Field(description="wall time from spawn to exit, seconds")
    setup_s: float | None = Field(
        None, description="time until the backend reported the program started, if known"
    )
    cpu_s: float | None = Field(
        None, description="CPU time (user + system), when the backend can measure it"
    )

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.limit_hit is None


@runtime_checkable
class Sandbox(Protocol):
    """A place to run untrusted Python."""

    name: str

    def available(self) -> str | None:
        """None when usable here, else the reason it is not."""
        ...

    def run_python(
        self,
        code: str,
        *,
        limits: SandboxLimits | None = None,
        stdin: str = "",
        files: dict[str, str] | None = None,
    ) -> SandboxResult: ...
