"""Which sandbox a command gets on this platform under a policy (no I/O, no asyncio)."""

from __future__ import annotations

import sys
from enum import StrEnum

from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType


class SandboxType(StrEnum):
    NONE = "none"
    LINUX = "linux_seccomp"
    SEATBELT = "macos_seatbelt"


def platform_sandbox() -> SandboxType:
    if sys.platform.startswith("linux"):
        return SandboxType.LINUX
    if sys.platform == "darwin":
        return SandboxType.SEATBELT
    return SandboxType.NONE


def sandbox_type_for(policy: SandboxPolicy) -> SandboxType:
    """Which sandbox a command under `policy` gets (upstream's `select_initial`, preference
    auto): the platform sandbox for read-only and workspace-write, none otherwise."""
    if policy.type in (SandboxPolicyType.READ_ONLY, SandboxPolicyType.WORKSPACE_WRITE):
        return platform_sandbox()
    return SandboxType.NONE
