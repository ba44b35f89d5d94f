"""`Codex`, `Thread`, `TurnHandle`: the official SDK's synchronous client, in process. One
private event loop runs in a daemon thread per `Codex`; each call hands a coroutine of the async
client (codex.sdk.async_api) to it and waits. So a sync program needs no asyncio of its own, and
everything the async client guarantees (one core Session per thread, no process) holds here.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Coroutine, Iterator
from typing import Any, TypeVar

from codex.sdk.async_api import AsyncCodex, AsyncThread, AsyncTurnHandle
from codex.sdk.types import (
    ApprovalHandler,
    CodexConfig,
    Input,
    JsonObject,
    Notification,
    RunInput,
    ThreadListResponse,
    TurnResult,
)

__all__ = ["Codex", "Thread", "TurnHandle"]

T = TypeVar("T")


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

    def thread_start(self, **options: Any) -> Thread:
        """A new thread; options as `AsyncCodex.thread_start` (the official keywords)."""
        return Thread(self, self._loop.call(self._async.thread_start(**options)))

    def thread_resume(self, thread_id: str, **options: Any) -> Thread:
        return Thread(self, self._loop.call(self._async.thread_resume(thread_id, **options)))

    def thread_list(self, **options: Any) -> ThreadListResponse:
        return self._loop.call(self._async.thread_list(**options))

    def thread_archive(self, thread_id: str) -> JsonObject:
        return self._loop.call(self._async.thread_archive(thread_id))

    def thread_unarchive(self, thread_id: str) -> Thread:
        return Thread(self, self._loop.call(self._async.thread_unarchive(thread_id)))


class Thread:
    """One conversation of a `Codex` client."""

    def __init__(self, codex: Codex, inner: AsyncThread) -> None:
        self._codex = codex
        self._inner = inner
        self.id = inner.id

    def run(self, input: RunInput, **options: Any) -> TurnResult:
        return self.turn(input, **options).run()

    def turn(self, input: RunInput, **options: Any) -> TurnHandle:
        inner = self._codex._loop.call(self._inner.turn(input, **options))
        return TurnHandle(self._codex, inner)

    def read(self, *, include_turns: bool = False) -> JsonObject:
        return self._codex._loop.call(self._inner.read(include_turns=include_turns))

    def compact(self) -> JsonObject:
        return self._codex._loop.call(self._inner.compact())


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

    def interrupt(self) -> JsonObject:
        return self._codex._loop.call(self._inner.interrupt())

    def steer(self, input: Input | str) -> JsonObject:
        return self._codex._loop.call(self._inner.steer(input))
