"""`codex mcp-server`: an `mcp` SDK client drives the real server (a subprocess) against the
loopback mock model server: tools/list, a `codex` turn with `codex/event` notifications,
`codex-reply` on the same thread, approvals through elicitation, bad arguments."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import anyio
from mcp.client.extension import NotificationBinding
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from pydantic import BaseModel, ConfigDict
from tests.mcp.harness import ROOT
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

from mcp import types

USAGE = Usage(3, 0, 4)


class EventParams(BaseModel):
    model_config = ConfigDict(extra="allow")


def _params(home) -> StdioServerParameters:
    env = {**os.environ, "CODEX_HOME": str(home), "MOCK_KEY": "sk-mock"}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "codex", "mcp-server"], env=env, cwd=str(ROOT)
    )


async def _drive(home, script, elicit=None, events=None) -> tuple[Any, list[dict]]:
    """Run `script(client)` against a fresh server; its result and the codex/event params."""
    events = [] if events is None else events

    async def on_event(params: EventParams) -> None:
        events.append(params.model_dump())

    binding = NotificationBinding(method="codex/event", params_type=EventParams, handler=on_event)
    async with (
        stdio_client(_params(home)) as (read, write),
        ClientSession(
            read, write, elicitation_callback=elicit, notification_bindings=[binding]
        ) as client,
    ):
        await client.initialize()
        result = await script(client)
    return result, events


def _home(tmp_path, server):
    return write_mock_config(tmp_path / "home", server.url)


def test_tools_list_shows_codex_and_codex_reply_with_their_schemas(tmp_path, mock_model_server):
    async def script(client):
        return await client.list_tools()

    listed, _ = asyncio.run(_drive(_home(tmp_path, mock_model_server), script))
    tools = {t.name: t for t in listed.tools}
    assert sorted(tools) == ["codex", "codex-reply"]
    codex = tools["codex"].input_schema
    assert codex["required"] == ["prompt"]
    for name in ("model", "profile", "cwd", "approval-policy", "sandbox", "config"):
        assert name in codex["properties"]
    assert "base-instructions" in codex["properties"]
    assert "developer-instructions" in codex["properties"]
    assert codex["properties"]["sandbox"]["enum"] == [
        "read-only",
        "workspace-write",
        "danger-full-access",
    ]
    reply = tools["codex-reply"].input_schema
    assert reply["required"] == ["prompt"] and "threadId" in reply["properties"]
    assert tools["codex"].output_schema["required"] == ["threadId", "content"]


def test_codex_runs_a_turn_streams_events_and_codex_reply_continues_it(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("first answer")], USAGE), Turn([Message("second answer")], USAGE)
    )
    work = tmp_path / "work"
    work.mkdir()

    async def script(client):
        first = await client.call_tool(
            "codex", {"prompt": "hello there", "cwd": str(work), "model": "gpt-5.5"}
        )
        thread = first.structured_content["threadId"]
        second = await client.call_tool("codex-reply", {"threadId": thread, "prompt": "again"})
        return first, second

    (first, second), events = asyncio.run(_drive(_home(tmp_path, mock_model_server), script))
    assert not first.is_error, first
    assert first.content[0].text == "first answer"
    thread = first.structured_content["threadId"]
    assert first.structured_content == {"threadId": thread, "content": "first answer"}
    assert second.content[0].text == "second answer"
    assert second.structured_content["threadId"] == thread
    types_seen = [e["msg"]["type"] for e in events]
    assert "agent_message" in types_seen and "task_complete" in types_seen
    configured = [e["msg"] for e in events if e["msg"]["type"] == "session_configured"]
    assert len(configured) == 1 and configured[0]["session_id"] == thread
    assert configured[0]["cwd"] == str(work)
    assert all(e["_meta"]["threadId"] == thread for e in events)
    requests = mock_model_server.wait_for_requests(2)
    assert "hello there" in requests[1].message_texts("user")
    assert "first answer" in requests[1].message_texts("assistant")


def _approval_turns(server, cmd: str) -> None:
    server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": cmd})], USAGE),
        Turn([Message("done")], USAGE),
    )


def _run_with_elicit(tmp_path, server, action: str):
    work = tmp_path / "work"
    work.mkdir()
    asked: list[dict] = []

    async def elicit(context, params):
        asked.append(params.model_dump(by_alias=True))
        return types.ElicitResult(action=action)

    async def script(client):
        return await client.call_tool(
            "codex",
            {
                "prompt": "make the marker",
                "cwd": str(work),
                "sandbox": "read-only",
                "approval-policy": "untrusted",
            },
        )

    result, _ = asyncio.run(_drive(_home(tmp_path, server), script, elicit))
    return result, asked, work


def test_an_accepted_elicitation_runs_the_command(tmp_path, mock_model_server):
    _approval_turns(mock_model_server, "touch marker.txt && echo made-it")
    result, asked, _work = _run_with_elicit(tmp_path, mock_model_server, "accept")
    assert result.content[0].text == "done"
    assert len(asked) == 1 and "Allow Codex to run" in asked[0]["message"]
    output = mock_model_server.wait_for_requests(2)[1].function_call_output("c1")
    assert output is not None and "made-it" in str(output)


def test_a_declined_elicitation_denies_the_command_and_the_turn_goes_on(
    tmp_path, mock_model_server
):
    _approval_turns(mock_model_server, "touch marker.txt && echo made-it")
    result, asked, work = _run_with_elicit(tmp_path, mock_model_server, "decline")
    assert result.content[0].text == "done"
    assert len(asked) == 1
    output = mock_model_server.wait_for_requests(2)[1].function_call_output("c1")
    assert output is not None and "made-it" not in str(output)
    assert not (work / "marker.txt").exists()


def test_bad_arguments_are_error_results_not_crashes(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("still alive")], USAGE))

    async def script(client):
        out = [
            await client.call_tool("codex", {}),
            await client.call_tool("codex", {"prompt": "x", "sandbox": "bogus"}),
            await client.call_tool("codex", {"prompt": "x", "cwd": str(tmp_path / "nope")}),
            await client.call_tool("codex-reply", {"threadId": "nope", "prompt": "x"}),
            await client.call_tool("nope", {}),
        ]
        out.append(await client.call_tool("codex", {"prompt": "x"}))
        return out

    results, _ = asyncio.run(_drive(_home(tmp_path, mock_model_server), script))
    assert all(r.is_error for r in results[:-1]), results
    assert "Unknown tool 'nope'" in results[4].content[0].text
    assert results[-1].content[0].text == "still alive"


def test_a_client_without_elicitation_gets_the_command_denied(tmp_path, mock_model_server):
    _approval_turns(mock_model_server, "touch marker.txt && echo made-it")
    work = tmp_path / "work"
    work.mkdir()

    async def script(client):
        args = {"prompt": "p", "cwd": str(work), "approval-policy": "untrusted"}
        return await client.call_tool("codex", {**args, "sandbox": "read-only"})

    result, events = asyncio.run(_drive(_home(tmp_path, mock_model_server), script))
    assert result.content[0].text == "done"
    assert any(e["msg"]["type"] == "exec_approval_request" for e in events)
    assert all(e["_meta"]["requestId"] is not None for e in events)
    output = mock_model_server.wait_for_requests(2)[1].function_call_output("c1")
    assert output is not None and "made-it" not in str(output)
    assert not (work / "marker.txt").exists()


class _Events(list):
    """The codex/event params, and a signal when the first one arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.first = anyio.Event()

    def append(self, item: Any) -> None:
        super().append(item)
        self.first.set()


