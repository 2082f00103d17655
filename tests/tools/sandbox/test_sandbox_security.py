"""Each attack from the issue's list: it must be blocked, reported, and leave the host as it was.

The sandboxed programs print ``BLOCKED <what>: <error>`` when an attempt fails and
``ESCAPED <what>`` when it succeeds, so every test checks both the program's own view and
the host's.

These tests run as root in CI. Every attack is bounded (a few hundred processes, 1 GB,
one-minute sleeps, no signals to arbitrary PIDs, no writes to /proc/sys) so that a broken
sandbox fails the test instead of taking the CI host down.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from behaviorlab.tools.sandbox import BubblewrapSandbox, SandboxLimits, SandboxResult

FAST = SandboxLimits(timeout_s=20, cpu_s=5, memory_mb=256, max_output_bytes=200_000)

TRY = textwrap.dedent(
    """
    def attempt(what, fn):
        try:
            value = fn()
        except BaseException as exc:
            print(f"BLOCKED {what}: {type(exc).__name__}: {exc}", flush=True)
        else:
            print(f"ESCAPED {what}: {value!r}"[:300], flush=True)
    """
)


def run(bwrap: BubblewrapSandbox, body: str, limits: SandboxLimits = FAST) -> SandboxResult:
    return bwrap.run_python(TRY + textwrap.dedent(body), limits=limits)


def blocked(result: SandboxResult, *whats: str) -> None:
    assert "ESCAPED" not in result.stdout, result.stdout
    for what in whats:
        assert f"BLOCKED {what}:" in result.stdout, (result.stdout, result.stderr)


def test_network_egress_tcp_is_blocked(bwrap: BubblewrapSandbox) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except TimeoutError:
                continue
            accepted.append(addr)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        result = run(
            bwrap,
            f"""
            import socket
            attempt("tcp", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=3))
            print("INTERFACES", [name for _, name in socket.if_nameindex()])
            """,
        )
    finally:
        stop.set()
        thread.join()
        server.close()
    blocked(result, "tcp")
    assert "INTERFACES ['lo']" in result.stdout  # a private network namespace
    assert accepted == []


def test_network_egress_dns_is_blocked(bwrap: BubblewrapSandbox) -> None:
    resolver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    resolver.bind(("127.0.0.1", 0))
    resolver.setblocking(False)
    port = resolver.getsockname()[1]
    try:
        result = run(
            bwrap,
            f"""
            import os, socket, struct
            query = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
            query += b"".join(bytes([len(p)]) + p.encode() for p in "example.com".split("."))
            query += b"\\x00" + struct.pack(">HH", 1, 1)
            def ask():
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(2)
                s.sendto(query, ("127.0.0.1", {port}))
                return s.recvfrom(512)
            attempt("dns", ask)
            attempt("resolv.conf", lambda: open("/etc/resolv.conf").read())
            """,
        )
        with pytest.raises(BlockingIOError):
            resolver.recvfrom(512)  # the query never reached the host
    finally:
        resolver.close()
    blocked(result, "dns", "resolv.conf")


def test_reading_etc_shadow_is_blocked(bwrap: BubblewrapSandbox) -> None:
    result = run(
        bwrap,
        """
        attempt("shadow", lambda: open("/etc/shadow").read())
        attempt("etc", lambda: sorted(set(__import__("os").listdir("/etc")) - {"passwd", "group", "ld.so.cache"}) or 1/0)
        """,
    )
    blocked(result, "shadow", "etc")
    shadow = Path("/etc/shadow")
    if shadow.exists() and os.access(shadow, os.R_OK):
        first = shadow.read_text().splitlines()[0]
        assert first not in result.stdout


def test_reading_the_users_home_is_blocked(bwrap: BubblewrapSandbox) -> None:
    home = Path.home()
    secret = secrets.token_hex(16)
    marker = home / f".behaviorlab-sandbox-test-{secret[:8]}"
    marker.write_text(secret)
    try:
        result = run(
            bwrap,
            f"""
            import os
            attempt("home file", lambda: open({str(marker)!r}).read())
            attempt("home listing", lambda: [n for n in os.listdir({str(home)!r}) if n != ".pyenv"] or 1/0)
            attempt("ssh", lambda: os.listdir({str(home / ".ssh")!r}))
            """,
        )
    finally:
        marker.unlink()
    blocked(result, "home file", "home listing", "ssh")
    assert secret not in result.stdout + result.stderr


def test_writing_outside_tmp_is_blocked(bwrap: BubblewrapSandbox, tmp_path: Path) -> None:
    prefix = bwrap.interpreter.prefixes[0]
    name = f"escape-{secrets.token_hex(4)}"
    targets = {
        "root": f"/{name}",
        "etc": f"/etc/{name}",
        "usr": f"/usr/{name}",
        "dev": f"/dev/{name}",
        "prefix": f"{prefix}/{name}",
        "host tmp": str(tmp_path / name),
    }
    body = "".join(
        f"attempt({what!r}, lambda: open({path!r}, 'x').write('x'))\n"
        for what, path in targets.items()
    )
    body += f"open('/tmp/{name}', 'x').write('x'); print('TMP WRITABLE')\n"
    try:
        result = run(bwrap, body)
        escaped = [path for path in targets.values() if Path(path).exists()]
    finally:
        for path in targets.values():
            Path(path).unlink(missing_ok=True)
        Path(f"/tmp/{name}").unlink(missing_ok=True)
    blocked(result, *targets)
    assert escaped == []
    assert "TMP WRITABLE" in result.stdout  # the private /tmp is the one writable place
    assert not Path(f"/tmp/{name}").exists()  # ... and it is not the host's /tmp


def test_fork_bomb_is_contained(
    bwrap: BubblewrapSandbox, host_processes_with: Callable[..., list[int]]
) -> None:
    limits = SandboxLimits(timeout_s=20, cpu_s=5, max_processes=16, max_output_bytes=100_000)
    # Doubling bomb, capped at 2**8 processes so that a broken sandbox cannot hurt the host.
    # Every process lingers until the first one exits, so the population only grows.
    doubling = (
        "import os, time, traceback\n"
        "first = os.getpid()\n"
        "try:\n"
        "    for _ in range(8):\n"
        "        os.fork()\n"
        "except OSError:\n"
        "    traceback.print_exc()\n"
        "time.sleep(2 if os.getpid() == first else 30)\n"
    )
    result = bwrap.run_python(doubling, limits=limits)
    assert "BlockingIOError: [Errno 11] Resource temporarily unavailable" in result.stderr
    assert result.exit_code == 0, result  # the first process caught its own refusal
    # Linear bomb: the first process must itself be refused once 16 exist.
    linear = (
        "import os, time\n"
        "for _ in range(300):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(30)\n"
        "        os._exit(0)\n"
    )
    result = bwrap.run_python(linear, limits=limits)
    assert result.limit_hit == "processes", result
    assert result.exit_code == 1 and not result.timed_out
    assert host_processes_with(b"/tmp/main.py") == []  # the children died with the sandbox
    assert subprocess.run(["true"]).returncode == 0  # the host can still start processes


def test_memory_bomb_is_contained(bwrap: BubblewrapSandbox) -> None:
    limits = SandboxLimits(timeout_s=20, memory_mb=128)
    result = bwrap.run_python(
        # At most 1 GB even if the limit failed.
        "chunks = []\nfor _ in range(100):\n    chunks.append(bytearray(10**7))\n",
        limits=limits,
    )
    assert result.limit_hit == "memory", result
    assert "MemoryError" in result.stderr
    assert result.exit_code == 1
    assert bwrap.run_python("print(sum(range(10)))").stdout == "45\n"


def test_infinite_loop_is_stopped(bwrap: BubblewrapSandbox) -> None:
    cpu = bwrap.run_python("while True:\n    pass\n", limits=SandboxLimits(timeout_s=10, cpu_s=1))
    assert cpu.limit_hit == "cpu", cpu
    assert not cpu.timed_out
    ignoring = bwrap.run_python(
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass\n",
        limits=SandboxLimits(timeout_s=10, cpu_s=1),
    )
    assert ignoring.limit_hit == "cpu", ignoring  # SIGKILL at the hard limit
    sleeper = bwrap.run_python(
        "import time\nprint('started')\ntime.sleep(60)\n", limits=SandboxLimits(timeout_s=1)
    )
    assert sleeper.limit_hit == "timeout"
    assert sleeper.timed_out and sleeper.exit_code is None
    assert sleeper.stdout == "started\n"  # output before the kill is kept


def test_output_flood_is_capped(bwrap: BubblewrapSandbox) -> None:
    limits = SandboxLimits(timeout_s=20, max_output_bytes=10_000)
    result = bwrap.run_python("for _ in range(10**5):\n    print('x' * 1000)\n", limits=limits)
    assert result.limit_hit == "output"
    assert result.output_truncated
    assert len(result.stdout.encode()) + len(result.stderr.encode()) <= 10_000
    assert len(result.stdout) > 0


def test_host_environment_secrets_are_hidden(
    bwrap: BubblewrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = f"s3cr3t-{secrets.token_hex(8)}"
    monkeypatch.setenv("BEHAVIORLAB_TEST_SECRET", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    result = run(
        bwrap,
        """
        import os
        print("ENV", sorted(os.environ))
        print(open("/proc/self/environ", "rb").read())
        attempt("init environ", lambda: open("/proc/1/environ", "rb").read() or 1/0)
        """,
    )
    assert secret not in result.stdout + result.stderr
    assert "BEHAVIORLAB_TEST_SECRET" not in result.stdout
    assert "OPENAI_API_KEY" not in result.stdout
    assert "ENV ['HOME', 'LANG', 'LOGNAME'" in result.stdout


def test_host_processes_are_invisible_in_proc(
    bwrap: BubblewrapSandbox, sentinel: subprocess.Popen[bytes]
) -> None:
    result = run(
        bwrap,
        f"""
        import os
        pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        print("PIDS", pids)
        attempt("host cmdline", lambda: open("/proc/{sentinel.pid}/cmdline", "rb").read() or 1/0)
        attempt("test environ", lambda: open("/proc/{os.getpid()}/environ", "rb").read() or 1/0)
        """,
    )
    blocked(result, "host cmdline", "test environ")
    pids_line = next(line for line in result.stdout.splitlines() if line.startswith("PIDS"))
    pids = eval(pids_line[len("PIDS ") :])
    assert len(pids) <= 3  # bwrap's init, the program, maybe setpriv's leftovers
    assert sentinel.pid not in pids and os.getpid() not in pids


def test_killing_the_parent_is_blocked(
    bwrap: BubblewrapSandbox, sentinel: subprocess.Popen[bytes]
) -> None:
    # Only the sentinel (a child of this test) ever gets a real signal from outside; the
    # test runner is probed with signal 0, which delivers nothing.
    result = run(
        bwrap,
        f"""
        import os, signal
        attempt("kill host process", lambda: os.kill({sentinel.pid}, signal.SIGKILL))
        attempt("see test runner", lambda: os.kill({os.getpid()}, 0))
        attempt("kill parent", lambda: (os.kill(os.getppid(), signal.SIGKILL), 1/0))
        print("PARENT", os.getppid())
        print("STILL HERE")
        """,
    )
    assert sentinel.poll() is None  # the host process survived
    blocked(result, "kill host process", "see test runner", "kill parent")
    assert "BLOCKED kill host process: ProcessLookupError" in result.stdout
    assert "BLOCKED see test runner: ProcessLookupError" in result.stdout
    assert "PARENT 1\n" in result.stdout  # the parent is the namespace's init, immune
    assert "STILL HERE" in result.stdout
    assert result.exit_code == 0


def test_ptrace_is_blocked(bwrap: BubblewrapSandbox, sentinel: subprocess.Popen[bytes]) -> None:
    result = run(
        bwrap,
        f"""
        import ctypes, os, time
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        def attach(pid):
            if libc.ptrace(16, pid, None, None) != 0:  # PTRACE_ATTACH
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            return "attached"
        attempt("ptrace host", lambda: attach({sentinel.pid}))
        child = os.fork()
        if child == 0:
            time.sleep(30)
            os._exit(0)
        attempt("ptrace own child", lambda: attach(child))
        os.kill(child, 9)
        """,
    )
    blocked(result, "ptrace host", "ptrace own child")
    status = Path(f"/proc/{sentinel.pid}/status").read_text()
    assert "TracerPid:\t0" in status
    assert sentinel.poll() is None


def test_symlink_escapes_are_blocked(bwrap: BubblewrapSandbox, tmp_path: Path) -> None:
    host_file = tmp_path / "host-secret.txt"
    host_file.write_text("host secret")
    planted = tmp_path / "planted.txt"
    result = run(
        bwrap,
        f"""
        import os
        os.symlink("/etc/shadow", "/tmp/shadow")
        os.symlink({str(host_file)!r}, "/tmp/hostfile")
        os.symlink({str(planted)!r}, "/tmp/planted")
        os.symlink("/proc/1/root/etc/shadow", "/tmp/via-init-root")
        attempt("read via link", lambda: open("/tmp/shadow").read())
        attempt("read host file via link", lambda: open("/tmp/hostfile").read())
        attempt("write via link", lambda: open("/tmp/planted", "w").write("x"))
        attempt("read via init root", lambda: open("/tmp/via-init-root").read())
        attempt("host root via proc", lambda: os.listdir("/proc/1/root/{tmp_path.parts[1]}"))
        """,
    )
    blocked(
        result,
        "read via link",
        "read host file via link",
        "write via link",
        "read via init root",
        "host root via proc",
    )
    assert "host secret" not in result.stdout
    assert not planted.exists()
    # Names of files handed to the sandbox cannot point outside its work dir either.
    for bad in ("../escape.py", "/etc/passwd", "a/../../b", "", "a//b"):
        with pytest.raises(ValueError):
            bwrap.run_python("pass", files={bad: "x"})


def test_no_process_survives_a_timeout(
    bwrap: BubblewrapSandbox, host_processes_with: Callable[..., list[int]]
) -> None:
    marker = f"behaviorlab-leftover-{secrets.token_hex(6)}"
    sleeper = f"[sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}]"
    code = f"""
