"""The turn loop's calls into the thread's goal (codex.core.goals.runtime): a turn began or
ended, a model request began, a tool finished. Each is a no-op for a session without goals. They
live apart from the goal turn itself (codex.core.goals.turn), which needs the turn loop: the turn
loop imports these, so core's imports stay a DAG (tests/test_layering.py)."""

from __future__ import annotations

from typing import Any


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
