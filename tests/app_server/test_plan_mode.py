"""Collaboration modes over our `codex app-server` (experimental API), against 0.169's facts
(tests/fixtures/plan_mode_official.json): turn/start `collaborationMode` runs the turn in that
mode (the model hears the mode message only when the mode changes, as 0.169), the rollout's
task_started says the kind, `collaborationMode/list` names the presets, and a client without
`experimentalApi` gets 0.169's -32600 errors and no turn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import SAMPLES

from codex.core.modes import OPEN_TAG

FACTS = json.loads((SAMPLES.parent / "plan_mode_official.json").read_text())
OFFICIAL = FACTS["app_server_experimental"]


def _client(tmp_path: Path, mock: MockModelServer, experimental: bool) -> tuple[RpcClient, Path]:
    mock.repeat(Turn([Message("done")]))
    home = write_mock_config(tmp_path / "home", mock.base_url)
    repo = tmp_path / "repo"
    repo.mkdir()
    rpc = RpcClient(ours_argv(), scratch_env(home), repo)
    if experimental:
        rpc.initialize(capabilities={"experimentalApi": True})
    else:
        rpc.initialize()
    return rpc, home


def _turn(rpc: RpcClient, thread_id: str, text: str, mode: Any) -> Any:
    params: dict[str, Any] = {"threadId": thread_id, "input": [{"type": "text", "text": text}]}
    if mode is not None:
        params["collaborationMode"] = mode
    request_id = rpc.start("turn/start", params)
    answer, _ = rpc.response(request_id)
    if "error" in answer:
        return answer["error"]
    rpc.until(lambda m: m.get("method") == "turn/completed")
    return "ok"


def test_turns_in_modes_as_0169(tmp_path: Path, mock: MockModelServer) -> None:
    rpc, home = _client(tmp_path, mock, experimental=True)
    try:
        assert rpc.call("collaborationMode/list", {}) == OFFICIAL["collaborationMode/list"]
        thread_id = rpc.call("thread/start", {"cwd": str(tmp_path / "repo")})["thread"]["id"]
        for turn in OFFICIAL["turns"]:
            assert _turn(rpc, thread_id, "x", turn["sent_mode"]) == turn["turn_start"] == "ok"
    finally:
        rpc.close()
    ours = [
        sum(t.startswith(OPEN_TAG) for t in r.message_texts("developer")) for r in mock.requests
    ]
    theirs = [
        sum(m[0]["opening_tag"] == OPEN_TAG for m in t["developer_messages_in_input"])
        for t in OFFICIAL["turns"]
    ]
    assert ours == theirs
    kinds = [
        json.loads(line)["payload"]["collaboration_mode_kind"]
        for path in (home / "sessions").rglob("*.jsonl")
        for line in path.read_text().splitlines()
        if '"task_started"' in line
    ]
    official = [
        r["task_started.collaboration_mode_kind"]
        for r in OFFICIAL["rollout"]
        if "task_started.collaboration_mode_kind" in r
    ]
    assert kinds == official == ["default", "plan", "plan", "default", "plan"]


def test_without_experimental_api_as_0169(tmp_path: Path, mock: MockModelServer) -> None:
    theirs = FACTS["app_server_without_experimental"]
    rpc, _ = _client(tmp_path, mock, experimental=False)
    try:
        thread_id = rpc.call("thread/start", {"cwd": str(tmp_path / "repo")})["thread"]["id"]
        plan = {"mode": "plan", "settings": {"model": "gpt-5.5"}}
        assert _turn(rpc, thread_id, "x", plan) == theirs["turn_start"]
        request_id = rpc.start("collaborationMode/list", {})
        answer, _ = rpc.response(request_id)
        assert answer["error"] == theirs["collaborationMode/list"]
    finally:
        rpc.close()
    assert len(mock.requests) == theirs["requests"] == 0
