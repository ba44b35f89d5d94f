"""The sandbox as the `codex sandbox` and `codex execpolicy` commands and the app-server's
`command/exec` reach it: run one command under the configured policy, report what this machine
offers, and evaluate a command against execpolicy rule files. The work is in codex.sandbox;
this module only joins it to the config and turns its errors into one-line CodexErrors."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Mapping, Sequence

    from codex.config import Config
    from codex.protocol.sandbox_policy import SandboxPolicy


def exec_sandboxed(config: Config, command: list[str], add_dirs: Sequence[str]) -> NoReturn:
    """Become `command`, sandboxed by the config's policy (plus `add_dirs` as writable roots)
    in the config's cwd."""
    import os

    from codex.sandbox.become import become
    from codex.sandbox.policy import policy_from_config

    policy = policy_from_config(config, add_dirs=add_dirs)
    become(command, policy, cwd=os.fspath(config.cwd))


async def spawn_under_policy(
    config: Config,
    command: Sequence[str],
    *,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
    policy: SandboxPolicy | None = None,
    stdin: int | None = subprocess.DEVNULL,  # the asyncio.subprocess constants are these
    stdout: int | None = subprocess.PIPE,
    stderr: int | None = subprocess.PIPE,
) -> asyncio.subprocess.Process:
    """Start `command` for a client outside any turn (app-server `command/exec`), confined like
    the agent's own commands: by `policy` when the client names one, else by the config's
    policy, with the config's cwd as the workspace. Its own process group; stdin from /dev/null
    and stdout/stderr piped unless given (a pipe, or a pseudo-terminal's fd). A machine that
    cannot enforce the policy is a one-line CodexError: the command never runs with less
    confinement than asked for."""
    import os

    from codex.errors import CodexError
    from codex.sandbox.policy import policy_from_config
    from codex.sandbox.spawn import SandboxUnavailable, spawn

    chosen = policy if policy is not None else policy_from_config(config)
    try:
        return await spawn(
            command,
            chosen,
            cwd=cwd or os.fspath(config.cwd),
            env=env,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            sandbox_policy_cwd=os.fspath(config.cwd),
        )
    except SandboxUnavailable as err:
        raise CodexError(str(err)) from None


def probe_report() -> list[str]:
    """The lines of `codex sandbox --probe`."""
    from codex.sandbox.probe_report import probe_report as report

    return report()


def check_against_rules(
    rule_files: Sequence[str], command: list[str], *, resolve_host_executables: bool
) -> dict[str, Any]:
    """What the rule files decide for `command`, as upstream's JSON object
    (`{"matchedRules": [...], "decision"?: ...}`); a malformed or unreadable file is a
    CodexError naming it."""
    from codex.errors import CodexError
    from codex.sandbox.execpolicy import ExecPolicyError, parse_policy_files

    try:
        policy = parse_policy_files(rule_files)
    except ExecPolicyError as err:
        raise CodexError(str(err)) from None
    except OSError as err:
        raise CodexError(f"cannot read rules {err.filename}: {err.strerror}") from None
    evaluation = policy.check(command, resolve_host_executables=resolve_host_executables)
    return evaluation.to_json_dict()