def test_a_cancelled_call_interrupts_the_turn_and_the_thread_takes_a_reply(
    tmp_path, mock_model_server
):
    # The first turn's model reply is held for the whole test: only an interrupt ends it.
    mock_model_server.enqueue(
        Hold(Turn([Message("never")], USAGE)), Turn([Message("after")], USAGE)
    )
    events = _Events()

    async def script(client):
        async with anyio.create_task_group() as group:
            group.start_soon(client.call_tool, "codex", {"prompt": "slow"})
            await anyio.to_thread.run_sync(mock_model_server.wait_held)
            await events.first.wait()
            group.cancel_scope.cancel()
        thread = events[0]["_meta"]["threadId"]
        return await client.call_tool("codex-reply", {"threadId": thread, "prompt": "next"})

    result, _ = asyncio.run(_drive(_home(tmp_path, mock_model_server), script, events=events))
    assert not result.is_error, result
    assert result.content[0].text == "after"
    second = mock_model_server.wait_for_requests(2)[1]
    assert "next" in second.message_texts("user")
    assert "never" not in second.message_texts("assistant")


def _raw_session(home, work) -> tuple[dict, list[dict]]:
    """Drive the server with hand-written JSON-RPC lines, as upstream's clients do: answer the
    exec elicitation with upstream's non-standard `{"decision": "approved"}`."""
    import json
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "mcp-server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_params(home).env,
        cwd=str(ROOT),
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None

    def send(obj: dict) -> None:
        proc.stdin.write(json.dumps(obj) + "\n")
        proc.stdin.flush()

    try:
        send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {"elicitation": {}},
                    "clientInfo": {"name": "raw", "version": "1"},
                },
            }
        )
        seen = [json.loads(proc.stdout.readline())]
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        args = {
            "prompt": "p",
            "cwd": str(work),
            "sandbox": "read-only",
            "approval-policy": "untrusted",
        }
        send(
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": "codex", "arguments": args},
            }
        )
        while True:
            message = json.loads(proc.stdout.readline())
            seen.append(message)
            if message.get("method") == "elicitation/create":
                send({"jsonrpc": "2.0", "id": message["id"], "result": {"decision": "approved"}})
            if message.get("id") == 2:
                break
    finally:
        proc.stdin.close()  # EOF ends the server
        proc.wait()
    return message, seen


def test_the_wire_shape_of_events_elicitation_and_result(tmp_path, mock_model_server):
    _approval_turns(mock_model_server, "touch marker.txt && echo made-it")
    work = tmp_path / "work"
    work.mkdir()
    final, seen = _raw_session(_home(tmp_path, mock_model_server), work)
    info = seen[0]["result"]["serverInfo"]
    assert info["name"] == "codex-mcp-server" and info["title"] == "Codex"
    elicit = next(m for m in seen if m.get("method") == "elicitation/create")["params"]
    assert elicit["codex_elicitation"] == "exec-approval"
    assert elicit["codex_mcp_tool_call_id"] == "2" and elicit["codex_call_id"] == "c1"
    assert elicit["codex_command"][-1] == "touch marker.txt && echo made-it"
    assert elicit["codex_cwd"] == str(work)
    assert elicit["message"].startswith("Allow Codex to run `") and str(work) in elicit["message"]
    event = next(m for m in seen if m.get("method") == "codex/event")["params"]
    assert event["_meta"]["requestId"] == 2 and "type" in event["msg"] and "id" in event
    assert final["result"]["content"][0]["text"] == "done"
    assert final["result"]["structuredContent"]["content"] == "done"
    output = mock_model_server.wait_for_requests(2)[1].function_call_output("c1")
    assert output is not None and "made-it" in str(output)
