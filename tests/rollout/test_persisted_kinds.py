"""What reaches disk is decided once, by codex.rollout.policy's allow-list (issue 14 item 5):
the rollout of a scenario holds exactly the events of the turn that the list allows, and only
the line kinds a rollout may hold (as the official 0.169 files in tests/fixtures/samples)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.core.harness import make_config, run_turn
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session
from codex.rollout import RolloutRecorder, SessionMetaParams
from codex.rollout.policy import (
    PERSISTED_EVENT_TYPES,
    REWRITTEN_EVENT_TYPES,
    ROLLOUT_ITEM_TYPES,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "rollouts"


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def test_a_turn_with_a_command_persists_exactly_the_allowed_events(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    config = make_config(tmp_path, mock_model_server)
    meta = SessionMetaParams(
        cwd=str(config.cwd),
        originator="codex_exec",
        cli_version="0.0.0",
        source="exec",
        model_provider="mock",
    )
    recorder = RolloutRecorder.create(Path(config.codex_home), meta)
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hello"})]),
        Turn([Message("done")]),
    )

    async def main() -> list:  # type: ignore[type-arg]
        async with Session(config, recorder=recorder) as session:
            first = await session.next_event()
            return [first, *await run_turn(session, "say hello")]

    events = asyncio.run(main())
    emitted = {ev.msg.TAG for ev in events}
    # The scenario really produced events the list drops (begin/end, deltas, the diff, ...).
    assert emitted - PERSISTED_EVENT_TYPES
    lines = _lines(recorder.path)
    on_disk = {line["payload"]["type"] for line in lines if line["type"] == "event_msg"}
    # codex_py_checkpoint is written by the recorder-side checkpoint hook, never emitted;
    # thread_settings_applied by the recorder, as 0.169 writes it; the messages, reasoning and
    # the command's end become item_completed events (codex.rollout.shape).
    written = (emitted & PERSISTED_EVENT_TYPES) - REWRITTEN_EVENT_TYPES
    assert on_disk - {"codex_py_checkpoint", "thread_settings_applied"} == written | {
        "item_completed"
    }
    items = [
        line["payload"]["item"]["type"]
        for line in lines
        if line["type"] == "event_msg" and line["payload"]["type"] == "item_completed"
    ]
    assert items == ["UserMessage", "CommandExecution", "AgentMessage"]
    assert {line["type"] for line in lines} <= ROLLOUT_ITEM_TYPES


def test_the_official_samples_hold_only_allowed_kinds() -> None:
    samples = sorted(FIXTURES.glob("*.rollout.jsonl"))
    assert samples
    for sample in samples:
        lines = _lines(sample)
        assert {line["type"] for line in lines} <= ROLLOUT_ITEM_TYPES, sample.name
        kinds = {line["payload"]["type"] for line in lines if line["type"] == "event_msg"}
        assert kinds <= PERSISTED_EVENT_TYPES, sample.name
