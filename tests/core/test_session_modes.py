"""`Session.set_collaboration_mode` / `collaboration_mode`: the public way to set the mode the next
turn runs in (codex.core.modes.thread_mode used to write the session's private settings). A real
session against the loopback mock: the next turn runs in the mode set, as task_started says."""

from __future__ import annotations

import asyncio

import pytest
from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import Message, Turn, Usage

from codex.core.session import Session


def test_set_collaboration_mode_is_what_the_next_turn_runs_in(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
    config = make_config(tmp_path, mock_model_server)

    async def main() -> tuple[list[object], list[object]]:
        async with Session(config) as session:
            assert session.collaboration_mode == "default"
            session.set_collaboration_mode("PLAN")  # any case, as ops name it
            assert session.collaboration_mode == "plan"
            with pytest.raises(ValueError, match="unknown collaboration mode"):
                session.set_collaboration_mode("bogus")
            assert session.collaboration_mode == "plan"  # a refused name changes nothing
            plan = await run_turn(session, "plan it")
            session.set_collaboration_mode("default")
            default = await run_turn(session, "do it")
        return plan, default

    plan, default = asyncio.run(main())
    assert [e.collaboration_mode_kind for e in of_type(plan, "task_started")] == ["plan"]
    assert [e.collaboration_mode_kind for e in of_type(default, "task_started")] == [None]
