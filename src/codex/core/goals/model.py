"""A thread's goal as data: its statuses, its shapes on the wire (app-server `ThreadGoal`, the
goal tools' answers) and in the rollout (`thread_goal_updated`), and the checks 0.169 makes on
what a client or the model asks for.

Statuses (0.169): `active` (being worked on: the thread continues it when idle), `paused`
(the user stopped it), `blocked` (the model, or a failed turn, says it cannot go on),
`usageLimited` (the account's usage limit stopped it), `budgetLimited` (its token budget is
spent), `complete` (done). The store spells them in snake_case, the wire in camelCase.
"""

from __future__ import annotations

from typing import Any

from codex._dataclass import dataclass

# wire (camelCase) -> store (snake_case), in 0.169's order (its "expected one of" message).
WIRE_TO_DB: dict[str, str] = {
    "active": "active",
    "paused": "paused",
    "blocked": "blocked",
    "usageLimited": "usage_limited",
    "budgetLimited": "budget_limited",
    "complete": "complete",
}
DB_TO_WIRE: dict[str, str] = {db: wire for wire, db in WIRE_TO_DB.items()}

EMPTY_OBJECTIVE = "goal objective must not be empty"
BAD_BUDGET = "goal budgets must be positive when provided"


class GoalError(ValueError):
    """A request the goal rules refuse; its text is what the client or the model reads."""


@dataclass(frozen=True, slots=True)
class ThreadGoal:
    """One row of `thread_goals` (times in epoch milliseconds, status in the store's spelling)."""

    thread_id: str
    goal_id: str
    objective: str
    status: str
    token_budget: int | None
    tokens_used: int
    time_used_seconds: int
    created_at_ms: int
    updated_at_ms: int

    @property
    def wire_status(self) -> str:
        return DB_TO_WIRE.get(self.status, self.status)

    @property
    def remaining_tokens(self) -> int | None:
        if self.token_budget is None:
            return None
        return max(self.token_budget - self.tokens_used, 0)

    def to_wire(self) -> dict[str, Any]:
        """The app-server's `ThreadGoal` (and the goal tools' `goal`): times in epoch seconds,
        `tokenBudget` always present (null without a budget)."""
        return {
            "threadId": self.thread_id,
            "objective": self.objective,
            "status": self.wire_status,
            "tokenBudget": self.token_budget,
            "tokensUsed": self.tokens_used,
            "timeUsedSeconds": self.time_used_seconds,
            "createdAt": self.created_at_ms // 1000,
            "updatedAt": self.updated_at_ms // 1000,
        }

    def to_rollout(self) -> dict[str, Any]:
        """The goal inside a rollout's `thread_goal_updated` line: as on the wire, but 0.169
        leaves `tokenBudget` out when there is none."""
        out = self.to_wire()
        if out["tokenBudget"] is None:
            del out["tokenBudget"]
        return out


def check_objective(objective: str) -> str:
    """The objective as stored (trimmed); GoalError when nothing is left."""
    text = objective.strip()
    if not text:
        raise GoalError(EMPTY_OBJECTIVE)
    return text


def check_budget(budget: int | None) -> int | None:
    if budget is not None and budget <= 0:
        raise GoalError(BAD_BUDGET)
    return budget


def wire_status(value: str) -> str:
    """A client's status (camelCase) in the store's spelling; GoalError with serde's words."""
    db = WIRE_TO_DB.get(value)
    if db is None:
        expected = ", ".join(f"`{name}`" for name in WIRE_TO_DB)
        raise GoalError(f"unknown variant `{value}`, expected one of {expected}")
    return db
