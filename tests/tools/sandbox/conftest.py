from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from behaviorlab.tools.sandbox import BubblewrapSandbox


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def bwrap() -> BubblewrapSandbox:
    """A working bubblewrap sandbox; missing bubblewrap fails the run in CI, skips locally."""
    sandbox = BubblewrapSandbox()
    reason = sandbox.self_test()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"bubblewrap sandbox unavailable in CI: {reason}")
        pytest.skip(f"bubblewrap sandbox unavailable: {reason}")
    return sandbox


@pytest.fixture()
def sentinel() -> Iterator[subprocess.Popen[bytes]]:
    """A host process the sandbox must not be able to touch."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture()
def host_processes_with() -> Callable[..., list[int]]:
    """Look up host processes by a marker in their command line."""
    return _host_processes_with


def _host_processes_with(marker: bytes, wait_s: float = 5.0) -> list[int]:
    """Host PIDs whose command line contains ``marker``, after letting teardown finish."""
    deadline = time.monotonic() + wait_s
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in cmdline:
                found.append(int(entry.name))
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.05)
