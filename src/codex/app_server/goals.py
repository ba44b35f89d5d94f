"""`thread/goal/set`, `thread/goal/get`, `thread/goal/clear`, and the `thread/goal/updated` /
`thread/goal/cleared` notifications, as 0.169 serves them (facts in
tests/fixtures/thread_goal_official.json, `python -m tests.app_server.capture_goals`).

The goal is kept in `$CODEX_HOME/goals_1.sqlite` (codex.core.goals.store), so `get` answers for
a thread that is not loaded, and after a restart. `set` answers the goal, then notifies
`thread/goal/updated` (turnId null) and records a `thread_goal_updated` line in the thread's
rollout; `clear` answers `{cleared}`, then notifies `thread/goal/cleared` when there was a goal
(no rollout line, as 0.169). An active goal set on an idle loaded thread makes the thread start
a goal turn by itself (codex.core.goals.runtime); the model's own goal tools notify
`thread/goal/updated` with their turn's id (LiveThread's pump, `goal_notice`).

Around the thread's life (tests/fixtures/goals_lifecycle_official.json): a change with
`origin: "user"` is told to the model first (codex.core.goals.user_context); thread/fork with
`deferGoalContinuation` carries the goal, deferred (`carry_goal`); a thread/resume that loads
the thread is followed by its goal, or `thread/goal/cleared` (`resume_notices`); thread/delete
forgets it (codex.core.sessions.delete).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.framing import Followed
from codex.app_server.notifications import note
from codex.app_server.params import string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.server import AppServer


def _target(server: AppServer, thread_id: str) -> LiveThread | None:
    """The loaded thread, or None for a thread known only by its rollout; -32600 for an id
    that is not a thread's (0.169's words)."""
    from codex.protocol.ids import is_uuid

    if not is_uuid(thread_id):
        raise errors.invalid_request(f"invalid thread id: {thread_id}")
    live = server.live.get(thread_id)
    if live is None and server.index.find(thread_id) is None:
        raise errors.invalid_request(f"thread not found: {thread_id}")
    return live


def _store(server: AppServer) -> Any:
    from codex.core.goals.store import GoalStore

    return GoalStore(server.codex_home)


def _runtime(live: LiveThread | None) -> Any:
    """The loaded thread's codex.core.goals.GoalRuntime (None: not loaded)."""
    tooling = getattr(getattr(live.session, "state", None), "tooling", None) if live else None
    return getattr(tooling, "goals", None)


def _tell(conn: Connection, live: LiveThread | None, message: dict[str, Any]) -> None:
    """Send `message` to the thread's other subscribers now; the caller gets it after its reply."""
    if live is not None:
        for other in live.subscribers:
            if other is not conn:
                other.send(message)


