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
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.launch import (
    LAUNCHER_ENV,
    LAUNCHER_NAME,
    SandboxUnavailable,
    check_available,
    find_linux_launcher,
    sandbox_env,
    sandboxed_argv,
)
from codex.sandbox.platform import SandboxType, platform_sandbox, sandbox_type_for
from codex.sandbox.process_group import kill_group_and_wait, signal_group

TIMEOUT_EXIT_CODE = 124

__all__ = [
    "LAUNCHER_ENV",
    "LAUNCHER_NAME",
    "TIMEOUT_EXIT_CODE",
    "ExecResult",
    "SandboxType",
    "SandboxUnavailable",
    "check_available",
    "find_linux_launcher",
    "kill_process_group",
    "platform_sandbox",
    "run",
    "sandbox_env",
    "sandbox_type_for",
    "sandboxed_argv",
    "spawn",
]


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
    `cwd`), the directory the policy's "workspace" means. A sandboxed command is killed if
    the thread that started it dies (parent-death signal, as upstream)."""
    argv = sandboxed_argv(
        command, policy, cwd=cwd, sandbox_policy_cwd=sandbox_policy_cwd, die_with_parent=True
    )
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
    signal_group(process.pid, sig)


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
        await kill_group_and_wait(process.pid)
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
