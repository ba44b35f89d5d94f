"""`codex mcp-server`: codex itself as a stdio MCP server (upstream's codex-rs/mcp-server, spec
§8.4), built on the `mcp` SDK's low-level server.

Two tools: `codex` opens a session (kept open in this process's registry, keyed by thread id)
and runs one turn; `codex-reply` runs another turn on a session `codex` opened. While a turn
runs every core event goes to the client as a `codex/event` notification shaped as upstream
sends it (`{"_meta": {"requestId", "threadId"}, "id", "msg": {...}}`); approvals are asked with
an `elicitation/create` request carrying upstream's `codex_*` fields. A client that cannot
elicit, declines, or answers with something unreadable gets the command denied, and the turn
goes on. The tool result is the final agent message as text plus `{threadId, content}`.
"""

from __future__ import annotations

import contextlib
import shlex
from pathlib import Path
from typing import Any

import anyio

from codex.mcp.tool_schemas import APPROVAL_POLICIES, SANDBOX_MODES, tool_list

SERVER_NAME = "codex-mcp-server"
# How long a cancelled call waits for its interrupted turn to end before giving up on it.
INTERRUPT_GRACE_S = 10.0


class ToolError(Exception):
    """A bad call: answered as an `isError` result with this text, never a crash."""


def flag_overrides(args: dict[str, Any]) -> tuple[dict[str, object], str | None, Path | None]:
    """The `codex` tool's arguments as dotted config keys, the profile and the cwd."""
    flags: dict[str, object] = {}
    config = args.get("config") or {}
    if not isinstance(config, dict):
        raise ToolError("`config` must be an object of dotted config keys")
    flags.update({str(k): v for k, v in config.items()})
    for key, name in (
        ("model", "model"),
        ("developer-instructions", "developer_instructions"),
        ("compact-prompt", "compact_prompt"),
    ):
        value = args.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise ToolError(f"`{key}` must be a string")
            flags[name] = value
    if (base := args.get("base-instructions")) is not None:
        if not isinstance(base, str):
            raise ToolError("`base-instructions` must be a string")
        flags["instructions"] = base
    policy = args.get("approval-policy")
    if policy is not None:
        if policy not in APPROVAL_POLICIES:
            raise ToolError(f"`approval-policy` must be one of {', '.join(APPROVAL_POLICIES)}")
        flags["approval_policy"] = policy
    sandbox = args.get("sandbox")
    if sandbox is not None:
        if sandbox not in SANDBOX_MODES:
            raise ToolError(f"`sandbox` must be one of {', '.join(SANDBOX_MODES)}")
        flags["sandbox_mode"] = sandbox
    profile = args.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise ToolError("`profile` must be a string")
    cwd = args.get("cwd")
    if cwd is not None:
        if not isinstance(cwd, str) or not Path(cwd).is_dir():
            raise ToolError(f"`cwd` is not a directory: {cwd}")
        cwd = Path(cwd).resolve()
    return flags, profile, cwd


def _prompt(args: dict[str, Any]) -> str:
    prompt = args.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise ToolError("`prompt` is required (a non-empty string)")
    return prompt


def exec_elicitation(request: Any, thread_id: str, tool_call_id: Any, event_id: str) -> dict:
    """Upstream's `elicitation/create` params for a command approval (spec §8.4)."""
    command = list(request.command)
    return {
        "message": f"Allow Codex to run `{shlex.join(command)}` in `{request.cwd}`?",
        "requestedSchema": {"type": "object", "properties": {}},
        "threadId": thread_id,
        "codex_elicitation": "exec-approval",
        "codex_mcp_tool_call_id": str(tool_call_id),
        "codex_event_id": event_id,
        "codex_call_id": request.call_id,
        "codex_command": command,
        "codex_cwd": str(request.cwd),
        "codex_parsed_cmd": request.to_dict().get("parsed_cmd", []),
    }


def patch_elicitation(request: Any, thread_id: str, tool_call_id: Any, event_id: str) -> dict:
    """Upstream's `elicitation/create` params for a patch approval."""
    data = request.to_dict()
    reason = data.get("reason")
    message = "Allow Codex to apply proposed code changes?"
    return {
        "message": f"{reason}\n{message}" if reason else message,
        "requestedSchema": {"type": "object", "properties": {}},
        "threadId": thread_id,
        "codex_elicitation": "patch-approval",
        "codex_mcp_tool_call_id": str(tool_call_id),
        "codex_event_id": event_id,
        "codex_call_id": request.call_id,
        "codex_reason": reason,
        "codex_grant_root": data.get("grant_root"),
        "codex_changes": data.get("changes", {}),
    }


DECISIONS = ("approved", "approved_for_session", "denied", "abort")


def decision_of(reply: Any) -> str:
    """The review decision in an elicitation reply: upstream's `{"decision": ...}`, or a
    standard MCP `{"action": "accept"}`; anything else is a denial."""
    if not isinstance(reply, dict):
        return "denied"
    decision = reply.get("decision")
    if decision is None and isinstance(reply.get("content"), dict):
        decision = reply["content"].get("decision")
    if decision in DECISIONS:
        return decision
    if decision is None and reply.get("action") == "accept":
        return "approved"
    return "denied"


