"""The session's MCP servers: started in the background, offered to the model when ready, stopped
with the session.

Starting never delays the first model request: nothing starts while it is being built and sent
(importing the `mcp` SDK alone costs ~2 s of CPU, and a worker thread importing it still takes
the GIL from the thread building the request: +224 ms on the 2-core bench). The turn calls
`model_answered()` once the model's answer begins (the request is on the wire by then), and only
then are the SDK imported (in a worker thread) and the servers spawned, concurrently. `tool_specs()`
(called as each model request is built) offers the tools of the servers that are ready by then;
a server still starting joins the tools of a later request. A server that fails or outlives
`startup_timeout_sec` is reported once (a warning event and a stderr line) and left out.
This module must not import the `mcp` SDK at module level (codex.mcp_client.connection does).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.mcp_client.names import qualify, sanitize_schema

if TYPE_CHECKING:
    from codex.mcp_client.connection import Connection

# Upstream's resource tools, offered whenever servers are configured (codex.mcp_client.calls).
RESOURCE_TOOLS = ("list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource")


class McpManager:
    def __init__(
        self, servers: dict[str, Any], log_dir: Path | None, oauth_store: Any = None
    ) -> None:
        self._configs = servers
        self._log_dir = log_dir
        self._oauth_store = oauth_store  # codex.mcp_client.oauth_store.OAuthStore
        self._conns: dict[str, Connection] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._reported: set[str] = set()
        # model-visible name -> (server, raw tool name); rebuilt as servers become ready
        self.routes: dict[str, tuple[str, str]] = {}
        self._specs: list[dict[str, Any]] = []
        self._known_ready: frozenset[str] | None = None  # None: specs not built yet
        self._started = False
        self._closing = False
        self._starter: asyncio.Future[None] | None = None

    @property
    def started(self) -> bool:
        return self._started

    def model_answered(self) -> None:
        """The model began answering a request (so that request has left): start the servers
        now if they are not started yet. Cheap and idempotent: the turn calls it per event."""
        if not self._started:
            self.start()

    def start(self) -> None:
        """Begin starting the servers (needs the running loop); idempotent, returns at once.

        The `mcp` SDK is imported in a worker thread (it costs seconds of CPU on a loaded
        machine): the loop stays free to send the first model request meanwhile."""
        if self._started:
            return
        self._started = True
        self._starter = asyncio.ensure_future(self._start_all())

    async def _start_all(self) -> None:
        import importlib

        await asyncio.to_thread(importlib.import_module, "codex.mcp_client.connection")
        from codex.mcp_client.connection import Connection

        if self._closing:  # the session ended while the SDK loaded: spawn nothing
            return
        for name, table in self._configs.items():
            settings = settings_from_config(name, table, self._oauth_store)
            conn = Connection(settings, self._log_dir)
            self._conns[name] = conn
            self._tasks.append(asyncio.create_task(conn.run(), name=f"mcp:{name}"))

    async def wait_started(self) -> None:
        """Start the servers if need be and wait until each one is spawned (a caller outside
        a turn, such as the app-server's mcpServer/tool/call, then waits on its `ready`)."""
        self.start()
        if self._starter is not None:
            await self._starter

    @property
    def connections(self) -> dict[str, Connection]:
        return self._conns

    def tool_specs(self, emit: Callable[[Any], None] | None) -> list[dict[str, Any]]:
        """The function tools of the servers ready now; reports newly failed servers once.
        Never starts the servers (see `model_answered`): before the first answer only the
        resource tools are offered."""
        for name, conn in self._conns.items():
            if conn.ready.is_set() and conn.error is not None and name not in self._reported:
                self._reported.add(name)
                message = f"MCP client for `{name}` failed to start: {conn.error}"
                print(f"WARNING: {message}", file=sys.stderr, flush=True)
                if emit is not None:
                    from codex.protocol.events import WarningEvent

                    emit(WarningEvent(message))
        self._refresh()
        return self._specs

    def _refresh(self) -> None:
        ready = frozenset(n for n, c in self._conns.items() if c.ok)
        if ready != self._known_ready:
            self._known_ready = ready
            self._rebuild(ready)

    async def prepare(self, call: Any) -> None:
        """Mark `call` as an MCP call when it names a server's tool. A call naming an `mcp__`
        tool (or a resource tool) while servers are still starting waits for them first: the
        model may know a tool from an earlier session before this one's server is up."""
        self.start()
        name = call.name
        if name not in self.routes and (name.startswith("mcp__") or name in RESOURCE_TOOLS):
            if self._starter is not None:
                await self._starter
            pending = [c.ready.wait() for c in self._conns.values() if not c.ready.is_set()]
            if pending:
                await asyncio.gather(*pending)
            self._refresh()
        call.mcp_target = self.routes.get(name)

    def _rebuild(self, ready: frozenset[str]) -> None:
        taken: set[str] = set(RESOURCE_TOOLS)
        routes: dict[str, tuple[str, str]] = {}
        specs: list[dict[str, Any]] = []
        for name in sorted(ready):
            for tool in self._conns[name].tools:
                try:
                    parameters = sanitize_schema(tool.input_schema)
                except ValueError:
                    continue
                api_name = qualify(name, tool.name, taken)
                routes[api_name] = (name, tool.name)
                specs.append(
                    {
                        "type": "function",
                        "name": api_name,
                        "description": tool.description or "",
                        "strict": False,
                        "parameters": parameters,
                    }
                )
        # Offered from the first request on, as the official does (servers may still start).
        from codex.mcp_client.calls import resource_tool_specs

        specs.extend(resource_tool_specs())
        self.routes = routes
        self._specs = specs

    def owns(self, name: str) -> bool:
        return name in self.routes or name in RESOURCE_TOOLS

    async def reconfigure(self, servers: dict[str, Any]) -> tuple[list[str], list[str]]:
        """Apply a re-read `[mcp_servers]` (enabled tables by name) in place, so a turn holding
        this manager sees it too: a server whose table is unchanged keeps its connection
        (unless it failed: that one is retried), a removed or changed one is stopped, a new or
        changed one is started (servers start now: whoever reloads wants them up). Returns
        (kept, started) names, in config order."""
        import importlib

        self.start()
        if self._starter is not None:
            await self._starter
        await asyncio.to_thread(importlib.import_module, "codex.mcp_client.connection")
        from codex.mcp_client.connection import Connection

        def keep(name: str, table: Any) -> bool:
            conn = self._conns.get(name)
            failed = conn is not None and conn.ready.is_set() and conn.error is not None
            return conn is not None and not failed and self._configs.get(name) == table

        kept = [name for name, table in servers.items() if keep(name, table)]
        for name in [n for n in self._conns if n not in kept]:
            self._conns.pop(name).stop()
            self._reported.discard(name)
        self._tasks = [task for task in self._tasks if not task.done()]
        started: list[str] = []
        for name, table in servers.items():
            if name in kept:
                continue
            conn = Connection(settings_from_config(name, table, self._oauth_store), self._log_dir)
            self._conns[name] = conn
            self._tasks.append(asyncio.create_task(conn.run(), name=f"mcp:{name}"))
            started.append(name)
        self._configs = dict(servers)
        self._known_ready = None  # the tools offered follow the new set at the next request
        return kept, started

    async def close(self) -> None:
        """Stop every server and wait for its process to go (the SDK escalates to SIGKILL)."""
        self._closing = True
        if self._starter is not None:
            with contextlib.suppress(Exception):
                await self._starter
        for conn in self._conns.values():
            conn.stop()
        for task in self._tasks:
            if not task.done():
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                    await asyncio.wait_for(asyncio.shield(task), timeout=5.0)
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._tasks.clear()


def http_headers(table: Any, *, bearer: bool = True) -> dict[str, str]:
    """`http_headers`, `env_http_headers` (from our environment) and, unless `bearer` is False,
    the `bearer_token_env_var` token as `Authorization`."""
    headers = dict(table.http_headers or {})
    for header, var in (table.env_http_headers or {}).items():
        if os.environ.get(var):
            headers[header] = os.environ[var]
    if bearer and table.bearer_token_env_var and os.environ.get(table.bearer_token_env_var):
        headers["Authorization"] = f"Bearer {os.environ[table.bearer_token_env_var]}"
    return headers


def settings_from_config(name: str, table: Any, oauth_store: Any = None) -> Any:
    """`[mcp_servers.<name>]` (codex.config.schema.McpServerConfig) as plain connection settings."""
    from codex.mcp_client.connection import (
        DEFAULT_STARTUP_TIMEOUT_SEC,
        DEFAULT_TOOL_TIMEOUT_SEC,
        ServerSettings,
        env_for,
    )

    startup = table.startup_timeout_sec
    if startup is None and table.startup_timeout_ms is not None:
        startup = table.startup_timeout_ms / 1000
    headers = http_headers(table)
    auth = None
    if table.url and "Authorization" not in headers and oauth_store is not None:
        from codex.mcp_client.oauth_login import stored_auth

        auth = stored_auth(name, table.url, oauth_store)
    return ServerSettings(
        name=name,
        command=table.command,
        args=list(table.args or []),
        env=env_for(table.env, list(table.env_vars or [])),
        cwd=str(table.cwd) if table.cwd else None,
        url=table.url,
        headers=headers,
        auth=auth,
        startup_timeout=float(startup) if startup is not None else DEFAULT_STARTUP_TIMEOUT_SEC,
        tool_timeout=float(table.tool_timeout_sec or DEFAULT_TOOL_TIMEOUT_SEC),
        enabled_tools=list(table.enabled_tools) if table.enabled_tools is not None else None,
        disabled_tools=list(table.disabled_tools or []),
        table=table,
    )


def manager_for(config: Any) -> McpManager | None:
    """The session's manager, or None when no enabled server is configured (nothing loads)."""
    servers = {n: t for n, t in (getattr(config, "mcp_servers", None) or {}).items() if t.enabled}
    if not servers:
        return None
    home = getattr(config, "codex_home", None)
    store = None
    if home and any(t.url for t in servers.values()):
        from codex.mcp_client.oauth_store import OAuthStore

        store = OAuthStore(Path(home), getattr(config, "mcp_oauth_credentials_store", "auto"))
    from codex.config.paths import log_dir

    # Servers' stderr goes to <log_dir>/mcp-<name>.log, log_dir as every other log file's.
    return McpManager(servers, log_dir(config) if home else None, store)
