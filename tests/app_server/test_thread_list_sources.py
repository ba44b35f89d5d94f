"""`thread/list` by session source as 0.169's (tests/fixtures/thread_list_sources_official.json):
with no `sourceKinds` (or []) only interactive sessions (cli, vscode - the TUI's - and those
recorded without a source), else the kinds asked for (appServer = "mcp", subAgent = any
subagent's); an unknown kind is an error naming the kinds; each thread's `source` as 0.169
shows it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_model_server import MockModelServer
from tests.support.seed_sessions import seed_sessions

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "thread_list_sources_official.json"
OFFICIAL: dict[str, Any] = json.loads(FIXTURE.read_text())
RECORDED: dict[str, Any] = {"none": None, "subagent": {"subagent": "review"}}


@pytest.fixture
def seeded(home: Path, repo: Path, mock: MockModelServer) -> RpcClient:
    sessions = [(f"prompt-from-{n}", RECORDED.get(n, n)) for n in OFFICIAL["recorded"]]
    seed_sessions(home, repo, mock, sessions, scratch_env(home))
    client = RpcClient(ours_argv(), scratch_env(home), repo)
    client.initialize()
    return client


def test_thread_list_by_source_as_0169(seeded: RpcClient) -> None:
    try:
        for case in OFFICIAL["cases"]:
            reply, _ = seeded.response(seeded.start("thread/list", case["params"]))
            if case["error"] is not None:
                assert reply.get("error") == case["error"], case["params"]
                continue
            listed = [
                {"preview": t["preview"], "source": t["source"]} for t in reply["result"]["data"]
            ]
            assert listed == case["listed"], case["params"]
    finally:
        seeded.close()
