"""Twin of csrc/sse.c: the reference SSE framing, same events and same errors for the same chunks.

Read csrc/sse.h for the rules; this module follows them line for line so the differential tests can
hold the C engine to it. It must never be clever: it is what "correct" means.
"""

from __future__ import annotations

from codex._native.sse_types import DEFAULT_MAX_EVENT_SIZE, SSEError, SSEEvent, too_large_message

_BOM = b"\xef\xbb\xbf"


class SSEParser:
    """Incremental SSE parser: `feed(chunk)` returns the events that chunk completed."""

    __slots__ = (
        "_block_bytes",
        "_bom_done",
        "_bom_held",
        "_data",
        "_error",
        "_event",
        "_last_id",
        "_line",
        "_max",
        "_retry",
        "_skip_lf",
    )

    def __init__(self, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        self._max = max_event_size if max_event_size > 0 else 1 << 64
        self._error: str | None = None
        self._bom_done = False
        self._bom_held = b""
        self._skip_lf = False
        self._block_bytes = 0
        self._line = b""
        self._event = b""
        self._last_id = b""
        self._retry: int | None = None
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if self._error is not None:
            raise SSEError(self._error)
        chunk = bytes(chunk)
        if not self._bom_done:
            head = self._bom_held + chunk
            if len(head) < 3 and _BOM.startswith(head):
                self._bom_held = head
                return []
            self._bom_done = True
            chunk = head[3:] if head.startswith(_BOM) else head
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
        events: list[SSEEvent] = []
        pos = 0
        n = len(chunk)
        # Next CR / LF at or after pos (n: none), looked up again only once passed, so a stream
        # with one kind of line end is not rescanned to the chunk's end for every line.
        cr = lf = -1
        while pos < n:
            if cr < pos:
                cr = chunk.find(b"\r", pos)
                cr = n if cr < 0 else cr
            if lf < pos:
                lf = chunk.find(b"\n", pos)
                lf = n if lf < 0 else lf
            end = cr if cr < lf else lf
            if end == n:
                self._line += chunk[pos:]
                break
            line = self._line + chunk[pos:end]
            self._line = b""
            self._process_line(line, events)
            pos = end + 1
            if chunk[end] == 0x0D:
                if pos == n:
                    self._skip_lf = True
                elif chunk[pos] == 0x0A:
                    pos += 1
        if self._line and self._block_bytes + len(self._line) > self._max:
            self._fail()
        return events

    def feed_data(self, chunk: bytes) -> list[str]:
        """Only the `data` of each completed event (see the C binding)."""
        return [event.data for event in self.feed(chunk)]

    def _fail(self) -> None:
        self._error = too_large_message(self._max)
        raise SSEError(self._error)

    def _process_line(self, line: bytes, events: list[SSEEvent]) -> None:
        if not line:
            self._block_bytes = 0
            self._dispatch(events)
            return
        self._block_bytes += len(line)
        if self._block_bytes > self._max:
            self._fail()
        if line[0] == 0x3A:  # ":" starts a comment
            return
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value
        elif name == b"retry":
            if 1 <= len(value) <= 18 and value.isdigit():
                self._retry = int(value)
        elif name == b"id" and b"\0" not in value:
            self._last_id = value

    def _dispatch(self, events: list[SSEEvent]) -> None:
        retry, self._retry = self._retry, None
        event, self._event = self._event, b""
        if not self._data:
            return
        data = b"\n".join(self._data)
        self._data = []
        events.append(
            SSEEvent(
                event.decode("utf-8", "replace") if event else "message",
                data.decode("utf-8", "replace"),
                self._last_id.decode("utf-8", "replace"),
                retry,
            )
        )