import os, signal, subprocess, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.execv(sys.executable, {sleeper})
    os._exit(0)
subprocess.Popen({sleeper}, start_new_session=True)
time.sleep(0.5)
print("daemons started", flush=True)
time.sleep(60)
"""
    try:
        result = bwrap.run_python(code, limits=SandboxLimits(timeout_s=3))
        survivors = host_processes_with(marker.encode())
    finally:
        for pid in host_processes_with(marker.encode(), 0.0):
            os.kill(pid, 9)
    assert result.limit_hit == "timeout"
    assert "daemons started" in result.stdout
    assert survivors == []


def test_nested_user_namespaces_are_blocked(bwrap: BubblewrapSandbox) -> None:
    result = run(
        bwrap,
        """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def unshare(flag):
            if libc.unshare(flag) != 0:
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        attempt("userns", lambda: unshare(0x10000000))
        attempt("netns", lambda: unshare(0x40000000))
        attempt("mountns", lambda: unshare(0x00020000))
        status = open("/proc/self/status").read()
        print([l for l in status.splitlines() if l.startswith(("CapEff", "NoNewPrivs"))])
        """,
    )
    blocked(result, "userns", "netns", "mountns")
    assert "'CapEff:\\t0000000000000000'" in result.stdout
    assert "'NoNewPrivs:\\t1'" in result.stdout
