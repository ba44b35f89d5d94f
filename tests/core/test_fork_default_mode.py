"""A fork starts in Default mode (0.169, tests/fixtures/start_fork_mode_official.json) through
core's Session.start_fork_in_default_mode, not through a front end writing core's mode tracker:
the model last heard its source's mode, so the fork's first turn announces Default; until then
thread/resume's entry (codex.core.modes.resume_entry) carries no instructions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.core.harness import make_config
from tests.support.mock_model_server import MockModelServer

from codex.core import Session
from codex.core.modes import DEFAULT, PLAN, ModeTracker, mode_message, resume_entry


def test_a_fork_of_a_plan_thread_announces_default_on_its_first_turn() -> None:
    tracker = ModeTracker()
    tracker.start_fork([mode_message(PLAN)])
    assert tracker.fork_unannounced
    assert tracker.update([], DEFAULT) == [mode_message(DEFAULT)]
    assert not tracker.fork_unannounced


def test_session_starts_a_fork_in_default_mode(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    config = make_config(tmp_path, mock_model_server)

    async def main() -> tuple[str, dict[str, Any]]:
        async with Session(config) as s:
            await s.next_event()
            s.set_collaboration_mode(PLAN)
            s.state.record_items([mode_message(PLAN)])  # the copied history's announcement
            s.start_fork_in_default_mode()
            return s.collaboration_mode, resume_entry(s)

    mode, entry = asyncio.run(main())
    assert mode == DEFAULT
    assert entry["mode"] == DEFAULT and entry["settings"]["developer_instructions"] is None
