"""Docker backend: for machines with a container engine but no bubblewrap (e.g. macOS).

Each run is ``docker run --rm`` of a stock Python image with no network, a read-only root,
a sized tmpfs /tmp, cgroup memory and PID limits, ulimits, uid 65534, no capabilities and
no-new-privileges. Start-up costs hundreds of milliseconds, so prefer bubblewrap on Linux.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from behaviorlab.tools.sandbox._process import LaunchSpec, classify, launch, validate_files
from behaviorlab.tools.sandbox._types import SandboxError, SandboxLimits, SandboxResult

INSTALL_HINT = "install Docker (https://docs.docker.com/engine/install/) and start the engine"
_INBOX = "/sandbox-in"
_DOCKER_ERROR = 125  # `docker run` itself failed
_OOM_KILLED = 137


class DockerSandbox:
    """Run Python in a throw-away container."""

    name = "docker"

    def __init__(
        self, *, image: str = "python:3.11-slim", docker: str = "docker", python: str = "python"
    ) -> None:
        """
        Args:
            image: image with a Python interpreter and ``sh``; pull it beforehand, since the
                network-less run cannot.
            docker: the docker (or compatible, e.g. podman) CLI.
            python: interpreter name inside the image.
        """
        self.image = image
        self._docker = docker
        self._python = python

    def available(self) -> str | None:
        """None if the CLI is installed and its engine answers; else why not."""
        if shutil.which(self._docker) is None:
            return f"{self._docker} CLI not found on PATH; {INSTALL_HINT}"
        try:
            proc = subprocess.run(
                [self._docker, "version", "--format", "{{.Server.Version}}"],
                capture_output=True,
                text=True,
                timeout=15,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"docker engine did not answer: {exc}; {INSTALL_HINT}"
        if proc.returncode != 0:
            return f"docker engine not reachable: {proc.stderr.strip()[-300:]}; {INSTALL_HINT}"
        return None

    def command(self, limits: SandboxLimits, *, container: str, inbox: str) -> list[str]:
        """The ``docker run`` command line; ``inbox`` is the host dir holding the files."""
        tmp_opts = f"rw,nosuid,nodev,size={limits.tmp_mb}m,mode=1777"
        return [
            self._docker,
            "run",
            "--rm",
            "-i",
            "--name",
            container,
            "--network",
            "bridge" if limits.network else "none",
            "--read-only",
            "--tmpfs",
            f"/tmp:{tmp_opts}",
            "--memory",
            f"{limits.memory_mb}m",
            "--memory-swap",
            f"{limits.memory_mb}m",
            "--pids-limit",
            str(limits.max_processes),
            "--ulimit",
            f"nofile={limits.max_open_files}:{limits.max_open_files}",
            "--ulimit",
            f"cpu={limits.cpu_s}:{limits.cpu_s + 1}",
            "--ulimit",
            "core=0",
            "--user",
            "65534:65534",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--ipc",
            "none",
            "--env",
            "HOME=/tmp",
            "--env",
            "OPENBLAS_NUM_THREADS=1",
            "--env",
            "OMP_NUM_THREADS=1",
            "--volume",
            f"{inbox}:{_INBOX}:ro",
            "--workdir",
            "/tmp",
            "--entrypoint",
            "sh",
            self.image,
            "-c",
            f'cp -R {_INBOX}/. /tmp/ && exec {self._python} -E -s -u /tmp/main.py "$@"',
            "sandbox",
        ]

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
        container = f"behaviorlab-sandbox-{uuid.uuid4().hex[:12]}"
        with tempfile.TemporaryDirectory(prefix="behaviorlab-sandbox-") as inbox:
            _write_inbox(Path(inbox), {**checked, "main.py": code})
            spec = LaunchSpec(
                argv=self.command(limits, container=container, inbox=inbox),
                # The docker CLI needs its own settings (DOCKER_HOST, config); the container
                # does not inherit this environment.
                env=dict(os.environ),
                on_kill=lambda: self._kill(container),
            )
            raw = launch(spec, limits, stdin)
        stderr = raw.stderr.decode("utf-8", "replace")
        if raw.returncode == _DOCKER_ERROR and raw.killed_for is None:
            raise SandboxError(f"docker run failed: {stderr.strip()[-1000:]}")
        limit_hit = classify(raw, raw.returncode, limits, stderr)
        if limit_hit is None and raw.returncode == _OOM_KILLED:
            limit_hit = "memory"  # the cgroup OOM killer, not the CPU limit (classify checks it)
        return SandboxResult(
            stdout=raw.stdout.decode("utf-8", "replace"),
            stderr=stderr,
            exit_code=raw.returncode,
            limit_hit=limit_hit,
            timed_out=raw.killed_for == "timeout",
            output_truncated=raw.truncated,
            backend=self.name,
            started_at=raw.started_at,
            duration_s=raw.duration_s,
            setup_s=None,
            cpu_s=None,  # the CLI's rusage, not the container's
        )

    def _kill(self, container: str) -> None:
        # Killing the CLI leaves the container running; the engine must kill it.
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                [self._docker, "kill", container], capture_output=True, timeout=15, check=False
            )


def _write_inbox(root: Path, files: dict[str, str]) -> None:
    # The container runs as 65534: everything must be world-readable.
    root.chmod(0o755)
    for name, content in files.items():
        path = root / name
        for parent in reversed(path.relative_to(root).parents[:-1]):
            (root / parent).mkdir(mode=0o755, exist_ok=True)
            (root / parent).chmod(0o755)
        path.write_text(content)
        path.chmod(0o644)
