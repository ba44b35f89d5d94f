"""`read(include_turns=True)` and `thread_resume(...).read()` rebuild turns from the rollout. A
rollout in the official 0.169 shape (captured from the official CLI: tests/fixtures/
rollout_parity) records messages, reasoning and tool calls as `item_completed` events; the
turns read from it hold the same items a live turn gave."""

from __future__ import annotations

from pathlib import Path

from codex.sdk.saved import recorded_turns
from codex.sdk.types import (
    AgentMessageThreadItem,
    CommandExecutionThreadItem,
    FileChangeThreadItem,
    ReasoningThreadItem,
    TurnStatus,
)

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures/rollout_parity/official-0.169-exec-resume.rollout.jsonl"
)


def test_turns_of_an_official_0_169_rollout() -> None:
    first, second = recorded_turns("thread", FIXTURE)
    assert first.id == "01a24e5f-0136-74f2-9f5f-9f5e785b6320"
    assert first.status is TurnStatus.completed and second.status is TurnStatus.completed
    reasoning, command, patch, message = first.items
    assert isinstance(reasoning, ReasoningThreadItem)
    assert reasoning.summary == ["**Thinking** about it"]
    assert isinstance(command, CommandExecutionThreadItem)
    assert (command.id, command.command, command.status) == (
        "call_sh",
        "/bin/bash -lc 'echo hello'",
        "completed",
    )
    assert command.cwd == "/capture/codex-parity/work" and command.exit_code == 0
    assert isinstance(patch, FileChangeThreadItem) and patch.status == "completed"
    assert patch.changes == [{"path": "/capture/codex-parity/work/hello.txt", "kind": "add"}]
    assert isinstance(message, AgentMessageThreadItem) and message.text == "all done"
    assert [type(i) for i in second.items] == [AgentMessageThreadItem]
    assert second.items[0].text == "resumed reply"  # type: ignore[union-attr]
