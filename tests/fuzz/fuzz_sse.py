"""SSE framing: csrc/sse.c (through its cffi binding) against the twin codex._native._py.sse.

Input: byte 0 picks the event size limit (0: the default 64 MiB, else 4 * byte, so the
too-large path is reached), byte 1 seeds the chunking (see `chunks`), the rest is the stream.
Properties: on the same chunks C and twin return the same events and fail on the same feed with
the same message (and keep failing); without an error the events do not depend on where the
stream was split (C's `feed_data` of the whole stream gives the data of the chunked events).
Only SSEError may escape a parser. Inputs are kept short (scripts/fuzz: -max_len=512): the twin
runs instrumented, and framing bugs live at boundaries, not in bulk.
"""

from __future__ import annotations

from tests.fuzz._support import check, chunks

from codex._native import sse as native
from codex._native._py.sse import SSEParser as TwinParser
from codex._native.sse_types import DEFAULT_MAX_EVENT_SIZE, SSEError, SSEEvent

if not native.native_loaded():
    raise ImportError("codex._native._sse not loaded (not built, or CODEX_PY_NATIVE=0)")

Outcome = list[SSEEvent] | str


def _feed(parser: object, chunk: bytes) -> Outcome:
    try:
        return parser.feed(chunk)  # type: ignore[attr-defined,no-any-return]
    except SSEError as err:
        return f"SSEError: {err}"


def _feed_data(parser: object, chunk: bytes) -> list[str] | str:
    try:
        return parser.feed_data(chunk)  # type: ignore[attr-defined,no-any-return]
    except SSEError as err:
        return f"SSEError: {err}"


def one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    limit = data[0] * 4 if data[0] else DEFAULT_MAX_EVENT_SIZE
    stream = data[2:]
    pieces = list(chunks(stream, data[1]))
    c, twin = native.SSEParser(limit), TwinParser(limit)
    events: list[SSEEvent] = []
    failed = False
    for n, piece in enumerate(pieces):
        got_c, got_twin = _feed(c, piece), _feed(twin, piece)
        check(got_c == got_twin, f"feed {n}: C {got_c!r} != twin {got_twin!r}")
        if isinstance(got_c, str):
            failed = True
            again_c, again_twin = _feed(c, b"x"), _feed(twin, b"x")
            check(again_c == again_twin == got_c, "a failed parser must keep failing")
            break
        events.extend(got_c)
    # The whole stream in one feed, through the C engine only (the twin was just held to it):
    # `feed_data` must give the data of the events the chunked feeds gave.
    whole = _feed_data(native.SSEParser(limit), stream)
    check(isinstance(whole, str) == failed, "the error must not depend on the chunking")
    if not failed:
        check(whole == [e.data for e in events], "events must not depend on the chunking")
