"""`Slots`: at most `limit` requests in flight, the rest waiting in FIFO order, a freed slot
handed straight to the oldest waiter (so a newcomer never overtakes one). Both connection pools
use it: the lean HTTP client's and `LeanPool` under httpx (codex.client.pool). No imports
beyond asyncio: the lean client's path must stay light."""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["Slots"]


class Slots:
    """A FIFO counting semaphore with a wait timeout (TimeoutError) and hand-over on release."""

    __slots__ = ("_waiters", "busy", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.busy = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (None: as long as it takes)."""
        if self.busy < self.limit and not self._waiters:
            self.busy += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over just as we gave up: pass it on
            else:
                waiter.cancel()
            raise
        # The releaser counted the slot as ours when it woke us.

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes straight to the waiter
                return
        self.busy -= 1
