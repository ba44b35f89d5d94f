"""The goal side of one session: usage accounting, the goal tools, and when the thread goes on
working by itself.

Accounting (as 0.169 counts, facts in tests/fixtures/goals_core_official.json): a goal is
charged the tokens of the requests made while it is the turn's goal — input tokens not served
from cache plus output tokens — and the wall-clock seconds it is active. Usage is charged when
a tool call finishes (any tool but `update_goal`), and when the turn ends; a tool runs before
its own request's usage is known, so it is charged with the next charge. A goal created by
`create_goal` starts counting from that moment.

Continuation (0.169's app-server; its `exec` ends with its turn instead): when a turn ends and
the thread's goal is active, the session starts a new turn by itself, carrying the hidden
message of codex.core.goals.steering. It stops when the goal is no longer active: complete or
blocked (update_goal), paused or cleared (the user), budget-limited (its budget is spent),
usage-limited (the account's limit), blocked (a turn that failed: no loop of failing turns).
A fork that carried its parent's goal with `deferGoalContinuation` (0.169's thread/fork) does
not go on by itself (not even when a client sets the goal active) until an explicit turn has
begun on it: that turn ends the deferral, and the goal goes on after it as usual.
An interrupted turn leaves the goal active (0.169, tests/fixtures/goals_appserver_more_official
.json) but starts no goal turn after it: the user's interrupt is not undone at once; the goal
goes on after the user's next turn. A thread loaded again (resumed) with an active goal goes on
by itself, as 0.169's does.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codex.core.goals.events import ThreadGoalUpdated
from codex.core.goals.model import GoalError, ThreadGoal, check_budget, check_objective
from codex.core.goals.steering import budget_spent_message, continuation_message
from codex.core.goals.store import ACTIVE_ONLY, GoalStore
from codex.protocol.items import Message

UPDATE_GOAL = "update_goal"
CREATE_REFUSED = (
    "cannot create a new goal because this thread has an unfinished goal; "
    "complete the existing goal first"
)
UPDATE_REFUSED = (
    "update_goal can only mark the existing goal complete, blocked, or paused at the user's "
    "explicit request; resume, budget-limited, and usage-limited status changes are "
    "controlled by the user or system"
)
NO_GOAL = "cannot update goal because this thread has no goal"
# Shown with a completed goal that had a budget or took time (our words; 0.169 sends its own).
COMPLETION_REPORT = (
    "The goal is complete. In your final answer, report what it cost from this result's goal "
    "fields: tokens from `goal.tokensUsed` against `goal.tokenBudget` when there is a budget, "
    "and the time from `goal.timeUsedSeconds` (when above 0) in a short human form, in the "
    "language of your answer."
)


def goal_tokens(usage: Any) -> int:
    """The part of a TokenUsage a goal is charged: fresh input plus output."""
    if usage is None:
        return 0
    fresh = max(int(usage.input_tokens) - int(usage.cached_input_tokens), 0)
    return fresh + max(int(usage.output_tokens), 0)


class GoalRuntime:
    """One session's goals (a thread has at most one goal at a time)."""

    def __init__(
        self, codex_home: Path | str, thread_id: str, emit: Callable[[str, Any], None]
    ) -> None:
        self.store = GoalStore(codex_home)
        self.thread_id = thread_id
        self._emit = emit
        # Set by the session: schedules a goal turn on the session's actor. None (and
        # `continuation` False): this front end never goes on by itself (`codex exec`).
        self.wake: Callable[[], None] | None = None
        self.continuation = False
        self.turn_id: str | None = None
        self.turn_goal: str | None = None  # the goal id the running turn is charged for
        self._tokens_now = 0  # goal tokens of the session so far (as of the last request)
        self._tokens_charged = 0
        self._clock_goal: str | None = None  # the goal whose active time is being counted
        self._clock_since = time.monotonic()
        self._budget_told: str | None = None  # the goal already told its budget is spent
        self._interrupted = False  # the last turn was interrupted: no goal turn after it

    # ---- events -------------------------------------------------------------------------

    def announce(self, goal: ThreadGoal, turn_id: str | None) -> None:
        self._emit(turn_id or "", ThreadGoalUpdated(self.thread_id, turn_id, goal))

    # ---- clock --------------------------------------------------------------------------

    def _clock_start(self, goal_id: str | None) -> None:
        if goal_id != self._clock_goal:
            self._clock_goal = goal_id
            self._clock_since = time.monotonic()

    def _seconds(self, goal_id: str) -> int:
        if self._clock_goal != goal_id:
            return 0
        return int(time.monotonic() - self._clock_since)

    # ---- turns --------------------------------------------------------------------------

    def turn_started(self, turn_id: str, usage: Any) -> None:
        self.turn_id = turn_id
        self._interrupted = False
        self._tokens_now = self._tokens_charged = goal_tokens(usage)
        goal = self._read()
        if goal is not None:
            self._end_deferral()  # this explicit turn takes the goal back (a deferred fork)
        active = goal is not None and goal.status in ACTIVE_ONLY
        self.turn_goal = goal.goal_id if active and goal is not None else None
        if self.turn_goal is not None:
            self._clock_start(self.turn_goal)

    def request_started(self, usage: Any) -> None:
        """Before each model request: the usage of the requests before it is known."""
        self._tokens_now = goal_tokens(usage)

    def charge(self, *, final: bool = False) -> ThreadGoal | None:
        """Charge the running turn's goal with what was used since the last charge."""
        goal_id = self.turn_goal
        if goal_id is None:
            return None
        tokens = self._tokens_now - self._tokens_charged
        seconds = self._seconds(goal_id)
        if tokens <= 0 and seconds <= 0:
            return None
        try:
            goal = self.store.account(
                self.thread_id, seconds=seconds, tokens=tokens, expected_goal_id=goal_id
            )
        except Exception:  # a locked or broken file must not fail the turn
            return None
        self._tokens_charged = self._tokens_now
        self._clock_since += seconds
        if goal is None:
            return None
        if goal.status != "active" and (final or goal.status != "budget_limited"):
            self.turn_goal = None
            self._clock_start(None)
        self.announce(goal, self.turn_id)
        return goal

    def tool_finished(self, name: str) -> Message | None:
        """After a tool call: charge the goal; the budget note when its budget just ran out."""
        if name == UPDATE_GOAL or self.turn_goal is None:
            return None
        goal = self.charge()
        if goal is None or goal.status != "budget_limited" or self._budget_told == goal.goal_id:
            return None
        self._budget_told = goal.goal_id
        return budget_spent_message(goal)

    def turn_finished(
        self, usage: Any, *, error_kind: str | None = None, aborted: bool = False
    ) -> None:
        """The turn ended: charge it; a failed turn stops its goal (usage-limited for the
        account's limit, blocked otherwise); after an interrupted one, no goal turn."""
        self._tokens_now = goal_tokens(usage)
        goal_id = self.turn_goal
        self.charge(final=True)
        turn_id = self.turn_id
        self.turn_id = None
        self.turn_goal = None
        self._interrupted = aborted
        if goal_id is None or error_kind is None:
            return
        if error_kind == "server_overloaded":
            return  # capacity: not the goal's fault; it goes on with the next turn
        status = "blocked"
        if error_kind == "usage_limit_exceeded":
            status = "usage_limited"
        try:
            current = self.store.get(self.thread_id)
            if current is None or current.goal_id != goal_id or current.status != "active":
                return
            goal = self.store.update(self.thread_id, status=status, expected_goal_id=goal_id)
        except Exception:
            return
        if goal is not None:
            self._clock_start(None)
            self.announce(goal, turn_id)

    # ---- continuation -------------------------------------------------------------------

    def continuation_message(self) -> Message | None:
        """The input of a goal turn, when the thread should go on by itself now."""
        if not self.continuation:
            return None
        goal = self._read()
        if goal is None or goal.status != "active" or self._deferred():
            self._clock_start(None)
            return None
        self._clock_start(goal.goal_id)
        return continuation_message(goal)

    def idle(self) -> None:
        """A turn ended and nothing else runs: go on with an active goal."""
        if self.continuation and not self._interrupted and self.wake is not None and self._active():
            self.wake()

    def _active(self) -> bool:
        goal = self._read()
        return goal is not None and goal.status == "active" and not self._deferred()

    def _deferred(self) -> bool:
        """A fork made with `deferGoalContinuation` waits for its first explicit turn."""
        try:
            return self.store.deferred(self.thread_id)
        except Exception:
            return False

    def _end_deferral(self) -> None:
        with contextlib.suppress(Exception):  # a locked or broken file must not fail the turn
            self.store.take_deferral(self.thread_id)

    def _read(self) -> ThreadGoal | None:
        try:
            return self.store.get(self.thread_id)
        except Exception:
            return None

    # ---- a client changed the goal (app-server thread/goal/set|clear) ----------------------

    def before_external_change(self) -> None:
        """Charge the running turn before a client changes its goal under it."""
        if self.turn_goal is not None:
            self.charge()

    def after_external_set(self, goal: ThreadGoal) -> None:
        if goal.status == "active":
            self._interrupted = False  # set (or resumed) by the user: it goes on
            if self.turn_id is not None:
                self.turn_goal = goal.goal_id
                self._tokens_charged = self._tokens_now
            self._clock_start(goal.goal_id)
            if self.turn_id is None:
                self.idle()
        elif goal.status != "budget_limited" or self.turn_id is None:
            if self.turn_goal == goal.goal_id:
                self.turn_goal = None
            self._clock_start(None)

    def after_external_clear(self) -> None:
        self.turn_goal = None
        self._clock_start(None)

    # ---- the model's tools --------------------------------------------------------------

    def tool_get(self) -> str:
        return _answer(self.store.get(self.thread_id))

    def tool_create(self, args: dict[str, Any]) -> str:
        objective = args.get("objective")
        if not isinstance(objective, str):
            raise GoalError(_field_error(args, "objective", "a string"))
        budget = args.get("token_budget")
        if budget is not None and (not isinstance(budget, int) or isinstance(budget, bool)):
            raise GoalError(f"invalid type: {json.dumps(budget)}, expected i64")
        text = check_objective(objective)
        check_budget(budget)
        goal = self.store.insert(self.thread_id, text, "active", budget)
        if goal is None:
            raise GoalError(CREATE_REFUSED)
        if self.turn_id is not None:  # counted from now, for this turn
            self.turn_goal = goal.goal_id
            self._tokens_charged = self._tokens_now
            self._budget_told = None
        self._clock_start(goal.goal_id)
        self.announce(goal, self.turn_id)
        return _answer(goal)

    def tool_update(self, args: dict[str, Any]) -> str:
        status = args.get("status")
        if not isinstance(status, str):
            raise GoalError(_field_error(args, "status", "a string"))
        if status not in ("complete", "blocked", "paused"):
            if status in ("active", "budgetLimited", "usageLimited"):
                raise GoalError(UPDATE_REFUSED)
            raise GoalError(
                f"unknown variant `{status}`, expected one of `active`, `paused`, `blocked`, "
                "`usageLimited`, `budgetLimited`, `complete`"
            )
        goal = self.store.update(self.thread_id, status=status)
        if goal is None:
            raise GoalError(NO_GOAL)
        self.turn_goal = None
        self._clock_start(None)
        self.announce(goal, self.turn_id)
        spent = goal.token_budget is not None or goal.time_used_seconds > 0
        return _answer(goal, COMPLETION_REPORT if status == "complete" and spent else None)


def _field_error(args: dict[str, Any], name: str, kind: str) -> str:
    if name not in args:
        return f"missing field `{name}`"
    return f"invalid type: {json.dumps(args[name])}, expected {kind}"


def _answer(goal: ThreadGoal | None, report: str | None = None) -> str:
    """A goal tool's answer: 0.169's JSON object (compact, its key order)."""
    return json.dumps(
        {
            "goal": None if goal is None else goal.to_wire(),
            "remainingTokens": None if goal is None else goal.remaining_tokens,
            "completionBudgetReport": report,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
