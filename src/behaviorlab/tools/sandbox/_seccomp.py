"""A small seccomp-BPF filter, assembled in Python, handed to bubblewrap with --seccomp.

Why: when behaviorlab runs as root, bubblewrap cannot use a user namespace (the uid drop
must be a real one for RLIMIT_NPROC to bind), so ``--disable-userns`` is unavailable; this
filter blocks creating namespaces instead, and closes kernel interfaces untrusted code has
no use for (ptrace, keyrings, bpf, io_uring, mounting, module loading, ...).
"""

from __future__ import annotations

import errno
import platform
import struct

# <linux/audit.h>
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_X32_SYSCALL_BIT = 0x40000000

# Syscall numbers from <asm/unistd_64.h> (x86_64) and <asm-generic/unistd.h> (aarch64).
_SYSCALLS: dict[str, dict[str, int]] = {
    "x86_64": {
        "unshare": 272, "clone": 56, "clone3": 435, "setns": 308, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
        "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321,
        "perf_event_open": 298, "userfaultfd": 323, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "kexec_load": 246,
        "kexec_file_load": 320, "init_module": 175, "finit_module": 313,
        "delete_module": 176, "mount": 165, "umount2": 166, "pivot_root": 155,
        "chroot": 161, "swapon": 167, "swapoff": 168, "reboot": 169, "acct": 163,
        "open_by_handle_at": 304, "name_to_handle_at": 303, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429,
        "open_tree": 428, "mount_setattr": 442, "quotactl": 179, "syslog": 103,
        "vhangup": 153,
    },
    "aarch64": {
        "unshare": 97, "clone": 220, "clone3": 435, "setns": 268, "ptrace": 117,
        "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272,
        "keyctl": 219, "add_key": 217, "request_key": 218, "bpf": 280,
        "perf_event_open": 241, "userfaultfd": 282, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "kexec_load": 104,
        "kexec_file_load": 294, "init_module": 105, "finit_module": 273,
        "delete_module": 106, "mount": 40, "umount2": 39, "pivot_root": 41,
        "chroot": 51, "swapon": 224, "swapoff": 225, "reboot": 142, "acct": 89,
        "open_by_handle_at": 265, "name_to_handle_at": 264, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429,
        "open_tree": 428, "mount_setattr": 442, "quotactl": 60, "syslog": 116,
        "vhangup": 58,
    },
}  # fmt: skip

# Flags whose presence in clone/unshare creates a namespace (<linux/sched.h>).
_CLONE_NEW_ANY = (
    0x00020000  # NEWNS
    | 0x02000000  # NEWCGROUP
    | 0x04000000  # NEWUTS
    | 0x08000000  # NEWIPC
    | 0x10000000  # NEWUSER
    | 0x20000000  # NEWPID
    | 0x40000000  # NEWNET
    | 0x00000080  # NEWTIME
)

# <linux/filter.h>, <linux/seccomp.h>
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_OFF_NR, _OFF_ARCH, _OFF_ARG0_LO = 0, 4, 16  # struct seccomp_data, little endian


def seccomp_arch() -> str | None:
    """The filter's name for this machine's architecture, or None if unsupported."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    return machine if machine in _SYSCALLS else None


def build_filter(arch: str | None = None) -> bytes:
    """The filter program as raw ``struct sock_filter`` records."""
    arch = arch or seccomp_arch()
    if arch is None or arch not in _SYSCALLS:
        raise ValueError(f"no seccomp filter for architecture {platform.machine()!r}")
    nrs = _SYSCALLS[arch]
    flag_checked = {nrs["unshare"], nrs["clone"]}
    enosys = {nrs["clone3"]}  # its flags live in memory BPF cannot read; libc falls back to clone
    denied = sorted(set(nrs.values()) - flag_checked - enosys)

    # Instructions use symbolic jump targets, resolved once the layout is known.
    prog: list[tuple[int, object, object, int]] = []
    labels: dict[str, int] = {}

    def ins(code: int, k: int, jt: object = 0, jf: object = 0) -> None:
        prog.append((code, jt, jf, k))

    def label(name: str) -> None:
        labels[name] = len(prog)

    ins(_LD_W_ABS, _OFF_ARCH)
    ins(_JEQ_K, _AUDIT_ARCH[arch], 0, "kill")
    ins(_LD_W_ABS, _OFF_NR)
    if arch == "x86_64":
        ins(_JGE_K, _X32_SYSCALL_BIT, "eperm", 0)
    for nr in sorted(flag_checked):
        ins(_JEQ_K, nr, "check_flags", 0)
    for nr in sorted(enosys):
        ins(_JEQ_K, nr, "enosys", 0)
    for nr in denied:
        ins(_JEQ_K, nr, "eperm", 0)
    ins(_RET_K, _RET_ALLOW)
    label("check_flags")
    ins(_LD_W_ABS, _OFF_ARG0_LO)
    ins(_JSET_K, _CLONE_NEW_ANY, "eperm", 0)
    ins(_RET_K, _RET_ALLOW)
    label("eperm")
    ins(_RET_K, _RET_ERRNO | errno.EPERM)
    label("enosys")
    ins(_RET_K, _RET_ERRNO | errno.ENOSYS)
    label("kill")
    ins(_RET_K, _RET_KILL_PROCESS)

    out = bytearray()
    for i, (code, jt, jf, k) in enumerate(prog):
        out += struct.pack("=HBBI", code, _offset(jt, i, labels), _offset(jf, i, labels), k)
    return bytes(out)


def _offset(target: object, at: int, labels: dict[str, int]) -> int:
    if isinstance(target, int):
        return target
    off = labels[str(target)] - at - 1
    if not 0 <= off <= 255:
        raise AssertionError("seccomp jump out of range")
    return off
