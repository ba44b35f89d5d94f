"""Which program actually runs a command under a policy: the argv and environment.

Kept free of asyncio so `codex sandbox` (which execs the result) starts fast. Under
`read-only`/`workspace-write` the argv starts with `codex-linux-sandbox` (Linux) or
`/usr/bin/sandbox-exec` (macOS); otherwise it is the command itself. Raises
`SandboxUnavailable` (one actionable line) rather than ever dropping the sandbox.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from codex.errors import CodexError
from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType
from codex.sandbox.platform import SandboxType, sandbox_type_for

LAUNCHER_NAME = "codex-linux-sandbox"
LAUNCHER_ENV = "CODEX_LINUX_SANDBOX_EXE"
_FIX = "rerun with --sandbox danger-full-access to run without a sandbox, knowingly"


class SandboxUnavailable(CodexError):
    """The policy needs a sandbox this machine cannot provide."""


def find_linux_launcher() -> Path:
    """`codex-linux-sandbox` as installed in the package (codex/_native/bin), or
    $CODEX_LINUX_SANDBOX_EXE. Raises SandboxUnavailable if it is not there."""
    override = os.environ.get(LAUNCHER_ENV)
    if override:
        return Path(override)
    found = _installed_launcher()
    if found is None:
        raise SandboxUnavailable(
            f"cannot sandbox: {LAUNCHER_NAME} is not installed with this package (rebuild "
            f"with `pip install -e .`); {_FIX}"
        )
    return found


@cache
def _installed_launcher() -> Path | None:
    import codex._native

    for directory in codex._native.__path__:
        candidate = Path(directory) / "bin" / LAUNCHER_NAME
        if os.access(candidate, os.X_OK):
            return candidate
    return None


@cache
def _linux_unavailable_reason() -> str | None:
    from codex._native.probe import probe

    caps = probe()
    if caps.landlock_abi is None:
        return f"Landlock is unavailable ({caps.landlock_unavailable})"
    if not caps.seccomp_filter:
        return f"seccomp filters are unavailable ({caps.seccomp_unavailable})"
    return None


def check_available(policy: SandboxPolicy) -> SandboxType:
    """The sandbox `policy` will get here; raises SandboxUnavailable if it cannot be had."""
    kind = sandbox_type_for(policy)
    if kind is SandboxType.LINUX:
        find_linux_launcher()
        reason = _linux_unavailable_reason()
        if reason is not None:
            raise SandboxUnavailable(f"cannot sandbox: {reason}; {_FIX}")
    elif kind is SandboxType.SEATBELT:
        from codex.sandbox.seatbelt import SANDBOX_EXEC

        if not os.access(SANDBOX_EXEC, os.X_OK):
            raise SandboxUnavailable(f"cannot sandbox: {SANDBOX_EXEC} is missing; {_FIX}")
    elif policy.type in (SandboxPolicyType.READ_ONLY, SandboxPolicyType.WORKSPACE_WRITE):
        raise SandboxUnavailable(f"cannot sandbox: no sandbox for {sys.platform}; {_FIX}")
    return kind


def sandboxed_argv(
    command: Sequence[str],
    policy: SandboxPolicy,
    *,
    cwd: str | os.PathLike[str],
    sandbox_policy_cwd: str | os.PathLike[str] | None = None,
    die_with_parent: bool = False,
) -> list[str]:
    """The argv that runs `command` under `policy` (checks availability first).
    `die_with_parent`: the Linux launcher arms a parent-death SIGKILL before the exec."""
    if not command:
        raise ValueError("empty command")
    kind = check_available(policy)
    cwd = os.path.abspath(cwd)
    policy_cwd = os.path.abspath(sandbox_policy_cwd if sandbox_policy_cwd is not None else cwd)
    if kind is SandboxType.LINUX:
        return [
            os.fspath(find_linux_launcher()),
            "--sandbox-policy-cwd",
            policy_cwd,
            "--sandbox-policy",
            policy.to_json(),
            "--command-cwd",
            cwd,
            *(["--die-with-parent"] if die_with_parent else []),
            "--",
            *command,
        ]
    if kind is SandboxType.SEATBELT:
        from codex.sandbox.seatbelt import seatbelt_argv

        return seatbelt_argv(command, policy, cwd=policy_cwd)
    return list(command)


def sandbox_env(policy: SandboxPolicy, env: Mapping[str, str] | None) -> dict[str, str]:
    """The child's environment: `env` (default: ours) plus upstream's sandbox markers."""
    out = dict(os.environ if env is None else env)
    kind = sandbox_type_for(policy)
    if not policy.has_full_network_access() and kind is not SandboxType.NONE:
        out["CODEX_SANDBOX_NETWORK_DISABLED"] = "1"
    if kind is SandboxType.SEATBELT:
        out["CODEX_SANDBOX"] = "seatbelt"
    return out