async def thread_goal_get(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    thread_id = string(p, "threadId")
    _target(server, thread_id)
    goal = _store(server).get(thread_id)
    return {"goal": None if goal is None else goal.to_wire()}


def _params(p: dict[str, Any]) -> tuple[str | None, str | None, Any]:
    """objective, status (the store's spelling) and token budget (KEEP when absent) of a set;
    -32600 "Invalid request: ..." for a wrong type or an unknown status, as 0.169's serde."""
    from codex.app_server.params import _describe
    from codex.core.goals.model import GoalError, wire_status
    from codex.core.goals.store import KEEP

    objective = string(p, "objective", required=False)
    status = string(p, "status", required=False)
    if status is not None:
        try:
            status = wire_status(status)
        except GoalError as exc:
            raise errors.invalid_params(str(exc)) from None
    budget: Any = KEEP
    if "tokenBudget" in p:
        budget = p["tokenBudget"]
        if budget is not None and (not isinstance(budget, int) or isinstance(budget, bool)):
            raise errors.invalid_params(f"invalid type: {_describe(budget)}, expected i64")
    return objective, status, budget


async def thread_goal_set(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.core.goals.model import GoalError, check_budget, check_objective
    from codex.core.goals.store import KEEP

    thread_id = string(p, "threadId")
    objective, status, budget = _params(p)
    live = _target(server, thread_id)
    try:
        if objective is not None:
            objective = check_objective(objective)
        if objective is not None or budget is not KEEP:
            check_budget(None if budget is KEEP else budget)
    except GoalError as exc:
        raise errors.invalid_request(str(exc)) from None
    if _origin(p) == "user":  # on record before the change, as 0.169 (even if it then fails)
        from codex.core.goals.user_context import set_text

        text = set_text(objective, status)
        if text is not None:
            _tell_model(server, thread_id, live, text)
    runtime = _runtime(live)
    if runtime is not None:
        runtime.before_external_change()
    store = _store(server)
    existing = store.get(thread_id)
    goal = None
    if existing is not None:
        goal = store.update(
            thread_id,
            objective=objective,
            status=status,
            token_budget=budget,
            expected_goal_id=existing.goal_id,
        )
    elif objective is not None:
        goal = store.replace(
            thread_id, objective, status or "active", None if budget is KEEP else budget
        )
    if goal is None:
        raise errors.invalid_request(f"cannot update goal for thread {thread_id}: no goal exists")
    updated = note(
        "thread/goal/updated", {"threadId": thread_id, "turnId": None, "goal": goal.to_wire()}
    )
    _tell(conn, live, updated)
    if live is not None:
        _record(
            live, {"type": "thread_goal_updated", "threadId": thread_id, "goal": goal.to_rollout()}
        )
    if runtime is not None:
        runtime.after_external_set(goal)  # an active goal on an idle thread: a goal turn
    return Followed({"goal": goal.to_wire()}, [updated])


async def thread_goal_clear(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    thread_id = string(p, "threadId")
    live = _target(server, thread_id)
    if _origin(p) == "user":  # said whether or not there is a goal to clear, as 0.169
        from codex.core.goals.user_context import clear_text

        _tell_model(server, thread_id, live, clear_text())
    runtime = _runtime(live)
    if runtime is not None:
        runtime.before_external_change()
    cleared = _store(server).delete(thread_id) is not None
    if not cleared:
        return {"cleared": False}
    if runtime is not None:
        runtime.after_external_clear()
    notice = note("thread/goal/cleared", {"threadId": thread_id})
    _tell(conn, live, notice)
    return Followed({"cleared": True}, [notice])


def _origin(p: dict[str, Any]) -> str | None:
    """Who asks for the change: "user" (the model hears of it), "automatic" or None (it
    does not: a missing origin does not speak for the user)."""
    from codex.core.goals.user_context import ORIGINS

    origin = string(p, "origin", required=False)
    if origin is not None and origin not in ORIGINS:
        raise errors.invalid_params(f"unknown variant `{origin}`, expected `user` or `automatic`")
    return origin


def _tell_model(server: AppServer, thread_id: str, live: LiveThread | None, text: str) -> None:
    """A user's goal change into the thread's history (codex.core.goals.user_context): a
    loaded thread's history and rollout (while a turn runs, at the turn's next request, after
    the outputs of the calls in flight), or the rollout of a thread no one has loaded (its
    next resume reads it back), as 0.169."""
    if live is not None:
        if getattr(live.session, "state", None) is not None:
            from codex.core.goals.user_context import remember

            remember(live.session, text)  # while a turn runs: at its next request
            _persist(live)
        return
    found = server.index.find(thread_id)
    if found is not None:
        from codex.core.goals.user_context import append_to_rollout

        append_to_rollout(Path(found[0]), text)


def _record(live: LiveThread, payload: dict[str, Any]) -> None:
    """The `thread_goal_updated` line in the thread's rollout (none for an ephemeral thread);
    on disk at once when no turn runs (0.169 writes the thread's file for it)."""
    state = getattr(live.session, "state", None)
    recorder = getattr(state, "recorder", None)
    if state is None or recorder is None:
        return
    recorder.record_item("event_msg", payload)
    _persist(live)


def _persist(live: LiveThread) -> None:
    """What the thread recorded, on disk now when no turn runs (its file made if need be),
    else with the running turn's next write."""
    state = live.session.state
    recorder = state.recorder
    if recorder is None:
        return
    if live.current_turn is None:
        state.flush_recorder()
        materialize = getattr(recorder, "materialize", None)
        if materialize is not None:
            materialize()
    else:
        state.write_through_recorder()


def fork_deferral(conn: Connection, p: dict[str, Any]) -> bool:
    """thread/fork's `deferGoalContinuation` (experimental API only, never with `ephemeral`;
    0.169's words and order), checked before the fork is made."""
    from codex.app_server.params import boolean

    if not boolean(p, "deferGoalContinuation"):
        return False
    if not conn.experimental:
        raise errors.invalid_request(
            "thread/fork.deferGoalContinuation requires experimentalApi capability"
        )
    if boolean(p, "ephemeral"):
        raise errors.invalid_request("`deferGoalContinuation` cannot be combined with `ephemeral`")
    return True


def carry_goal(server: AppServer, source_id: str, fork_id: str) -> list[dict[str, Any]]:
    """A deferred fork takes its source's goal as it is (same goal id, usage and times), with
    its continuation deferred until its first explicit turn (codex.core.goals.runtime); the
    notification that follows the fork's reply (none when the source has no goal), as 0.169.
    An ordinary fork starts without a goal."""
    goal = _store(server).copy(source_id, fork_id, defer=True)
    if goal is None:
        return []
    return [
        note("thread/goal/updated", {"threadId": fork_id, "turnId": None, "goal": goal.to_wire()})
    ]


def resume_notices(server: AppServer, live: LiveThread) -> list[dict[str, Any]]:
    """What follows the reply of a thread/resume that loaded the thread (0.169): its goal
    (`thread/goal/updated`, turnId null), or `thread/goal/cleared` when it has none. Nothing
    when goals are off (`features.goals = false`)."""
    features = getattr(getattr(live.session, "config", None), "features", None)
    if not getattr(features, "goals", True):
        return []
    thread_id = live.thread_id
    goal = _store(server).get(thread_id)
    if goal is None:
        return [note("thread/goal/cleared", {"threadId": thread_id})]
    return [
        note("thread/goal/updated", {"threadId": thread_id, "turnId": None, "goal": goal.to_wire()})
    ]


def goal_notice(thread_id: str, msg: Any) -> dict[str, Any]:
    """The notification for core's ThreadGoalUpdated (the model's goal tools, accounting)."""
    return note(
        "thread/goal/updated",
        {"threadId": thread_id, "turnId": msg.turn_id, "goal": msg.goal.to_wire()},
    )


def enable_continuation(session: Any) -> None:
    """A loaded thread of this server goes on with its active goal by itself (0.169), from the
    moment it is loaded: a resumed thread whose goal is active starts a goal turn."""
    goals = getattr(getattr(session, "state", None), "tooling", None)
    goals = getattr(goals, "goals", None)
    features = getattr(getattr(session, "config", None), "features", None)
    if goals is not None and getattr(features, "goals", True):  # off: `features.goals = false`
        goals.continuation = True
        goals.idle()
