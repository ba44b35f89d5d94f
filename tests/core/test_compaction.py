"""Compaction: the `compact` Op, and auto-compaction as 0.169 runs it: before a turn whose last
request reached the limit, or between two requests of a turn; never after a final answer."""

from __future__ import annotations

import asyncio

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

from codex.core import Session
from codex.core.compact import COMPACT_PROMPT, SUMMARY_PREFIX
from codex.protocol import ops


def test_manual_compact_replaces_history(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("answer one")]),
        Turn([Message("SUMMARY TEXT")]),
        Turn([Message("answer two")]),
    )
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await run_turn(s, "first question")
            compact_events = await run_turn(s, "", op=ops.Compact())
            await run_turn(s, "next question")
            return compact_events

    events = asyncio.run(main())
    tags = [ev.msg.TAG for ev in events]
    assert tags[0] == "task_started" and tags[-1] == "task_complete"
    assert [m.message for m in of_type(events, "agent_message")] == ["Compact task completed"]
    assert of_type(events, "warning")[0].message.startswith("Heads up: Long conversations")

    compact_request = mock_model_server.requests[1]
    assert compact_request.json["tools"] == []
    assert compact_request.message_texts("user")[-1] == COMPACT_PROMPT

    after = mock_model_server.requests[2]
    users = after.message_texts("user")
    assert users[-3:] == ["first question", f"{SUMMARY_PREFIX}\nSUMMARY TEXT", "next question"]
    assert after.message_texts("assistant") == []
    assert any(t.startswith("<environment_context>") for t in users)


def test_auto_compaction_waits_for_the_next_turn_after_a_final_answer(tmp_path, mock_model_server):
    """0.169: a final answer over the limit ends the turn as it is (one request, no follow-up,
    nothing shown); the next turn compacts first, silently, and its input follows the summary."""
    mock_model_server.enqueue(
        Turn([Message("big answer")], usage=Usage(input_tokens=120, output_tokens=30)),
        Turn([Message("the summary")]),
        Turn([Message("continued")]),
    )
    config = make_config(tmp_path, mock_model_server, extra="model_auto_compact_token_limit = 100")

    async def main():
        async with Session(config) as s:
            await s.next_event()
            first = await run_turn(s, "work hard")
            count = len(mock_model_server.requests)
            second = await run_turn(s, "next")
            return first, count, second

    first, count_after_first, second = asyncio.run(main())
    assert count_after_first == 1
    assert of_type(first, "task_complete")[0].last_agent_message == "big answer"
    assert len(mock_model_server.requests) == 3
    compact_request = mock_model_server.requests[1]
    assert compact_request.message_texts("user")[-2:] == ["work hard", COMPACT_PROMPT]
    assert "next" not in compact_request.message_texts("user")
    follow = mock_model_server.requests[2].message_texts("user")
    assert follow[-3:] == ["work hard", f"{SUMMARY_PREFIX}\nthe summary", "next"]
    assert mock_model_server.requests[2].message_texts("assistant") == []
    for events in (first, second):
        assert of_type(events, "warning") == []
    assert [m.message for m in of_type(second, "agent_message")] == ["continued"]


def test_auto_compaction_between_requests_of_a_turn(tmp_path, mock_model_server):
    """The limit crossed while the model still has work to do (a tool call): compact, then ask
    again with the compacted history (the call and its output are summarized away)."""
    mock_model_server.enqueue(
        Turn(
            [FunctionCall("call_1", "exec_command", {"cmd": "echo hi"})],
            usage=Usage(input_tokens=120, output_tokens=6),
        ),
        Turn([Message("the summary")]),
        Turn([Message("done")]),
    )
    config = make_config(tmp_path, mock_model_server, extra="model_auto_compact_token_limit = 100")

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "work hard")

    events = asyncio.run(main())
    _turn, compact_request, follow_up = mock_model_server.requests
    assert compact_request.function_call_output("call_1") is not None
    assert compact_request.message_texts("user")[-1] == COMPACT_PROMPT
    assert follow_up.message_texts("user")[-2:] == ["work hard", f"{SUMMARY_PREFIX}\nthe summary"]
    assert follow_up.inputs_of_type("function_call") == []
    assert [m.message for m in of_type(events, "agent_message")] == ["done"]
    assert of_type(events, "warning") == []
