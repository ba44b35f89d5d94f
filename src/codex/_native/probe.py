"""Which sandbox primitives this machine offers: Landlock ABI, seccomp filters, no_new_privs.

Used by `codex sandbox --probe` and by the Linux launcher's preflight to explain, in one line, why
a command cannot be sandboxed here.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

from codex._native import load_extension
from codex._native.probe_types import RawProbe

_LANDLOCK_REASONS = {
    errno.ENOSYS: "the kernel was built without Landlock (CONFIG_SECURITY_LANDLOCK)",
    errno.EOPNOTSUPP: "Landlock is compiled in but disabled at boot (add landlock to the lsm= "
    "kernel parameter)",
    errno.EPERM: "an outer sandbox (container seccomp profile) forbids the Landlock syscalls",
}


@dataclass(frozen=True, slots=True)
class SandboxCapabilities:
    landlock_abi: int | None
    landlock_unavailable: str | None
    seccomp_filter: bool
    seccomp_unavailable: str | None
    seccomp_mode: int | None
    no_new_privs: bool | None
    native: bool

    @property
    def can_sandbox(self) -> bool:
        """Whether the Linux launcher can enforce a restrictive policy here."""
        return self.landlock_abi is not None and self.seccomp_filter


def raw_probe() -> RawProbe:
    ext = load_extension("probe")
    if ext is None:
        from codex._native._py.probe import raw_probe as py_raw_probe

        return py_raw_probe()
    out = ext.ffi.new("codex_probe_result *")
    ext.lib.codex_probe(out)
    return RawProbe(
        out.landlock_abi,
        out.seccomp_filter,
        out.seccomp_errno,
        out.seccomp_mode,
        out.no_new_privs,
        out.is_linux,
    )


def _describe_errno(code: int, reasons: dict[int, str]) -> str:
    return reasons.get(code) or f"{errno.errorcode.get(code, code)}: {os.strerror(code)}"


def probe() -> SandboxCapabilities:
    raw = raw_probe()
    if not raw.is_linux:
        reason = "Landlock and seccomp exist only on Linux"
        return SandboxCapabilities(None, reason, False, reason, None, None, ext_loaded())
    landlock_abi = raw.landlock_abi if raw.landlock_abi > 0 else None
    landlock_why = None if landlock_abi else _describe_errno(-raw.landlock_abi, _LANDLOCK_REASONS)
    seccomp_why = None
    if not raw.seccomp_filter:
        seccomp_why = _describe_errno(
            raw.seccomp_errno,
            {errno.ENOSYS: "the kernel was built without seccomp filters (CONFIG_SECCOMP_FILTER)"},
        )
    return SandboxCapabilities(
        landlock_abi=landlock_abi,
        landlock_unavailable=landlock_why,
        seccomp_filter=bool(raw.seccomp_filter),
        seccomp_unavailable=seccomp_why,
        seccomp_mode=raw.seccomp_mode if raw.seccomp_mode >= 0 else None,
        no_new_privs=bool(raw.no_new_privs) if raw.no_new_privs >= 0 else None,
        native=ext_loaded(),
    )


def ext_loaded() -> bool:
    return load_extension("probe") is not None
