"""Dispatch a model's tool call to its handler, and turn every failure into text the model reads.

Unknown function → `unsupported call: X`; unknown custom tool → `unsupported custom tool call: X`;
bad arguments → `failed to parse function arguments: ...`. Only cancellation and a user's
`abort` escape as exceptions. Also says which calls may run in parallel with each other.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from codex.protocol.items import CustomToolCall, FunctionCall, LocalShellCall, ResponseItem
from codex.tools.runtime.args import ArgumentError
from codex.tools.runtime.context import (
    SHELL_TOOLS,
    ToolCall,
    ToolContext,
    ToolResult,
    TurnAbortedByUser,
)

Handler = Callable[[ToolContext, ToolCall, Any], Awaitable[ToolResult]]

# Tool name → (module, handler). The handler modules (and what they pull in: the apply_patch
# planner, the process machinery, the sandbox) load with the first call of their tool, so a turn
# whose model only answers text never imports them.
FUNCTION_HANDLERS: dict[str, tuple[str, str]] = {
    "exec_command": ("codex.tools.runtime.shell", "handle_exec_command"),
    "write_stdin": ("codex.tools.runtime.shell", "handle_write_stdin"),
    "shell": ("codex.tools.runtime.shell", "handle_shell"),
    "container.exec": ("codex.tools.runtime.shell", "handle_shell"),
    "shell_command": ("codex.tools.runtime.shell", "handle_shell_command"),
    "local_shell": ("codex.tools.runtime.shell", "handle_local_shell"),
    "apply_patch": ("codex.tools.runtime.patch", "handle_apply_patch_function"),
    "update_plan": ("codex.tools.runtime.misc", "handle_update_plan"),
    "view_image": ("codex.tools.runtime.view_image", "handle_view_image"),
    "request_user_input": ("codex.tools.runtime.user_input", "handle_request_user_input"),
    "get_goal": ("codex.tools.runtime.goals", "handle_get_goal"),
    "create_goal": ("codex.tools.runtime.goals", "handle_create_goal"),
    "update_goal": ("codex.tools.runtime.goals", "handle_update_goal"),
}
CUSTOM_HANDLERS: dict[str, tuple[str, str]] = {
    "apply_patch": ("codex.tools.runtime.patch", "handle_apply_patch_custom")
}


def _handler(table: dict[str, tuple[str, str]], name: str) -> Handler | None:
    """The handler registered for `name`; its module is imported when the call runs, inside
    `_dispatch`'s error handling (a module that fails to load fails that call, not the turn)."""
    entry = table.get(name)
    if entry is None:
        return None
    module, attr = entry

    async def run(ctx: ToolContext, call: ToolCall, intercept: Any) -> ToolResult:
        handler: Handler = getattr(importlib.import_module(module), attr)
        return await handler(ctx, call, intercept)

    return run


# Tools that may run at the same time as each other (they take a shared lock); the rest take
# the lock exclusively, as upstream's parallel tool runtime does.
PARALLEL_SAFE = SHELL_TOOLS | {"write_stdin", "view_image"}


def tool_call_from_item(item: ResponseItem) -> ToolCall | None:
    """The ToolCall for a model output item, or None if the item is not a call."""
    if isinstance(item, FunctionCall):
        return ToolCall(item.call_id, item.name, "function", item.arguments, item)
    if isinstance(item, CustomToolCall):
        return ToolCall(item.call_id, item.name, "custom", item.input, item)
    if isinstance(item, LocalShellCall):
        import orjson

        action = item.action
        args = action.to_dict() if hasattr(action, "to_dict") else {}
        args.pop("type", None)
        call_id = item.call_id or item.id or ""
        return ToolCall(call_id, "local_shell", "local_shell", orjson.dumps(args).decode(), item)
    return None


def is_parallel_safe(call: ToolCall) -> bool:
    return call.kind != "custom" and call.name in PARALLEL_SAFE


async def _intercept_patch(
    ctx: ToolContext, call: ToolCall, parsed: Any, workdir: Path
) -> ToolResult:
    from codex.tools.runtime import patch  # lazy: only a shell call that is a patch gets here

    return await patch.apply_patch(ctx, call, parsed, workdir)


async def dispatch(ctx: ToolContext, call: ToolCall) -> ToolResult:
    """Run one call (with `tool_hook_command` and hooks.json hooks before and after it, when
    configured); never raises except for cancellation and TurnAbortedByUser."""
    if ctx.mcp is not None and call.kind == "function":
        await ctx.mcp.prepare(call)
    hooks = ctx.hook  # codex.tools.hooks.ToolHooks
    if hooks is None:
        return (await _dispatch(ctx, call))[0]
    veto = await hooks.before(call, ctx)
    if veto is not None:  # a Claude-style PreToolUse hook blocked it; the model reads why
        result = ToolResult(veto, success=False)
        await hooks.after(call, response=None, error=veto, ran=False, ctx=ctx)
        return result
    result, failed = await _dispatch(ctx, call)
    if failed:
        await hooks.after(call, response=None, error=_text(result), ran=result.ran, ctx=ctx)
    else:
        response = result.to_item(call).to_dict()
        await hooks.after(call, response=response, error=None, ran=result.ran, ctx=ctx)
    return result


def _text(result: ToolResult) -> str:
    return result.output if isinstance(result.output, str) else str(result.output)


async def _dispatch(ctx: ToolContext, call: ToolCall) -> tuple[ToolResult, bool]:
    """The result, and whether the call failed before or outside its tool (a hook's `error`)."""
    if call.kind == "local_shell" and not call.call_id:
        return ToolResult("LocalShellCall without call_id or id", success=False), True
    if call.kind == "function" and ctx.mcp is not None and ctx.mcp.owns(call.name):
        from codex.mcp_client.calls import handle_mcp_call

        manager = ctx.mcp

        async def handler(c: ToolContext, k: ToolCall, _: Any) -> ToolResult:
            return await handle_mcp_call(c, k, manager)

    elif call.kind == "function" and call.name in ctx.custom_tools:
        from codex.tools.custom import handle_custom_tool

        tool = ctx.custom_tools[call.name]

        async def handler(c: ToolContext, k: ToolCall, _: Any) -> ToolResult:
            return await handle_custom_tool(c, k, tool)

    elif call.kind == "custom":
        handler = _handler(CUSTOM_HANDLERS, call.name)
        if handler is None:
            return ToolResult(f"unsupported custom tool call: {call.name}", success=False), True
    else:
        handler = _handler(FUNCTION_HANDLERS, call.name)
        if handler is None:
            return ToolResult(f"unsupported call: {call.name}", success=False), True
    try:
        return await handler(ctx, call, _intercept_patch), False
    except ArgumentError as exc:
        return ToolResult(str(exc), success=False), True
    except TurnAbortedByUser:
        raise
    except Exception as exc:  # a handler bug must not kill the turn; the model reads it
        return ToolResult(f"execution error: {type(exc).__name__}: {exc}", success=False), True
