"""One configured MCP server's whole life in one asyncio task: spawn or connect, `initialize`,
list tools, serve calls until the session stops it, then close (the SDK ends a stdio server's
process group: stdin closed, then SIGTERM, then SIGKILL).

The SDK's transports are anyio context managers whose cancel scopes must be left by the task that
entered them, which is why start and stop live in one task and the session talks to it through
`ready` / `stop` events. Imports the `mcp` SDK: loaded only when a server is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from codex.mcp_client.stderr_log import StderrLog
from mcp import types

DEFAULT_STARTUP_TIMEOUT_SEC = 30.0
DEFAULT_TOOL_TIMEOUT_SEC = 120.0


@dataclass(slots=True)
class ServerSettings:
    """What the connection needs from `[mcp_servers.<name>]` (plain values, no config types)."""

    name: str
    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    auth: Any = None  # an httpx2 auth with the stored OAuth tokens (codex.mcp_client.oauth_login)
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT_SEC
    tool_timeout: float = DEFAULT_TOOL_TIMEOUT_SEC
    enabled_tools: list[str] | None = None
    disabled_tools: list[str] = field(default_factory=list)
    table: Any = None  # the `[mcp_servers.<name>]` table (for per-tool approval modes)

    def approval_mode(self, tool: str) -> str:
        from codex.mcp_client.approval import approval_mode

        return approval_mode(self.table, tool)


class Connection:
    """A server's state as the session sees it: `ready` is set once it either started or failed
    (then `error` says why); `tools` are the tools it offers after the allow/deny lists."""

    def __init__(self, settings: ServerSettings, log_dir: Path | None) -> None:
        self.settings = settings
        self.tools: list[types.Tool] = []
        self.error: str | None = None
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._session: ClientSession | None = None
        self._log_dir = log_dir
        self.has_resources = False

    @property
    def ok(self) -> bool:
        return self.ready.is_set() and self.error is None

    async def run(self) -> None:
        """The task body: never raises (a failure is `error`, reported once by the manager)."""
        timeout = self.settings.startup_timeout
        try:
            # One scope around the whole life (anyio scopes nest strictly, so the transports
            # entered under it must be left under it): a startup deadline, lifted once ready.
            with anyio.CancelScope(deadline=anyio.current_time() + timeout) as scope:
                async with self._open() as session:
                    scope.deadline = math.inf
                    self._session = session
                    self.ready.set()
                    await self._stop.wait()
            if scope.cancelled_caught and not self.ready.is_set():
                self.error = f"request timed out after {timeout:g}s"
        except BaseException as exc:
            if not self.ready.is_set():
                self.error = _describe(exc, timeout)
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            self._session = None
            self.ready.set()

    def stop(self) -> None:
        self._stop.set()

    @contextlib.asynccontextmanager
    async def _open(self) -> AsyncIterator[ClientSession]:
        settings = self.settings
        async with contextlib.AsyncExitStack() as stack:
            if settings.command is not None:
                errlog = stack.enter_context(StderrLog.open(self._log_dir, settings.name))
                params = StdioServerParameters(
                    command=settings.command,
                    args=settings.args,
                    env=settings.env or None,
                    cwd=settings.cwd,
                )
                errfile = cast(TextIO, errlog.file)  # a text file opened by StderrLog
                streams = await stack.enter_async_context(stdio_client(params, errfile))
                errlog.spawned()
            else:
                import httpx2

                client = await stack.enter_async_context(
                    httpx2.AsyncClient(headers=settings.headers, auth=settings.auth, timeout=30.0)
                )
                streams = await stack.enter_async_context(
                    streamable_http_client(str(settings.url), http_client=client)
                )
            read, write = streams[0], streams[1]
            session = await stack.enter_async_context(ClientSession(read, write))
            init = await session.initialize()
            self.has_resources = init.capabilities.resources is not None
            self.tools = self._filter(await _all_tools(session))
            yield session

    def tool(self, name: str) -> types.Tool | None:
        """The listed tool of that raw name (its annotations decide approvals)."""
        return next((t for t in self.tools if t.name == name), None)

    def _filter(self, tools: list[types.Tool]) -> list[types.Tool]:
        allowed = self.settings.enabled_tools
        denied = set(self.settings.disabled_tools)
        return [t for t in tools if (allowed is None or t.name in allowed) and t.name not in denied]

    async def call_tool(self, tool: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
        session = self._require()
        with anyio.fail_after(self.settings.tool_timeout):
            result = await session.call_tool(tool, arguments)
        if not isinstance(result, types.CallToolResult):
            raise RuntimeError(f"unexpected tools/call answer: {type(result).__name__}")
        return result

    async def list_resources(self, cursor: str | None) -> types.ListResourcesResult:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        with anyio.fail_after(self.settings.tool_timeout):
            return await self._require().list_resources(params=params)

    async def list_resource_templates(self, cursor: str | None) -> Any:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        with anyio.fail_after(self.settings.tool_timeout):
            return await self._require().list_resource_templates(params=params)

    async def read_resource(self, uri: str) -> types.ReadResourceResult:
        with anyio.fail_after(self.settings.tool_timeout):
            return await self._require().read_resource(uri)

    def _require(self) -> ClientSession:
        if self._session is None:
            raise RuntimeError(f"MCP server '{self.settings.name}' is not running")
        return self._session


async def _all_tools(session: ClientSession) -> list[types.Tool]:
    tools: list[types.Tool] = []
    cursor: str | None = None
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await session.list_tools(params=params)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            return tools


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"request timed out after {timeout:g}s"
    if isinstance(exc, BaseExceptionGroup):
        leaves = exc.exceptions
        if leaves:
            return _describe(leaves[0], timeout)
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__


def env_for(settings_env: dict[str, str] | None, env_vars: list[Any]) -> dict[str, str]:
    """`env` plus the named variables passed through from our environment (`env_vars`)."""
    out = dict(settings_env or {})
    for entry in env_vars:
        name = entry if isinstance(entry, str) else getattr(entry, "name", None)
        if name is None and isinstance(entry, dict):
            name = entry.get("name")
        if name and name in os.environ:
            out.setdefault(name, os.environ[name])
    return out
