"""command/exec and its follow-ups (write, resize, terminate): run one argv for the client and
answer with its exit code once it exits; with `streamStdoutStderr` (or `tty`) the output goes
out as `command/exec/outputDelta` notifications meanwhile, with `streamStdin` (or `tty`) the
client feeds stdin through `command/exec/write` (codex.app_server.exec_process).

Process ids are per connection; a connection that closes kills its processes (their whole
process group), so nothing outlives the client that started it.

The command runs under the server's sandbox, as upstream's app-server does: the client's
`sandboxPolicy` when it names one, else the configured policy (`sandbox_mode` and
`[sandbox_workspace_write]` for the command's cwd). A client cannot get an unconfined process
without asking for `dangerFullAccess` by name.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import os
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import array, boolean, integer, mapping, string
from codex.app_server.params import timeout_ms as timeout_ms_param

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.exec_process import ExecProcess
    from codex.app_server.server import AppServer

DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_CAP = 1024 * 1024


def _size(p: dict[str, Any]) -> tuple[int, int] | None:
    size = mapping(p, "size")
    if size is None:
        return None
    rows, cols = integer(size, "rows", minimum=1), integer(size, "cols", minimum=1)
    if rows is None or cols is None:
        raise errors.invalid_params("missing field `rows` or `cols`")
    return rows, cols


async def command_exec(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server.exec_process import ExecProcess

    argv = array(p, "command") or []
    if not argv or not all(isinstance(word, str) for word in argv):
        raise errors.invalid_params("command must be a non-empty array of strings")
    process_id = string(p, "processId", required=False)
    tty = boolean(p, "tty")
    stream_out = tty or boolean(p, "streamStdoutStderr")
    stream_in = tty or boolean(p, "streamStdin")
    if (stream_out or stream_in) and process_id is None:
        raise errors.invalid_request(
            "command/exec tty or streaming requires a client-supplied processId"
        )
    size = _size(p)
    if size is not None and not tty:
        raise errors.invalid_request("command/exec size requires tty")
    timeout_ms = timeout_ms_param(p, "command/exec")
    if timeout_ms is not None and boolean(p, "disableTimeout"):
        raise errors.invalid_request("timeoutMs and disableTimeout cannot both be set")
    cap = integer(p, "outputBytesCap")
    if cap is not None and boolean(p, "disableOutputCap"):
        raise errors.invalid_request("outputBytesCap and disableOutputCap cannot both be set")
    cap = None if boolean(p, "disableOutputCap") else (DEFAULT_CAP if cap is None else cap)
    timeout = None if boolean(p, "disableTimeout") else (timeout_ms or DEFAULT_TIMEOUT_MS) / 1000
    env = dict(os.environ)
    for key, value in (mapping(p, "env") or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[str(key)] = str(value)
    proc_key = (conn.number, process_id) if process_id else None
    if proc_key is not None and proc_key in server.exec_processes:
        raise errors.invalid_request(f"duplicate active command/exec process id: {process_id}")
    from codex.app_server.turns import sandbox_policy
    from codex.errors import CodexError

    cwd = string(p, "cwd", required=False)
    config = server.load_config(cwd=cwd)
    requested = mapping(p, "sandboxPolicy")
    policy = sandbox_policy(requested) if requested else None  # None: the config's
    process = ExecProcess(
        conn=conn,
        process_id=process_id,
        stream=stream_out,
        stdin_open=stream_in,
        tty=tty,
        cap=cap,
    )
    if proc_key is not None:
        server.exec_processes[proc_key] = process  # reserved before the spawn awaits
    try:
        try:
            await process.start(
                argv,
                config,
                policy,
                cwd=cwd or os.fspath(config.cwd),
                env=env,
                size=size,
            )
        except CodexError as exc:
            raise errors.invalid_request(str(exc)) from None
        except OSError as exc:
            raise errors.invalid_request(
                f"failed to spawn {argv[0]}: {exc.strerror or exc}"
            ) from None
        finally:
            process.spawned.set()
        return await process.wait(timeout)
    finally:
        process.kill_if_running()
        process.close_fds()
        if proc_key is not None:
            server.exec_processes.pop(proc_key, None)


async def _process(server: AppServer, conn: Connection, p: dict[str, Any]) -> ExecProcess:
    process_id = string(p, "processId")
    key = (conn.number, process_id)
    if key not in server.exec_processes:
        # A command/exec runs as a detached task, scheduled but not yet started when a write
        # pipelined right behind it is handled: one turn of the loop lets it register.
        await asyncio.sleep(0)
    process = server.exec_processes.get(key)
    if process is not None:
        await process.spawned.wait()
    if process is None or process.proc is None:
        raise errors.invalid_request(f'no active command/exec for process id "{process_id}"')
    return process


async def command_write(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    process = await _process(server, conn, p)
    if not process.stdin_open:
        raise errors.invalid_request("command/exec/write requires streamStdin or tty")
    try:
        data = base64.b64decode(string(p, "deltaBase64", required=False) or "", validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_params("deltaBase64 is not valid base64") from None
    try:
        await process.write(data, boolean(p, "closeStdin"))
    except (OSError, RuntimeError) as exc:
        raise errors.invalid_request(f"cannot write to the process: {exc}") from None
    return {}


async def command_resize(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    process = await _process(server, conn, p)
    size = _size(p)
    if size is None:
        raise errors.invalid_params("missing field `size`")
    try:
        process.resize(*size)
    except OSError as exc:
        raise errors.invalid_request(f"cannot resize: {exc}") from None
    return {}


async def command_terminate(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    (await _process(server, conn, p)).kill()
    return {}


async def kill_connection_processes(server: AppServer, conn: Connection) -> None:
    for key in [k for k in server.exec_processes if k[0] == conn.number]:
        server.exec_processes.pop(key).kill()
