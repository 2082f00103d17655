"""The Docker backend without an engine: its command line, its errors, and its plumbing
through a stand-in ``docker`` script."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from behaviorlab.tools.sandbox import DockerSandbox, SandboxError, SandboxLimits

FAKE_DOCKER = """#!/bin/sh
echo "$@" >> "{log}"
case "$1" in
  version) echo "27.0.0" ;;
  kill) exit 0 ;;
  run)
    # The real container would copy the inbox and run main.py; show that it was readable.
    for arg in "$@"; do
      case "$arg" in *:/sandbox-in:ro) inbox="${{arg%%:/sandbox-in:ro}}" ;; esac
    done
    case "$FAKE_MODE" in
      engine-error) echo "docker: Error response from daemon: no such image" >&2; exit 125 ;;
      hang) exec sleep 30 ;;
      oom) exit 137 ;;
      *) cat "$inbox/main.py"; cat "$inbox/sub/data.txt"; cat; exit 7 ;;
    esac ;;
esac
"""


@pytest.fixture()
def fake_docker(tmp_path: Path) -> tuple[DockerSandbox, Path]:
    log = tmp_path / "calls.log"
    script = tmp_path / "docker"
    script.write_text(FAKE_DOCKER.format(log=log))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return DockerSandbox(docker=str(script)), log


def test_command_has_every_isolation_flag() -> None:
    limits = SandboxLimits(memory_mb=300, max_processes=9, max_open_files=40, cpu_s=4, tmp_mb=16)
    argv = DockerSandbox(image="python:3.12-slim").command(limits, container="c1", inbox="/in")
    joined = " ".join(argv)
    for part in (
        "run --rm -i --name c1",
        "--network none",
        "--read-only",
        "--tmpfs /tmp:rw,nosuid,nodev,size=16m,mode=1777",
        "--memory 300m --memory-swap 300m",
        "--pids-limit 9",
        "--ulimit nofile=40:40",
        "--ulimit cpu=4:5",
        "--user 65534:65534",
        "--cap-drop ALL",
        "--security-opt no-new-privileges",
        "--volume /in:/sandbox-in:ro",
        "python:3.12-slim",
    ):
        assert part in joined, part
    assert "--network bridge" in " ".join(
        DockerSandbox().command(SandboxLimits(network=True), container="c", inbox="/i")
    )


def test_missing_docker_cli_is_a_clear_reason() -> None:
    reason = DockerSandbox(docker="/nonexistent/docker").available()
    assert reason is not None
    assert "not found" in reason and "docs.docker.com" in reason


def test_engine_not_running_is_a_clear_reason(tmp_path: Path) -> None:
    script = tmp_path / "docker"
    script.write_text("#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n")
    script.chmod(0o755)
    reason = DockerSandbox(docker=str(script)).available()
    assert reason is not None and "Cannot connect to the Docker daemon" in reason


def test_run_passes_code_files_and_stdin(
    fake_docker: tuple[DockerSandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    docker, _log = fake_docker
    monkeypatch.setenv("FAKE_MODE", "ok")
    assert docker.available() is None
    result = docker.run_python("print('hi')\n", stdin="in\n", files={"sub/data.txt": "D\n"})
    assert result.stdout == "print('hi')\nD\nin\n"
    assert result.exit_code == 7 and result.backend == "docker"


def test_engine_errors_raise(
    fake_docker: tuple[DockerSandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    docker, _ = fake_docker
    monkeypatch.setenv("FAKE_MODE", "engine-error")
    with pytest.raises(SandboxError, match="no such image"):
        docker.run_python("pass")


def test_timeout_kills_the_container(
    fake_docker: tuple[DockerSandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    docker, log = fake_docker
    monkeypatch.setenv("FAKE_MODE", "hang")
    result = docker.run_python("pass", limits=SandboxLimits(timeout_s=0.5))
    assert result.limit_hit == "timeout" and result.exit_code is None
    kills = [line for line in log.read_text().splitlines() if line.startswith("kill ")]
    assert len(kills) == 1 and kills[0].startswith("kill behaviorlab-sandbox-")


def test_oom_kill_is_reported_as_memory(
    fake_docker: tuple[DockerSandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    docker, _ = fake_docker
    monkeypatch.setenv("FAKE_MODE", "oom")
    assert docker.run_python("pass").limit_hit == "memory"
