"""`Mailbox`: the FIFO of a session's submissions, read by its actor alone.

An `asyncio.Queue` did this job, and its generality cost every session four deques and an
`Event` (its `join()` bookkeeping, its waiting putters and getters), all tracked by the garbage
collector for the session's lifetime, and a coroutine per `put` though an unbounded queue never
waits. One reader and no bound need a deque and, while the reader waits, one future.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

__all__ = ["Mailbox"]

T = TypeVar("T")


class Mailbox(Generic[T]):
    """Unbounded FIFO on one event loop: `put` from any code on the loop, `get` awaited by a
    single reader at a time (the session's actor)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> None:
        """Queue `item` and wake the reader if it waits (never blocks)."""
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def get(self) -> T:
        """The oldest item, waiting for one if there is none (as `asyncio.Queue.get`: returns
        without suspending when an item is there)."""
        items = self._items
        while not items:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                if self._waiter is waiter:  # cancelled: nobody waits any more
                    self._waiter = None
        return items.popleft()
