"""`codex app-server --listen ws://` beyond the handshake: an approval round trip over frames
(the request reaches the connection that started the turn, its answer runs the command), and
a client that drops its socket mid-turn (the server goes on serving the other connections and
leaves no process of the dropped turn behind)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import scratch_env
from tests.app_server.test_approvals import _descendants
from tests.app_server.test_approvals_more import ESCALATED
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

websockets = pytest.importorskip("websockets", reason="websockets is not installed (ws extra)")
WAIT = 60  # a hang guard, never a timing assertion


@pytest.fixture
def ws_server(home: Path, repo: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "app-server", "--listen", "ws://127.0.0.1:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=scratch_env(home),
        cwd=repo,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    assert line.startswith("listening on ws://127.0.0.1:"), line
    try:
        yield line.split()[-1], proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


class Peer:
    """One WebSocket client: requests by id, everything else collected in `seen`."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self._ids = iter(range(1, 1_000_000))

    async def recv(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
        self.seen.append(message)
        return message

    async def until(self, predicate: Any) -> list[dict[str, Any]]:
        out = []
        while True:
            message = await self.recv()
            out.append(message)
            if predicate(message):
                return out

    async def start(self, method: str, params: Any) -> int:
        request_id = next(self._ids)
        await self.ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
        return request_id

    async def call(self, method: str, params: Any) -> Any:
        request_id = await self.start(method, params)
        messages = await self.until(lambda m: m.get("id") == request_id and "method" not in m)
        assert "error" not in messages[-1], messages[-1]
        return messages[-1]["result"]

    async def initialize(self) -> None:
        await self.call("initialize", {"clientInfo": {"name": "ws", "version": "1"}})
        await self.ws.send(json.dumps({"method": "initialized"}))


def _tree(pid: int) -> list[int]:
    """Every live descendant of `pid`."""
    out: list[int] = []
    for child in _descendants(pid):
        out += [child, *_tree(child)]
    return out


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent's wait() counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _turn_params(thread_id: str, text: str) -> dict[str, Any]:
    return {"threadId": thread_id, "input": [{"type": "text", "text": text}]}


def test_an_approval_round_trip_over_websocket(
    ws_server: tuple[str, subprocess.Popen[bytes]], repo: Path, mock: MockModelServer
) -> None:
    url, _ = ws_server
    mock.enqueue(
        Turn([FunctionCall("call_w", "exec_command", {"cmd": "touch ws.txt", **ESCALATED})]),
        Turn([Message("after")]),
    )

    async def main() -> None:
        async with websockets.connect(url) as a, websockets.connect(url) as b:
            asker, other = Peer(a), Peer(b)
            await asker.initialize()
            await other.initialize()
            thread_id = (
                await asker.call(
                    "thread/start",
                    {"cwd": str(repo), "approvalPolicy": "on-request", "sandbox": "read-only"},
                )
            )["thread"]["id"]
            await asker.start("turn/start", _turn_params(thread_id, "go"))
            pre = await asker.until(lambda m: "method" in m and "id" in m)
            request = pre[-1]
            assert request["method"] == "item/commandExecution/requestApproval"
            assert request["params"]["threadId"] == thread_id
            assert request["params"]["command"] == "/bin/bash -lc 'touch ws.txt'"
            assert not (repo / "ws.txt").exists()
            await a.send(json.dumps({"id": request["id"], "result": {"decision": "accept"}}))
            post = await asker.until(lambda m: m.get("method") == "turn/completed")
            resolved = next(m for m in post if m.get("method") == "serverRequest/resolved")
            assert resolved["params"] == {"threadId": thread_id, "requestId": request["id"]}
            done = [
                m["params"]["item"]
                for m in post
                if m.get("method") == "item/completed"
                and m["params"]["item"]["type"] == "commandExecution"
            ]
            assert [(i["status"], i["exitCode"]) for i in done] == [("completed", 0)]
            assert post[-1]["params"]["turn"]["status"] == "completed"
            assert (repo / "ws.txt").exists()
            # the other connection, which never subscribed to the thread, was never asked
            listing = await other.call("thread/loaded/list", {})
            assert listing["data"] == [thread_id]
            assert not any("id" in m and "method" in m for m in other.seen)

    asyncio.run(main())


def test_a_client_dropped_mid_turn_does_not_stop_the_server(
    ws_server: tuple[str, subprocess.Popen[bytes]], repo: Path, mock: MockModelServer
) -> None:
    url, proc = ws_server
    marker = f"ws-{uuid.uuid4().hex}"  # its output, to know it runs
    mock.enqueue(
        Turn(
            [
                FunctionCall(
                    "call_s",
                    "exec_command",
                    {"cmd": f"echo {marker}; sleep 300", "yield_time_ms": 60000},
                )
            ]
        ),
        Turn([Message("never")]),
    )

    async def main() -> None:
        async with websockets.connect(url) as b:
            other = Peer(b)
            await other.initialize()
            async with websockets.connect(url) as a:
                dropped = Peer(a)
                await dropped.initialize()
                thread_id = (
                    await dropped.call(
                        "thread/start",
                        {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "read-only"},
                    )
                )["thread"]["id"]
                await dropped.start("turn/start", _turn_params(thread_id, "sleep"))
                await dropped.until(
                    lambda m: (
                        m.get("method") == "item/commandExecution/outputDelta"
                        and marker in m["params"]["delta"]
                    )
                )
                running.extend(_tree(proc.pid))
                assert running  # the command's shell
            # `a` is closed mid-turn; the server still serves `b`, with a new thread and turn
            mock.enqueue(Turn([Message("still here")]))
            fresh = (await other.call("thread/start", {"cwd": str(repo)}))["thread"]["id"]
            await other.start("turn/start", _turn_params(fresh, "hi"))
            done = await other.until(lambda m: m.get("method") == "turn/completed")
            assert done[-1]["params"]["turn"]["status"] == "completed"
            assert any(m.get("method") == "item/agentMessage/delta" for m in done)

    running: list[int] = []
    asyncio.run(main())
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    leftover = [pid for pid in running if _alive(pid)]
    for pid in leftover:
        os.kill(pid, signal.SIGKILL)
    assert leftover == [], "processes of the dropped turn outlived the server"
