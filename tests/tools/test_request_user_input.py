"""request_user_input through a real core session and the mock model server: what the model
reads back in each case 0.169 was seen in (tests/fixtures/request_user_input_official.json),
and the core event/op pair a front end answers it with."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import SAMPLES

from codex.core import Session
from codex.protocol import ops

FACTS = json.loads((SAMPLES.parent / "request_user_input_official.json").read_text())
FEATURE = "[features]\ndefault_mode_request_user_input = true\n"
QUESTIONS = json.loads(FACTS["exec_default"]["rollout"][0]["payload"]["arguments"])


def _script(server: Any, arguments: Any = QUESTIONS) -> None:
    server.enqueue(
        Turn([FunctionCall("c1", "request_user_input", arguments)]), Turn([Message("done")])
    )


def _run(config: Any, *, answer: Any = None, front_end: bool = False) -> list[Any]:
    async def main() -> list[Any]:
        async with Session(config) as session:
            await session.next_event()
            session.approvals.answers_user_input = front_end

            async def on_event(ev: Any) -> None:
                if ev.msg.TAG == "request_user_input" and answer is not None:
                    await session.submit(ops.UserInputAnswer(ev.msg.call_id, answer))

            return await run_turn(session, "hi", on_event=on_event)

    return asyncio.run(main())


def _output(server: Any) -> str:
    assert len(server.requests) == 2
    assert server.requests[1].tool_pairing_problems() == []
    return server.requests[1].function_call_output("c1")["output"]


def test_default_mode_refuses_as_0169(tmp_path, mock_model_server):
    _script(mock_model_server)
    events = _run(make_config(tmp_path, mock_model_server), front_end=True)
    assert _output(mock_model_server) == FACTS["exec_default"]["tool_output"]
    assert of_type(events, "request_user_input") == []


def test_without_a_front_end_the_model_reads_no_answers(tmp_path, mock_model_server):
    _script(mock_model_server)
    events = _run(make_config(tmp_path, mock_model_server, extra=FEATURE))
    assert _output(mock_model_server) == FACTS["exec_feature"]["tool_output"] == '{"answers":{}}'
    assert of_type(events, "request_user_input") == []


def test_questions_need_options(tmp_path, mock_model_server):
    _script(
        mock_model_server,
        {"questions": [{"id": "q", "header": "Q", "question": "Why?", "options": []}]},
    )
    _run(make_config(tmp_path, mock_model_server, extra=FEATURE), front_end=True)
    assert _output(mock_model_server) == FACTS["exec_feature_no_options"]["tool_output"]


def test_bad_arguments_are_a_parse_error(tmp_path, mock_model_server):
    _script(mock_model_server, {"questions": "nope"})
    _run(make_config(tmp_path, mock_model_server, extra=FEATURE))
    out = _output(mock_model_server)
    assert out.startswith("failed to parse function arguments: invalid type:")
    assert "expected a sequence" in out


def test_a_front_end_answer_reaches_the_model(tmp_path, mock_model_server):
    _script(mock_model_server)
    answer = FACTS["answer_sent"]
    events = _run(
        make_config(tmp_path, mock_model_server, extra=FEATURE), answer=answer, front_end=True
    )
    (asked,) = of_type(events, "request_user_input")
    assert asked.call_id == "c1"
    assert [q["id"] for q in asked.questions] == ["color", "size"]
    official = FACTS["app_server_plan_answer"]["messages"]
    request = next(m for m in official if m["method"] == "item/tool/requestUserInput")
    first = request["params"]["questions"][0]
    assert asked.questions[0] == {
        "id": first["id"],
        "header": first["header"],
        "question": first["question"],
        "is_other": first["isOther"],
        "is_secret": first["isSecret"],
        "options": first["options"],
    }
    out = _output(mock_model_server)
    # 0.169's JSON has no fixed key order (a hash map): compare as data, and compact as it is
    assert json.loads(out) == json.loads(FACTS["app_server_plan_answer"]["tool_output"])
    assert ": " not in out and ", " not in out


def test_a_malformed_answer_counts_as_no_answers(tmp_path, mock_model_server):
    _script(mock_model_server)
    _run(
        make_config(tmp_path, mock_model_server, extra=FEATURE),
        answer={"answers": {"color": "Blue"}},
        front_end=True,
    )
    assert _output(mock_model_server) == '{"answers":{}}'


def test_default_mode_refuses_before_reading_the_arguments(tmp_path, mock_model_server):
    _script(mock_model_server, {"questions": "nope"})
    _run(make_config(tmp_path, mock_model_server), front_end=True)
    assert _output(mock_model_server) == FACTS["exec_default_bad_arguments"]["tool_output"]
