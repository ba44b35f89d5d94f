"""command/exec (and /terminate): run one argv for the client and answer with its exit code
and output once it exits. Process ids are per connection; a connection that closes kills its
processes (their whole process group), so nothing outlives the client that started it.

The command runs under the server's sandbox, as upstream's app-server does: the client's
`sandboxPolicy` when it names one, else the configured policy (`sandbox_mode` and
`[sandbox_workspace_write]` for the command's cwd). A client cannot get an unconfined process
without asking for `dangerFullAccess` by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import array, boolean, integer, mapping, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_CAP = 1024 * 1024


async def command_exec(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    argv = array(p, "command") or []
    if not argv or not all(isinstance(word, str) for word in argv):
        raise errors.invalid_params("command must be a non-empty array of strings")
    process_id = string(p, "processId", required=False)
    if boolean(p, "tty") or boolean(p, "streamStdin") or boolean(p, "streamStdoutStderr"):
        raise errors.invalid_request("command/exec streaming and tty are not supported yet")
    timeout_ms = integer(p, "timeoutMs")
    if timeout_ms is not None and boolean(p, "disableTimeout"):
        raise errors.invalid_request("timeoutMs and disableTimeout cannot both be set")
    cap = integer(p, "outputBytesCap")
    if cap is not None and boolean(p, "disableOutputCap"):
        raise errors.invalid_request("outputBytesCap and disableOutputCap cannot both be set")
    cap = None if boolean(p, "disableOutputCap") else (cap or DEFAULT_CAP)
    timeout = None if boolean(p, "disableTimeout") else (timeout_ms or DEFAULT_TIMEOUT_MS) / 1000
    env = dict(os.environ)
    for key, value in (mapping(p, "env") or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[str(key)] = str(value)
    proc_key = (conn.number, process_id) if process_id else None
    if proc_key is not None and proc_key in server.exec_processes:
        raise errors.invalid_request(f"duplicate processId: {process_id}")
    from codex.api.sandboxing import spawn_under_policy
    from codex.app_server.turns import sandbox_policy
    from codex.errors import CodexError

    cwd = string(p, "cwd", required=False)
    config = server.load_config(cwd=cwd)
    requested = mapping(p, "sandboxPolicy")
    policy = sandbox_policy(requested) if requested else None
    try:
        proc = await spawn_under_policy(config, argv, cwd=cwd, env=env, policy=policy)
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None
    except OSError as exc:
        raise errors.invalid_request(f"failed to spawn {argv[0]}: {exc.strerror or exc}") from None
    if proc_key is not None:
        server.exec_processes[proc_key] = proc
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        _kill(proc)
        out, err = await proc.communicate()
    finally:
        if proc_key is not None:
            server.exec_processes.pop(proc_key, None)
    if cap is not None:
        out, err = out[:cap], err[:cap]
    return {
        "exitCode": proc.returncode if proc.returncode is not None else -1,
        "stdout": out.decode("utf-8", "replace"),
        "stderr": err.decode("utf-8", "replace"),
    }


async def command_terminate(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    process_id = string(p, "processId")
    proc = server.exec_processes.get((conn.number, process_id))
    if proc is None:
        raise errors.invalid_request(f"no such process: {process_id}")
    _kill(proc)
    return {}


def _kill(proc: Any) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def kill_connection_processes(server: AppServer, conn: Connection) -> None:
    for key in [k for k in server.exec_processes if k[0] == conn.number]:
        proc = server.exec_processes.pop(key)
        _kill(proc)
