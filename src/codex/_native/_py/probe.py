"""Twin of csrc/probe.c: the same kernel queries through ctypes."""

from __future__ import annotations

import ctypes
import errno
import sys

from codex._native.probe_types import RawProbe

_SYS_LANDLOCK_CREATE_RULESET = 444  # same number on every Linux architecture
_LANDLOCK_CREATE_RULESET_VERSION = 1
_SECCOMP_GET_ACTION_AVAIL = 2
_SECCOMP_RET_ERRNO = 0x00050000
_PR_GET_SECCOMP = 21
_PR_GET_NO_NEW_PRIVS = 39
_SYS_SECCOMP = {"x86_64": 317, "aarch64": 277, "arm64": 277}


def raw_probe() -> RawProbe:
    if not sys.platform.startswith("linux"):
        nosys = -errno.ENOSYS
        return RawProbe(nosys, 0, errno.ENOSYS, nosys, nosys, 0)
    import platform

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def result(value: int) -> int:
        return -ctypes.get_errno() if value < 0 else value

    landlock = result(
        libc.syscall(
            ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET),
            None,
            ctypes.c_size_t(0),
            ctypes.c_uint(_LANDLOCK_CREATE_RULESET_VERSION),
        )
    )
    seccomp_nr = _SYS_SECCOMP.get(platform.machine())
    if seccomp_nr is None:
        seccomp_filter, seccomp_errno = 0, errno.ENOSYS
    else:
        action = ctypes.c_uint(_SECCOMP_RET_ERRNO)
        ok = libc.syscall(
            ctypes.c_long(seccomp_nr),
            ctypes.c_uint(_SECCOMP_GET_ACTION_AVAIL),
            ctypes.c_uint(0),
            ctypes.byref(action),
        )
        seccomp_filter, seccomp_errno = (1, 0) if ok == 0 else (0, ctypes.get_errno())
    zero = ctypes.c_ulong(0)
    mode = result(libc.prctl(_PR_GET_SECCOMP, zero, zero, zero, zero))
    nnp = result(libc.prctl(_PR_GET_NO_NEW_PRIVS, zero, zero, zero, zero))
    return RawProbe(landlock, seccomp_filter, seccomp_errno, mode, nnp, 1)
