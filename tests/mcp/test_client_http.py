"""A streamable-HTTP MCP server on 127.0.0.1 (the SDK's MCPServer) as the model's tools, with the
bearer token variable configured (the peer does not check it), through `codex exec`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import orjson
import pytest
from tests.exec.harness import run_codex, write_config
from tests.mcp.harness import ROOT, http_table
from tests.support.model_stream import FunctionCall, Message, Turn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def http_peer():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.mcp.peers.stdio_server", "--http", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:  # wait until it listens (a readiness poll, not a timing assumption)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the HTTP MCP peer did not start")
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_http_server_tools_with_a_bearer_token_variable_set(tmp_path, mock_model_server, http_peer):
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__web__add", {"a": 20, "b": 22})]),
        Turn([Message("done")]),
    )
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    table = http_table("web", http_peer, 'bearer_token_env_var = "PEER_TOKEN"\n')
    write_config(home, mock_model_server.base_url, table)
    run = run_codex(
        "exec",
        "--json",
        "--skip-git-repo-check",
        "go",
        home=home,
        cwd=work,
        env={"PEER_TOKEN": "sekrit"},
    )
    assert run.rc == 0, run.stderr
    second = mock_model_server.requests[1]
    assert orjson.loads(second.function_call_output("c1")["output"]) == {"sum": 42}
    assert "mcp__web__add" in {t.get("name") for t in second.json["tools"]}
