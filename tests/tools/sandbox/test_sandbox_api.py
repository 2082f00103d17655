from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from behaviorlab.tools.sandbox import (
    BubblewrapSandbox,
    DockerSandbox,
    PlainSubprocess,
    Sandbox,
    SandboxLimits,
    SandboxResult,
    SandboxUnavailableError,
    execute_python,
    format_observation,
    get_sandbox,
    run_python,
)
from behaviorlab.tools.sandbox._process import parent_dirs, validate_files
from behaviorlab.tools.sandbox._seccomp import build_filter


def _result(**kw: object) -> SandboxResult:
    base: dict[str, object] = {
        "stdout": "",
        "stderr": "",
        "exit_code": 0,
        "backend": "test",
        "started_at": datetime.now(UTC),
        "duration_s": 0.1,
    }
    base.update(kw)
    return SandboxResult.model_validate(base)


def test_program_runs_with_stdin_files_and_exit_code(bwrap: BubblewrapSandbox) -> None:
    code = (
        "import sys, helper\n"
        "print(helper.VALUE, open('data/in.txt').read(), input())\n"
        "print('é ✓', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    result = bwrap.run_python(
        code, stdin="from stdin\n", files={"helper.py": "VALUE = 42\n", "data/in.txt": "file"}
    )
    assert result.stdout == "42 file from stdin\n"
    assert result.stderr == "é ✓\n"
    assert result.exit_code == 3
    assert result.limit_hit is None and not result.ok
    assert result.backend == "bubblewrap"
    assert result.setup_s is not None and result.setup_s <= result.duration_s


def test_clean_run_is_ok_and_limits_are_applied(bwrap: BubblewrapSandbox) -> None:
    limits = SandboxLimits(memory_mb=300, max_processes=7, max_open_files=33, cpu_s=4)
    code = (
        "import resource as r, os\n"
        "print(r.getrlimit(r.RLIMIT_AS)[0] // 2**20, r.getrlimit(r.RLIMIT_NPROC)[0],\n"
        "      r.getrlimit(r.RLIMIT_NOFILE)[0], r.getrlimit(r.RLIMIT_CPU), os.getuid() != 0,\n"
        "      os.getcwd())\n"
    )
    result = bwrap.run_python(code, limits=limits)
    assert result.ok
    assert result.stdout == "300 7 33 (4, 5) True /tmp\n"


def test_bubblewrap_command_isolates_everything() -> None:
    argv = BubblewrapSandbox().command(SandboxLimits(tmp_mb=8))
    assert argv[0] == "bwrap"
    for flag in ("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"):
        assert flag in argv
    for flag in ("--clearenv", "--new-session", "--seccomp", "--json-status-fd"):
        assert flag in argv
    assert "--unshare-net" in argv or "--unshare-all" in argv
    assert "--share-net" not in argv
    assert argv[argv.index("--tmpfs") - 1] == str(8 * 1024 * 1024)
    assert argv[argv.index("--remount-ro") : argv.index("--remount-ro") + 2] == [
        "--remount-ro",
        "/",
    ]
    assert argv[argv.index("prlimit") :].count("--core=0") == 1


def test_network_option_keeps_the_network() -> None:
    argv = BubblewrapSandbox().command(SandboxLimits(network=True))
    assert "--unshare-net" not in argv


def test_file_names_must_stay_in_the_work_dir() -> None:
    assert validate_files({"a/b.txt": "x"}) == {"a/b.txt": "x"}
    for bad in ("../x", "/abs", "a/../b", "a//b", "./a", "", "main.py", "nul\x00"):
        with pytest.raises(ValueError):
            validate_files({bad: "x"})
    assert parent_dirs(["a/b/c.txt", "a/d.txt", "e.txt"]) == ["a", "a/b"]


def test_limits_are_validated() -> None:
    with pytest.raises(ValidationError):
        SandboxLimits(timeout_s=0)
    with pytest.raises(ValidationError):
        SandboxLimits(memory_mb=1)
    with pytest.raises(ValidationError):
        SandboxLimits(unknown=1)  # type: ignore[call-arg]


def test_get_sandbox_prefers_bubblewrap(bwrap: BubblewrapSandbox) -> None:
    sandbox = get_sandbox()
    assert isinstance(sandbox, BubblewrapSandbox)
    assert isinstance(sandbox, Sandbox)
    assert run_python("print(6 * 7)").stdout == "42\n"


def test_no_backend_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BubblewrapSandbox, "available", lambda self: "bwrap not found")
    monkeypatch.setattr(DockerSandbox, "available", lambda self: "docker not found")
    with pytest.raises(SandboxUnavailableError) as err:
        get_sandbox()
    message = str(err.value)
    assert "apt-get install bubblewrap" in message
    assert "bwrap not found" in message and "docker not found" in message
    with pytest.raises(SandboxUnavailableError):
        execute_python("print(1)")
    with pytest.raises(ValueError):
        get_sandbox("podman")  # type: ignore[arg-type]


def test_missing_bwrap_binary_is_reported() -> None:
    reason = BubblewrapSandbox(bwrap="/nonexistent/bwrap").available()
    assert reason is not None and "/nonexistent/bwrap" in reason


def test_execute_python_returns_what_the_program_prints(bwrap: BubblewrapSandbox) -> None:
    assert execute_python("print(48213 * 9377)") == "452093301"
    failing = execute_python("print('partial')\n1/0")
    assert "stdout:\npartial" in failing
    assert "ZeroDivisionError" in failing and "[exit code 1]" in failing
    assert execute_python("x = 1") == "(no output)"
    assert execute_python.__doc__ is not None
    assert execute_python.__doc__.startswith("Run Python code in a sandbox")


def test_format_observation_reports_limits_and_shortens() -> None:
    text = format_observation(_result(stdout="x" * 10_000, exit_code=None, limit_hit="output"))
    assert len(text) < 4_200
    assert "characters omitted" in text
    assert text.endswith("[stopped: output size limit exceeded; output truncated]")
    timeout = format_observation(_result(exit_code=None, limit_hit="timeout", timed_out=True))
    assert timeout == "[stopped: wall-clock time limit exceeded]"


def test_plain_subprocess_is_marked_unsafe_and_runs() -> None:
    plain = PlainSubprocess()
    assert "unsafe" in plain.name
    result = plain.run_python("import sys; print(input()); sys.exit(2)", stdin="hi\n")
    assert (result.stdout, result.exit_code) == ("hi\n", 2)
    assert result.cpu_s is not None
    flood = plain.run_python(
        "for _ in range(10**5): print('y' * 100)", limits=SandboxLimits(max_output_bytes=500)
    )
    assert flood.limit_hit == "output" and len(flood.stdout) == 500


def test_seccomp_filter_is_well_formed() -> None:
    prog = build_filter("x86_64")
    assert len(prog) % 8 == 0 and len(prog) // 8 < 256
    first = struct.unpack("=HBBI", prog[:8])
    assert first == (0x20, 0, 0, 4)  # load the architecture word first
    last = struct.unpack("=HBBI", prog[-8:])
    assert last == (0x06, 0, 0, 0x80000000)  # unknown architectures are killed
    assert build_filter("aarch64") != prog
    with pytest.raises(ValueError):
        build_filter("mips")
