"""`mcpServer/tool/call` and `mcpServer/resource/read`: a client uses an MCP server directly
(no model, no approval: the client is the user), as 0.169 does.

tool/call runs a tool of a loaded thread's server; the answer is the server's CallToolResult
in the protocol's casing: `content`, `structuredContent` (when the tool gave one), `isError`,
`_meta` (when given). A tool error is a result with `isError: true`. resource/read reads a
resource of a loaded thread's server, or, without `threadId`, of the configured servers (the
server keeps one manager of its own for those, started on first use, closed with it); an
error the MCP server answers (an unknown resource) comes back with its code, message and
data. An unknown server, one that failed to start, or a call that fails in transit is a
-32603 error, as 0.169 answers them."""

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
    connection = await _connection(server, server.thread(p), name)
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


async def _connection(server: AppServer, live: Any, name: str) -> Any:
    """The ready MCP connection `name` of a loaded thread (`live`), or of the server's own
    manager over the configured servers (`live` None)."""
    if live is not None:
        state = getattr(live.session, "state", None)
        manager = getattr(getattr(state, "tooling", None), "mcp", None)
    else:
        manager = server.mcp_manager()
    if manager is None:
        raise _internal(f"unknown MCP server '{name}'")
    await manager.wait_started()
    connection = manager.connections.get(name)
    if connection is None:
        raise _internal(f"unknown MCP server '{name}'")
    await connection.ready.wait()
    if connection.error is not None:
        raise _internal(f"MCP server '{name}' failed to start: {connection.error}")
    return connection


async def mcp_resource_read(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from mcp.shared.exceptions import MCPError

    name = string(p, "server")
    uri = string(p, "uri")
    thread_id = string(p, "threadId", required=False)
    live = server.thread(p) if thread_id is not None else None
    connection = await _connection(server, live, name)
    try:
        result = await connection.read_resource(uri)
    except MCPError as exc:
        error = exc.error
        raise errors.RpcError(error.code, error.message, error.data) from None
    except Exception as exc:  # transport, timeout
        raise _internal(f"MCP resource read failed: {exc}") from None
    dumped = result.model_dump(by_alias=True, exclude_none=True, mode="json")
    return {"contents": dumped.get("contents", []), "originCallId": None}
