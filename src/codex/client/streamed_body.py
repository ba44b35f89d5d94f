"""A request body too big to hold whole next to the history it copies: encoded piece by piece.

A resumed 30 MB session sends ~10 MB of history in every request; `orjson.dumps(body)` held all
of it a second time. `StreamedJson` yields exactly the same bytes (the long list is encoded one
element at a time, so the pieces join to `orjson.dumps(body)`) and knows its length up front, so
the request keeps its Content-Length (no chunked encoding). The price is encoding the list twice
(once to measure, once to send): ~1 ms per MB. Small bodies stay plain bytes.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import orjson

STREAM_ABOVE = 4 * 1024 * 1024
"""Bodies at least this big (bytes) are streamed."""


class StreamedJson:
    """`orjson.dumps(body)`, produced lazily; `body[key]` must be a list. Re-iterable (retries
    build a new request from the same body)."""

    __slots__ = ("_head", "_items", "_tail", "length")

    def __init__(self, head: bytes, items: list[Any], tail: bytes, length: int) -> None:
        self._head = head
        self._items = items
        self._tail = tail
        self.length = length

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._head
        for i, item in enumerate(self._items):
            if i:
                yield b","
            yield orjson.dumps(item)
        yield self._tail


def encode_body(body: dict[str, Any], key: str) -> bytes | StreamedJson:
    """`orjson.dumps(body)` as bytes, or as a `StreamedJson` when it is at least STREAM_ABOVE."""
    items = body.get(key)
    if not isinstance(items, list) or not items:
        return orjson.dumps(body)
    sizes = sum(len(orjson.dumps(item)) for item in items) + len(items) - 1
    if sizes < STREAM_ABOVE:
        return orjson.dumps(body)
    # The skeleton keeps every other field (and the list's position); a random placeholder
    # string marks where the list goes.
    marker = "\x00codex-list-" + os.urandom(8).hex()
    skeleton = orjson.dumps({**body, key: marker})
    encoded = orjson.dumps(marker)
    at = skeleton.index(encoded)
    head = skeleton[:at] + b"["
    tail = b"]" + skeleton[at + len(encoded) :]
    return StreamedJson(head, items, tail, len(head) + sizes + len(tail))
