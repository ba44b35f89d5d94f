"""The turn a session starts by itself for its active goal (0.169: `turn_trigger: "goal"` in
the rollout's `task_started`). It carries the hidden goal message (codex.core.goals.steering)
as its input and no `user_message` event: nothing the user typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from codex._dataclass import dataclass

if TYPE_CHECKING:
    from codex.core.session import Session


@dataclass(frozen=True, slots=True)
class GoalContinue:
    """The session's own op (never on the wire): start a goal turn if the thread is idle."""

    TAG: ClassVar[str] = "goal_continue"


def start_goal_turn(session: Session, sub_id: str) -> None:
    """Start the goal turn now, unless a turn runs (it will try again when that one ends) or
    the goal stopped being active since the turn was asked for."""
    from codex.core.turn import TurnRunner

    task: Any = session._task
    if task is not None and not task.done():
        return
    goals = session.state.tooling.goals
    message = goals.continuation_message() if goals is not None else None
    if message is None:
        return
    settings = session._turn_settings()
    items = [*session.state.environment_update(settings), message]
    runner = TurnRunner(session.state, sub_id, settings)
    runner.trigger = "goal"
    session._start(sub_id, runner.run(items, "", []))


def turn_began(state: Any, turn_id: str) -> None:
    goals = state.tooling.goals
    if goals is not None:
        goals.turn_started(turn_id, state.token_info.total_token_usage)


def request_began(state: Any) -> None:
    goals = state.tooling.goals
    if goals is not None:
        goals.request_started(state.token_info.total_token_usage)


def tool_done(state: Any, name: str, pending: list[Any]) -> None:
    """After a tool call: the goal is charged; the budget note joins the turn's input."""
    goals = state.tooling.goals
    if goals is not None:
        note = goals.tool_finished(name)
        if note is not None:
            pending.append(note)


def turn_ended(state: Any, *, error_kind: str | None = None, aborted: bool = False) -> None:
    goals = state.tooling.goals
    if goals is not None:
        goals.turn_finished(
            state.token_info.total_token_usage, error_kind=error_kind, aborted=aborted
        )
