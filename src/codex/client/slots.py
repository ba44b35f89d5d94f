"""`Slots`: at most `limit` requests in flight, the rest waiting in FIFO order, a freed slot
handed straight to the oldest waiter (so a newcomer never overtakes one). Both connection pools
use it: the lean HTTP client's and `LeanPool` under httpx (codex.client.pool). No imports
beyond asyncio: the lean client's path must stay light."""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["TIMER_SLACK", "Slots"]

# A timer may run up to this early (uvloop's clock is in milliseconds): a deadline this close
# counts as reached (here and in codex.client.lean_http's connection timer).
TIMER_SLACK = 0.001


class Slots:
    """A FIFO counting semaphore with a wait timeout (TimeoutError) and hand-over on release.

    The waits share one timer, set for the earliest deadline among them and moved on when it
    fires: a hundred requests queued behind a full pool used to start a hundred
    `asyncio.timeout`s, each a timer pushed into the event loop's heap (compared by a Python
    `__lt__`, and left there cancelled until the loop swept it), ~3% of a busy event loop's
    time. A waiter whose deadline passes is failed with TimeoutError, as before."""

    __slots__ = ("_timer", "_timer_loop", "_waiters", "busy", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.busy = 0
        # (waiter, deadline on the loop's clock or None), oldest first; a waiter that timed
        # out or was cancelled stays until release() passes over it or the timer prunes it.
        self._waiters: deque[tuple[asyncio.Future[None], float | None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    async def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (None: as long as it takes)."""
        if self.busy < self.limit and not self._waiters:
            self.busy += 1
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        deadline = None if timeout is None else loop.time() + timeout
        self._waiters.append((waiter, deadline))
        if deadline is not None:
            timer = self._timer
            if timer is None or timer.when() > deadline or self._timer_loop is not loop:
                if timer is not None:
                    timer.cancel()
                self._timer = loop.call_at(deadline, self._expire, loop)
                self._timer_loop = loop
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.release()  # handed over just as we gave up: pass it on
            else:
                waiter.cancel()
            raise
        # The releaser counted the slot as ours when it woke us.

    def release(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter, _deadline = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes straight to the waiter
                return
        self.busy -= 1
        self._disarm()  # nobody waits: no timer left behind for a loop that may end

    def _disarm(self) -> None:
        timer, self._timer, self._timer_loop = self._timer, None, None
        if timer is not None:
            timer.cancel()

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        """The timer: fail the waits whose deadline passed (or is within a millisecond: uvloop
        runs timers on a millisecond clock, and setting one again for the rest would spin),
        drop the finished ones, and set it for the next deadline."""
        self._timer = self._timer_loop = None
        now = loop.time() + TIMER_SLACK
        upcoming: float | None = None
        live: deque[tuple[asyncio.Future[None], float | None]] = deque()
        for entry in self._waiters:
            waiter, deadline = entry
            if waiter.done():
                continue
            if deadline is not None:
                if deadline <= now:
                    waiter.set_exception(TimeoutError())
                    continue
                if upcoming is None or deadline < upcoming:
                    upcoming = deadline
            live.append(entry)
        self._waiters = live
        if upcoming is not None:
            self._timer = loop.call_at(upcoming, self._expire, loop)
            self._timer_loop = loop
