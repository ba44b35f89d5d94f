"""The core event a goal change makes (front ends turn it into their own notification: the
app-server's `thread/goal/updated`). Not written to the rollout by core: 0.169's `exec` leaves
no `thread_goal_updated` line for the model's goal tools (tests/fixtures/goals_core_official.json);
the app-server writes the line for a client's `thread/goal/set` itself."""

from __future__ import annotations

from typing import Any, ClassVar

from codex._dataclass import dataclass
from codex.core.goals.model import ThreadGoal


@dataclass(frozen=True, slots=True)
class ThreadGoalUpdated:
    TAG: ClassVar[str] = "thread_goal_updated"

    thread_id: str
    turn_id: str | None
    goal: ThreadGoal

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.TAG,
            "threadId": self.thread_id,
            "turnId": self.turn_id,
            "goal": self.goal.to_wire(),
        }
