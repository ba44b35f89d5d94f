"""Start a command under a policy: the one way the agent's shell tools run anything.

`spawn()` returns an `asyncio.subprocess.Process` running in its own process group (its own
session, detached from the terminal), with the env and cwd given and stdin from /dev/null
unless asked otherwise. Under `read-only`/`workspace-write` the program actually started is
`codex-linux-sandbox` (Linux) or `/usr/bin/sandbox-exec` (macOS), which then becomes the command;
under `danger-full-access`/`external-sandbox` the command runs as is. `run()` adds output
capture, a timeout (exit code 124, like upstream) and process-group cleanup on top.

Never runs a command unsandboxed when the policy asks for a sandbox: if this machine cannot
enforce it, `SandboxUnavailable` says in one line what is missing and what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from codex.errors import CodexError
from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType
from codex.sandbox.platform import SandboxType, sandbox_type_for

LAUNCHER_NAME = "codex-linux-sandbox"
LAUNCHER_ENV = "CODEX_LINUX_SANDBOX_EXE"
TIMEOUT_EXIT_CODE = 124
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
) -> list[str]:
    """The argv that runs `command` under `policy` (checks availability first)."""
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


async def spawn(
    command: Sequence[str],
    policy: SandboxPolicy,
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    stdin: int | None = asyncio.subprocess.DEVNULL,
    stdout: int | None = asyncio.subprocess.PIPE,
    stderr: int | None = asyncio.subprocess.PIPE,
    sandbox_policy_cwd: str | os.PathLike[str] | None = None,
) -> asyncio.subprocess.Process:
    """Start `command` under `policy` in its own process group; see the module docstring.

    `stdin`/`stdout`/`stderr` take the asyncio.subprocess constants (PIPE, DEVNULL, STDOUT)
    or a file descriptor. The writable roots are computed for `sandbox_policy_cwd` (default:
    `cwd`), the directory the policy's "workspace" means."""
    argv = sandboxed_argv(command, policy, cwd=cwd, sandbox_policy_cwd=sandbox_policy_cwd)
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=os.fspath(cwd),
        env=sandbox_env(policy, env),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


def kill_process_group(process: asyncio.subprocess.Process, sig: int = signal.SIGKILL) -> None:
    """Signal the command and everything it started (they share its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


@dataclass(frozen=True, slots=True)
class ExecResult:
    exit_code: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    sandbox: SandboxType


async def run(
    command: Sequence[str],
    policy: SandboxPolicy,
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    timeout: float | None = 10.0,
    sandbox_policy_cwd: str | os.PathLike[str] | None = None,
) -> ExecResult:
    """Run to completion and capture output. On timeout the process group is killed and the
    exit code is 124; a signal death is reported as 128 + signal number."""
    process = await spawn(
        command,
        policy,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        sandbox_policy_cwd=sandbox_policy_cwd,
    )
    timed_out = False
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), timeout)
    except TimeoutError:
        timed_out = True
        kill_process_group(process)
        try:  # a daemonized grandchild may hold the pipes open: drain with a grace period
            out, err = await asyncio.wait_for(process.communicate(), 2.0)
        except TimeoutError:
            out, err = b"", b""
    finally:
        if process.returncode is None:
            kill_process_group(process)
            await process.wait()
    code = process.returncode if process.returncode is not None else -1
    if timed_out:
        code = TIMEOUT_EXIT_CODE
    elif code < 0:
        code = 128 - code
    return ExecResult(code, out or b"", err or b"", timed_out, sandbox_type_for(policy))