class CodexServer:
    """The open sessions of this server process and the two tools over them."""

    def __init__(self, load_config: Any) -> None:
        self._load_config = load_config  # (cwd, flag_overrides, profile) -> Config
        self._sessions: dict[str, Any] = {}
        # One turn at a time per thread: a call waits for the previous one (a cancelled call
        # holds the lock until its interrupted turn has ended).
        self._turn_locks: dict[str, anyio.Lock] = {}
        self._stack = contextlib.AsyncExitStack()

    async def close(self) -> None:
        await self._stack.aclose()

    async def call(self, ctx: Any, name: str, args: dict[str, Any]) -> Any:
        from mcp import types

        try:
            if name == "codex":
                return await self._codex(ctx, args)
            if name == "codex-reply":
                return await self._reply(ctx, args)
            raise ToolError(f"Unknown tool '{name}'")
        except ToolError as exc:
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=str(exc))], is_error=True
            )

    async def _codex(self, ctx: Any, args: dict[str, Any]) -> Any:
        from codex.api import FrontEnd, open_session
        from codex.errors import CodexError

        prompt = _prompt(args)
        flags, profile, cwd = flag_overrides(args)
        try:
            config = self._load_config(cwd, flags, profile)
            session = await self._stack.enter_async_context(
                open_session(config, FrontEnd("codex_mcp_server", "mcp"))
            )
        except CodexError as exc:
            raise ToolError(str(exc)) from exc
        thread_id = session.conversation_id
        self._sessions[thread_id] = session
        # open_session emitted session_configured before anyone here could subscribe: the
        # client gets the same event rebuilt from the session, first, as upstream sends it.
        await _notify(ctx, thread_id, "", configured_event(session))
        return await self._turn(ctx, session, thread_id, prompt)

    async def _reply(self, ctx: Any, args: dict[str, Any]) -> Any:
        prompt = _prompt(args)
        thread_id = args.get("threadId") or args.get("conversationId")
        if not isinstance(thread_id, str):
            raise ToolError("`threadId` is required")
        session = self._sessions.get(thread_id)
        if session is None:
            raise ToolError(f"Session not found for thread_id: {thread_id}")
        return await self._turn(ctx, session, thread_id, prompt)

    async def _turn(self, ctx: Any, session: Any, thread_id: str, prompt: str) -> Any:
        async with self._turn_locks.setdefault(thread_id, anyio.Lock()):
            return await self._run_turn(ctx, session, thread_id, prompt)

    async def _run_turn(self, ctx: Any, session: Any, thread_id: str, prompt: str) -> Any:
        from mcp import types

        request_id = ctx.request_id

        async def approve(request: Any) -> str:
            make = exec_elicitation if request.TAG == "exec_approval_request" else patch_elicitation
            params = make(request, thread_id, request_id, handle.sub_id)
            try:
                reply = await ctx.session._request_outbound.send_raw_request(
                    "elicitation/create", params
                )
            except Exception:  # no elicitation support, an error reply, a closed pipe
                return "denied"
            return decision_of(reply)

        try:
            handle = await session.run_turn(prompt, on_approval=approve)
        except RuntimeError as exc:  # a turn is already running on this thread
            raise ToolError(str(exc)) from exc
        try:
            async for event in handle.events():
                if hasattr(event.msg, "to_dict"):
                    await _notify(ctx, thread_id, event.id, event.msg.to_dict())
        except BaseException:
            # The client cancelled the call (notifications/cancelled cancels this handler) or
            # the server is going away: interrupt the turn so the thread is free again.
            from codex.api import Interrupt

            with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                await session.submit(Interrupt())
                # Read to the turn end so a `codex-reply` right after finds the thread idle.
                with anyio.move_on_after(INTERRUPT_GRACE_S):
                    await handle.wait()
            raise
        result = handle.result
        text = (result.last_agent_message if result else None) or ""
        failed = result is not None and result.error is not None and not text
        if failed:
            text = result.error or ""
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content={"threadId": thread_id, "content": text},
            is_error=failed,
        )


def configured_event(session: Any) -> dict[str, Any]:
    """The session's `session_configured` msg, rebuilt from its settings."""
    from codex.protocol.events import SessionConfigured

    settings = session.settings
    return SessionConfigured(
        session_id=session.conversation_id,
        model=settings.model,
        model_provider_id=session.config.model_provider,
        approval_policy=str(settings.approval_policy),
        sandbox_policy=settings.sandbox_policy.to_json_dict(),
        cwd=str(settings.cwd),
        rollout_path=session.rollout_path,
        reasoning_effort=settings.effort,
    ).to_dict()


async def _notify(ctx: Any, thread_id: str, event_id: str, msg: dict[str, Any]) -> None:
    """One `codex/event` notification, tied to the tool call (the SDK's typed notify takes
    only the spec's notification types, hence the raw outbound)."""
    params = {
        "_meta": {"requestId": ctx.request_id, "threadId": thread_id},
        "id": event_id,
        "msg": msg,
    }
    with contextlib.suppress(Exception):  # a client gone mid-turn
        await ctx.session._request_outbound.notify("codex/event", params)


def serve(load_config: Any) -> int:
    """Serve over stdio until the client goes away."""
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server

    from codex import __version__

    codex = CodexServer(load_config)

    async def list_tools(ctx: Any, params: Any) -> Any:
        return tool_list()

    async def call_tool(ctx: Any, params: Any) -> Any:
        return await codex.call(ctx, params.name, dict(params.arguments or {}))

    server = Server(
        SERVER_NAME,
        version=__version__,
        title="Codex",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )

    async def main() -> None:
        try:
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())
        finally:
            await codex.close()

    anyio.run(main)
    return 0
