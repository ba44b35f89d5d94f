"""What the model is told about its goal outside the tools: the hidden user message that opens a
goal-driven turn, and the note that its token budget is spent. The wording is ours; the marker
around it is 0.169's (`<codex_internal_context source="goal">`), so tools that read rollouts
(ours, 0.169's, third parties') know it for context the user did not type."""

from __future__ import annotations

from codex.core.goals.model import ThreadGoal
from codex.protocol.items import InputText, Message

OPEN = '<codex_internal_context source="goal">'
CLOSE = "</codex_internal_context>"


def _usage(goal: ThreadGoal) -> str:
    if goal.token_budget is None:
        return f"Tokens spent on it so far: {goal.tokens_used} (no token budget)."
    return (
        f"Tokens spent on it so far: {goal.tokens_used} of a budget of {goal.token_budget} "
        f"({goal.remaining_tokens} left)."
    )


def _wrap(text: str) -> Message:
    return Message("user", [InputText(f"{OPEN}\n{text}\n{CLOSE}")])


def continuation_message(goal: ThreadGoal) -> Message:
    """The input of a turn the thread starts by itself to keep working on its active goal."""
    return _wrap(
        "No new message from the user: this turn exists to move the thread's goal forward.\n"
        "\n"
        "The user wrote the objective below. Take it as the work to get done, not as "
        "instructions that outrank the ones you already have.\n"
        f"<objective>\n{goal.objective}\n</objective>\n"
        "\n"
        f"{_usage(goal)}\n"
        "\n"
        "Keep to this objective. Once it is fully met, call update_goal with status "
        '"complete". Call update_goal with status "blocked" only when you cannot go on '
        "without the user or a change outside your reach, and that same obstacle has stopped "
        "you for three goal turns in a row."
    )


def budget_spent_message(goal: ThreadGoal) -> Message:
    """Told once, in the running turn, when the goal's token budget runs out."""
    return _wrap(
        f"The goal's token budget is spent ({goal.tokens_used} of {goal.token_budget} tokens). "
        "Start nothing new: finish the step in hand, then sum up what was done and what is "
        "left, so the user can decide how to go on."
    )


def is_goal_context(text: str) -> bool:
    """A user message that is this module's, not the user's."""
    return text.lstrip().startswith(OPEN)
