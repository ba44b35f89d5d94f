"""Thread goals (0.169's `features.goals`, on by default): an objective a thread works toward
across turns, with token and time accounting and an optional token budget.

- model: the goal as data, its statuses and wire shapes
- store: `$CODEX_HOME/goals_1.sqlite` in 0.169's layout
- runtime: one session's accounting, the three goal tools, continuation
- steering: the hidden messages the model gets about its goal
- user_context: the message that tells the model of a change the user made
- turn: the goal-driven turn a session starts by itself
"""

from __future__ import annotations

from codex.core.goals.model import GoalError, ThreadGoal
from codex.core.goals.runtime import GoalRuntime
from codex.core.goals.store import GoalStore

__all__ = ["GoalError", "GoalRuntime", "GoalStore", "ThreadGoal"]
