"""Compaction: the `compact` Op, and auto-compaction when a response's usage crosses the limit
(the turn then samples again with the compacted history)."""

from __future__ import annotations

import asyncio

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import Message, Turn, Usage

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


def test_auto_compaction_then_follow_up(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("big answer")], usage=Usage(input_tokens=120, output_tokens=30)),
        Turn([Message("the summary")]),
        Turn([Message("continued")]),
    )
    config = make_config(tmp_path, mock_model_server, extra="model_auto_compact_token_limit = 100")

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "work hard")

    events = asyncio.run(main())
    assert len(mock_model_server.requests) == 3
    assert mock_model_server.requests[1].message_texts("user")[-1] == COMPACT_PROMPT
    follow = mock_model_server.requests[2].message_texts("user")
    assert follow[-2:] == ["work hard", f"{SUMMARY_PREFIX}\nthe summary"]
    assert of_type(events, "task_complete")[0].last_agent_message == "continued"
