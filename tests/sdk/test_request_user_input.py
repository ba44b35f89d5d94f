"""request_user_input in the in-process SDK: the approval handler gets the question as the
app-server's `item/tool/requestUserInput` (0.169's params) and its result is what the model
reads; the default handler has no answers, so the model reads `{"answers":{}}` as from 0.169's
exec. Facts: tests/fixtures/request_user_input_official.json."""

from __future__ import annotations

import json
from typing import Any

from tests.sdk.test_sdk import make_home
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import SAMPLES

from codex import Codex

FACTS = json.loads((SAMPLES.parent / "request_user_input_official.json").read_text())
QUESTIONS = json.loads(FACTS["exec_default"]["rollout"][0]["payload"]["arguments"])
FEATURE = ("features.default_mode_request_user_input=true",)


def _official_request() -> dict[str, Any]:
    messages = FACTS["app_server_feature_answer"]["messages"]
    return next(m for m in messages if m["method"] == "item/tool/requestUserInput")


def _script(server: Any) -> None:
    server.enqueue(
        Turn([FunctionCall("c1", "request_user_input", QUESTIONS)]), Turn([Message("done")])
    )


def test_the_handler_answers_the_question(tmp_path, mock_model_server):
    _script(mock_model_server)
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = FEATURE
    asked: list[tuple[str, dict]] = []

    def handler(method: str, params: dict) -> dict:
        asked.append((method, params))
        return FACTS["answer_sent"]

    with Codex(config, approval_handler=handler) as client:
        thread = client.thread_start()
        result = thread.run("hi")
    assert result.final_response == "done"
    ((method, params),) = asked
    official = _official_request()["params"]
    assert method == "item/tool/requestUserInput"
    assert list(params) == list(official)
    assert params["questions"] == official["questions"]
    assert (params["threadId"], params["itemId"]) == (thread.id, "c1")
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert json.loads(out) == json.loads(FACTS["app_server_feature_answer"]["tool_output"])


def test_the_default_handler_has_no_answers(tmp_path, mock_model_server):
    _script(mock_model_server)
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = FEATURE
    with Codex(config) as client:
        assert client.thread_start().run("hi").final_response == "done"
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert out == FACTS["exec_feature"]["tool_output"] == '{"answers":{}}'


def test_default_mode_asks_no_one(tmp_path, mock_model_server):
    _script(mock_model_server)
    asked: list[str] = []

    def handler(method: str, params: dict) -> dict:
        asked.append(method)
        return {"decision": "accept"}

    with Codex(make_home(tmp_path, mock_model_server), approval_handler=handler) as client:
        client.thread_start().run("hi")
    assert asked == []
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert out == FACTS["exec_default"]["tool_output"]
