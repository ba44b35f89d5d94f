"""The C engine's pickled data column: used exactly when every field is well-formed UTF-8, and
always equal to the twin (utf-8 with "replace") on valid, invalid and boundary sequences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex._native import sse
from codex._native._py.sse import SSEParser as TwinParser

pytestmark = pytest.mark.skipif(not sse.native_loaded(), reason="C engine not built")

VALID = [
    b"",
    b"plain ascii longer than eight bytes",
    "é€😀".encode(),
    "\u007f\u0080\u07ff\u0800\uffff\U00010000\U0010ffff".encode(),
    b"\xed\x9f\xbf",  # U+D7FF, the last code point before the surrogates
    b"\xee\x80\x80",  # U+E000, the first after them
    b"\x00nul\x00",
    "12345678é12345678".encode(),  # a multi-byte sequence between ASCII words
]
INVALID = [
    b"\xc0\x80",  # overlong NUL
    b"\xc1\xbf",
    b"\xe0\x80\x80",
    b"\xe0\x9f\xbf",  # overlong 3-byte
    b"\xed\xa0\x80",  # a surrogate (pickle would let it through)
    b"\xed\xbf\xbf",
    b"\xf0\x80\x80\x80",
    b"\xf0\x8f\xbf\xbf",  # overlong 4-byte
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\xf5\x80\x80\x80",
    b"\xff",
    b"\x80",  # a lone continuation byte
    b"abc\xe2\x82",  # truncated at the end of the field
    b"\xe2\x28\xa1",
    b"12345678\xf0\x9f\x98",
]


def _stream(fields: list[bytes]) -> bytes:
    return b"".join(b"event: d\ndata: " + f + b"\n\n" for f in fields)


@pytest.mark.parametrize("field", VALID)
def test_valid_fields_use_the_pickled_column(field: bytes) -> None:
    stream = _stream([b"first", field, b"last"])
    parser = sse.SSEParser()
    assert parser._feed(stream).pickled_len > 0
    want = ["first", field.decode(), "last"]
    assert sse.SSEParser().feed_data(stream) == want == TwinParser().feed_data(stream)
    assert sse.SSEParser().feed(stream) == TwinParser().feed(stream)


@pytest.mark.parametrize("field", INVALID)
def test_an_invalid_field_falls_back_to_replace_decoding(field: bytes) -> None:
    stream = _stream([b"first", field, b"last"])
    assert sse.SSEParser()._feed(stream).pickled_len == 0
    want = ["first", field.decode("utf-8", "replace"), "last"]
    assert sse.SSEParser().feed_data(stream) == want == TwinParser().feed_data(stream)
    assert sse.SSEParser().feed(stream) == TwinParser().feed(stream)
    # the next batch is judged on its own
    parser = sse.SSEParser()
    parser.feed_data(stream)
    assert parser._feed(_stream(["ok é".encode()])).pickled_len > 0


_FIELD = st.one_of(
    st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=12),
).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@settings(max_examples=800, deadline=None)
@given(st.lists(_FIELD, min_size=1, max_size=6), st.integers(1, 7))
def test_random_fields_match_the_twin(fields: list[bytes], step: int) -> None:
    stream = _stream(fields)
    chunks = [stream[i : i + step] for i in range(0, len(stream), step)]
    c, twin = sse.SSEParser(), TwinParser()
    assert [c.feed_data(x) for x in chunks] == [twin.feed_data(x) for x in chunks]
    c, twin = sse.SSEParser(), TwinParser()
    assert [c.feed(x) for x in chunks] == [twin.feed(x) for x in chunks]
