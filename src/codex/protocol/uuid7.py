"""Time-ordered UUIDs (RFC 9562 version 7), monotonic within the process. No I/O but urandom.

The official CLI 0.169 names threads, turns and items with UUIDv7 (`Uuid::now_v7()`), and its
readers (and ours: rollouts, notify payloads, app-server turn ids) rely on two properties: an id
is unique across processes (a resumed session must never repeat a turn id of the run it
continues), and ids minted later compare greater, so ids sort by creation.

Python 3.11-3.13 has no `uuid.uuid7`, hence this generator. Layout (RFC 9562 §5.7 with the
"fixed bit-length dedicated counter" of §6.2 method 1): 48 bits of Unix milliseconds, the version
nibble 7, a 42-bit counter (the 12 bits of rand_a and the top 30 of rand_b), the variant bits 10,
then 32 random bits. A new millisecond seeds the counter randomly with its top bit clear (room to
count up); within the same millisecond, or when the clock steps back, the counter increments, and
on overflow the timestamp is advanced by one millisecond. So every id is greater than the one
before it in this process, even under a clock that stalls or jumps backwards. A forked child
reseeds, so parent and child never mint the same id in the same millisecond.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable

__all__ = ["Uuid7Generator", "uuid7", "uuid7_time_ms"]

_COUNTER_BITS = 42
_COUNTER_MAX = (1 << _COUNTER_BITS) - 1
_MS_MASK = (1 << 48) - 1


def _seed(random_bytes: bytes) -> int:
    """A random counter start with its top bit clear: at least 2^41 increments before overflow."""
    return int.from_bytes(random_bytes, "big") & (_COUNTER_MAX >> 1)


# Random bytes are read from the OS in blocks, not 4-10 bytes per id: one getrandom(2) costs
# more than the rest of minting an id. A forked child drops the block it inherited (`reset`).
_RANDOM_BLOCK = 4096


class Uuid7Generator:
    """One monotonic sequence of ids (the process shares one, `uuid7()`; tests make their own).
    `clock` returns Unix milliseconds."""

    def __init__(self, clock: Callable[[], int] | None = None) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0
        self._random = b""
        self._random_at = 0

    def reset(self) -> None:
        """Forget the sequence (a forked child: the parent may mint the same next ids)."""
        self._lock = threading.Lock()  # the parent may have held it while forking
        self._last_ms = -1
        self._counter = 0
        self._random = b""  # the parent's unused random bytes would be the child's too
        self._random_at = 0

    def _take(self, n: int) -> bytes:
        """`n` fresh random bytes (under the lock)."""
        at = self._random_at
        if at + n > len(self._random):
            self._random, at = os.urandom(_RANDOM_BLOCK), 0
        self._random_at = at + n
        return self._random[at : at + n]

    def next_int(self) -> int:
        """The next id as a 128-bit integer."""
        clock = self._clock
        ms = (time.time_ns() // 1_000_000 if clock is None else clock()) & _MS_MASK
        with self._lock:
            if ms > self._last_ms:
                self._last_ms, self._counter = ms, _seed(self._take(6))
            elif self._counter < _COUNTER_MAX:
                self._counter += 1  # same millisecond, or the clock stepped back: count on
            else:
                self._last_ms, self._counter = (self._last_ms + 1) & _MS_MASK, _seed(self._take(6))
            ms, counter = self._last_ms, self._counter
            tail = self._take(4)
        value = ms << 80
        value |= 0x7 << 76  # version
        value |= (counter >> 30) << 64  # rand_a: the counter's top 12 bits
        value |= 0b10 << 62  # variant
        value |= (counter & ((1 << 30) - 1)) << 32  # rand_b's top 30 bits: the counter's rest
        value |= int.from_bytes(tail, "big")
        return value

    def __call__(self) -> str:
        """The next id, in the canonical hyphenated lower-case form (`01a24e55-084d-7b42-…`),
        formatted directly (what `str(uuid.UUID(int=...))` gives, without the object)."""
        h = f"{self.next_int():032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_default = Uuid7Generator()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_default.reset)


def uuid7() -> str:
    """The next id of the process-wide sequence."""
    return _default()


def uuid7_time_ms(value: str) -> int:
    """The Unix milliseconds a UUIDv7 string carries (ValueError for anything else)."""
    parsed = uuid.UUID(value)
    if parsed.version != 7:
        raise ValueError(f"not a UUIDv7: {value}")
    return parsed.int >> 80
