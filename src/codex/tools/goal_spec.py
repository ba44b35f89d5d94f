"""The goal tools' definitions (0.169 offers `get_goal`, `create_goal` and `update_goal` on every
request, after view_image; their shapes are checked against its tool list in
tests/tools/test_spec.py). The descriptions are ours."""

from __future__ import annotations

from typing import Any


def _function(name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "description": description,
        "strict": False,
        "parameters": parameters,
    }


def goal_tools() -> list[dict[str, Any]]:
    return [
        _function(
            "get_goal",
            "Read this thread's goal, if it has one: its objective, status (active, paused, "
            "blocked, usageLimited, budgetLimited, complete), token budget, tokens and seconds "
            "spent so far, and the tokens left.",
            {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
        ),
        _function(
            "create_goal",
            "Give this thread a goal to keep working toward across turns. Only when the user "
            "asks for one; refused while the thread has a goal that is not complete. While the "
            "goal is active the thread goes on by itself after each turn, until the goal is "
            "complete, blocked, paused or out of budget.",
            {
                "type": "object",
                "properties": {
                    "objective": {
                        "type": "string",
                        "description": "What the goal is: the outcome to reach, in the user's "
                        "terms. Must not be empty.",
                    },
                    "token_budget": {
                        "type": "integer",
                        "description": "Optional: the most tokens the goal may use, a positive "
                        "number. Leave it out unless the user gave a budget.",
                    },
                },
                "required": ["objective"],
                "additionalProperties": False,
            },
        ),
        _function(
            "update_goal",
            "Change the status of this thread's goal: `complete` when the objective is fully "
            "met, `blocked` when you cannot go on without the user or an outside change, "
            "`paused` only when the user asks to pause it.",
            {
                "type": "object",
                "properties": {
                    "status": {
                        "type": "string",
                        "description": "The goal's new status.",
                        "enum": ["complete", "blocked", "paused"],
                    }
                },
                "required": ["status"],
                "additionalProperties": False,
            },
        ),
    ]
