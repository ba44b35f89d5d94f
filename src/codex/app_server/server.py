"""The server: the handshake, the method table, and dispatch for every connection.

Requests of one connection are handled in arrival order (a client may pipeline `thread/start`
and `turn/start`); a handler that waits on something slow (command/exec) runs detached so the
connection keeps reading. Responses to our server→client requests are delivered at once.
Every failure inside a handler becomes an error response; nothing a client sends can stop
the server.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.errors import RpcError
from codex.app_server.framing import (
    Followed,
    Incoming,
    Malformed,
    Notification,
    Request,
    Response,
    error_response,
    response,
)
from codex.app_server.params import obj, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.thread_index import ThreadIndex
    from codex.config import Config, ConfigOverrides
    from codex.core.manager import ConversationManager

log = logging.getLogger("codex.app_server")

Handler = Callable[["AppServer", "Connection", dict[str, Any]], Awaitable[Any]]

# Methods whose handler may wait long: run detached so the connection keeps reading.
DETACHED = frozenset({"command/exec"})

# Requests served while the collector is still off (settle_gc): the handshake and the first
# thread's opening (most of the imports); it settles after that thread, or before any other.
GC_WARMUP_METHODS = frozenset({"initialize", "thread/start", "thread/resume", "thread/fork"})


class AppServer:
    """State shared by every connection: the config options, the open threads, the index."""

    def __init__(self, overrides: ConfigOverrides, codex_home: Path) -> None:
        self.overrides = overrides
        self.codex_home = codex_home
        self.live: dict[str, LiveThread] = {}
        self._manager: ConversationManager | None = None
        self._index: ThreadIndex | None = None
        self._names: dict[str, str] | None = None
        self._names_stamp: tuple[int, int, int] | bool | None = False  # False: never read
        self.connections: set[Connection] = set()
        self.exec_processes: dict[tuple[int, str], Any] = {}
        self.fs_watches: dict[int, dict[str, Any]] = {}  # id(connection) → watch id → task
        self.feature_overrides: dict[str, bool] = {}  # process-wide, as 0.169
        self._mcp: Any = None  # mcp_manager(): None not made yet, False no server configured
        self._git_info: dict[str, dict[str, Any]] | None = None
        self._configs: dict[tuple[object, ...], Config] = {}
        self._gc_settled = False
        from codex.config.paths import resolve_paths

        self._config_file = resolve_paths(overrides).config_file
        from codex.app_server.methods import METHODS

        self.methods: dict[str, Handler] = METHODS

    @property
    def manager(self) -> ConversationManager:
        if self._manager is None:
            from codex.core.manager import ConversationManager

            self._manager = ConversationManager()
        return self._manager

    @property
    def names(self) -> dict[str, str]:
        """Thread names (session_index.jsonl, read again whenever its stat changed: another
        program, such as the official CLI, may rename a thread; renames here are written
        through)."""
        if self._names is None:
            self._take_early()
        stamp = self._names_file_stamp()
        if self._names is None or stamp != self._names_stamp:
            from codex.app_server.thread_index import read_thread_names

            self._names = read_thread_names(str(self.codex_home))
            self._names_stamp = stamp
        return self._names

    def _names_file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(os.path.join(self.codex_home, "session_index.jsonl"))
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def rename(self, thread_id: str, name: str) -> None:
        from codex.core.threads import append_thread_name

        try:
            append_thread_name(self.codex_home, thread_id, name)
        except OSError as exc:
            raise errors.invalid_request(f"cannot save the thread name: {exc}") from None
        self.names[thread_id] = name

    @property
    def index(self) -> ThreadIndex:
        if self._index is None:
            self._take_early()
        if self._index is None:
            from codex.app_server.thread_index import ThreadIndex

            self._index = ThreadIndex(str(self.codex_home))
        return self._index

    @property
    def git_info(self) -> dict[str, dict[str, Any]]:
        """Git metadata set by thread/metadata/update, by thread id (read once, written
        through)."""
        if self._git_info is None:
            from codex.app_server.thread_index import read_git_info

            self._git_info = read_git_info(str(self.codex_home))
        return self._git_info

    def mcp_manager(self) -> Any:
        """An MCP manager over the configured servers, for requests naming no thread
        (mcpServer/resource/read); created on first use, closed with the server. None when
        no server is configured."""
        if self._mcp is None:
            from codex.core.mcp_servers import mcp_manager

            self._mcp = mcp_manager(self.load_config()) or False
        return self._mcp or None

    async def reconfigure_mcp_manager(self, servers: dict[str, Any]) -> None:
        """`config/mcpServer/reload` for the manager of `mcp_manager()`: it follows `servers`
        (the enabled `[mcp_servers]` tables) if one was made; none is made here."""
        if self._mcp:
            await self._mcp.reconfigure(servers)

    def _take_early(self) -> None:
        """The index and names the start-up phase built (early.py), if it listed threads."""
        from codex.app_server.early import take_state

        state = take_state(str(self.codex_home))
        if state is not None:
            self._index, self._names = state

    def loaded_thread(self, thread_id: str) -> tuple[str | None, dict[str, Any]] | None:
        """(model, status) of a thread open here, else None (what a listed Thread shows)."""
        live = self.live.get(thread_id)
        if live is None:
            return None
        return live.session.settings.model, live.status

    def load_config(self, *, cwd: str | None = None, flags: dict[str, Any] | None = None) -> Config:
        from codex.config import load_config
        from codex.errors import CodexError

        if self.feature_overrides:  # experimentalFeature/enablement/set: above the config
            flags = {
                **{f"features.{k}": v for k, v in self.feature_overrides.items()},
                **(flags or {}),
            }
        key = (cwd, repr(sorted((flags or {}).items())), self._config_stamp())
        cached = self._configs.get(key)
        if cached is not None:
            return cached
        try:
            config = load_config(
                self.overrides, cwd=Path(cwd) if cwd else None, flag_overrides=flags or None
            )
        except CodexError as exc:
            raise errors.invalid_request(str(exc)) from None
        if len(self._configs) > 64:
            self._configs.clear()
        self._configs[key] = config
        return config

    def _config_stamp(self) -> tuple[object, ...]:
        """What invalidates a cached config: the config file and the home changing (a config
        write, a profile file added). Configs are immutable values, so sharing one is safe."""
        stamps: list[object] = []
        for path in (self._config_file, self.codex_home):
            try:
                st = os.stat(path)
                stamps.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def thread(self, params: dict[str, Any], key: str = "threadId") -> LiveThread:
        thread_id = string(params, key)
        live = self.live.get(thread_id)
        if live is None:
            raise errors.invalid_request(f"thread not found: {thread_id}")
        return live

    # ---- connections ------------------------------------------------------------------------

    async def serve(self, conn: Connection, messages: AsyncIterator[Incoming]) -> None:
        """Handle one connection's messages until it closes; then forget it."""
        self.connections.add(conn)
        detached: set[asyncio.Task[Any]] = set()
        try:
            async for message in messages:
                if type(message) is Request:
                    if message.method in DETACHED and conn.initialized:
                        task = asyncio.ensure_future(self.handle(conn, message))
                        detached.add(task)
                        task.add_done_callback(detached.discard)
                    else:
                        await self.handle(conn, message)
                elif type(message) is Response:
                    conn.answer(message.id, message.result, message.error)
                elif type(message) is Notification:
                    self.notified(conn, message)
                elif type(message) is Malformed:
                    conn.send(error_response(message.id, message.error))
        finally:
            conn.close()
            self.connections.discard(conn)
            for task in detached:
                task.cancel()
            for live in self.live.values():
                live.unsubscribe(conn)
            from codex.app_server.fs_watch import drop_connection

            drop_connection(self, conn)
            await self.drop_processes(conn)

    def notified(self, conn: Connection, message: Notification) -> None:
        if message.method == "initialized":
            return
        log.debug("ignoring client notification %s", message.method)

    def settle_gc(self) -> None:
        """The start-up heap is built (the first thread opened, or the server is idle): move
        it out of the collector's reach (gc.freeze) and turn collection back on."""
        if self._gc_settled:
            return
        self._gc_settled = True
        import gc

        gc.freeze()
        gc.enable()

    async def handle(self, conn: Connection, request: Request) -> None:
        if not self._gc_settled:
            if request.method not in GC_WARMUP_METHODS:
                self.settle_gc()
            elif request.method != "initialize":  # the first thread: settle once it is open
                try:
                    await self._handle(conn, request)
                finally:
                    self.settle_gc()
                return
        await self._handle(conn, request)

    async def _handle(self, conn: Connection, request: Request) -> None:
        try:
            result = await self.call(conn, request.method, request.params)
        except RpcError as exc:
            conn.send(error_response(request.id, exc))
            return
        except Exception as exc:  # a bug in a handler must not take the server down
            log.exception("%s failed", request.method)
            error = RpcError(errors.INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}")
            conn.send(error_response(request.id, error))
            return
        if type(result) is Followed:
            conn.send(response(request.id, result.result))
            for message in result.after:
                conn.send(message)
            return
        conn.send(response(request.id, result))

    async def call(self, conn: Connection, method: str, params: Any) -> Any:
        from codex.app_server.request_params import check_params

        if method == "initialize":
            check_params(method, params)
            return self.initialize(conn, params)
        # As 0.169: the request is decoded (method, then params) before the handshake counts.
        handler = self.methods.get(method)
        if handler is None:
            raise RpcError(
                errors.INVALID_REQUEST, f"Invalid request: unknown variant `{method[:200]}`"
            )
        check_params(method, params)
        if not conn.initialized:
            raise errors.invalid_request("Not initialized")
        if type(params) is dict:  # as 0.169, once initialized: experimental fields, the id
            from codex.app_server.param_check import check_experimental, read_thread_id

            if not conn.experimental:
                check_experimental(method, params)
            read_thread_id(method, params)
        return await handler(self, conn, obj(params))

    def initialize(self, conn: Connection, params: Any) -> dict[str, Any]:
        if conn.initialized:
            raise errors.invalid_request("Already initialized")
        from codex.app_server.handshake import initialize

        hello, result = initialize(params, str(self.codex_home))
        conn.hello(hello)
        return result

    async def drop_processes(self, conn: Connection) -> None:
        from codex.app_server.commands import kill_connection_processes

        await kill_connection_processes(self, conn)

    async def close(self) -> None:
        """Shut every thread down (rollouts flushed and closed, commands killed), then save
        the thread index with the heads of the threads this server ran: the next server
        lists them without parsing their rollouts."""
        ran: list[str] = []
        for thread_id in list(self.live):
            live = self.live.pop(thread_id)
            await self.manager.remove(thread_id)
            await live.stop()
            if live.path and not live.ephemeral:
                ran.append(str(live.path))
        if ran:
            from codex.app_server.thread_index import parse_name

            for path in ran:
                parsed = parse_name(os.path.basename(path))
                if parsed is not None:
                    self.index.summary(path, parsed[0], parsed[1], False)
        if self._index is not None:
            self._index.save()
        if self._mcp:
            await self._mcp.close()
