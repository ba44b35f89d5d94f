"""A plain answer end to end: one request, streamed deltas, task_complete with the message."""

from __future__ import annotations

import asyncio

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import Message, Turn, Usage

from codex.core import Session


def test_plain_answer(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("Hello there!", deltas=["Hello", " there!"])], usage=Usage(10, 0, 5))
    )
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config, originator="codex_exec") as s:
            first = await s.next_event()
            assert first.msg.TAG == "session_configured"
            return await run_turn(s, "say hello")

    events = asyncio.run(main())
    tags = [ev.msg.TAG for ev in events]
    assert tags[0] == "task_started"
    assert [m.delta for m in of_type(events, "agent_message_delta")] == ["Hello", " there!"]
    assert [m.message for m in of_type(events, "agent_message")] == ["Hello there!"]
    assert of_type(events, "task_complete")[0].last_agent_message == "Hello there!"
    counts = of_type(events, "token_count")
    assert counts and counts[-1].info.total_token_usage.total_tokens == 15

    request = mock_model_server.single_request()
    body = request.json
    user_texts = request.message_texts("user")
    assert user_texts[-1] == "say hello"
    assert any(t.startswith("<environment_context>") for t in user_texts)
    assert "exec_command" in [t.get("name") for t in body["tools"]]
