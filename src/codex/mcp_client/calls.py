"""Running a model's call of an MCP tool: the `mcp_tool_call_begin`/`_end` events, the call with
the server's tool timeout, and the result turned into the function output the model reads.

Result → output, as upstream: with images, content items (`input_text` / `input_image`); else the
structured content as JSON when the server sent any, else the content list as JSON; `isError`
makes the output unsuccessful. Also upstream's three resource tools.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import orjson

from codex.protocol.events import Duration, McpToolCallBegin, McpToolCallEnd
from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult

if TYPE_CHECKING:
    from codex.mcp_client.manager import McpManager


def resource_tool_specs() -> list[dict[str, Any]]:
    """Upstream's resource tools, as the official 0.169 offers them
    (tests/fixtures/mcp/official_tools.json)."""
    return [
        _function(
            "list_mcp_resources",
            (
                "Lists resources provided by MCP servers. Resources allow servers to share data"
                " that provides context to language models, such as files, database schemas, or"
                " application-specific information. Prefer resources over web search when "
                "possible."
            ),
            {
                "cursor": _string(
                    "Opaque cursor from a previous list_mcp_resources call; omit for the "
                    "first page."
                ),
                "server": _string(
                    "MCP server name. Omit to list resources from every configured server."
                ),
            },
            None,
        ),
        _function(
            "list_mcp_resource_templates",
            (
                "Lists resource templates provided by MCP servers. Parameterized resource "
                "templates allow servers to share data that takes parameters and provides "
                "context to language models, such as files, database schemas, or "
                "application-specific information. Prefer resource templates over web search "
                "when possible."
            ),
            {
                "cursor": _string(
                    "Opaque cursor from a previous list_mcp_resource_templates call; omit "
                    "for the first page."
                ),
                "server": _string(
                    "MCP server name. Omit to list resource templates from every configured server."
                ),
            },
            None,
        ),
        _function(
            "read_mcp_resource",
            ("Read a specific resource from an MCP server given the server name and resource URI."),
            {
                "server": _string(
                    "MCP server name exactly as configured. Must match the 'server' field "
                    "returned by list_mcp_resources."
                ),
                "uri": _string(
                    "Resource URI to read. Must be one of the URIs returned by list_mcp_resources."
                ),
            },
            ["server", "uri"],
        ),
    ]


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _function(
    name: str, description: str, props: dict[str, Any], required: list[str] | None
) -> dict[str, Any]:
    parameters: dict[str, Any] = {"type": "object", "properties": props}
    if required is not None:
        parameters["required"] = required
    parameters["additionalProperties"] = False
    return {
        "type": "function",
        "name": name,
        "description": description,
        "strict": False,
        "parameters": parameters,
    }


async def handle_mcp_call(ctx: ToolContext, call: ToolCall, manager: McpManager) -> ToolResult:
    if call.name in manager.routes:
        server, tool = manager.routes[call.name]
        return await _call_tool(ctx, call, manager, server, tool)
    return await _resource_call(call, manager)


def _arguments(payload: str) -> dict[str, Any] | None:
    text = payload.strip()
    if not text:
        return None
    value = orjson.loads(text)
    if value is not None and not isinstance(value, dict):
        raise ValueError("arguments must be a JSON object")
    return value


async def _call_tool(
    ctx: ToolContext, call: ToolCall, manager: McpManager, server: str, tool: str
) -> ToolResult:
    try:
        arguments = _arguments(call.payload)
    except (orjson.JSONDecodeError, ValueError) as exc:
        return ToolResult(f"failed to parse function arguments: {exc}", success=False)
    invocation = {"server": server, "tool": tool, "arguments": arguments}
    ctx.emit(McpToolCallBegin(call.call_id, invocation))
    started = time.monotonic()
    conn = manager.connections[server]
    mode = conn.settings.approval_mode(tool)
    refusal = await _approve(ctx, call, server, conn.tool(tool), arguments, mode)
    if refusal is not None:  # as upstream: begin, then an end with the refusal, zero duration
        ctx.emit(
            McpToolCallEnd(call.call_id, invocation, Duration.from_seconds(0), {"Err": refusal})
        )
        return ToolResult(refusal, success=False)
    try:
        result = await conn.call_tool(tool, arguments)
    except TimeoutError:
        error = f"tool call timed out after {conn.settings.tool_timeout:g}s"
        return _failed(ctx, call, invocation, started, error)
    except Exception as exc:  # the server's problem is the model's information
        return _failed(ctx, call, invocation, started, f"tool call error: {exc}")
    wire = _wire(result)
    ctx.emit(
        McpToolCallEnd(
            call.call_id,
            invocation,
            Duration.from_seconds(time.monotonic() - started),
            {"Ok": wire},
        )
    )
    return ToolResult(_output(wire), success=not wire.get("isError", False))


async def _approve(
    ctx: ToolContext,
    call: ToolCall,
    server: str,
    tool: Any,
    arguments: dict[str, Any] | None,
    mode: str = "auto",
) -> str | None:
    """None when the call may run; else why not (codex.mcp_client.approval). A front end that
    can answer is asked through the session's gate (`request_mcp_tool`); one that cannot
    (`codex exec`) gets upstream's exec outcome, a cancelled call."""
    from codex.mcp_client import approval

    if not approval.needs_approval(tool, ctx.approval_policy, ctx.sandbox_policy, mode):
        return None
    ask = getattr(ctx.gate, "request_mcp_tool", None)
    if ask is None:
        return approval.CANCELLED
    name = getattr(tool, "name", "")
    decision = await ask(
        call_id=call.call_id,
        turn_id=ctx.turn_id,
        server=server,
        tool=name,
        message=approval.question(server, name),
        description=getattr(tool, "description", None),
        arguments=arguments,
        remember=mode == "auto",  # as upstream: "prompt" asks every time
    )
    if decision == "accept":
        return None
    return approval.REJECTED if decision == "decline" else approval.CANCELLED


