"""MCP tool approvals through `codex app-server`, as upstream 0.169 asks them: a destructive tool
of a real MCP peer (tests/mcp/peers, `destructiveHint: true`) makes the server send
`mcpServer/elicitation/request` (form, `_meta.codex_approval_kind = "mcp_tool_call"`); the
client's `{action}` decides: accept runs the tool, decline ends the call with "user rejected MCP
tool call", cancel with "user cancelled MCP tool call"; a read-only tool is never asked about."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn


@pytest.fixture
def mock() -> Iterator[MockModelServer]:
    with MockModelServer() as server:
        yield server


@pytest.fixture
def client(tmp_path: Path, mock: MockModelServer) -> Iterator[RpcClient]:
    home = write_mock_config(tmp_path / "home", mock.base_url, stdio_table("peer"))
    repo = tmp_path / "repo"
    repo.mkdir()
    rpc = RpcClient(ours_argv(), scratch_env(home), repo)
    rpc.initialize()
    yield rpc
    if rpc.proc.poll() is None:
        rpc.close()


def _turn(rpc: RpcClient, tmp_path: Path, policy: str = "on-request") -> tuple[str, int]:
    thread = rpc.call(
        "thread/start",
        {"cwd": str(tmp_path / "repo"), "approvalPolicy": policy, "sandbox": "workspace-write"},
    )["thread"]["id"]
    turn = rpc.start("turn/start", {"threadId": thread, "input": [{"type": "text", "text": "go"}]})
    return thread, turn


def _script(mock: MockModelServer, target: Path) -> None:
    mock.enqueue(
        # the first request leaves before the servers start; peek waits for the peer
        Turn([FunctionCall("c0", "mcp__peer__peek", {"path": str(target)})]),
        Turn([FunctionCall("t1", "mcp__peer__touch", {"path": str(target)})]),
        Turn([Message("done")]),
    )


@pytest.mark.parametrize(
    ("action", "ran", "output"),
    [
        ("accept", True, None),
        ("decline", False, "user rejected MCP tool call"),
        ("cancel", False, "user cancelled MCP tool call"),
    ],
)
def test_destructive_tool_asks_by_elicitation(tmp_path, mock, client, action, ran, output):
    target = tmp_path / "touched.txt"
    _script(mock, target)
    thread, _ = _turn(client, tmp_path)
    pre = client.until(lambda m: m.get("method") == "mcpServer/elicitation/request")
    request = pre[-1]
    params = request["params"]
    assert params["threadId"] == thread
    assert params["serverName"] == "peer"
    assert params["mode"] == "form"
    assert params["message"] == 'Allow the peer MCP server to run tool "touch"?'
    assert params["_meta"]["codex_approval_kind"] == "mcp_tool_call"
    assert params["_meta"]["tool_params"] == {"path": str(target)}
    assert params["requestedSchema"] == {"type": "object", "properties": {}}
    # peek (readOnlyHint) ran without a question; touch has begun before the question
    started = [
        m["params"]["item"]
        for m in pre
        if m.get("method") == "item/started" and m["params"]["item"].get("type") == "mcpToolCall"
    ]
    assert [i["tool"] for i in started] == ["peek", "touch"]
    client.send({"id": request["id"], "result": {"action": action, "content": None}})
    post = client.until(lambda m: m.get("method") == "turn/completed")
    assert any(m.get("method") == "serverRequest/resolved" for m in post)
    assert target.exists() is ran
    out = mock.requests[-1].function_call_output("t1")["output"]
    if output is None:
        assert "touched" in out
    else:
        assert out == output
        done = [
            m["params"]["item"]
            for m in post
            if m.get("method") == "item/completed" and m["params"]["item"].get("tool") == "touch"
        ]
        assert done[0]["status"] == "failed"
        assert done[0]["error"]["message"] == output


def test_never_with_full_access_does_not_ask(tmp_path, mock, client):
    target = tmp_path / "touched.txt"
    _script(mock, target)
    thread = client.call(
        "thread/start",
        {
            "cwd": str(tmp_path / "repo"),
            "approvalPolicy": "never",
            "sandbox": "danger-full-access",
        },
    )["thread"]["id"]
    client.start("turn/start", {"threadId": thread, "input": [{"type": "text", "text": "go"}]})
    post = client.until(lambda m: m.get("method") == "turn/completed")
    assert not any(m.get("method") == "mcpServer/elicitation/request" for m in post)
    assert target.read_text() == "touched"


def test_allow_for_the_session_is_remembered(tmp_path, mock, client):
    """An accept whose `_meta.persist` is "session" (0.169's "Allow for this session") is not
    asked again for that tool in the thread."""
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    mock.enqueue(
        Turn([FunctionCall("c0", "mcp__peer__peek", {"path": str(first)})]),
        Turn([FunctionCall("t1", "mcp__peer__touch", {"path": str(first)})]),
        Turn([FunctionCall("t2", "mcp__peer__touch", {"path": str(second)})]),
        Turn([Message("done")]),
    )
    _turn(client, tmp_path)
    pre = client.until(lambda m: m.get("method") == "mcpServer/elicitation/request")
    assert pre[-1]["params"]["_meta"]["persist"] == ["session", "always"]
    client.send(
        {"id": pre[-1]["id"], "result": {"action": "accept", "_meta": {"persist": "session"}}}
    )
    post = client.until(lambda m: m.get("method") == "turn/completed")
    assert not any(m.get("method") == "mcpServer/elicitation/request" for m in post)
    assert first.exists() and second.exists()
