"""The turn a session starts by itself for its active goal (0.169: `turn_trigger: "goal"` in
the rollout's `task_started`). It carries the hidden goal message (codex.core.goals.steering)
as its input and no `user_message` event: nothing the user typed.

The session hands over what the turn needs (its state, its turn settings, whether a turn runs,
how it starts one), not itself: core's imports stay a DAG (tests/test_layering.py)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from codex._dataclass import dataclass


@dataclass(frozen=True, slots=True)
class GoalContinue:
    """The session's own op (never on the wire): start a goal turn if the thread is idle."""

    TAG: ClassVar[str] = "goal_continue"


def start_goal_turn(
    state: Any,
    sub_id: str,
    *,
    busy: bool,
    settings: Callable[[], Any],
    start: Callable[[str, Coroutine[Any, Any, Any]], None],
) -> None:
    """Start the goal turn now, unless a turn runs (`busy`: it will try again when that one
    ends) or the goal stopped being active since the turn was asked for. `settings` gives the
    session's turn settings, `start` runs the turn as the session's task."""
    from codex.core.turn import TurnRunner

    if busy:
        return
    goals = state.tooling.goals
    message = goals.continuation_message() if goals is not None else None
    if message is None:
        return
    turn_settings = settings()
    items = [*state.environment_update(turn_settings), message]
    runner = TurnRunner(state, sub_id, turn_settings)
    runner.trigger = "goal"
    start(sub_id, runner.run(items, "", []))
