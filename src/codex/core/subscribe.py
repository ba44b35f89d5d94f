"""Reading a session's events: the one `is_turn_end` predicate, and `Subscription`, a reader's
own bounded copy of the event stream (`Session.subscribe()`), so several readers (a second
app-server connection, a viewer tail, a `TurnHandle`) each see every event.

Overflow policy (decided here, once): the session never waits for a reader (`emit` is
synchronous and runs inside the turn loop), so a reader that falls `maxsize` events behind
loses the events that do not fit, and the next event it reads after catching up is an
`EventsDropped(count)` marker standing where the gap is. Turn ends and `shutdown_complete` are
never dropped: they are what readers wait on, and there is at most one per turn, so memory
stays bounded. `maxsize=None` is an unbounded reader that promises to keep up (`codex exec`,
which must print every item).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

from codex._dataclass import dataclass
from codex.protocol.events import Event, ShutdownComplete

__all__ = ["DEFAULT_MAXSIZE", "EventsDropped", "Subscription", "is_turn_end"]

DEFAULT_MAXSIZE = 4096

# The event types that end a turn: it completed (`task_complete`, or the v2 `turn_complete`) or
# it was aborted (interrupt, replaced). An `error` is not one: core always follows it with one.
TURN_END_TYPES = frozenset({"task_complete", "turn_complete", "turn_aborted"})


def _tag(msg: Any) -> str | None:
    if isinstance(msg, dict):
        return msg.get("type")
    return getattr(msg, "TAG", None)


def is_turn_end(event: Event | Any) -> bool:
    """Whether `event` (an `Event`, its `msg`, or the msg's wire dict) ends a turn."""
    msg = event.msg if isinstance(event, Event) else event
    return _tag(msg) in TURN_END_TYPES


@dataclass(frozen=True, slots=True)
class EventsDropped:
    """Marker in a `Subscription`: `count` events were dropped here (the reader fell behind)."""

    count: int
    TAG: ClassVar[str] = "events_dropped"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.TAG, "count": self.count}


class Subscription:
    """One reader's copy of a session's events from the moment it subscribed (see the module
    docstring for what happens when it falls behind). Iterate it (`async for`), or take one
    event with `next()`; it ends after `shutdown_complete` or `close()`."""

    def __init__(
        self,
        maxsize: int | None = DEFAULT_MAXSIZE,
        on_close: Callable[[Subscription], None] | None = None,
    ) -> None:
        if maxsize is not None and maxsize < 1:
            raise ValueError("maxsize must be at least 1 (or None for unbounded)")
        self.maxsize = maxsize
        self._queue: deque[Event] = deque()
        self._dropped = 0
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._on_close = on_close

    @property
    def dropped(self) -> int:
        """Events dropped and not yet reported by a marker."""
        return self._dropped

    def offer(self, event: Event) -> None:
        """Called by the session for every event (synchronously, never blocks)."""
        if self._closed:
            return
        queue = self._queue
        keep = (
            self.maxsize is None
            or len(queue) < self.maxsize
            or is_turn_end(event)
            or type(event.msg) is ShutdownComplete
        )
        if not keep:
            self._dropped += 1
            return
        if self._dropped:
            queue.append(Event("", EventsDropped(self._dropped)))  # type: ignore[arg-type]
            self._dropped = 0
        queue.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next(self) -> Event | None:
        """The next event, or None once the stream ended (shutdown_complete read, or closed)."""
        while not self._queue:
            if self._closed:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
            self._waiter = None
        event = self._queue.popleft()
        if type(event.msg) is ShutdownComplete:
            self.close()
        return event

    def __aiter__(self) -> AsyncIterator[Event]:
        # The subscription is its own iterator (no async generator frame between each event
        # and its reader); iterating it again continues where the last reader stopped.
        return self

    async def __anext__(self) -> Event:
        event = await self.next()
        if event is None:
            raise StopAsyncIteration
        return event

    def close(self) -> None:
        """Stop receiving; events already queued are still read, then the stream ends."""
        if self._closed:
            return
        self._closed = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if self._on_close is not None:
            self._on_close(self)
