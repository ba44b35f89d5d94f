"""`thread.rollback(num_turns, restore_files=, force=)`: the in-process twin of the app-server's
`thread/rollback` extension (codex.core.rollback under both), against the real mock model server,
real shell commands, real checkpoints."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tests.sdk.test_sdk import make_home
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

from codex import AsyncCodex, Codex
from codex.sdk.errors import InvalidRequestError

EDIT = {"cmd": "printf 'uno\\n' > a.txt && printf 'bee\\n' > b.txt", "login": False}


def _config(tmp_path: Path, mock: MockModelServer):  # type: ignore[no-untyped-def]
    config = make_home(tmp_path, mock)
    config.config_overrides = ('approval_policy="never"', 'sandbox_mode="workspace-write"')
    (Path(config.cwd) / "a.txt").write_text("one\n")
    return config


def test_rollback_restores_files_and_drops_the_turn_from_the_next_request(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    config = _config(tmp_path, mock_model_server)
    work = Path(config.cwd)
    mock_model_server.enqueue(
        Turn([Message("answer 0")]),
        Turn([FunctionCall("c1", "exec_command", EDIT)]),
        Turn([Message("answer 1")]),
        Turn([Message("answer 2")]),
    )

    async def main() -> tuple[object, list[str]]:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start(approval_mode=None)
            assert (await thread.run("question 0")).final_response == "answer 0"
            assert (await thread.run("question 1")).final_response == "answer 1"
            assert (work / "a.txt").read_text() == "uno\n" and (work / "b.txt").exists()
            rolled = await thread.rollback(1, restore_files=True)
            # The same object is still the thread: its next turn runs on the reopened session.
            assert (await thread.run("question 2")).final_response == "answer 2"
            turns = (await thread.read(include_turns=True)).thread.turns
            return rolled, [str(t) for t in turns]

    rolled, turns = asyncio.run(main())
    # Files back byte for byte: the edit undone, the new file gone.
    assert (work / "a.txt").read_bytes() == b"one\n"
    assert not (work / "b.txt").exists()
    restored = rolled.restored_files  # type: ignore[attr-defined]
    assert restored is not None and "a.txt" in restored["written"]
    assert "b.txt" in restored["deleted"]
    assert len(rolled.thread.turns) == 1  # type: ignore[attr-defined]
    # The next turn's request holds turn 0 and the new question, not the dropped turn.
    last = mock_model_server.last_request()
    users = [t for t in last.message_texts("user") if t.startswith("question")]
    assert users == ["question 0", "question 2"]
    assert "answer 1" not in last.message_texts("assistant")
    assert "answer 0" in last.message_texts("assistant")
    assert not any(i.get("call_id") == "c1" for i in last.input())
    assert len(turns) == 2


def test_rollback_refuses_to_overwrite_hand_edits_unless_forced(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    config = _config(tmp_path, mock_model_server)
    work = Path(config.cwd)
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", EDIT)]), Turn([Message("done")])
    )
    with Codex(config) as client:
        thread = client.thread_start(approval_mode=None)
        thread.run("edit")
        (work / "a.txt").write_text("by hand\n")
        with pytest.raises(InvalidRequestError) as info:
            thread.rollback(1, restore_files=True)
        assert info.value.data == {"conflicts": ["a.txt"]}
        assert (work / "a.txt").read_text() == "by hand\n"  # untouched
        with pytest.raises(InvalidRequestError, match="the thread has 1"):
            thread.rollback(2)
        rolled = thread.rollback(1, restore_files=True, force=True)
    assert (work / "a.txt").read_bytes() == b"one\n"
    assert not (work / "b.txt").exists()
    assert rolled.thread.turns == []
