"""`Codex`, `Thread`, `TurnHandle`: the official SDK's synchronous client, in process. One
private event loop runs in a daemon thread per `Codex`; each call hands a coroutine of the async
client (codex.sdk.async_api) to it and waits. So a sync program needs no asyncio of its own, and
everything the async client guarantees (one core Session per thread, no process) holds here.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

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


def _args(scope: dict[str, Any]) -> dict[str, Any]:
    """A method's arguments (its `locals()` on entry) to pass on to the async client."""
    return {k: v for k, v in scope.items() if k != "self"}


class _LoopThread:
    """An event loop running forever in a daemon thread; `call` runs a coroutine there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
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


class Codex:
    """Sync client: `with Codex() as codex: codex.thread_start().run("hi").final_response`."""

    def __init__(
        self, config: CodexConfig | None = None, *, approval_handler: ApprovalHandler | None = None
    ) -> None:
        self._loop = _LoopThread()
        self._async = AsyncCodex(config, approval_handler=approval_handler)
        self._call = self._loop.call
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
        return Thread(self, self._call(self._async.thread_start(**_args(locals()))))

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
        return Thread(self, self._call(self._async.thread_resume(**_args(locals()))))

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
        return self._call(self._async.thread_list(**_args(locals())))

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
        return Thread(self, self._call(self._async.thread_fork(**_args(locals()))))

    def thread_archive(self, thread_id: str) -> ThreadArchiveResponse:
        return self._loop.call(self._async.thread_archive(thread_id))

    def thread_unarchive(self, thread_id: str) -> Thread:
        return Thread(self, self._loop.call(self._async.thread_unarchive(thread_id)))

    def models(self, *, include_hidden: bool = False) -> ModelListResponse:
        return self._loop.call(self._async.models(include_hidden=include_hidden))

    def account(self, *, refresh_token: bool = False) -> GetAccountResponse:
        return self._loop.call(self._async.account(refresh_token=refresh_token))

    def login_api_key(self, api_key: str) -> None:
        self._loop.call(self._async.login_api_key(api_key))

    def login_chatgpt(self) -> ChatgptLoginHandle:
        """Start the browser login: open `handle.auth_url`, then `handle.wait()`."""
        return ChatgptLoginHandle(self, self._loop.call(self._async.login_chatgpt()))

    def login_chatgpt_device_code(self) -> DeviceCodeLoginHandle:
        """Start the device-code login: show `verification_url` and `user_code`, then
        `handle.wait()` while the user approves it elsewhere."""
        inner = self._loop.call(self._async.login_chatgpt_device_code())
        return DeviceCodeLoginHandle(self, inner)

    def logout(self) -> None:
        self._loop.call(self._async.logout())


class ChatgptLoginHandle:
    """A live browser login of a sync `Codex` (`login_chatgpt()`)."""

    def __init__(self, codex: Codex, inner: AsyncChatgptLoginHandle) -> None:
        self._codex = codex
        self._inner = inner
        self.login_id = inner.login_id
        self.auth_url = inner.auth_url

    def wait(self) -> AccountLoginCompletedNotification:
        return self._codex._loop.call(self._inner.wait())

    def cancel(self) -> CancelLoginAccountResponse:
        return self._codex._loop.call(self._inner.cancel())


class DeviceCodeLoginHandle:
    """A live device-code login of a sync `Codex` (`login_chatgpt_device_code()`)."""

    def __init__(self, codex: Codex, inner: AsyncDeviceCodeLoginHandle) -> None:
        self._codex = codex
        self._inner = inner
        self.login_id = inner.login_id
        self.verification_url = inner.verification_url
        self.user_code = inner.user_code

    def wait(self) -> AccountLoginCompletedNotification:
        return self._codex._loop.call(self._inner.wait())

    def cancel(self) -> CancelLoginAccountResponse:
        return self._codex._loop.call(self._inner.cancel())


class Thread:
    """One conversation of a `Codex` client."""

    def __init__(self, codex: Codex, inner: AsyncThread) -> None:
        self._codex = codex
        self._inner = inner
        self.id = inner.id

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
        return self.turn(**_args(locals())).run()

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
        inner = self._codex._call(self._inner.turn(**_args(locals())))
        return TurnHandle(self._codex, inner)

    def read(self, *, include_turns: bool = False) -> ThreadReadResponse:
        return self._codex._loop.call(self._inner.read(include_turns=include_turns))

    def set_name(self, name: str) -> ThreadSetNameResponse:
        return self._codex._loop.call(self._inner.set_name(name))

    def compact(self) -> ThreadCompactStartResponse:
        return self._codex._loop.call(self._inner.compact())

    def rollback(
        self, num_turns: int, *, restore_files: bool = False, force: bool = False
    ) -> ThreadRollbackResponse:
        """Drop the last turns, optionally restoring their files (`AsyncThread.rollback`)."""
        return self._codex._loop.call(
            self._inner.rollback(num_turns, restore_files=restore_files, force=force)
        )


class TurnHandle:
    """A running turn of a sync `Thread`."""

    def __init__(self, codex: Codex, inner: AsyncTurnHandle) -> None:
        self._codex = codex
        self._inner = inner
        self.thread_id = inner.thread_id
        self.id = inner.id

    def stream(self) -> Iterator[Notification]:
        """This turn's notifications, each as soon as core emits it."""
        agen = self._inner.stream()
        call = self._codex._loop.call

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

    def run(self) -> TurnResult:
        return self._codex._loop.call(self._inner.run())

    def interrupt(self) -> TurnInterruptResponse:
        return self._codex._loop.call(self._inner.interrupt())

    def steer(self, input: Input | str) -> TurnSteerResponse:
        return self._codex._loop.call(self._inner.steer(input))
