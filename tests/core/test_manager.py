"""ConversationManager: create, look up, resume from a history, close."""

from __future__ import annotations

import asyncio

from tests.core.harness import make_config, run_turn
from tests.support.model_stream import Message, Turn

from codex.core import ConversationManager


def test_create_lookup_resume(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("one")]), Turn([Message("two")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        manager = ConversationManager()
        first = await manager.new_conversation(config)
        await first.next_event()
        assert manager.get(first.conversation_id) is first
        await run_turn(first, "hello")
        history = list(first.history)
        resumed = await manager.resume_conversation(config, "resumed-id", history)
        await resumed.next_event()
        assert manager.get("resumed-id") is resumed
        await run_turn(resumed, "again")
        await manager.close_all()
        return manager

    manager = asyncio.run(main())
    assert manager.get("resumed-id") is None
    second = mock_model_server.requests[1]
    assert second.message_texts("user")[-2:] == ["hello", "again"]
    assert second.message_texts("assistant") == ["one"]
