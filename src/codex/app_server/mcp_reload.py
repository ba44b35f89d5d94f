"""`config/mcpServer/reload`: re-read config.toml's `[mcp_servers]` and apply it to every loaded
thread, as 0.169 does (facts in tests/fixtures/mcp_reload_official.json):

- the params are `{}`, null or absent; a map with keys is refused as serde refuses a non-unit;
- a config that does not parse is a -32603 "failed to refresh MCP servers: …" (the loaded
  threads' servers are announced as they are first, as 0.169 does);
- per loaded thread, a server whose table is unchanged keeps its connection and is announced
  `ready` again; a new or changed one is announced `starting` before the response and
  `ready` / `failed` once its startup ends; a removed one is stopped (its tools and calls go);
- the answer is `{}`.

Notifications are `mcpServer/startupStatus/updated` to the thread's subscribers. The server's
own manager (mcpServer/resource/read without a thread) follows the new config too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.notifications import note

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.server import AppServer

STATUS = "mcpServer/startupStatus/updated"
# Startup watchers still running, held so they are not collected mid-flight.
_watchers: set[asyncio.Task[None]] = set()


def status_note(thread_id: str | None, name: str, conn: Any) -> dict[str, Any]:
    """The status of `conn` now: starting, ready, or failed with its error."""
    if conn is None or not conn.ready.is_set():
        status, error = "starting", None
    elif conn.error is None:
        status, error = "ready", None
    else:
        status, error = "failed", f"MCP client for `{name}` failed to start: {conn.error}"
    params = {
        "threadId": thread_id,
        "name": name,
        "status": status,
        "error": error,
        "failureReason": None,
    }
    return note(STATUS, params)


def _enabled(config: Any) -> dict[str, Any]:
    servers = getattr(config, "mcp_servers", None) or {}
    return {name: table for name, table in servers.items() if table.enabled}


async def _watch(live: LiveThread, names: list[str], manager: Any) -> None:
    """Announce each server's `ready` / `failed` when its startup ends."""

    async def one(name: str) -> None:
        conn = manager.connections.get(name)
        if conn is None:
            return
        await conn.ready.wait()
        if manager.connections.get(name) is conn:  # not replaced by a later reload
            live.broadcast([status_note(live.thread_id, name, conn)])

    await asyncio.gather(*(one(name) for name in names))


async def _reload_thread(server: AppServer, live: LiveThread) -> None:
    from codex.core.mcp_servers import mcp_manager

    cwd = getattr(live.session.settings, "cwd", None)
    config = _load(server, str(cwd) if cwd else None)
    servers = _enabled(config)
    state = live.session.state
    manager: Any = state.tooling.mcp
    kept: list[str] = []
    if manager is not None:
        kept, started = await manager.reconfigure(servers)
    else:  # the thread started with no server configured: give it a manager now
        manager = mcp_manager(config) if servers else None
        if manager is None:
            return
        state.tooling.mcp = manager
        await manager.wait_started()
        started = list(manager.connections)
    notes = [status_note(live.thread_id, n, manager.connections.get(n)) for n in kept]
    notes += [status_note(live.thread_id, n, None) for n in started]
    live.broadcast(notes)
    # Servers this reload started, and kept ones still starting (ours start lazily, at the
    # first model answer, so a thread that never ran has them starting only now).
    pending = [n for n in [*kept, *started] if not manager.connections[n].ready.is_set()]
    if pending:
        task = asyncio.ensure_future(_watch(live, pending, manager))
        _watchers.add(task)
        task.add_done_callback(_watchers.discard)


def _load(server: AppServer, cwd: str | None) -> Any:
    try:
        return server.load_config(cwd=cwd)
    except errors.RpcError as exc:
        raise errors.RpcError(
            errors.INTERNAL_ERROR, f"failed to refresh MCP servers: {exc.message}"
        ) from None


async def config_mcp_server_reload(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    if p:  # 0.169 takes no params: `{}` or none at all
        raise errors.invalid_params("invalid type: map, expected unit")
    try:
        config = _load(server, None)
    except errors.RpcError:
        # 0.169 still re-announces each loaded thread's servers as they are, then fails.
        for live in list(server.live.values()):
            manager = live.session.state.tooling.mcp
            conns = manager.connections if manager is not None else {}
            live.broadcast([status_note(live.thread_id, n, c) for n, c in conns.items()])
        raise
    for live in list(server.live.values()):
        await _reload_thread(server, live)
    # The threadless manager (mcpServer/resource/read), if one was made.
    await server.reconfigure_mcp_manager(_enabled(config))
    return {}
