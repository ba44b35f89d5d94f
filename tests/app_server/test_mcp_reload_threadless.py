"""config/mcpServer/reload and the server's own MCP manager (the one `mcpServer/resource/read`
uses when it names no thread): once made, it follows the re-read `[mcp_servers]` like every
loaded thread's manager (AppServer.reconfigure_mcp_manager). A real MCP peer (tests/mcp/peers),
renamed in config.toml between two reads."""

from __future__ import annotations

from pathlib import Path

from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config

URL = "http://127.0.0.1:9/v1"
NOTES = {
    "contents": [{"uri": "memo://notes", "mimeType": "text/plain", "text": "remember the milk"}],
    "originCallId": None,
}


def test_the_threadless_manager_follows_a_reload(tmp_path: Path) -> None:
    home = write_mock_config(tmp_path / "home", URL, stdio_table("peer"))
    repo = tmp_path / "repo"
    repo.mkdir()
    rpc = RpcClient(ours_argv(), scratch_env(home), repo)
    try:
        rpc.initialize()
        # No thread: the server's own manager is made, over the configured `peer`.
        read = {"server": "peer", "uri": "memo://notes"}
        assert rpc.call("mcpServer/resource/read", read) == NOTES
        write_mock_config(home, URL, stdio_table("renamed"))
        assert rpc.call("config/mcpServer/reload", {}) == {}
        reply, _ = rpc.response(rpc.start("mcpServer/resource/read", read))
        assert reply["error"] == {"code": -32603, "message": "unknown MCP server 'peer'"}
        renamed = {"server": "renamed", "uri": "memo://notes"}
        assert rpc.call("mcpServer/resource/read", renamed) == NOTES
    finally:
        if rpc.proc.poll() is None:
            assert rpc.close() == 0
