"""`thread/shellCommand`: the user's own `!cmd` in a thread, as the official 0.169 server runs it.

The command string goes to the thread's shell as `<shell> -lc <command>` (pipes, redirects and
quoting kept), in the thread's cwd, unsandboxed and unapproved: the user typed it. The request
is answered `{}` at once; the command then runs as a turn of its own, with the notifications of
a turn holding one commandExecution item of source `userShell`: `thread/status/changed`
(active), `turn/started`, `item/started`, `item/commandExecution/outputDelta` per chunk,
`item/completed` (status completed on exit 0, else failed), `thread/status/changed` (idle),
`turn/completed`. Sent while a model turn runs, it joins that turn instead: only its item's
notifications (with that turn's id), and its result is input of the turn's next request (the
model answers it), as 0.169 does. The model sees a standalone command's result next turn: it
is recorded in the history (and the rollout) as the `<user_shell_command>` user message
upstream writes, and the rollout holds the turn (task_started, the item's `item_completed`,
task_complete), so `thread/read` shows it.

While a standalone one runs, `turn/start` and another command are refused (the thread is
busy) and `turn/interrupt` kills it (the turn completes `interrupted`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
import time
import uuid
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.items import turn_object
from codex.app_server.notifications import ACTIVE, IDLE, note
from codex.app_server.params import string
from codex.app_server.params import timeout_ms as timeout_ms_param

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.server import AppServer

DEFAULT_TIMEOUT_MS = 60 * 60 * 1000  # one hour, upstream's default
READ_CHUNK = 8192


async def thread_shell_command(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    timeout_ms = timeout_ms_param(p, "thread/shellCommand")  # before the thread, as 0.169
    live = server.thread(p)
    command = string(p, "command")
    if not command.strip():
        raise errors.invalid_request("command must not be empty")
    if live.shell_task is not None or live.review_task is not None:
        raise errors.invalid_request("cannot run a shell command while a turn is running")
    timeout_ms = DEFAULT_TIMEOUT_MS if timeout_ms is None else timeout_ms
    if live.current_turn is not None:  # a model turn runs: the command joins it (as 0.169)
        task = asyncio.ensure_future(_run(live, live.current_turn, command, timeout_ms, True))
        live.approval_tasks.add(task)  # cancelled (its process killed) if the thread stops
        task.add_done_callback(live.approval_tasks.discard)
        return {}
    tid = live.next_turn_id()
    live.current_turn = tid
    live.turn_done.clear()
    live.shell_task = asyncio.ensure_future(_run(live, tid, command, timeout_ms, False))
    return {}


def _item(
    item_id: str, display: str, command: str, cwd: str, started: int, **done: Any
) -> dict[str, Any]:
    item = {
        "type": "commandExecution",
        "id": item_id,
        "pluginId": None,
        "scriptPath": None,
        "command": display,
        "cwd": cwd,
        "processId": None,
        "source": "userShell",
        "status": "inProgress",
        "commandActions": [{"type": "unknown", "command": command}],
        "aggregatedOutput": None,
        "exitCode": None,
        "durationMs": None,
        "startedAtMs": started,
        "completedAtMs": None,
    }
    item.update(done)
    return item


async def _run(live: LiveThread, tid: str, command: str, timeout_ms: int, joined: bool) -> None:
    """Run the command as turn `tid` of its own, or as an item of the running turn `tid`
    (`joined`): then no turn notifications, and its result joins that turn's next request."""
    session = live.session
    shell = getattr(session, "shell_path", None) or os.environ.get("SHELL") or "/bin/bash"
    cwd = str(session.settings.cwd)
    argv = [shell, "-lc", command]
    display = shlex.join(argv)
    item_id = str(uuid.uuid4())
    started_ms = int(time.time() * 1000)
    began = time.monotonic()
    thread_id = live.thread_id
    opening = [
        note("thread/status/changed", {"threadId": thread_id, "status": ACTIVE}),
        note(
            "turn/started",
            {"threadId": thread_id, "turn": turn_object(tid, started_at=started_ms // 1000)},
        ),
    ]
    item_started = note(
        "item/started",
        {
            "item": _item(item_id, display, command, cwd, started_ms),
            "threadId": thread_id,
            "turnId": tid,
            "startedAtMs": started_ms,
        },
    )
    live.broadcast([item_started] if joined else [*opening, item_started])
    output: list[str] = []
    exit_code: int | None = None
    status = "completed"
    try:
        exit_code = await _execute(live, tid, item_id, argv, cwd, timeout_ms, output)
    except asyncio.CancelledError:
        status = "interrupted"
    except OSError as exc:  # the shell could not start
        output.append(f"{exc}\n")
        exit_code = None
    took_ms = int((time.monotonic() - began) * 1000)
    aggregated = "".join(output)
    item_status = "completed" if exit_code == 0 else "failed"
    done_ms = int(time.time() * 1000)
    item = _item(
        item_id,
        display,
        command,
        cwd,
        started_ms,
        status=item_status,
        aggregatedOutput=aggregated,
        exitCode=exit_code,
        durationMs=took_ms,
        completedAtMs=done_ms,
    )
    _record(live, tid, item_id, argv, command, cwd, item, took_ms, started_ms, done_ms, joined)
    item_completed = note(
        "item/completed",
        {
            "item": item,
            "threadId": thread_id,
            "turnId": tid,
            "contentTokenCount": None,
            "completedAtMs": done_ms,
        },
    )
    if joined:
        live.broadcast([item_completed])
        return
    turn = turn_object(
        tid,
        status=status,
        started_at=started_ms // 1000,
        completed_at=done_ms // 1000,
        duration_ms=done_ms - started_ms,
    )
    live.current_turn = None
    live.shell_task = None
    live.updated_at = done_ms // 1000
    live.turn_done.set()
    live.broadcast(
        [
            item_completed,
            note("thread/status/changed", {"threadId": thread_id, "status": IDLE}),
            note("turn/completed", {"threadId": thread_id, "turn": turn}),
        ]
    )


async def _execute(
    live: LiveThread,
    tid: str,
    item_id: str,
    argv: list[str],
    cwd: str,
    timeout_ms: int,
    output: list[str],
) -> int | None:
    """Run the command in its own process group, streaming both pipes; its exit code (None
    when it timed out). Cancelled (turn/interrupt, the thread closing): the group is killed."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )

    async def pump(stream: asyncio.StreamReader) -> None:
        decoder_tail = b""
        while chunk := await stream.read(READ_CHUNK):
            data = decoder_tail + chunk
            text = data.decode("utf-8", "ignore")
            decoder_tail = data[len(text.encode("utf-8")) :] if len(data) < 1 << 20 else b""
            if not text:
                continue
            output.append(text)
            live.broadcast(
                [
                    note(
                        "item/commandExecution/outputDelta",
                        {
                            "threadId": live.thread_id,
                            "turnId": tid,
                            "itemId": item_id,
                            "delta": text,
                        },
                    )
                ]
            )
        if decoder_tail:
            output.append(decoder_tail.decode("utf-8", "replace"))

    assert proc.stdout is not None and proc.stderr is not None
    pumps = asyncio.gather(pump(proc.stdout), pump(proc.stderr))
    try:
        await asyncio.wait_for(asyncio.shield(pumps), timeout_ms / 1000)
        return await proc.wait()
    except TimeoutError:
        _kill(proc.pid)
        await proc.wait()
        output.append(f"command timed out after {timeout_ms} ms\n")
        return None
    finally:
        if proc.returncode is None:
            _kill(proc.pid)
            with contextlib.suppress(Exception):
                await asyncio.shield(proc.wait())
        pumps.cancel()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _record(
    live: LiveThread,
    tid: str,
    item_id: str,
    argv: list[str],
    command: str,
    cwd: str,
    item: dict[str, Any],
    took_ms: int,
    started_ms: int,
    done_ms: int,
    joined: bool,
) -> None:
    """The turn into the rollout and the command's result into the model's history, as
    upstream records a user shell command (module docstring). `joined`: only the item, and
    the result as input of the running turn's next request (recorded when it is sent)."""
    from codex.protocol.items import InputText, Message

    state = getattr(live.session, "state", None)
    if state is None:
        return
    seconds = took_ms / 1000
    text = (
        f"<user_shell_command>\n<command>\n{command}\n</command>\n<result>\n"
        f"Exit code: {item['exitCode'] if item['exitCode'] is not None else -1}\n"
        f"Duration: {seconds:.4f} seconds\nOutput:\n{item['aggregatedOutput']}\n"
        "</result>\n</user_shell_command>"
    )
    message = Message("user", [InputText(text)])
    recorder = state.recorder
    if recorder is not None and not joined:
        recorder.record_event({"type": "task_started", "turn_id": tid})
        recorder.record_event(
            {
                "type": "item_completed",
                "thread_id": live.thread_id,
                "turn_id": tid,
                "item": {
                    "type": "CommandExecution",
                    "id": item_id,
                    "command": argv,
                    "cwd": f"file://{cwd}",
                    "parsed_cmd": [{"type": "unknown", "cmd": command}],
                    "source": "user_shell",
                    "status": item["status"],
                    "aggregated_output": item["aggregatedOutput"],
                    "exit_code": item["exitCode"],
                    "duration": {"secs": took_ms // 1000, "nanos": (took_ms % 1000) * 1_000_000},
                },
                "started_at_ms": started_ms,
                "completed_at_ms": done_ms,
            }
        )
    if joined:
        state.add_pending_input(message)
        return
    state.record_items([message])
    if recorder is not None:
        recorder.record_event({"type": "task_complete", "turn_id": tid, "last_agent_message": None})
    state.flush_recorder()
