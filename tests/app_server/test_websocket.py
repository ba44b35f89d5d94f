"""`codex app-server --listen ws://127.0.0.1:PORT`: one JSON-RPC message per frame, each
connection its own handshake, threads shared by the server; bad frames get error responses."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import scratch_env
from tests.support.mock_model_server import MockModelServer, scenario

websockets = pytest.importorskip("websockets", reason="websockets is not installed (ws extra)")


@pytest.fixture
def ws_url(home: Path, repo: Path) -> Iterator[str]:
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
    yield line.split()[-1]
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    assert proc.stdout is not None and proc.stdout.read() == b""  # nothing on stdout


async def _call(ws: Any, request_id: int, method: str, params: Any) -> dict:
    await ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if message.get("id") == request_id and "method" not in message:
            return message


def test_two_clients_over_websocket(ws_url: str, repo: Path, mock: MockModelServer) -> None:
    mock.repeat(scenario("message"))

    async def main() -> None:
        async with websockets.connect(ws_url) as a, websockets.connect(ws_url) as b:
            before = await _call(b, 1, "thread/list", {})
            assert before["error"]["message"] == "Not initialized"
            for ws in (a, b):
                init = await _call(
                    ws, 2, "initialize", {"clientInfo": {"name": "ws", "version": "1"}}
                )
                assert init["result"]["userAgent"].startswith("ws/")
                await ws.send(json.dumps({"method": "initialized"}))
            await b.send("not json")
            bad = json.loads(await asyncio.wait_for(b.recv(), 30))
            assert bad["error"]["code"] == -32700
            started = await _call(a, 3, "thread/start", {"cwd": str(repo)})
            thread_id = started["result"]["thread"]["id"]
            await a.send(
                json.dumps(
                    {
                        "id": 4,
                        "method": "turn/start",
                        "params": {
                            "threadId": thread_id,
                            "input": [{"type": "text", "text": "hi"}],
                        },
                    }
                )
            )
            methods = []
            while True:
                message = json.loads(await asyncio.wait_for(a.recv(), 30))
                methods.append(message.get("method"))
                if message.get("method") == "turn/completed":
                    assert message["params"]["turn"]["status"] == "completed"
                    break
            assert "item/agentMessage/delta" in methods
            loaded = await _call(b, 5, "thread/loaded/list", {})
            assert loaded["result"]["data"] == [thread_id]

    asyncio.run(main())


def test_listen_rejects_unknown_transports(home: Path, repo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codex", "app-server", "--listen", "tcp://x"],
        capture_output=True,
        text=True,
        env=scratch_env(home),
        cwd=repo,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("codex: unsupported --listen URL")
    assert done.stdout == ""
