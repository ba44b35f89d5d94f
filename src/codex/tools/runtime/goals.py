"""`get_goal`, `create_goal`, `update_goal`: the model's side of the thread's goal. The goal
itself lives in core (codex.core.goals.runtime.GoalRuntime, handed in as `ToolContext.goals`);
these handlers only parse the call and hand back what it answers."""

from __future__ import annotations

import json
from typing import Any

from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult


def _args(call: ToolCall) -> dict[str, Any]:
    text = call.payload.strip() or "{}"
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"invalid type: {type(value).__name__}, expected a JSON object")
    return value


async def _run(ctx: ToolContext, call: ToolCall, action: str) -> ToolResult:
    goals = ctx.goals
    if goals is None:
        return ToolResult(f"unsupported call: {call.name}", success=False)
    try:
        args = _args(call)
        if action == "get":
            return ToolResult(goals.tool_get())
        if action == "create":
            return ToolResult(goals.tool_create(args))
        return ToolResult(goals.tool_update(args))
    except ValueError as exc:  # GoalError and bad JSON: the model reads why
        return ToolResult(str(exc), success=False)


async def handle_get_goal(ctx: ToolContext, call: ToolCall, _intercept: object) -> ToolResult:
    return await _run(ctx, call, "get")


async def handle_create_goal(ctx: ToolContext, call: ToolCall, _intercept: object) -> ToolResult:
    return await _run(ctx, call, "create")


async def handle_update_goal(ctx: ToolContext, call: ToolCall, _intercept: object) -> ToolResult:
    return await _run(ctx, call, "update")
