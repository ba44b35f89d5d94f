"""Interrupt mid-command: the turn is aborted, the command's whole process group is gone (no
live process left in it), and the next request answers the interrupted call."""

from __future__ import annotations

import asyncio
import os

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session
from codex.protocol import ops
from codex.sandbox.process_group import live_group_members


def _pid_from(path) -> int:
    return int(path.read_text().split()[0])


def test_interrupt_kills_process_group(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    # The shell records its pid (= its process group: it leads a new session), then starts a
    # grandchild that would outlive it, then blocks.
    cmd = "echo $$ > pgid.txt; (sleep 300 &) ; sleep 300"
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": cmd, "login": False})]),
        Turn([Message("after")]),
    )
    config = make_config(tmp_path, mock_model_server, sandbox="danger-full-access", cwd=work)
    pidfile = work / "pgid.txt"

    async def main():
        async with Session(config) as s:
            await s.next_event()
            sub = await s.submit(ops.UserInput([ops.InputText("run it")]))
            events = []
            while True:
                ev = await asyncio.wait_for(s.next_event(), 30)
                events.append(ev)
                if ev.msg.TAG == "exec_command_begin":
                    while not (pidfile.exists() and pidfile.read_text().strip()):
                        await asyncio.sleep(0.02)
                    pgid = _pid_from(pidfile)
                    assert live_group_members(pgid)
                    await s.submit(ops.Interrupt())
                if ev.msg.TAG == "turn_aborted":
                    break
            gone = live_group_members(pgid)
            follow = await run_turn(s, "again")
            return sub, events, pgid, gone, follow

    _sub, events, pgid, gone, follow = asyncio.run(main())
    aborted = of_type(events, "turn_aborted")
    assert aborted and aborted[0].reason == "interrupted"
    assert gone == [], f"processes left in group {pgid}: {gone}"
    with open("/proc/self/stat") as fh:
        assert fh.read()  # sanity: /proc readable, so the check above is meaningful
    assert os.getpgid(os.getpid()) != pgid
    # The interrupted call is answered in the next request, and the pairing invariant holds.
    last = mock_model_server.requests[-1]
    assert last.tool_pairing_problems() == []
    assert "aborted" in last.function_call_output("c1")["output"]
    assert of_type(follow, "task_complete")[0].last_agent_message == "after"


def test_interrupt_while_waiting_for_model_reply(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("slow", deltas=["s"] * 50)], chunk_delay=0.2), Turn([Message("fast")])
    )
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await s.submit(ops.UserInput([ops.InputText("x")]))
            while True:
                ev = await asyncio.wait_for(s.next_event(), 30)
                if ev.msg.TAG == "agent_message_delta":
                    await s.submit(ops.Interrupt())
                if ev.msg.TAG == "turn_aborted":
                    break
            return await run_turn(s, "y")

    follow = asyncio.run(main())
    assert of_type(follow, "task_complete")[0].last_agent_message == "fast"
