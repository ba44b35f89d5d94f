"""`EventFanout`: a session's events handed to every reader, in order.

Two kinds of reader, decided here once:

- the classic single reader (`Session.next_event()` / `events()`): one unbounded queue, made by
  its first read; events published before then wait in a backlog, so that reader still sees
  `session_configured` first;
- subscribers (`Session.subscribe()`, and every `run_turn()` handle): each its own bounded copy
  of the stream from the moment it subscribed (codex.core.subscribe: a reader that falls behind
  gets an `EventsDropped` marker, never a turn end lost).

A fan-out whose first reader subscribes (nobody called `next_event()` before) turns the classic
queue off, so an unread queue never grows. `publish` never waits and never does I/O: it runs
inside the turn loop, and recording the event (rollout, telemetry) is the session's job.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from codex.core.subscribe import DEFAULT_MAXSIZE, Subscription
from codex.protocol.events import Event, ShutdownComplete

__all__ = ["EventFanout"]


class EventFanout:
    """Every published event to the classic queue (or its backlog) and to each subscriber."""

    __slots__ = ("_backlog", "_classic_read", "_queue", "subscribers")

    def __init__(self) -> None:
        # The classic queue (next_event()), made by its first reader; events wait in `_backlog`.
        self._queue: asyncio.Queue[Event] | None = None
        self._backlog: list[Event] | None = []
        self._classic_read = False  # next_event() / events() was called
        self.subscribers: list[Subscription] = []  # the readers attached now

    def publish(self, event: Event) -> None:
        """`event` to every reader (synchronously, never blocks)."""
        if self._queue is not None:
            self._queue.put_nowait(event)
        elif self._backlog is not None:
            self._backlog.append(event)
        for subscription in self.subscribers:
            subscription.offer(event)

    async def next_event(self) -> Event:
        self._classic_read = True
        return await self._classic().get()

    async def events(self) -> AsyncIterator[Event]:
        """Every event, in order, ending with shutdown_complete."""
        self._classic_read = True
        queue = self._classic()
        while True:
            event = await queue.get()
            yield event
            if type(event.msg) is ShutdownComplete:
                return

    def _classic(self) -> asyncio.Queue[Event]:
        queue = self._queue
        if queue is None:
            backlog = self._backlog
            if backlog is None:
                raise RuntimeError(
                    "this session is read through subscribe()/run_turn(); next_event() is off"
                )
            queue = self._queue = asyncio.Queue()
            for event in backlog:
                queue.put_nowait(event)
            self._backlog = None
        return queue

    def subscribe(self, maxsize: int | None = DEFAULT_MAXSIZE) -> Subscription:
        """A new reader of every event from now on (`maxsize=None`: unbounded, for a reader
        that keeps up). It detaches itself when closed (or read to shutdown)."""
        if not self._classic_read:
            self._queue = self._backlog = None  # nobody reads the classic queue: stop filling it
        subscription = Subscription(maxsize, on_close=self._unsubscribe)
        self.subscribers.append(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with contextlib.suppress(ValueError):
            self.subscribers.remove(subscription)
