"""`codex mcp-server --shell`: an `mcp` SDK client calls the sandboxed `shell` tool; a write inside
the root lands, a write outside it is refused by the real sandbox."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from tests.mcp.harness import ROOT


async def _calls(root, outside, home):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "codex", "mcp-server", "--shell", "--root", str(root)],
        env={**os.environ, "CODEX_HOME": str(home)},
        cwd=str(ROOT),
    )
    async with stdio_client(params) as streams, ClientSession(streams[0], streams[1]) as client:
        await client.initialize()
        tools = await client.list_tools()
        assert [t.name for t in tools.tools] == ["shell"]
        inside = await client.call_tool(
            "shell", {"command": "echo in > inside.txt && cat inside.txt", "workdir": str(root)}
        )
        denied = await client.call_tool("shell", {"command": f"echo out > {outside}/x.txt"})
        escape = await client.call_tool("shell", {"command": "pwd", "workdir": str(outside)})
        return inside, denied, escape


def _body(result) -> dict:
    return result.structured_content or json.loads(result.content[0].text)


def test_shell_tool_writes_inside_its_root_and_not_outside(tmp_path):
    root, outside, home = tmp_path / "root", tmp_path / "outside", tmp_path / "home"
    root.mkdir()
    outside.mkdir()
    home.mkdir()
    inside, denied, escape = asyncio.run(_calls(root, outside, home))
    body = _body(inside)
    assert body["exit_code"] == 0, body
    assert body["stdout"] == "in\n"
    assert (root / "inside.txt").read_text() == "in\n"
    body = _body(denied)
    assert body["exit_code"] != 0
    assert not (outside / "x.txt").exists()
    assert "outside the server's roots" in _body(escape)["error"]
