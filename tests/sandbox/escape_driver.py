"""Run one command under a sandbox policy the way a caller of codex-py would, then exit with the
command's status. Used by the escape tests (also as an unprivileged user, under a real pty).

    escape_driver.py cli   POLICY_JSON CWD HOME -- CMD ARGS...   (`codex sandbox`, exec'd)
    escape_driver.py agent POLICY_JSON CWD HOME -- CMD ARGS...   (the shell tools' spawn)
    escape_driver.py agent-pty ...                               (same, exec_command tty=true)

With $CODEX_ESCAPE_OFFICIAL set to the official binary, `cli` runs its `codex sandbox` instead
(`CODEX_ESCAPE_OFFICIAL=... pytest tests/sandbox/test_escape_tty_keyring_unix.py -k cli` gives the
official column of the escape table; some of those runs fail where 0.169 allows the attempt).

The agent forms print the command's output on stdout. Kept free of pytest so it runs under
any interpreter that can import codex (the system python, for uid 65534).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys


def _cli(policy: dict, cwd: str, home: str, command: list[str]) -> None:
    flags = ["-s", policy["type"]]
    overrides: list[str] = []
    if policy["type"] == "workspace-write":
        for key in ("exclude_slash_tmp", "exclude_tmpdir_env_var", "network_access"):
            value = "true" if policy.get(key) else "false"
            overrides += ["-c", f"sandbox_workspace_write.{key}={value}"]
    os.chdir(cwd)
    official = os.environ.get("CODEX_ESCAPE_OFFICIAL")
    if official:  # the same attempt against the official CLI, for the comparison table
        os.environ["CODEX_HOME"] = home
        mode = ["-c", f"sandbox_mode={policy['type']}"]
        os.execv(official, [official, "sandbox", *mode, *overrides, "--", *command])
    argv = [sys.executable, "-m", "codex", "--config-home", home, *overrides, "sandbox"]
    os.execv(sys.executable, [*argv, *flags, "--", *command])


async def _agent(policy: dict, cwd: str, command: list[str], tty: bool) -> int:
    from pathlib import Path

    from codex.protocol.sandbox_policy import SandboxPolicy
    from codex.tools.runtime.process import spawn
    from codex.tools.runtime.sandboxing import sandbox_env, wrap_command

    where = Path(cwd)
    seen = SandboxPolicy.from_json_dict(policy)
    argv = wrap_command(command, seen, where)
    env = sandbox_env(seen, {"PATH": "/usr/bin:/bin", **_passed_env()})
    proc = await spawn(argv, cwd=where, env=env, tty=tty)
    code = await proc.wait_exit()
    sys.stdout.buffer.write(proc.aggregated.take())
    sys.stdout.flush()
    return code if code is not None else 1


def _passed_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("ESCAPE_") or k == "TMPDIR"}


def main() -> int:
    mode, policy_json, cwd, home, dashdash, *command = sys.argv[1:]
    assert dashdash == "--", sys.argv
    policy = json.loads(policy_json)
    if mode == "cli":
        _cli(policy, cwd, home, command)
    code = asyncio.run(_agent(policy, cwd, command, tty=mode == "agent-pty"))
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
