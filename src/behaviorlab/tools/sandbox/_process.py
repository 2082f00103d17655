"""Spawn a sandbox launcher, feed stdin, capture capped output, enforce the wall clock.

Shared by every backend: the backend builds the command line, this module runs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from behaviorlab.tools.sandbox._types import LimitHit, SandboxLimits

_READ_CHUNK = 65536
# After the launcher exits, how long to wait for pipes still held open by stray descendants
# (only possible without a PID namespace, i.e. the unsafe baseline).
_EXIT_GRACE_S = 0.5
_KILL_DRAIN_S = 2.0


@dataclass
class LaunchSpec:
    argv: list[str]
    env: dict[str, str]
    cwd: str | None = None
    # Handed to the launcher, then closed here right after the spawn.
    pass_fds: tuple[int, ...] = ()
    # Read end of bubblewrap's --json-status-fd pipe, if any.
    status_fd: int | None = None
    # Backend-specific extra kill step (e.g. `docker kill`): the launcher's process group
    # is always SIGKILLed first.
    on_kill: Callable[[], None] | None = None


@dataclass
class RawRun:
    stdout: bytes
    stderr: bytes
    returncode: int | None
    killed_for: Literal["timeout", "output"] | None
    truncated: bool
    started_at: datetime
    duration_s: float
    setup_s: float | None
    cpu_s: float | None
    status: list[dict[str, object]] = field(default_factory=list)

    def status_value(self, key: str) -> object | None:
        for doc in self.status:
            if key in doc:
                return doc[key]
        return None


def launch(spec: LaunchSpec, limits: SandboxLimits, stdin: str = "") -> RawRun:
    """Run ``spec`` to completion or until a limit, and return what came out.

    Takes ownership of ``spec.pass_fds`` and ``spec.status_fd``: both are closed here.
    """
    started_at = datetime.now(UTC)
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(
            spec.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=spec.env,
            cwd=spec.cwd,
            pass_fds=spec.pass_fds,
            close_fds=True,
            # Own process group: a timeout kills the launcher and everything it started.
            start_new_session=True,
        )
    except BaseException:
        if spec.status_fd is not None:
            os.close(spec.status_fd)
        raise
    finally:
        for fd in spec.pass_fds:
            os.close(fd)
    try:
        return _supervise(proc, spec, limits, stdin.encode(), started_at, t0)
    finally:
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if spec.status_fd is not None:
            with contextlib.suppress(OSError):
                os.close(spec.status_fd)


def _kill(proc: subprocess.Popen[bytes], spec: LaunchSpec) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if spec.on_kill is not None:
        spec.on_kill()


def _supervise(
    proc: subprocess.Popen[bytes],
    spec: LaunchSpec,
    limits: SandboxLimits,
    stdin_data: bytes,
    started_at: datetime,
    t0: float,
) -> RawRun:
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd, in_fd = proc.stdout.fileno(), proc.stderr.fileno(), proc.stdin.fileno()
    pidfd = os.pidfd_open(proc.pid)
    sel = selectors.DefaultSelector()
    for fd in (out_fd, err_fd):
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    if spec.status_fd is not None:
        os.set_blocking(spec.status_fd, False)
        sel.register(spec.status_fd, selectors.EVENT_READ)
    sel.register(pidfd, selectors.EVENT_READ)
    if stdin_data:
        os.set_blocking(in_fd, False)
        sel.register(in_fd, selectors.EVENT_WRITE)
    else:
        proc.stdin.close()

    captured = {out_fd: bytearray(), err_fd: bytearray()}
    status_buf = bytearray()
    open_outputs = {out_fd, err_fd}
    stdin_view = memoryview(stdin_data)
    killed_for: Literal["timeout", "output"] | None = None
    truncated = False
    setup_s: float | None = None
    exited_at: float | None = None
    deadline = t0 + limits.timeout_s
    drain_until: float | None = None

    def unregister(fd: int) -> None:
        with contextlib.suppress(KeyError, ValueError):
            sel.unregister(fd)

    try:
        while True:
            now = time.monotonic()
            if drain_until is not None:
                if not open_outputs or now >= drain_until:
                    break
                wait = drain_until - now
            elif exited_at is not None and (not open_outputs or now >= exited_at + _EXIT_GRACE_S):
                break
            elif now >= deadline:
                killed_for = "timeout"
                _kill(proc, spec)
                drain_until = time.monotonic() + _KILL_DRAIN_S
                continue
            else:
                wait = deadline - now
                if exited_at is not None:
                    wait = min(wait, exited_at + _EXIT_GRACE_S - now)
            for key, _ in sel.select(max(wait, 0.0)):
                fd = int(key.fd)
                if fd == pidfd:
                    unregister(pidfd)
                    exited_at = time.monotonic()
                elif fd == in_fd:
                    try:
                        n = os.write(in_fd, stdin_view[:_READ_CHUNK])
                        stdin_view = stdin_view[n:]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:  # the program stopped reading: drop the rest
                        stdin_view = stdin_view[:0]
                    if not stdin_view:
                        unregister(in_fd)
                        proc.stdin.close()
                elif fd == spec.status_fd:
                    chunk = _read(fd)
                    if chunk is None:
                        continue
                    if not chunk:
                        unregister(fd)
                        continue
                    status_buf += chunk
                    if setup_s is None and b"child-pid" in status_buf:
                        setup_s = time.monotonic() - t0
                else:
                    chunk = _read(fd)
                    if chunk is None:
                        continue
                    if not chunk:
                        unregister(fd)
                        open_outputs.discard(fd)
                        continue
                    if truncated:
                        continue  # draining after an output kill: discard
                    room = limits.max_output_bytes - len(captured[out_fd]) - len(captured[err_fd])
                    if len(chunk) > room:
                        captured[fd] += chunk[: max(room, 0)]
                        truncated = True
                        if killed_for is None:
                            killed_for = "output"
                            _kill(proc, spec)
                            drain_until = time.monotonic() + _KILL_DRAIN_S
                    else:
                        captured[fd] += chunk
    finally:
        sel.close()
    # Kill leftovers of the launcher's group (the PID namespace is already gone for bwrap).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    os.close(pidfd)
    _, wstatus, rusage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(wstatus)
    duration = time.monotonic() - t0
    if spec.status_fd is not None:
        with contextlib.suppress(OSError):
            while tail := _read(spec.status_fd):
                status_buf += tail
    return RawRun(
        stdout=bytes(captured[out_fd]),
        stderr=bytes(captured[err_fd]),
        returncode=None if killed_for else proc.returncode,
        killed_for=killed_for,
        truncated=truncated,
        started_at=started_at,
        duration_s=duration,
        setup_s=setup_s,
        cpu_s=rusage.ru_utime + rusage.ru_stime,
        status=_parse_status(bytes(status_buf)),
    )


def _read(fd: int) -> bytes | None:
    """Bytes read, b"" at end of file, None when nothing is ready yet."""
    try:
        return os.read(fd, _READ_CHUNK)
    except BlockingIOError:
        return None


def _parse_status(raw: bytes) -> list[dict[str, object]]:
    docs: list[dict[str, object]] = []
    decoder = json.JSONDecoder()
    text = raw.decode("utf-8", "replace")
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        if isinstance(doc, dict):
            docs.append(doc)
    return docs


_SIGNAL_BASE = 128
_MEMORY_RE = re.compile(r"^\w*(MemoryError)\b|Cannot allocate memory|\[Errno 12\]", re.MULTILINE)
_PROCESSES_RE = re.compile(
    r"BlockingIOError: \[Errno 11\]|Resource temporarily unavailable|can't start new thread"
)
_OPEN_FILES_RE = re.compile(r"\[Errno 24\]|Too many open files")
_DISK_RE = re.compile(r"\[Errno 28\]|No space left on device")


def classify(
    raw: RawRun, exit_code: int | None, limits: SandboxLimits, stderr: str
) -> LimitHit | None:
    """Which limit ended (or marred) the run, if any."""
    if raw.killed_for is not None:
        return raw.killed_for
    if exit_code is None or exit_code == 0:
        return None
    if exit_code == _SIGNAL_BASE + signal.SIGXCPU:
        return "cpu"
    # SIGKILL arrives at the hard CPU limit (soft + 1 s) for programs that ignore SIGXCPU;
    # a process cannot have burned that much CPU in less wall time.
    if exit_code == _SIGNAL_BASE + signal.SIGKILL and raw.duration_s >= limits.cpu_s + 1:
        return "cpu"
    tail = stderr[-4000:]
    if _MEMORY_RE.search(tail):
        return "memory"
    if _PROCESSES_RE.search(tail):
        return "processes"
    if _OPEN_FILES_RE.search(tail):
        return "open_files"
    if _DISK_RE.search(tail):
        return "disk"
    return None


def validate_files(files: dict[str, str] | None) -> dict[str, str]:
    """Check that every name is a plain relative path that stays inside the work dir."""
    checked: dict[str, str] = {}
    for name, content in (files or {}).items():
        parts = name.split("/")
        if (
            not name
            or name.startswith("/")
            or "\x00" in name
            or any(p in ("", ".", "..") for p in parts)
        ):
            raise ValueError(f"sandbox file name must be a plain relative path: {name!r}")
        if name == "main.py":
            raise ValueError("'main.py' is reserved for the code being run")
        checked[name] = content
    return checked


def parent_dirs(names: Sequence[str]) -> list[str]:
    """Every intermediate directory of ``names``, parents first."""
    dirs: list[str] = []
    for name in names:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.append(d)
    return dirs
