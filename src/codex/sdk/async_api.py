"""`AsyncCodex`: the official SDK's async client, run in the caller's event loop on core directly
(codex.api.open_session): no process, no JSON-RPC. Each thread is one core Session
(`AsyncThread`, codex.sdk.async_thread); any number of threads run concurrently in one loop.

This module must never spawn a codex process or speak the app-server protocol: the point of it
is that a turn costs what core costs.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.recorder import rollout_pending
from codex.sdk.async_thread import AsyncThread, AsyncTurnHandle
from codex.sdk.errors import CodexError as SdkError
from codex.sdk.errors import TransportClosedError, invalid_request, no_rollout
from codex.sdk.notifications import command_text
from codex.sdk.overrides import thread_overrides, with_tier
from codex.sdk.sessions import SessionPool, SessionSlot
from codex.sdk.types import (
    ApprovalHandler,
    ApprovalMode,
    CodexConfig,
    JsonObject,
    Sandbox,
    ThreadInfo,
    ThreadListResponse,
)

if TYPE_CHECKING:
    from codex.api import Config
    from codex.sdk.account import AsyncChatgptLoginHandle, AsyncDeviceCodeLoginHandle
    from codex.sdk.responses import GetAccountResponse, ModelListResponse, ThreadArchiveResponse

__all__ = ["AsyncCodex", "AsyncThread", "AsyncTurnHandle"]

# How the SDK's sessions present themselves to the provider and in session_meta (the official
# app-server records its Python SDK clients as source "vscode"-like app clients; we say "cli").
ORIGINATOR = "codex_python_sdk"

# Official decision words -> core's ReviewDecision values.
_DECISIONS = {
    "accept": "approved",
    "acceptForSession": "approved_for_session",
    "decline": "denied",
    "cancel": "abort",
}


def _accept_all(method: str, params: JsonObject | None) -> JsonObject:
    """The official SDK's default handler: accept (the sandbox still applies)."""
    return {"decision": "accept"}


_DEFAULT_LOGIN_PORT = 1455


def _skip_httpx_cli() -> None:
    """`import httpx` also imports its command-line client (`httpx._main`: click, rich and
    pygments, ~50 ms CPU here) whenever those are installed, and rich is (the TUI uses it).
    Nothing in this process runs that client: an empty stand-in makes httpx take its own
    fallback (a `main` saying the CLI extras are missing), as `codex app-server` does. Only
    when httpx is not imported yet: a program that already has it keeps it as it is."""
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    import types

    sys.modules["httpx._main"] = types.ModuleType("httpx._main")


# Configurations a client keeps: a batch giving every thread its own instructions must not
# keep every thread's Config (the oldest is dropped; it is only read again).
_CONFIGS_KEPT = 64