# Fields newer SDK revisions add to every result (caching hints, the result kind): not part of the
# CallToolResult the official CLI records, so left out of events and outputs.
_SDK_ONLY = ("resultType", "ttlMs", "cacheScope", "_meta")


def _wire(result: Any) -> dict[str, Any]:
    dumped = result.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in _SDK_ONLY:
        dumped.pop(key, None)
    return dumped


def _failed(
    ctx: ToolContext, call: ToolCall, invocation: dict[str, Any], started: float, error: str
) -> ToolResult:
    duration = Duration.from_seconds(time.monotonic() - started)
    ctx.emit(McpToolCallEnd(call.call_id, invocation, duration, {"Err": error}))
    return ToolResult(error, success=False)


def _output(wire: dict[str, Any]) -> str | list[Any]:
    content = wire.get("content") or []
    if any(part.get("type") == "image" for part in content):
        items: list[Any] = []
        for part in content:
            if part.get("type") == "image":
                url = f"data:{part.get('mimeType', 'image/png')};base64,{part.get('data', '')}"
                items.append({"type": "input_image", "image_url": url})
            elif part.get("type") == "text":
                items.append({"type": "input_text", "text": part.get("text", "")})
            else:
                items.append({"type": "input_text", "text": orjson.dumps(part).decode()})
        return items
    structured = wire.get("structuredContent")
    if structured is not None:
        return orjson.dumps(structured).decode()
    return orjson.dumps(content).decode()


async def _resource_call(call: ToolCall, manager: McpManager) -> ToolResult:
    try:
        args = _arguments(call.payload) or {}
    except (orjson.JSONDecodeError, ValueError) as exc:
        return ToolResult(f"failed to parse function arguments: {exc}", success=False)
    server = args.get("server")
    cursor = args.get("cursor")
    conns = {n: c for n, c in manager.connections.items() if c.ok}
    if server is not None and server not in conns:
        return ToolResult(f"unknown MCP server '{server}'", success=False)
    try:
        if call.name == "read_mcp_resource":
            uri = str(args.get("uri") or "")
            read = await conns[str(server)].read_resource(uri)
            contents = _wire(read)
            return ToolResult(orjson.dumps({"server": server, "uri": uri, **contents}).decode())
        key = "resources" if call.name == "list_mcp_resources" else "resourceTemplates"
        listed: list[Any] = []
        next_cursor = None
        for name in [server] if server else sorted(conns):
            conn = conns[str(name)]
            if call.name == "list_mcp_resources":
                page = await conn.list_resources(cursor if server else None)
            else:
                page = await conn.list_resource_templates(cursor if server else None)
            dumped = _wire(page)
            listed.extend({"server": name, **entry} for entry in dumped.get(key, []))
            if server:
                next_cursor = dumped.get("nextCursor")
        body: dict[str, Any] = {key: listed}
        if next_cursor:
            body["nextCursor"] = next_cursor
        if server:
            body["server"] = server
        return ToolResult(orjson.dumps(body).decode())
    except Exception as exc:
        return ToolResult(f"resources/{call.name} failed: {exc}", success=False)
