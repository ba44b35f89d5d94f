"""The MCP client costs nothing when unused and leaves nothing behind: `codex exec` without
`mcp_servers` never imports the `mcp` SDK or codex.mcp_client; with servers, every server process
is gone when `codex exec` exits."""

from __future__ import annotations

import os

from tests.exec.test_lazy_imports import run_exec
from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn


def test_exec_without_servers_never_imports_mcp(tmp_path, mock_model_server: MockModelServer):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_mock_config(home, mock_model_server.base_url)
    mock_model_server.enqueue(Turn([Message("hi")]))
    res, names = run_exec(
        "exec", "--json", "--skip-git-repo-check", "hi", home=home, cwd=work, tmp_path=tmp_path
    )
    assert res.rc == 0, res.stderr
    assert "codex.core.session" in names  # the table is real
    loaded = sorted(n for n in names if n == "mcp" or n.startswith(("mcp.", "codex.mcp")))
    assert loaded == []


def test_version_never_imports_mcp(tmp_path):
    res, names = run_exec("--version", home=tmp_path, cwd=tmp_path, tmp_path=tmp_path)
    assert res.rc == 0
    assert sorted(n for n in names if n == "mcp" or n.startswith(("mcp.", "codex.mcp"))) == []


def _pids_with_marker(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def test_servers_stop_with_the_session(tmp_path, mock_model_server: MockModelServer):
    marker = f"CODEX_MCP_TEST_MARKER={os.getpid()}-{id(tmp_path)}"
    key, value = marker.split("=")
    extra = f'[mcp_servers.peer.env]\n{key} = "{value}"\n'
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_mock_config(home, mock_model_server.base_url, stdio_table("peer") + extra)
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "x"})]), Turn([Message("done")])
    )
    res, _ = run_exec(
        "exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=work, tmp_path=tmp_path
    )
    assert res.rc == 0, res.stderr
    assert b"mcp_tool_call" in res.stdout  # the server really ran
    assert _pids_with_marker(marker) == []


def test_closing_the_session_stops_its_servers_in_a_live_process(
    tmp_path, mock_model_server: MockModelServer
):
    """In-process (codex.api): after the session block is left, while this process lives on,
    no server process remains (asyncio.run's clean-up cannot be what stopped them)."""
    import asyncio

    from tests.core.harness import make_config, run_turn

    from codex.api import FrontEnd, open_session

    marker = f"CODEX_MCP_LIVE_MARKER={os.getpid()}-{id(tmp_path)}"
    key, value = marker.split("=")
    extra = stdio_table("peer") + f'[mcp_servers.peer.env]\n{key} = "{value}"\n'
    config = make_config(tmp_path, mock_model_server, extra=extra)
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "x"})]), Turn([Message("done")])
    )

    async def scenario() -> tuple[list[int], list[int]]:
        async with open_session(config, FrontEnd("test", "cli")) as session:
            await run_turn(session, "go")
            running = _pids_with_marker(marker)
        return running, _pids_with_marker(marker)

    running, after = asyncio.run(scenario())
    assert running != []  # the server was up during the session
    assert after == []


def test_servers_start_only_once_the_model_answers(tmp_path):
    """Building a request (tool_specs) never starts a server or loads the SDK: the first request
    is never held behind them. The turn's first answer (model_answered) starts them."""
    import asyncio
    import sys

    from tests.mcp.harness import ROOT

    from codex.config.schema import McpServerConfig
    from codex.mcp_client.manager import RESOURCE_TOOLS, McpManager

    table = McpServerConfig(
        command=sys.executable,
        args=["-m", "tests.mcp.peers.stdio_server"],
        cwd=str(ROOT),
    )

    async def main() -> list[str]:
        manager = McpManager({"peer": table}, tmp_path / "log")
        try:
            specs = manager.tool_specs(None)
            assert [s["name"] for s in specs] == list(RESOURCE_TOOLS)
            await asyncio.sleep(0)
            assert not manager.started
            assert manager.connections == {}
            manager.model_answered()
            assert manager.started
            call = type("Call", (), {"name": "mcp__peer__echo", "mcp_target": None})()
            await manager.prepare(call)  # waits for the server to be up
            return [s["name"] for s in manager.tool_specs(None)]
        finally:
            await manager.close()

    names = asyncio.run(main())
    assert "mcp__peer__echo" in names
