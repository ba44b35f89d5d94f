"""SSE framing: the C engine agrees with its Python twin on every stream and every split of it."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex._native import sse
from codex._native._py.sse import SSEParser as TwinParser
from codex._native.sse_types import SSEError, SSEEvent

PARSERS = [pytest.param(TwinParser, id="twin")]
if sse.native_loaded():
    PARSERS.insert(0, pytest.param(sse.SSEParser, id="c"))


def test_native_extension_is_built() -> None:
    assert sse.native_loaded(), "codex._native._sse was not built/installed"


def _run(parser_cls: type, chunks: list[bytes], max_event_size: int = 0) -> list[object]:
    """Events per chunk, ending in ("error", message) if a feed raised."""
    parser = parser_cls(max_event_size) if max_event_size else parser_cls()
    out: list[object] = []
    for chunk in chunks:
        try:
            out.append(parser.feed(chunk))
        except SSEError as exc:
            out.append(("error", str(exc)))
            break
    return out


def _flat(parser_cls: type, chunks: list[bytes]) -> list[SSEEvent]:
    return [e for batch in _run(parser_cls, chunks) for e in batch]  # type: ignore[union-attr]


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_responses_stream(parser_cls: type) -> None:
    stream = (
        b'event: response.created\ndata: {"type":"response.created"}\n\n'
        b": keep-alive\n\n"
        b'event: response.output_text.delta\r\ndata: {"delta":"h\xc3\xa9"}\r\n\r\n'
    )
    assert _flat(parser_cls, [stream]) == [
        SSEEvent("response.created", '{"type":"response.created"}', "", None),
        SSEEvent("response.output_text.delta", '{"delta":"hé"}', "", None),
    ]


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_fields_and_line_ends(parser_cls: type) -> None:
    stream = (
        b"\xef\xbb\xbfid: 1\rdata: a\r\ndata\ndata:  b\r\rretry: 300\ndata: c\n\n"
        b"event: gone\n\nid: x\x00y\ndata: d\n\n"
    )
    want = [
        SSEEvent("message", "a\n\n b", "1", None),
        SSEEvent("message", "c", "1", 300),
        SSEEvent("message", "d", "1", None),
    ]
    assert _flat(parser_cls, [stream]) == want
    # every byte on its own: CRLF, BOM and UTF-8 all split
    assert _flat(parser_cls, [stream[i : i + 1] for i in range(len(stream))]) == want


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_utf8_split_and_invalid_bytes(parser_cls: type) -> None:
    chunks = [b"data: \xe2\x82", b"\xac and \xff\n", b"\n"]
    assert _flat(parser_cls, chunks) == [SSEEvent("message", "€ and \ufffd", "", None)]


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_size_limit_is_a_clear_sticky_error(parser_cls: type) -> None:
    result = _run(parser_cls, [b"data: 0123456789", b"0123456789\n\n", b"data: x\n\n"], 16)
    assert result[0] == []
    assert result[1][0] == "error"  # type: ignore[index]
    assert "larger than the limit of 16 bytes" in result[1][1]  # type: ignore[index]
    parser = parser_cls(16)
    with pytest.raises(SSEError):
        parser.feed(b"data: 0123456789abcdef")
    with pytest.raises(SSEError):
        parser.feed(b"\n\n")


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_large_event(parser_cls: type) -> None:
    payload = b"x" * (1 << 20)
    stream = b"data: " + payload + b"\n\n"
    chunks = [stream[i : i + 65536] for i in range(0, len(stream), 65536)]
    (event,) = _flat(parser_cls, chunks)
    assert event.data == payload.decode()


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_memoryview_and_bytearray_chunks(parser_cls: type) -> None:
    parser = parser_cls()
    assert parser.feed(bytearray(b"data: a\n")) == []
    assert parser.feed(memoryview(b"\ndata: b\n\n")) == [
        SSEEvent("message", "a", "", None),
        SSEEvent("message", "b", "", None),
    ]


# Streams built from SSE-ish fragments so the interesting cases are frequent.
_FRAGMENTS = st.sampled_from(
    [
        b"data",
        b"data:",
        b"data: ",
        b"event: ",
        b"event:",
        b"id: ",
        b"id",
        b"retry: ",
        b"retry:",
        b":",
        b" ",
        b"\r",
        b"\n",
        b"\r\n",
        b"\n\n",
        b"\xef\xbb\xbf",
        b"\xef\xbb",
        b"\x00",
        b"\xe2\x82\xac",
        b"\xff",
        b"123",
        b"99999999999999999999",
        b"abc",
        b'{"type":"response.output_text.delta","delta":"x"}',
    ]
)
_STREAMS = st.lists(st.one_of(_FRAGMENTS, st.binary(max_size=8)), max_size=40).map(b"".join)


@st.composite
def _split_stream(draw: st.DrawFn) -> tuple[list[bytes], int]:
    stream = draw(_STREAMS)
    cuts = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    edges = [0, *cuts, len(stream)]
    chunks = [stream[a:b] for a, b in pairwise(edges)]
    limit = draw(st.sampled_from([0, 0, 8, 32, 100]))
    return chunks, limit


@pytest.mark.skipif(not sse.native_loaded(), reason="C engine not built")
@settings(max_examples=1500, deadline=None)
@given(_split_stream())
def test_c_matches_twin_on_random_splits(case: tuple[list[bytes], int]) -> None:
    chunks, limit = case
    assert _run(sse.SSEParser, chunks, limit) == _run(TwinParser, chunks, limit)


@settings(max_examples=300, deadline=None)
@given(_STREAMS, st.data())
def test_splitting_never_changes_events(stream: bytes, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    edges = [0, *cuts, len(stream)]
    chunks = [stream[a:b] for a, b in pairwise(edges)]
    for parser_cls in (TwinParser, sse.SSEParser):
        assert _flat(parser_cls, chunks) == _flat(parser_cls, [stream])


@pytest.mark.parametrize("parser_cls", PARSERS)
def test_feed_data_is_the_data_column(parser_cls: type) -> None:
    stream = b"event: a\ndata: 1\n\nid: 9\ndata: 2\ndata: 3\n\ndata: 4"
    assert parser_cls().feed_data(stream) == [e.data for e in parser_cls().feed(stream)]
    assert parser_cls().feed_data(stream) == ["1", "2\n3"]
