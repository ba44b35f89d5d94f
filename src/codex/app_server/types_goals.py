"""Protocol types of the goal methods (codex.app_server.goals): thread/goal/set|get|clear and
the `thread/goal/updated` / `thread/goal/cleared` notifications, with 0.169's type names and
fields (its `generate-json-schema`). Registered into types.REQUESTS / NOTIFICATIONS."""

# No `from __future__ import annotations` (as types.py): TypedDict sees NotRequired only in
# evaluated annotations.
from typing import Literal, NotRequired, TypedDict

ThreadGoalStatus = Literal[
    "active", "paused", "blocked", "usageLimited", "budgetLimited", "complete"
]
ThreadGoalMutationOrigin = Literal["user", "automatic"]


class ThreadGoal(TypedDict):
    threadId: str
    objective: str
    status: ThreadGoalStatus
    tokenBudget: NotRequired[int | None]
    tokensUsed: int
    timeUsedSeconds: int
    createdAt: int  # epoch seconds
    updatedAt: int


class ThreadGoalSetParams(TypedDict):
    threadId: str
    objective: NotRequired[str | None]
    status: NotRequired[ThreadGoalStatus | None]
    tokenBudget: NotRequired[int | None]  # present and null: no budget
    origin: NotRequired[ThreadGoalMutationOrigin | None]


class ThreadGoalSetResponse(TypedDict):
    goal: ThreadGoal


class ThreadGoalGetParams(TypedDict):
    threadId: str


class ThreadGoalGetResponse(TypedDict):
    goal: ThreadGoal | None


class ThreadGoalClearParams(TypedDict):
    threadId: str
    origin: NotRequired[ThreadGoalMutationOrigin | None]


class ThreadGoalClearResponse(TypedDict):
    cleared: bool


class ThreadGoalUpdatedNotification(TypedDict):
    threadId: str
    turnId: NotRequired[str | None]
    goal: ThreadGoal


class ThreadGoalClearedNotification(TypedDict):
    threadId: str


REQUESTS: dict[str, tuple[type, type | None]] = {
    "thread/goal/set": (ThreadGoalSetParams, ThreadGoalSetResponse),
    "thread/goal/get": (ThreadGoalGetParams, ThreadGoalGetResponse),
    "thread/goal/clear": (ThreadGoalClearParams, ThreadGoalClearResponse),
}
NOTIFICATIONS: dict[str, type] = {
    "thread/goal/updated": ThreadGoalUpdatedNotification,
    "thread/goal/cleared": ThreadGoalClearedNotification,
}
