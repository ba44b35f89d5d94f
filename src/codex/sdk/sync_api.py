"""`Codex`, `Thread`, `TurnHandle`: the official SDK's synchronous client, in process. One
private event loop runs in a daemon thread per `Codex`; each call hands a coroutine of the async
client (codex.sdk.async_api) to it and waits. So a sync program needs no asyncio of its own, and
everything the async client guarantees (one core Session per thread, no process) holds here.

Every sync method is written out with its explicit, typed signature (what users and mypy see)
and an empty body; `@_blocking` makes it call the async method of the same name with the
arguments as given, on the client's loop, and wrap what comes back (an `AsyncThread` as a
`Thread`, ...). tests/sdk/test_sdk_surface.py checks that each signature matches the async one.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from codex.sdk.async_api import AsyncCodex
from codex.sdk.async_thread import AsyncThread, AsyncTurnHandle
from codex.sdk.types import (
    ApprovalHandler,
    ApprovalMode,
    CodexConfig,
    Input,
    JsonObject,
    Notification,
    RunInput,
    Sandbox,
    ThreadListResponse,
    TurnResult,
)

if TYPE_CHECKING:
    from codex.sdk.account import AsyncChatgptLoginHandle, AsyncDeviceCodeLoginHandle
    from codex.sdk.responses import (
        AccountLoginCompletedNotification,
        CancelLoginAccountResponse,
        GetAccountResponse,
        ModelListResponse,
        ThreadArchiveResponse,
        ThreadCompactStartResponse,
        ThreadReadResponse,
        ThreadRollbackResponse,
        ThreadSetNameResponse,
        TurnInterruptResponse,
        TurnSteerResponse,
    )

__all__ = ["ChatgptLoginHandle", "Codex", "DeviceCodeLoginHandle", "Thread", "TurnHandle"]

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it exists (a dependency off Windows), as `codex exec` runs: the loop is
    this client's own, so nothing of the caller's depends on its kind, and a sync turn costs
    ~15% less wall time on it (200 one-thread, two-turn runs against the mock: 4.4-5.2 vs
    5.5-6.0 ms). Else asyncio's."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


class _LoopThread:
    """An event loop running forever in a daemon thread; `call` runs a coroutine there."""

    def __init__(self) -> None:
        self.loop = _new_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="codex-sdk-loop", daemon=True
        )
        self._thread.start()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("a sync Codex call from its own loop (use AsyncCodex there)")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class _Sync:
    """A sync face of one async object: `_target` (the async object) runs on `_loop`."""

    _target: Any
    _loop: _LoopThread


def _blocking(
    wrap: Callable[[Any, Any], Any] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Turn a sync method's stub into a call of the target's async method of the same name
    on the client's loop, with the arguments exactly as the caller passed them (so the async
    method's defaults apply; the stub's signature is the documented, type-checked one).
    `wrap(self, result)` turns the async result into its sync face."""

    def decorate(stub: Callable[P, R]) -> Callable[P, R]:
        name = stub.__name__
        signature = inspect.signature(stub)

        @functools.wraps(stub)
        def method(*args: P.args, **kwargs: P.kwargs) -> R:
            self: _Sync = args[0]  # type: ignore[assignment]
            try:
                coro = getattr(self._target, name)(*args[1:], **kwargs)
            except TypeError:
                # A wrong call fails as the stub says (binding every call cost ~8 µs; the
                # async method has the same signature, so it refuses the same calls).
                signature.bind(*args, **kwargs)
                raise
            result = self._loop.call(coro)
            return wrap(self, result) if wrap is not None else result  # type: ignore[no-any-return]

        return method

    return decorate


def _thread(owner: Any, inner: AsyncThread) -> Thread:
    return Thread(owner if isinstance(owner, Codex) else owner._codex, inner)


def _turn(owner: Thread, inner: AsyncTurnHandle) -> TurnHandle:
    return TurnHandle(owner._codex, inner)


def _chatgpt_login(owner: Codex, inner: AsyncChatgptLoginHandle) -> ChatgptLoginHandle:
    return ChatgptLoginHandle(owner, inner)


def _device_login(owner: Codex, inner: AsyncDeviceCodeLoginHandle) -> DeviceCodeLoginHandle:
    return DeviceCodeLoginHandle(owner, inner)