def _bounded_put(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CONFIGS_KEPT:
        del cache[next(iter(cache))]
    cache[key] = value


_FRONT_END: Any = None


def _front_end() -> Any:
    """How the SDK's sessions present themselves (one immutable value for every thread)."""
    global _FRONT_END
    if _FRONT_END is None:
        from codex.api import FrontEnd

        _FRONT_END = FrontEnd(originator=ORIGINATOR, source="cli")
    return _FRONT_END


def _first_user_text(path: Path) -> str:
    from codex.core.threads import read_head

    _meta, preview = read_head(path)
    return preview or ""


class AsyncCodex:
    """Async client: `async with AsyncCodex() as codex: thread = await codex.thread_start()`.

    `approval_handler(method, params) -> {"decision": ...}` (sync or async) answers command and
    file-change approvals of every thread, with the official methods and decision words."""

    def __init__(
        self, config: CodexConfig | None = None, *, approval_handler: ApprovalHandler | None = None
    ) -> None:
        _skip_httpx_cli()  # before core (the model client) imports httpx
        self.config = config or CodexConfig()
        self._approval_handler = approval_handler or _accept_all
        # The open sessions and the threads the user still holds (codex.sdk.sessions): a
        # session is closed once nobody can use it, so a long batch stays flat.
        self._pool = SessionPool()
        self._configs: dict[tuple[Path, tuple[str, ...]], Config] = {}
        # thread_start's keywords (when hashable) -> its Config: the overrides are built and
        # looked up once per distinct call, not per thread.
        self._start_configs: dict[tuple[Any, ...], Config] = {}
        # Fork id -> source id for threads forked here: a dropped fork reopened by
        # thread_resume still tells where it came from (the rollout does not say).
        self._forks: dict[str, str] = {}
        # Thread id -> its reopening in flight (thread_resume): a second resume of the same id
        # meanwhile waits for it and gets the same thread, never a second writer on its rollout.
        self._reopening: dict[str, asyncio.Task[AsyncThread]] = {}
        self._closed = False
        # The ChatGPT login's callback port (the official server's 1455; 1457 when busy).
        self._login_port = _DEFAULT_LOGIN_PORT

    async def __aenter__(self) -> AsyncCodex:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def metadata(self) -> JsonObject:
        """What an app-server's initialize would tell: who serves, and its version."""
        from codex import __version__

        return {
            "serverInfo": {"name": "codex-py", "version": __version__},
            "userAgent": f"{self.config.client_name}/{__version__} (in-process)",
        }

    async def close(self) -> None:
        """Shut every thread down (turns aborted, rollouts flushed and closed)."""
        self._closed = True
        await self._pool.close_all()

    # ---- config ----------------------------------------------------------------------------

    def _load_config(
        self,
        *,
        cwd: str | None,
        overrides: Sequence[str],
    ) -> Config:
        from codex.api import ConfigOverrides, load_config

        where = Path(cwd or self.config.cwd or os.getcwd())
        all_overrides = (*self.config.config_overrides, *overrides)
        key = (where, all_overrides)
        cached = self._configs.get(key)
        if cached is None:
            # Read and validated once per client for each (cwd, overrides): validation is most
            # of a thread start's cost, and a client's threads share one configuration (as one
            # app-server process does between config reloads).
            cached = load_config(
                ConfigOverrides(config_home=self.config.codex_home, cli_overrides=all_overrides),
                cwd=where,
            )
            _bounded_put(self._configs, key, cached)
        return cached

    async def _open(
        self,
        config: Config,
        *,
        resume: Any = None,
        ephemeral: bool = False,
        fork: tuple[Any, ...] | None = None,
    ) -> AsyncThread:
        slot = await self._open_slot(config, resume=resume, ephemeral=ephemeral, fork=fork)
        return self._adopt(slot)

    def _adopt(self, slot: SessionSlot) -> AsyncThread:
        """The user's `AsyncThread` over an open session (new, or revived after a drop)."""
        thread = AsyncThread(self, slot)
        if self._forks:
            thread._forked_from = self._forks.get(thread.id)
        session = thread._session
        rollout = session.rollout_path
        # A fork resumed from its file names its origin there; a new thread's file is not made
        # yet (its first turn makes it), so there is nothing to read (an open() that fails).
        if thread._forked_from is None and rollout and not rollout_pending(session.recorder):
            from codex.core.lineage import read_fork_origin

            origin = read_fork_origin(Path(rollout))
            thread._forked_from = origin[0] if origin else None
        turn = slot.turn
        thread._running = turn is not None and turn.result is None
        self._pool.adopt(thread, slot)
        return thread

    async def _open_slot(
        self,
        config: Config,
        *,
        resume: Any = None,
        ephemeral: bool = False,
        fork: tuple[Any, ...] | None = None,
    ) -> SessionSlot:
        """A started core session, shut down when its thread is dropped or this client closes
        (or earlier by its thread: a rollback closes it and opens the thread again)."""
        from codex.errors import CodexError as CoreError

        if self._closed:
            raise TransportClosedError("this AsyncCodex is closed")
        await self._pool.make_room()
        if self._closed:  # closed while this start waited for closes to catch up
            raise TransportClosedError("this AsyncCodex is closed")
        try:
            slot = await SessionSlot.start(
                config, _front_end(), resume=resume, ephemeral=ephemeral, fork=fork
            )
        except SdkError:
            raise
        except CoreError as exc:  # no such thread, a login restriction: the server's answer
            raise invalid_request(str(exc)) from None
        if self._closed:  # close() ran while it started: nothing would ever close it
            await slot.close()
            raise TransportClosedError("this AsyncCodex is closed")
        return slot

    # ---- threads ---------------------------------------------------------------------------

    async def thread_start(
        self,
        *,
        approval_mode: ApprovalMode | None = ApprovalMode.auto_review,
        base_instructions: str | None = None,
        config: JsonObject | None = None,
        cwd: str | None = None,
        developer_instructions: str | None = None,
        ephemeral: bool | None = None,
        model: str | None = None,
        model_provider: str | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_name: str | None = None,
        service_tier: str | None = None,
        session_start_source: Any = None,
        thread_source: Any = None,
    ) -> AsyncThread:
        """A new thread (a started core session; its rollout is written from the first turn).
        The official keywords; `approval_mode=None` (ours) keeps the config's approval policy."""
        where = cwd or self.config.cwd or os.getcwd()
        key: tuple[Any, ...] | None = None
        if config is None:
            key = (approval_mode, model, model_provider, sandbox)
            key += (base_instructions, developer_instructions, where)
        loaded = self._start_configs.get(key) if key is not None else None
        if loaded is None:
            overrides = thread_overrides(
                approval_mode=approval_mode,
                config=config,
                model=model,
                model_provider=model_provider,
                sandbox=sandbox,
                base_instructions=base_instructions,
                developer_instructions=developer_instructions,
            )
            loaded = self._load_config(cwd=cwd, overrides=overrides)
            if key is not None:
                _bounded_put(self._start_configs, key, loaded)
        return await self._open(with_tier(loaded, service_tier), ephemeral=bool(ephemeral))

    async def thread_resume(
        self,
        thread_id: str,
        *,
        approval_mode: ApprovalMode | None = None,
        base_instructions: str | None = None,
        config: JsonObject | None = None,
        cwd: str | None = None,
        developer_instructions: str | None = None,
        include_turns: bool | None = None,
        model: str | None = None,
        model_provider: str | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
    ) -> AsyncThread:
        """A recorded thread continued by id (its history is the model's context again). A
        thread already open in this client is returned as it is."""
        live = self._pool.live(thread_id)
        if live is not None:
            # 0.169 resumes from the file the thread's first turn makes
            if rollout_pending(live._session.recorder):
                raise no_rollout(thread_id)
            return live
        slot = self._pool.revive(thread_id)
        if slot is not None:  # dropped lately and still open: the same session, as before
            thread = self._adopt(slot)
            if rollout_pending(thread._session.recorder):
                raise no_rollout(thread_id)  # `thread`, dropped again, lingers as before
            return thread
        # One reopening per id at a time: two resumes racing (say while the dropped thread's
        # close is in flight) each opened a session appending to the one rollout file.
        task = self._reopening.get(thread_id)
        if task is None:
            overrides = thread_overrides(
                approval_mode=approval_mode,
                config=config,
                model=model,
                model_provider=model_provider,
                sandbox=sandbox,
                base_instructions=base_instructions,
                developer_instructions=developer_instructions,
            )
            task = asyncio.ensure_future(self._reopen(thread_id, cwd, overrides, service_tier))
            self._reopening[thread_id] = task
            task.add_done_callback(self._reopened(thread_id))
        return await asyncio.shield(task)

    def _reopened(self, thread_id: str) -> Any:
        def done(task: asyncio.Task[AsyncThread]) -> None:
            if self._reopening.get(thread_id) is task:
                del self._reopening[thread_id]
            if not task.cancelled():
                task.exception()  # retrieved: a caller cancelled meanwhile is not told

        return done

    async def _reopen(
        self, thread_id: str, cwd: str | None, overrides: list[str], service_tier: str | None
    ) -> AsyncThread:
        await self._pool.settle(thread_id)  # a dropped thread's rollout closed before reading
        from codex.api import Resume

        loaded = with_tier(self._load_config(cwd=cwd, overrides=overrides), service_tier)
        return await self._open(loaded, resume=Resume.thread(thread_id))

    async def thread_fork(
        self,
        thread_id: str,
        *,
        approval_mode: ApprovalMode | None = None,
        base_instructions: str | None = None,
        config: JsonObject | None = None,
        cwd: str | None = None,
        developer_instructions: str | None = None,
        ephemeral: bool | None = None,
        include_turns: bool | None = None,
        model: str | None = None,
        model_provider: str | None = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
        thread_source: Any = None,
    ) -> AsyncThread:
        """A new thread that starts from a recorded thread's history (its own id and rollout;
        the source is left as it is). It keeps the source's name, as the official server does."""
        import uuid

        from codex.core.resume import load_rollout_for_resume
        from codex.sdk import saved

        home = self._codex_home()
        source = self._pool.live(thread_id)
        if source is None:
            await self._pool.settle(thread_id)  # dropped: its rollout closed, then read
        if source is not None and rollout_pending(source._session.recorder):
            raise no_rollout(thread_id)  # no file before its first turn, as 0.169
        if source is not None and source._session.rollout_path:
            path = Path(source._session.rollout_path)  # flushed at every turn end
        else:
            path, _archived = saved.find_rollout(home, thread_id)
        history = await asyncio.to_thread(lambda: list(load_rollout_for_resume(path).history))
        overrides = thread_overrides(
            approval_mode=approval_mode,
            config=config,
            model=model,
            model_provider=model_provider,
            sandbox=sandbox,
            base_instructions=base_instructions,
            developer_instructions=developer_instructions,
        )
        loaded = with_tier(self._load_config(cwd=cwd, overrides=overrides), service_tier)
        fork = (str(uuid.uuid4()), history, path)  # the path: session_meta names the parent
        thread = await self._open(loaded, ephemeral=bool(ephemeral), fork=fork)
        thread._forked_from = self._forks[thread.id] = thread_id  # kept if it is reopened
        name = saved.read_name(home, thread_id)
        if name and not ephemeral:
            saved.set_name(home, thread.id, name)
        return thread

    def _codex_home(self) -> Path:
        return Path(self._load_config(cwd=None, overrides=()).codex_home)

    async def thread_list(
        self,
        *,
        archived: bool | None = None,
        cursor: str | None = None,
        cwd: str | list[str] | None = None,
        limit: int | None = None,
        model_providers: list[str] | None = None,
        search_term: str | None = None,
        section_id: str | None = None,
        sort_direction: str | None = None,
        sort_key: str | None = None,
        source_kinds: list[str] | None = None,
        use_state_db_only: bool | None = None,
    ) -> ThreadListResponse:
        """Recorded threads, newest first, a page at a time (`next_cursor` for the next),
        filtered by cwd, provider, text and session source, sorted by `created_at` or
        `updated_at`. As the official SDK through 0.169's app-server: without `source_kinds`
        only interactive sessions (TUI, SDK) are listed, not `codex exec` runs."""
        from codex.protocol.session_source import INTERACTIVE_KINDS, SOURCE_KINDS
        from codex.sdk import saved

        for kind in source_kinds or ():
            if kind not in SOURCE_KINDS:
                expected = ", ".join(f"`{k}`" for k in SOURCE_KINDS)
                raise invalid_request(f"unknown variant `{kind}`, expected one of {expected}")
        try:
            return saved.list_threads(
                self._codex_home(),
                archived=bool(archived),
                cursor=cursor,
                limit=max(1, limit or 25),
                cwds=[cwd] if isinstance(cwd, str) else cwd,
                model_providers=model_providers,
                search=search_term,
                sort_key=str(sort_key or "created_at"),
                ascending=sort_direction == "asc",
                source_kinds=source_kinds or INTERACTIVE_KINDS,
            )
        except ValueError as exc:  # a cursor this home never handed out
            raise invalid_request(str(exc)) from None

    async def thread_archive(self, thread_id: str) -> ThreadArchiveResponse:
        """Move a recorded thread to archived_sessions/ (closed here first if it is open)."""
        from codex.sdk import saved
        from codex.sdk.responses import ThreadArchiveResponse

        # Its rollout must be closed before it moves (held or only still closing).
        await self._pool.close_thread(thread_id)
        saved.archive(self._codex_home(), thread_id)
        return ThreadArchiveResponse()

    async def thread_unarchive(self, thread_id: str) -> AsyncThread:
        """Move an archived thread back and open it."""
        from codex.sdk import saved

        saved.unarchive(self._codex_home(), thread_id)
        return await self.thread_resume(thread_id)

    async def _thread_info(
        self, thread_id: str, *, include_turns: bool, live: AsyncThread | None
    ) -> ThreadInfo:
        from codex.sdk import saved

        home = self._codex_home()
        if include_turns and live is not None and rollout_pending(live._session.recorder):
            # 0.169 writes the file of a thread read with its turns before its first turn,
            # then refuses the read.
            from codex.sdk.errors import MethodNotFoundError

            live._session.recorder.materialize()  # type: ignore[union-attr]
            raise MethodNotFoundError(-32601, "list_turns is not supported yet")
        path_text = live._session.rollout_path if live is not None else None
        if live is not None:
            s = live._session.settings
            info = ThreadInfo(
                id=thread_id,
                preview="",
                created_at=live._created_at,
                updated_at=live._created_at,
                cwd=str(s.cwd),
                path=path_text or None,
                model_provider=str(getattr(live._session.config, "model_provider", "")) or None,
                name=saved.read_name(home, thread_id),
                model=s.model,
                status="active" if live._running else "idle",
                forked_from_id=live._forked_from,
                ephemeral=live._ephemeral,
            )
        else:
            info = await asyncio.to_thread(saved.recorded_info, home, thread_id)
        if include_turns and info.path and Path(info.path).exists():
            info.turns = await asyncio.to_thread(saved.recorded_turns, thread_id, Path(info.path))
            if not info.preview:
                info.preview = _first_user_text(Path(info.path))
        return info

    async def _set_name(self, thread_id: str, name: str) -> None:
        from codex.sdk import saved

        home = self._codex_home()
        if not self._pool.is_open(thread_id):
            saved.find_rollout(home, thread_id)
        saved.set_name(home, thread_id, name)

    # ---- models and the account --------------------------------------------------------------

    async def models(self, *, include_hidden: bool = False) -> ModelListResponse:
        """The models a user can pick (core's catalog: the list the official 0.169 CLI offers)."""
        from codex.sdk import account as _account

        return _account.model_list(include_hidden=include_hidden)

    async def account(self, *, refresh_token: bool = False) -> GetAccountResponse:
        """Who is signed in (stored credentials of this client's CODEX_HOME)."""
        from codex.sdk import account as _account

        config = self._load_config(cwd=None, overrides=())
        return await asyncio.to_thread(_account.account, config)

    async def login_api_key(self, api_key: str) -> None:
        """Store an API key as `codex login --with-api-key` does."""
        from codex.sdk import account as _account

        config = self._load_config(cwd=None, overrides=())
        await asyncio.to_thread(_account.login_api_key, config, api_key)

    async def login_chatgpt(self) -> AsyncChatgptLoginHandle:
        """Start the browser login: open `handle.auth_url`, then `await handle.wait()`."""
        import uuid

        from codex.sdk import account as _account

        config = self._load_config(cwd=None, overrides=())
        flow = await asyncio.to_thread(_account.start_chatgpt_login, config, self._login_port)
        return _account.AsyncChatgptLoginHandle(flow, str(uuid.uuid4()), flow.auth_url)

    async def login_chatgpt_device_code(self) -> AsyncDeviceCodeLoginHandle:
        """Start the device-code login: show `handle.verification_url` and `handle.user_code`,
        then `await handle.wait()` while the user approves it in a browser elsewhere."""
        import uuid

        from codex.sdk import account as _account

        config = self._load_config(cwd=None, overrides=())
        opts, code = await asyncio.to_thread(_account.start_device_code_login, config)
        return _account.AsyncDeviceCodeLoginHandle(
            opts, code, str(uuid.uuid4()), code.verification_url, code.user_code
        )

    async def logout(self) -> None:
        """Forget the stored credentials."""
        from codex.sdk import account as _account

        config = self._load_config(cwd=None, overrides=())
        await asyncio.to_thread(_account.logout, config)

    # ---- approvals ---------------------------------------------------------------------------

    async def _approve(self, thread_id: str, turn_id: str, request: Any) -> Any:
        """Ask the handler about one core approval request; core's decision word (for a
        request_user_input question: the handler's answer, `{"answers": {...}}`)."""
        if request.TAG == "request_user_input":
            from codex.sdk.user_input import ask_user

            return await ask_user(self._approval_handler, thread_id, turn_id, request)
        data = request.to_dict()
        if request.TAG == "exec_approval_request":
            method = "item/commandExecution/requestApproval"
            command = data.get("command")
            params: JsonObject = {
                "threadId": thread_id,
                "turnId": turn_id,
                "itemId": data.get("call_id"),
                "command": command_text(command),
                "cwd": data.get("cwd"),
                "reason": data.get("reason"),
            }
        else:
            method = "item/fileChange/requestApproval"
            params = {
                "threadId": thread_id,
                "turnId": turn_id,
                "itemId": data.get("call_id"),
                "reason": data.get("reason"),
                "grantRoot": data.get("grant_root"),
            }
        answer = self._approval_handler(method, params)
        if inspect.isawaitable(answer):
            answer = await answer
        decision = answer.get("decision") if isinstance(answer, dict) else None
        # Anything not understood declines, as the official server treats a nonsense answer.
        return _DECISIONS.get(str(decision), "denied")
