"""bubblewrap backend: Linux namespaces + rlimits + seccomp, no daemon, ~tens of ms a run.

Two launch modes, picked by the uid behaviorlab runs as:

* **root** (CI, containers): bubblewrap is privileged, so a user namespace would map the
  sandbox uid back to host root, and RLIMIT_NPROC never binds root. Instead bubblewrap
  unshares every namespace except the user one, keeps only CAP_SETUID/SETGID/SETPCAP, and
  ``setpriv`` drops to a real unprivileged uid just before Python starts. By default that uid
  is fresh for each run, so concurrent sandboxes do not share a process count. A seccomp
  filter blocks creating namespaces (``--disable-userns`` needs a user namespace).
* **unprivileged user**: bubblewrap creates a user namespace with ``--disable-userns``; the
  sandbox uid maps to the caller's uid and RLIMIT_NPROC is counted per namespace.

Both: no network namespace peers, PID namespace (host processes invisible; all sandbox
processes die with it), read-only binds of /usr and the interpreter prefix only, a sized
private tmpfs /tmp, an empty environment, ``prlimit`` limits, ``--die-with-parent``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from behaviorlab.tools.sandbox._process import (
    LaunchSpec,
    classify,
    launch,
    parent_dirs,
    validate_files,
)
from behaviorlab.tools.sandbox._seccomp import build_filter, seccomp_arch
from behaviorlab.tools.sandbox._types import (
    SandboxError,
    SandboxLimits,
    SandboxResult,
)

INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install "
    "bubblewrap; Arch: pacman -S bubblewrap) or use the Docker backend"
)
WORKDIR = "/tmp"
_NOBODY = 65534
# Fresh uids for root mode come from a range no distribution allocates (systemd reserves
# 524288-1879048191 for containers and warns about uids >= 2^31).
_EPHEMERAL_UID_BASE = 0x70000000
_EPHEMERAL_UID_SPAN = 0x01000000
_TOP_LEVEL = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
_NETWORK_ETC = (
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/pki",
)
_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": WORKDIR,
    "TMPDIR": WORKDIR,
    "LANG": "C.UTF-8",
    "USER": "sandbox",
    "LOGNAME": "sandbox",
    # Thread pools count against max_processes; one thread each keeps numpy usable.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass(frozen=True)
class Interpreter:
    """The Python the sandbox runs and the host directories it needs (bound read-only)."""

    executable: str
    prefixes: tuple[str, ...]

    @classmethod
    def current(cls) -> Interpreter:
        """The base interpreter of the running Python (its venv, if any, stays outside)."""
        exe = os.path.realpath(sys.executable)
        prefixes = [os.path.realpath(sys.base_prefix)]
        if not _under(exe, prefixes[0]):
            prefixes.append(str(Path(exe).parent.parent))
        return cls(exe, tuple(prefixes))

    @classmethod
    def probe(cls, python: str | os.PathLike[str]) -> Interpreter:
        """Any interpreter, a venv's included (the venv and its base are both bound)."""
        path = shutil.which(str(python)) or str(python)
        script = "import os,sys;print(os.path.realpath(sys.executable));print(sys.prefix);print(sys.base_prefix)"
        try:
            out = subprocess.run(
                [path, "-E", "-s", "-c", script],
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
                env={},
            ).stdout.split("\n")
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxError(f"cannot run interpreter {path!r}: {exc}") from exc
        real, prefix, base = out[0], out[1], out[2]
        prefixes = [os.path.realpath(prefix), os.path.realpath(base)]
        if not any(_under(real, p) for p in prefixes):
            prefixes.append(str(Path(real).parent.parent))
        if not any(_under(os.path.abspath(path), p) for p in prefixes):
            prefixes.append(str(Path(os.path.abspath(path)).parent.parent))
        return cls(os.path.abspath(path), tuple(dict.fromkeys(prefixes)))


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


