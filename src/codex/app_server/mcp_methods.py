"""`mcpServer/tool/call`: a client calls a tool of one of a loaded thread's MCP servers
directly (no model, no approval: the client is the user), as 0.169 does. The answer is the
server's CallToolResult in the protocol's casing: `content`, `structuredContent` (when the
tool gave one), `isError`, `_meta` (when given). A tool error is a result with
`isError: true`; an unknown server, one that failed to start, or a call that fails in transit
is a -32603 error, as 0.169 answers them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import mapping, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer


def _internal(message: str) -> errors.RpcError:
    return errors.RpcError(errors.INTERNAL_ERROR, message)


async def mcp_tool_call(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.protocol.ids import is_uuid

    thread_id = string(p, "threadId")
    name = string(p, "server")
    tool = string(p, "tool")
    arguments = mapping(p, "arguments")
    if not is_uuid(thread_id):
        raise errors.invalid_request(f"invalid thread id: {thread_id}")
    live = server.thread(p)
    state = getattr(live.session, "state", None)
    manager = getattr(getattr(state, "tooling", None), "mcp", None)
    if manager is None:
        raise _internal(f"unknown MCP server '{name}'")
    await manager.wait_started()
    connection = manager.connections.get(name)
    if connection is None:
        raise _internal(f"unknown MCP server '{name}'")
    await connection.ready.wait()
    if connection.error is not None:
        raise _internal(f"MCP server '{name}' failed to start: {connection.error}")
    try:
        result = await connection.call_tool(tool, arguments)
    except Exception as exc:  # transport, timeout: the call did not complete
        raise _internal(f"MCP tool call failed: {exc}") from None
    dumped = result.model_dump(by_alias=True, exclude_none=True, mode="json")
    out: dict[str, Any] = {"content": dumped.get("content", [])}
    if dumped.get("structuredContent") is not None:
        out["structuredContent"] = dumped["structuredContent"]
    out["isError"] = bool(dumped.get("isError"))
    if dumped.get("_meta") is not None:
        out["_meta"] = dumped["_meta"]
    return out
