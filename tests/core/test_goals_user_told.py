"""The TUI's `/goal` (codex.core.goals.control) tells the model of the user's change through
core's Session.tell_model: while a tool call is in flight, the message waits for the turn's
next request, after the call's output (never between a call and its output); told while a task
runs that makes no more requests (a compaction), it is on record once the task ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

from tests.core.harness import make_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session
from codex.core.goals import control
from codex.protocol import ops

USER_GOAL = '<codex_internal_context source="user_goal">'
WAIT = 60


def _text(item: Any) -> str:
    data = item if isinstance(item, dict) else item.to_dict()
    content = data.get("content")
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or () if isinstance(p, dict))


async def _until(session: Session, tag: str) -> None:
    while tag != (await asyncio.wait_for(session.next_event(), WAIT)).msg.TAG:
        pass


def test_goal_set_during_a_held_call_follows_its_output(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    call = FunctionCall("c1", "exec_command", {"cmd": f"cat {fifo}", "login": False})
    mock_model_server.enqueue(Turn([call]), Turn([Message("done")]))
    config = make_config(tmp_path, mock_model_server, sandbox="danger-full-access")

    async def main() -> None:
        async with Session(config) as s:
            await s.next_event()
            await s.submit(ops.UserInput([ops.InputText("go")]))
            await _until(s, "exec_command_begin")
            try:
                assert control.set_objective(s, "ship") is not None
            finally:
                with contextlib.suppress(OSError):  # let the held `cat` finish
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                    os.write(fd, b"released\n")
                    os.close(fd)
            await _until(s, "task_complete")

    asyncio.run(main())
    sent = mock_model_server.requests[1].input()
    kinds = [
        "goal" if USER_GOAL in _text(i) else i["type"]
        for i in sent
        if i.get("type") in ("function_call", "function_call_output") or USER_GOAL in _text(i)
    ]
    assert kinds == ["function_call", "function_call_output", "goal"]
    output = mock_model_server.requests[1].function_call_output("c1")
    assert output is not None and "released" in str(output["output"])


def test_goal_set_during_a_compaction_is_on_record_after_it(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(Turn([Message("hi")]), Hold(Turn([Message("summary")]), frames=None))
    config = make_config(tmp_path, mock_model_server)

    async def main() -> list[Any]:
        async with Session(config) as s:
            await s.next_event()
            await s.submit(ops.UserInput([ops.InputText("go")]))
            await _until(s, "task_complete")
            await s.submit(ops.Compact())
            await asyncio.to_thread(mock_model_server.wait_held)
            try:
                assert control.set_objective(s, "ship") is not None
            finally:
                mock_model_server.release()
            await _until(s, "task_complete")
            return list(s.history.items)

    history = asyncio.run(main())
    told = [i for i in history if USER_GOAL in _text(i)]
    assert len(told) == 1 and 'User set the goal: "ship"' in _text(told[0])
