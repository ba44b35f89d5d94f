"""A front end's hold on its session's goal (the TUI's `/goal`): read it, set a new objective,
pause, resume, clear. The same effects as the app-server's thread/goal/set|clear with
`origin: "user"` (what 0.169's TUI sends): the model is told of the user's change first
(codex.core.goals.user_context), the running turn is charged, the rollout gets a
`thread_goal_updated` line for a set (none for a clear), and an active goal on an idle thread
starts a goal turn."""

from __future__ import annotations

from typing import Any

from codex.core.goals.model import ThreadGoal, check_objective
from codex.core.goals.runtime import GoalRuntime
from codex.core.goals.user_context import clear_text, remember, set_text


def runtime_of(session: Any) -> GoalRuntime | None:
    tooling = getattr(getattr(session, "state", None), "tooling", None)
    return getattr(tooling, "goals", None)


def current(session: Any) -> ThreadGoal | None:
    runtime = runtime_of(session)
    return None if runtime is None else runtime.store.get(runtime.thread_id)


def record(session: Any, goal: ThreadGoal) -> None:
    """The rollout line of a set (0.169's app-server writes one per thread/goal/set)."""
    state = getattr(session, "state", None)
    recorder = getattr(state, "recorder", None)
    if state is None or recorder is None:
        return
    recorder.record_item(
        "event_msg",
        {"type": "thread_goal_updated", "threadId": goal.thread_id, "goal": goal.to_rollout()},
    )
    state.write_through_recorder()


def said_by_user(session: Any, text: str | None) -> None:
    """The user's change told to the model (codex.core.goals.user_context.remember): on
    record at once when no turn runs, else at the running turn's next request."""
    if text is None or getattr(session, "state", None) is None:
        return
    remember(session, text)


def set_objective(session: Any, objective: str) -> ThreadGoal | None:
    """A new active goal with this objective (GoalError for an empty one)."""
    runtime = runtime_of(session)
    if runtime is None:
        return None
    text = check_objective(objective)
    said_by_user(session, set_text(text, "active"))  # 0.169's TUI sends both
    runtime.before_external_change()
    goal = runtime.store.replace(runtime.thread_id, text, "active", None)
    record(session, goal)
    runtime.after_external_set(goal)
    return goal


def edit_objective(session: Any, objective: str) -> ThreadGoal | None:
    """The goal with a new objective, the rest kept; None when there is no goal."""
    runtime = runtime_of(session)
    if runtime is None:
        return None
    text = check_objective(objective)
    said_by_user(session, set_text(text, None))
    runtime.before_external_change()
    goal = runtime.store.update(runtime.thread_id, objective=text)
    if goal is not None:
        record(session, goal)
        runtime.after_external_set(goal)
    return goal


def set_status(session: Any, status: str) -> ThreadGoal | None:
    """The goal with its new status (the store's spelling); None when there is no goal."""
    runtime = runtime_of(session)
    if runtime is None:
        return None
    said_by_user(session, set_text(None, status))
    runtime.before_external_change()
    goal = runtime.store.update(runtime.thread_id, status=status)
    if goal is not None:
        record(session, goal)
        runtime.after_external_set(goal)
    return goal


def clear(session: Any) -> bool:
    runtime = runtime_of(session)
    if runtime is None:
        return False
    said_by_user(session, clear_text())  # whether or not there is a goal, as 0.169
    runtime.before_external_change()
    cleared = runtime.store.delete(runtime.thread_id) is not None
    if cleared:
        runtime.after_external_clear()
    return cleared
