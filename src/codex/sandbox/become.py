"""This process becomes one command under a policy (`codex sandbox -- CMD`): exec, so stdio is
inherited and the command's exit status is ours."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from codex.protocol.sandbox_policy import SandboxPolicy


def become(command: list[str], policy: SandboxPolicy, *, cwd: str) -> NoReturn:
    """Replace this process with `command` run as the agent would under `policy`. A missing
    program is CodexError exit 127, one that cannot be run exit 126 (as a shell)."""
    from codex.errors import CodexError
    from codex.sandbox.launch import sandbox_env, sandboxed_argv

    argv = sandboxed_argv(command, policy, cwd=cwd)
    env = sandbox_env(policy, None)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(argv[0], argv, env)
    except FileNotFoundError:
        raise CodexError(f"command not found: {argv[0]}", exit_code=127) from None
    except PermissionError as err:
        raise CodexError(f"cannot run {argv[0]}: {err.strerror}", exit_code=126) from None
    raise AssertionError("unreachable")
