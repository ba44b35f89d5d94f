"""Server-Sent Events framing for the model client: bytes in, `SSEEvent`s out, one C call per chunk.

`SSEParser` is the C engine (csrc/sse.c) when built, else the pure-Python twin with the same
behaviour. The C side packs every event a chunk completed into three '\\r'-separated buffers; here
each buffer is decoded and split once, and the events are assembled by C-level builtins
(`zip`/`map`/`tuple.__new__`), so no Python bytecode runs per event. The data fields also come
as a pickled list of str when they are all well-formed UTF-8: one `pickle.loads` makes every
string from its known length, where `str.split` scanned each character for the separator
(that scan was ~60% of the binding's cost per small event).
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

try:  # pickle.loads itself, without pickle.py's import (~1.4 ms on the first turn's path)
    from _pickle import loads as _pickle_loads
except ImportError:  # an interpreter without the C accelerator
    from pickle import loads as _pickle_loads

from codex._native import load_extension
from codex._native.sse_types import DEFAULT_MAX_EVENT_SIZE, SSEError, SSEEvent, too_large_message

__all__ = ["DEFAULT_MAX_EVENT_SIZE", "SSEError", "SSEEvent", "SSEParser", "native_loaded"]

_ext = load_extension("sse")
_tuple_new = tuple.__new__


def native_loaded() -> bool:
    """Whether `SSEParser` is the C engine."""
    return _ext is not None


class _NativeSSEParser:
    """Incremental SSE parser backed by csrc/sse.c: `feed(chunk)` returns the completed events."""

    __slots__ = ("_batch", "_buffer", "_ffi", "_lib", "_max", "_p")

    def __init__(self, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        assert _ext is not None
        ffi, lib = _ext.ffi, _ext.lib
        self._max = max_event_size if max_event_size > 0 else 1 << 64
        p = lib.codex_sse_new(max_event_size if max_event_size > 0 else 0)
        if p == ffi.NULL:
            raise MemoryError("codex_sse_new")
        self._p: Any = ffi.gc(p, lib.codex_sse_free)
        self._batch: Any = ffi.new("codex_sse_batch *")
        self._ffi = ffi
        self._lib = lib
        self._buffer = ffi.buffer

    def _feed(self, chunk: bytes) -> Any:
        if type(chunk) is not bytes:
            chunk = bytes(chunk)
        b = self._batch
        rc = self._lib.codex_sse_feed(self._p, chunk, len(chunk), b)
        if rc:
            if rc == self._lib.CODEX_SSE_E_TOO_LARGE:
                raise SSEError(too_large_message(self._max))
            raise MemoryError("codex_sse_feed")
        return b

    def feed_data(self, chunk: bytes) -> list[str]:
        """Only the `data` of each completed event: what a consumer that dispatches on the JSON
        payload (the Responses and Chat clients) needs, without building event tuples."""
        b = self._feed(chunk)
        if not b.count:
            return []
        return self._data(b)

    def _data(self, b: Any) -> list[str]:
        if b.pickled_len:
            # Built by csrc/sse.c from length-prefixed, validated UTF-8 only: no other opcodes.
            return _pickle_loads(self._buffer(b.pickled, b.pickled_len))
        return str(self._buffer(b.data, b.data_len - 1), "utf-8", "replace").split("\r")

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        b = self._feed(chunk)
        n = b.count
        if not n:
            return []
        buffer = self._buffer
        # Each buffer ends in one '\r' separator; drop it and split on the rest.
        data = self._data(b)
        names: Any = (
            repeat(str(buffer(b.names, b.first_name_len), "utf-8", "replace"), n)
            if b.same_name
            else str(buffer(b.names, b.names_len - 1), "utf-8", "replace").split("\r")
        )
        ids: Any = (
            str(buffer(b.ids, b.ids_len - 1), "utf-8", "replace").split("\r")
            if b.any_id
            else repeat("", n)
        )
        retries: Any = (
            [None if r < 0 else r for r in self._ffi.unpack(b.retries, n)]
            if b.any_retry
            else repeat(None, n)
        )
        rows = zip(names, data, ids, retries, strict=False)
        return list(map(_tuple_new, repeat(SSEEvent, n), rows))


if _ext is not None:
    SSEParser: Any = _NativeSSEParser
else:
    from codex._native._py.sse import SSEParser
