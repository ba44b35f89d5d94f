"""request_user_input through our `codex app-server` over stdio, against the mock model server
scripted to call the tool: the `item/tool/requestUserInput` server request and the
notifications around it as 0.169 sends them, the client's answer reaching the model as the
tool output, and the refusals (an error answer, a nonsense result, a client that goes away).
Facts: tests/fixtures/request_user_input_official.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import SAMPLES

FACTS = json.loads((SAMPLES.parent / "request_user_input_official.json").read_text())
QUESTIONS = json.loads(FACTS["exec_default"]["rollout"][0]["payload"]["arguments"])
SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "app_server" / "json"
FEATURE = "[features]\ndefault_mode_request_user_input = true\n"
# What 0.169 sends from the turn's start to its end, leaving out what is not about the call.
_ABOUT = ("thread/status/changed", "item/tool/requestUserInput", "serverRequest/resolved")


@pytest.fixture
def client(tmp_path: Path, mock: MockModelServer) -> Any:
    """Ours, with the feature on (codex-py has no Plan mode: the one way the tool asks)."""
    home = write_mock_config(tmp_path / "home", mock.base_url, FEATURE)
    repo = tmp_path / "repo"
    repo.mkdir()
    rpc = RpcClient(ours_argv(), scratch_env(home), repo)
    rpc.initialize()
    yield rpc, repo
    if rpc.proc.poll() is None:
        rpc.close()


def _turn_until_request(rpc: RpcClient, repo: Path, mock: MockModelServer) -> tuple[str, dict]:
    mock.enqueue(Turn([FunctionCall("c1", "request_user_input", QUESTIONS)]), Turn([Message("ok")]))
    thread_id = rpc.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
    rpc.start("turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "hi"}]})
    before = rpc.until(lambda m: m.get("method") == "item/tool/requestUserInput")
    assert before[-2]["method"] == "thread/status/changed"
    assert before[-2]["params"]["status"] == {
        "type": "active",
        "activeFlags": ["waitingOnUserInput"],
    }
    return thread_id, before[-1]


def _finish(rpc: RpcClient) -> list[dict]:
    return rpc.until(lambda m: m.get("method") == "turn/completed")


def _about(messages: list[dict]) -> list[str]:
    return [m["method"] for m in messages if m.get("method") in _ABOUT]


def test_the_request_and_an_answer_reach_the_model(client, mock: MockModelServer) -> None:
    rpc, repo = client
    thread_id, request = _turn_until_request(rpc, repo, mock)
    official = next(
        m
        for m in FACTS["app_server_feature_answer"]["messages"]
        if m["method"] == "item/tool/requestUserInput"
    )
    params = request["params"]
    assert isinstance(request["id"], int)
    assert list(params) == list(official["params"])
    assert params["threadId"] == thread_id and params["itemId"] == "c1"
    assert params["questions"] == official["params"]["questions"]
    assert (params["isBlocking"], params["autoResolutionMs"]) == (True, None)
    # valid by 0.169's schema and by ours (schema/app_server/json)
    ours_schema = json.loads((SCHEMA / "ToolRequestUserInputParams.json").read_text())
    jsonschema.validate(params, FACTS["schemas"]["ToolRequestUserInputParams"])
    jsonschema.validate(params, ours_schema)
    jsonschema.validate(FACTS["answer_sent"], FACTS["schemas"]["ToolRequestUserInputResponse"])
    rpc.send({"id": request["id"], "result": FACTS["answer_sent"]})
    after = _finish(rpc)
    ours = [m for m in after if m.get("method") in _ABOUT]
    assert ours[0]["method"] == "serverRequest/resolved"
    assert ours[0]["params"] == {"threadId": thread_id, "requestId": request["id"]}
    assert ours[1]["params"]["status"] == {"type": "active", "activeFlags": []}
    theirs = FACTS["app_server_feature_answer"]["messages"]
    start = next(i for i, m in enumerate(theirs) if m["method"] == "turn/started")
    assert _about([request, *after]) == _about(theirs[start:])[1:]  # (the waiting status: above)
    assert not any(
        m.get("method", "").startswith("item/") and m["params"]["item"].get("id") == "c1"
        for m in after
        if "item" in m.get("params", {})
    )
    out = mock.requests[1].function_call_output("c1")["output"]
    assert json.loads(out) == json.loads(FACTS["app_server_feature_answer"]["tool_output"])


@pytest.mark.parametrize(
    ("reply", "case"),
    [
        ({"error": {"code": -32000, "message": "no"}}, "app_server_plan_error"),
        ({"result": {}}, "app_server_plan_empty_result"),
    ],
)
def test_a_refusal_gives_the_model_no_answers(
    client, mock: MockModelServer, reply: dict, case: str
) -> None:
    rpc, repo = client
    _, request = _turn_until_request(rpc, repo, mock)
    rpc.send({"id": request["id"], **reply})
    after = _finish(rpc)
    assert _about(after)[:2] == ["serverRequest/resolved", "thread/status/changed"]
    assert mock.requests[1].function_call_output("c1")["output"] == FACTS[case]["tool_output"]


def test_a_client_that_goes_away_is_not_answered_for(client, mock: MockModelServer) -> None:
    rpc, repo = client
    _turn_until_request(rpc, repo, mock)
    assert rpc.close() == FACTS["app_server_plan_disconnect"]["exit_code_after_close"]
    # as 0.169: the model is not called again with a made-up answer
    assert (
        len(mock.requests) == FACTS["app_server_plan_disconnect"]["tool_output"]["model_requests"]
    )


def test_default_mode_refuses_without_asking(tmp_path: Path, mock: MockModelServer) -> None:
    home = write_mock_config(tmp_path / "home", mock.base_url)
    repo = tmp_path / "repo"
    repo.mkdir()
    rpc = RpcClient(ours_argv(), scratch_env(home), repo)
    try:
        rpc.initialize()
        mock.enqueue(
            Turn([FunctionCall("c1", "request_user_input", QUESTIONS)]), Turn([Message("ok")])
        )
        thread_id = rpc.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        _, messages = rpc.turn(thread_id, "hi")
    finally:
        rpc.close()
    assert not any(m.get("method") == "item/tool/requestUserInput" for m in messages)
    out = mock.requests[1].function_call_output("c1")["output"]
    assert out == FACTS["app_server_default"]["tool_output"]
