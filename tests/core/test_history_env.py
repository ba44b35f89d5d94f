"""A continued history (resumed or forked) that goes on in another directory tells the model
the new cwd after the old one, as 0.169's fork on the TUI's /cd does (notes in
tests/fixtures/tui_official_0169/slash_notes.md); in the same directory nothing is added."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.core.harness import make_config, run_turn
from tests.support.model_stream import Message, Turn

from codex.core import ConversationManager


def _continue_in(tmp_path: Path, server, cwd: Path) -> list[str]:
    """Run "hello" in tmp_path/a, continue its history in `cwd` with "again": the second
    request's user texts."""
    server.enqueue(Turn([Message("one")]), Turn([Message("two")]))
    first_dir = tmp_path / "a"
    first_dir.mkdir(exist_ok=True)
    cwd.mkdir(exist_ok=True)

    async def main() -> None:
        manager = ConversationManager()
        first = await manager.new_conversation(make_config(tmp_path, server, cwd=first_dir))
        await first.next_event()
        await run_turn(first, "hello")
        history = list(first.history)
        config = make_config(tmp_path, server, cwd=cwd)
        resumed = await manager.resume_conversation(config, "continued-id", history)
        await resumed.next_event()
        await run_turn(resumed, "again")
        await manager.close_all()

    asyncio.run(main())
    return list(server.requests[-1].message_texts("user"))


def test_another_directory_is_told_before_the_new_message(tmp_path, mock_model_server):
    texts = _continue_in(tmp_path, mock_model_server, tmp_path / "b")
    contexts = [t for t in texts if "<environment_context>" in t]
    assert len(contexts) == 2
    assert f"<cwd>{tmp_path / 'a'}</cwd>" in contexts[0]
    assert f"<cwd>{tmp_path / 'b'}</cwd>" in contexts[1]
    assert texts[-2:] == [contexts[1], "again"]


def test_the_same_directory_adds_nothing(tmp_path, mock_model_server):
    texts = _continue_in(tmp_path, mock_model_server, tmp_path / "a")
    assert len([t for t in texts if "<environment_context>" in t]) == 1
    assert texts[-2:] == ["hello", "again"]