class Codex(_Sync):
    """Sync client: `with Codex() as codex: codex.thread_start().run("hi").final_response`."""

    def __init__(
        self, config: CodexConfig | None = None, *, approval_handler: ApprovalHandler | None = None
    ) -> None:
        self._loop = _LoopThread()
        self._async = self._target = AsyncCodex(config, approval_handler=approval_handler)
        self._closed = False

    def __enter__(self) -> Codex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def metadata(self) -> JsonObject:
        return self._async.metadata

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._loop.call(self._async.close())
        finally:
            self._loop.stop()

    @_blocking(_thread)
    def thread_start(
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
    ) -> Thread:
        """A new thread (`AsyncCodex.thread_start`)."""
        raise AssertionError  # the body is `_blocking`'s

    @_blocking(_thread)
    def thread_resume(
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
    ) -> Thread:
        """A recorded thread continued by id (`AsyncCodex.thread_resume`)."""
        raise AssertionError

    @_blocking()
    def thread_list(
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
        """Recorded threads, a page at a time (`AsyncCodex.thread_list`)."""
        raise AssertionError

    @_blocking(_thread)
    def thread_fork(
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
    ) -> Thread:
        """A new thread from a recorded thread's history (`AsyncCodex.thread_fork`)."""
        raise AssertionError

    @_blocking()
    def thread_archive(self, thread_id: str) -> ThreadArchiveResponse:
        """Move a recorded thread to archived_sessions/ (`AsyncCodex.thread_archive`)."""
        raise AssertionError

    @_blocking(_thread)
    def thread_unarchive(self, thread_id: str) -> Thread:
        """Bring an archived thread back (`AsyncCodex.thread_unarchive`)."""
        raise AssertionError

    @_blocking()
    def models(self, *, include_hidden: bool = False) -> ModelListResponse:
        """The model catalog (`AsyncCodex.models`)."""
        raise AssertionError

    @_blocking()
    def account(self, *, refresh_token: bool = False) -> GetAccountResponse:
        """Who is signed in (`AsyncCodex.account`)."""
        raise AssertionError

    @_blocking()
    def login_api_key(self, api_key: str) -> None:
        """Store an API key as the credentials (`AsyncCodex.login_api_key`)."""
        raise AssertionError

    @_blocking(_chatgpt_login)
    def login_chatgpt(self) -> ChatgptLoginHandle:
        """Start the browser login: open `handle.auth_url`, then `handle.wait()`."""
        raise AssertionError

    @_blocking(_device_login)
    def login_chatgpt_device_code(self) -> DeviceCodeLoginHandle:
        """Start the device-code login: show `verification_url` and `user_code`, then
        `handle.wait()` while the user approves it elsewhere."""
        raise AssertionError

    @_blocking()
    def logout(self) -> None:
        """Forget the stored credentials (`AsyncCodex.logout`)."""
        raise AssertionError


class ChatgptLoginHandle(_Sync):
    """A live browser login of a sync `Codex` (`login_chatgpt()`)."""

    def __init__(self, codex: Codex, inner: AsyncChatgptLoginHandle) -> None:
        self._codex = codex
        self._loop = codex._loop
        self._target = inner
        self.login_id = inner.login_id
        self.auth_url = inner.auth_url

    @_blocking()
    def wait(self) -> AccountLoginCompletedNotification:
        raise AssertionError

    @_blocking()
    def cancel(self) -> CancelLoginAccountResponse:
        raise AssertionError


class DeviceCodeLoginHandle(_Sync):
    """A live device-code login of a sync `Codex` (`login_chatgpt_device_code()`)."""

    def __init__(self, codex: Codex, inner: AsyncDeviceCodeLoginHandle) -> None:
        self._codex = codex
        self._loop = codex._loop
        self._target = inner
        self.login_id = inner.login_id
        self.verification_url = inner.verification_url
        self.user_code = inner.user_code

    @_blocking()
    def wait(self) -> AccountLoginCompletedNotification:
        raise AssertionError

    @_blocking()
    def cancel(self) -> CancelLoginAccountResponse:
        raise AssertionError


class Thread(_Sync):
    """One conversation of a `Codex` client."""

    def __init__(self, codex: Codex, inner: AsyncThread) -> None:
        self._codex = codex
        self._loop = codex._loop
        self._inner = self._target = inner
        self.id = inner.id

    @_blocking()
    def run(
        self,
        input: RunInput,
        *,
        approval_mode: ApprovalMode | None = None,
        cwd: str | None = None,
        effort: str | None = None,
        model: str | None = None,
        output_schema: JsonObject | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
        source: str | None = None,
        summary: str | None = None,
        turn_service_tier: str | None = None,
    ) -> TurnResult:
        """Run one turn to its end (`AsyncThread.run`)."""
        raise AssertionError

    @_blocking(_turn)
    def turn(
        self,
        input: RunInput,
        *,
        approval_mode: ApprovalMode | None = None,
        cwd: str | None = None,
        effort: str | None = None,
        model: str | None = None,
        output_schema: JsonObject | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
        source: str | None = None,
        summary: str | None = None,
        turn_service_tier: str | None = None,
    ) -> TurnHandle:
        """Start a turn; read its `stream()` or `run()` it."""
        raise AssertionError

    @_blocking()
    def read(self, *, include_turns: bool = False) -> ThreadReadResponse:
        """This thread as `thread/read` shows it (`AsyncThread.read`)."""
        raise AssertionError

    @_blocking()
    def set_name(self, name: str) -> ThreadSetNameResponse:
        """Name the thread (`AsyncThread.set_name`)."""
        raise AssertionError

    @_blocking()
    def compact(self) -> ThreadCompactStartResponse:
        """Compact the history (`AsyncThread.compact`)."""
        raise AssertionError

    @_blocking()
    def rollback(
        self, num_turns: int, *, restore_files: bool = False, force: bool = False
    ) -> ThreadRollbackResponse:
        """Drop the last turns, optionally restoring their files (`AsyncThread.rollback`)."""
        raise AssertionError


class TurnHandle(_Sync):
    """A running turn of a sync `Thread`."""

    def __init__(self, codex: Codex, inner: AsyncTurnHandle) -> None:
        self._codex = codex
        self._loop = codex._loop
        self._inner = self._target = inner
        self.thread_id = inner.thread_id
        self.id = inner.id

    def stream(self) -> Iterator[Notification]:
        """This turn's notifications, each as soon as core emits it."""
        agen = self._inner.stream()
        call = self._loop.call

        async def next_note(agen: AsyncGenerator[Notification, None]) -> Notification:
            return await anext(agen)

        try:
            while True:
                try:
                    yield call(next_note(agen))
                except StopAsyncIteration:
                    return
        finally:
            call(agen.aclose())

    @_blocking()
    def run(self) -> TurnResult:
        """Collect the turn's result (`AsyncTurnHandle.run`)."""
        raise AssertionError

    @_blocking()
    def interrupt(self) -> TurnInterruptResponse:
        """Stop the turn (`AsyncTurnHandle.interrupt`)."""
        raise AssertionError

    @_blocking()
    def steer(self, input: Input | str) -> TurnSteerResponse:
        """Add input to the running turn (`AsyncTurnHandle.steer`)."""
        raise AssertionError
