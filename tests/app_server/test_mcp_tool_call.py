"""`mcpServer/tool/call` through a raw JSON-RPC client against a real MCP peer
(tests/mcp/peers): results, tool errors and refused calls as 0.169 answers them for the same
peer (captured through the same client)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RpcClient]:
    home = write_mock_config(tmp_path / "home", "http://127.0.0.1:9/v1", stdio_table("peer"))
    repo = tmp_path / "repo"
    repo.mkdir()
    rpc = RpcClient(ours_argv(), scratch_env(home), repo)
    rpc.initialize()
    yield rpc
    if rpc.proc.poll() is None:
        rpc.close()


def test_mcp_tool_call(client: RpcClient, tmp_path: Path) -> None:
    from tests.app_server.test_schema import _validator

    thread_id = client.call(
        "thread/start", {"cwd": str(tmp_path / "repo"), "approvalPolicy": "never"}
    )["thread"]["id"]

    def call(tool: str, arguments: dict[str, object] | None = None, **extra: object) -> dict:
        params: dict[str, object] = {"threadId": thread_id, "server": "peer", "tool": tool}
        if arguments is not None:
            params["arguments"] = arguments
        reply, _ = client.response(client.start("mcpServer/tool/call", {**params, **extra}))
        return reply

    echo = call("echo", {"text": "hi"})["result"]
    assert echo == {
        "content": [{"type": "text", "text": "echo: hi"}],
        "structuredContent": {"result": "echo: hi"},
        "isError": False,
    }
    _validator("McpServerToolCallResponse").validate(echo)
    assert call("add", {"a": 1, "b": 2})["result"]["structuredContent"] == {"sum": 3}
    assert call("broken")["result"] == {
        "content": [{"type": "text", "text": "Error executing tool broken"}],
        "isError": True,
    }
    assert call("nope")["result"]["isError"] is True
    unknown = call("echo", server="nobody")["error"]
    assert unknown == {"code": -32603, "message": "unknown MCP server 'nobody'"}
    bad = call("echo", threadId="x")["error"]
    # 0.169's words for an id that is no uuid (param_cases_official.json)
    assert bad["code"] == -32600
    assert bad["message"].startswith("invalid thread id: invalid character")


def test_mcp_resource_read(client: RpcClient, tmp_path: Path) -> None:
    from tests.app_server.test_schema import _validator

    notes = {
        "contents": [
            {"uri": "memo://notes", "mimeType": "text/plain", "text": "remember the milk"}
        ],
        "originCallId": None,
    }
    # No thread: the configured servers, through the server's own manager.
    read = client.call("mcpServer/resource/read", {"server": "peer", "uri": "memo://notes"})
    assert read == notes
    _validator("McpResourceReadResponse").validate(read)
    thread_id = client.call(
        "thread/start", {"cwd": str(tmp_path / "repo"), "approvalPolicy": "never"}
    )["thread"]["id"]
    params = {"threadId": thread_id, "server": "peer", "uri": "memo://notes"}
    assert client.call("mcpServer/resource/read", params) == notes
    reply, _ = client.response(
        client.start("mcpServer/resource/read", {**params, "uri": "memo://none"})
    )
    assert reply["error"] == {
        "code": -32602,
        "message": "Unknown resource: memo://none",
        "data": {"uri": "memo://none"},
    }
    reply, _ = client.response(
        client.start("mcpServer/resource/read", {**params, "server": "nobody"})
    )
    assert reply["error"] == {"code": -32603, "message": "unknown MCP server 'nobody'"}
    assert client.close() == 0  # the server's own manager closed with it