class BubblewrapSandbox:
    """Run Python under bubblewrap. See the module docstring for the isolation model."""

    name = "bubblewrap"

    def __init__(
        self,
        *,
        python: str | os.PathLike[str] | None = None,
        bwrap: str = "bwrap",
        uid: int | None = None,
        extra_ro_binds: Sequence[str | os.PathLike[str]] = (),
        seccomp: bool = True,
    ) -> None:
        """
        Args:
            python: interpreter to run inside (default: the base interpreter of this one).
                A venv's python makes its packages importable; the venv is bound read-only.
            bwrap: the bubblewrap executable.
            uid: sandbox uid. Default: as root, a fresh unprivileged uid per run; otherwise
                65534 inside the user namespace.
            extra_ro_binds: more host paths to expose read-only at the same place.
            seccomp: install the namespace/ptrace/kernel-interface filter (x86_64, aarch64).
        """
        self._python = python
        self._interp: Interpreter | None = None
        self._bwrap = bwrap
        self._uid = uid
        self._extra = tuple(os.path.abspath(p) for p in extra_ro_binds)
        self._seccomp = seccomp and seccomp_arch() is not None

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    @property
    def interpreter(self) -> Interpreter:
        if self._interp is None:
            self._interp = (
                Interpreter.current() if self._python is None else Interpreter.probe(self._python)
            )
        return self._interp

    def available(self) -> str | None:
        """None if the tools are installed; else why not. Cheap: use ``self_test`` to start one."""
        tools = [self._bwrap, "prlimit"] + (["setpriv"] if self.as_root else [])
        missing = [t for t in tools if shutil.which(t) is None]
        if missing:
            return f"{', '.join(missing)} not found on PATH; {INSTALL_HINT}"
        return None

    def self_test(self) -> str | None:
        """None if a trivial program runs in the sandbox here; else why not."""
        reason = self.available()
        if reason is not None:
            return reason
        try:
            result = self.run_python("print('ok')", limits=SandboxLimits(timeout_s=30))
        except (SandboxError, OSError) as exc:
            return f"bubblewrap cannot start a sandbox here: {exc}"
        if result.exit_code != 0 or result.stdout != "ok\n":
            return f"bubblewrap sandbox self-test failed: {result.stderr.strip()[-500:]}"
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
        status_r, status_w = os.pipe()
        child_fds = [status_w]
        try:
            argv = self._command(code, checked, limits, status_w, child_fds)
        except BaseException:
            for fd in (*child_fds, status_r):
                os.close(fd)
            raise
        spec = LaunchSpec(argv=argv, env={}, pass_fds=tuple(child_fds), status_fd=status_r)
        raw = launch(spec, limits, stdin)
        stderr = raw.stderr.decode("utf-8", "replace")
        child_started = raw.status_value("child-pid") is not None
        if not child_started and raw.killed_for is None:
            raise SandboxError(f"bubblewrap failed to start the sandbox: {stderr.strip()[-1000:]}")
        status_exit = raw.status_value("exit-code")
        exit_code = raw.returncode
        if raw.killed_for is None and isinstance(status_exit, int):
            exit_code = status_exit
        return SandboxResult(
            stdout=raw.stdout.decode("utf-8", "replace"),
            stderr=stderr,
            exit_code=exit_code,
            limit_hit=classify(raw, exit_code, limits, stderr),
            timed_out=raw.killed_for == "timeout",
            output_truncated=raw.truncated,
            backend=self.name,
            started_at=raw.started_at,
            duration_s=raw.duration_s,
            setup_s=raw.setup_s,
            # bubblewrap exits without reaping its PID-namespace init, so the rusage it
            # leaves behind misses the program's CPU time.
            cpu_s=None,
        )

    def command(self, limits: SandboxLimits | None = None) -> list[str]:
        """The bubblewrap command line for ``limits`` (fd numbers are placeholders)."""
        fds: list[int] = []
        try:
            return self._command("", {}, limits or SandboxLimits(), 99, fds)
        finally:
            for fd in fds:
                os.close(fd)

    def _command(
        self,
        code: str,
        files: dict[str, str],
        limits: SandboxLimits,
        status_w: int,
        fds: list[int],
    ) -> list[str]:
        """The command line; every memfd it creates is appended to ``fds``."""

        def data_fd(name: str, data: bytes) -> str:
            fd = os.memfd_create(name, os.MFD_CLOEXEC)
            fds.append(fd)
            os.write(fd, data)
            os.lseek(fd, 0, os.SEEK_SET)
            return str(fd)

        root = self.as_root
        uid = self._uid
        if uid is None:
            uid = _EPHEMERAL_UID_BASE + secrets.randbelow(_EPHEMERAL_UID_SPAN) if root else _NOBODY
        interp = self.interpreter

        a: list[str] = [self._bwrap]
        if root:
            a += ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
            if not limits.network:
                a += ["--unshare-net"]
            a += ["--cap-drop", "ALL"]
            for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"):
                a += ["--cap-add", cap]
        else:
            a += ["--unshare-all", "--unshare-user", "--disable-userns"]
            a += ["--uid", str(uid), "--gid", str(uid)]
            if limits.network:
                a += ["--share-net"]
        a += ["--die-with-parent", "--new-session", "--clearenv", "--hostname", "sandbox"]

        a += ["--ro-bind", "/usr", "/usr"]
        for name in _TOP_LEVEL:
            host = Path("/") / name
            if host.is_symlink():
                a += ["--symlink", os.readlink(host), str(host)]
            elif host.is_dir():
                a += ["--ro-bind", str(host), str(host)]
        binds = [p for p in (*interp.prefixes, *self._extra) if not _under(p, "/usr")]
        binds += [p for p in ("/etc/ld.so.cache",) if os.path.exists(p)]
        if limits.network:
            binds += [p for p in _NETWORK_ETC if os.path.exists(p)]
        # bubblewrap creates missing parents of a bind as 0700 when privileged, which would
        # hide the interpreter (e.g. under /root) from the unprivileged uid.
        parents = {"/etc"} | {str(p) for b in binds for p in Path(b).parents if str(p) != "/"}
        for d in sorted(parents, key=lambda p: (p.count("/"), p)):
            a += ["--perms", "0755", "--dir", d]
        for path in dict.fromkeys(binds):
            a += ["--ro-bind", path, path]
        passwd = f"root:x:0:0:root:/:/usr/sbin/nologin\nsandbox:x:{uid}:{uid}::{WORKDIR}:/usr/sbin/nologin\n"
        group = f"root:x:0:\nsandbox:x:{uid}:\n"
        a += [
            "--perms",
            "0644",
            "--ro-bind-data",
            data_fd("passwd", passwd.encode()),
            "/etc/passwd",
        ]
        a += ["--perms", "0644", "--ro-bind-data", data_fd("group", group.encode()), "/etc/group"]
        a += ["--proc", "/proc", "--dev", "/dev"]
        a += ["--perms", "1777", "--size", str(limits.tmp_mb * 1024 * 1024), "--tmpfs", WORKDIR]
        for d in parent_dirs(list(files)):
            a += ["--perms", "0777", "--dir", f"{WORKDIR}/{d}"]
        for name, content in {**files, "main.py": code}.items():
            fd = data_fd(name.replace("/", "_"), content.encode())
            a += ["--perms", "0666", "--file", fd, f"{WORKDIR}/{name}"]
        # The tmpfs bwrap builds for / and /dev are writable (and unsized) by the sandbox uid
        # in a user namespace; only /tmp should be. Device nodes stay usable when read-only.
        a += ["--remount-ro", "/", "--remount-ro", "/dev", "--chdir", WORKDIR]
        for key, value in _ENV.items():
            a += ["--setenv", key, value]
        a += ["--json-status-fd", str(status_w)]
        if self._seccomp:
            a += ["--seccomp", data_fd("seccomp", build_filter())]

        a += [
            "--",
            "prlimit",
            f"--as={limits.memory_mb * 1024 * 1024}",
            # Soft limit sends SIGXCPU; the hard one a second later is SIGKILL for programs
            # that ignore it.
            f"--cpu={limits.cpu_s}:{limits.cpu_s + 1}",
            f"--nproc={limits.max_processes}",
            f"--nofile={limits.max_open_files}",
            "--core=0",
            "--",
        ]
        if root:
            a += [
                "setpriv",
                f"--reuid={uid}",
                f"--regid={uid}",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
                "--",
            ]
        # -E/-s: ignore PYTHON* variables and user site; -u: unbuffered, so a killed
        # program's last prints are still captured.
        a += [interp.executable, "-E", "-s", "-u", f"{WORKDIR}/main.py"]
        return a
