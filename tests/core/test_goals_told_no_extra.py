"""The user's goal change told while a turn holds its final answer (core's Session.tell_model)
never makes the turn ask the model again (0.169: one request): it is not pending input, it is
on record once the turn ends, and the next turn's request carries it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.core.harness import make_config
from tests.core.test_goals_user_told import USER_GOAL, _text, _until
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn

from codex.core import Session
from codex.core.goals import control
from codex.protocol import ops


def test_goal_told_during_the_final_answer_makes_no_request(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(
        Hold(Turn([Message("done")]), frames=None), Turn([Message("extra")]), Turn([Message("2")])
    )
    config = make_config(tmp_path, mock_model_server)

    async def main() -> tuple[int, list[Any]]:
        async with Session(config) as s:
            await s.next_event()
            await s.submit(ops.UserInput([ops.InputText("go")]))
            await asyncio.to_thread(mock_model_server.wait_held)
            try:
                assert control.set_objective(s, "ship") is not None
            finally:
                mock_model_server.release()
            await _until(s, "task_complete")
            after_first = len(mock_model_server.requests)
            history = list(s.history.items)
            await s.submit(ops.UserInput([ops.InputText("next")]))
            await _until(s, "task_complete")
            return after_first, history

    after_first, history = asyncio.run(main())
    assert after_first == 1  # 0.169: the held answer ends the turn; no request for the goal
    told = [i for i in history if USER_GOAL in _text(i)]
    assert len(told) == 1 and 'User set the goal: "ship"' in _text(told[0])
    sent = mock_model_server.requests[1].input()
    assert sum(USER_GOAL in _text(i) for i in sent) == 1
