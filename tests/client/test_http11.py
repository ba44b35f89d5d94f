"""codex.client.http11: the lean client's response parser, fed any split of any bytes.

The parser must give the same head and body whatever the network's split of the bytes (one
byte at a time, random cuts), refuse malformed framing, and stay bounded on hostile input.
"""

from __future__ import annotations

import random

import pytest

from codex.client.http11 import MAX_HEAD, ResponseParser, request_head, target
from codex.client.http_errors import RemoteProtocolError

SSE = b'data: {"type":"response.created"}\n\n' * 7


def _chunked(body: bytes, sizes: list[int], ext: bool = False, trailers: bool = False) -> bytes:
    out, at, i = b"", 0, 0
    while at < len(body):
        size = sizes[i % len(sizes)]
        piece = body[at : at + size]
        out += b"%x%s\r\n%s\r\n" % (len(piece), b";name=v" if ext else b"", piece)
        at += size
        i += 1
    return out + b"0\r\n" + (b"x-trailer: 1\r\n" if trailers else b"") + b"\r\n"


VALID = {
    "length": b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\nx-a: 1\r\nX-A: 2\r\n\r\n" % len(SSE) + SSE,
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(SSE, [5, 17]),
    "chunked-ext-trailers": b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n"
    + _chunked(SSE, [64], ext=True, trailers=True),
    "interim": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nlink: x\r\n\r\n"
    b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(SSE) + SSE,
    "bare-lf": b"HTTP/1.1 200 OK\ncontent-length: %d\n\n" % len(SSE) + SSE,
    "no-reason": b"HTTP/1.1 204\r\n\r\n",
    "close-delimited": b"HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\n" + SSE,
    "empty-length": b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
}


def _parse(pieces: list[bytes]) -> tuple[int, list[tuple[str, str]], bytes, bool]:
    parser = ResponseParser()
    body = b""
    for piece in pieces:
        body += b"".join(parser.feed(piece))
    body += b"".join(parser.feed(b""))
    if not parser.done:
        parser.feed_eof()
    assert parser.head is not None and parser.done
    return parser.head.status, parser.head.raw_headers, body, parser.reusable


def _splits(data: bytes, rng: random.Random) -> list[bytes]:
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(1, 12))))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


@pytest.mark.parametrize("name", sorted(VALID))
def test_any_split_gives_the_same_response(name: str) -> None:
    data = VALID[name]
    whole = _parse([data])
    assert whole[2] == (b"" if name in ("no-reason", "empty-length") else SSE)
    assert _parse([data[i : i + 1] for i in range(len(data))]) == whole
    rng = random.Random(name)
    for _ in range(300):
        assert _parse(_splits(data, rng)) == whole


def test_heads_and_reuse() -> None:
    status, headers, _, reusable = _parse([VALID["length"]])
    assert status == 200 and ("X-A", "2") in headers and reusable
    parser = ResponseParser()
    parser.feed(VALID["length"])
    assert parser.head is not None and parser.head.headers["x-a"] == "1, 2"
    assert not _parse([VALID["close-delimited"]])[3]  # HTTP/1.0, close-delimited
    closing = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
    assert not _parse([closing])[3]
    extra = VALID["length"] + b"HTTP/1.1 200 OK\r\n"  # bytes nobody asked for
    assert not _parse([extra])[3]


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/2 200 OK\r\n\r\n",
        b"http/1.1 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nbad name: v\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 1, 2\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nfoo\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n-1\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + b"1" * 17 + b"\r\n",
    ],
)
def test_malformed_is_refused(data: bytes) -> None:
    parser = ResponseParser()
    with pytest.raises(RemoteProtocolError):
        parser.feed(data)
        parser.feed(b"")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Server disconnected without sending a response."),
        (b"HTTP/1.1 200", "peer unexpectedly closed connection"),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc", "(received 3 bytes, expected 9)"),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab", "incomplete chunked"),
    ],
)
def test_cut_short(data: bytes, message: str) -> None:
    parser = ResponseParser()
    parser.feed(data)
    parser.feed(b"")
    with pytest.raises(RemoteProtocolError) as err:
        parser.feed_eof()
    assert message in str(err.value)


def test_hostile_sizes_are_bounded() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(RemoteProtocolError, match="too long"):
        for _ in range(MAX_HEAD // 1000 + 2):
            parser.feed(b"x-junk: " + b"a" * 1000 + b"\r\n")
    chunks = ResponseParser()
    chunks.feed(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
    with pytest.raises(RemoteProtocolError, match="too long"):
        for _ in range(10):
            chunks.feed(b"1" + b";" * 1000)  # a chunk-size line that never ends


def test_random_bytes_never_crash_the_parser() -> None:
    """Garbage (and mutated valid responses) either parse or raise RemoteProtocolError."""
    rng = random.Random(18)
    samples = list(VALID.values())
    for _ in range(2000):
        if rng.random() < 0.5:
            data = bytearray(rng.choice(samples))
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        else:
            data = b"HTTP/1.1 " + bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
        parser = ResponseParser()
        try:
            for piece in _splits(data, rng) if len(data) > 1 else [data]:
                parser.feed(piece)
            parser.feed(b"")
            parser.feed_eof()
        except RemoteProtocolError:
            continue


def test_request_head_refuses_what_h11_would() -> None:
    where = target("http://127.0.0.1:1/v1/responses")
    assert where is not None
    good = request_head("POST", where, [("a", "b")])
    assert good == b"POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:1\r\na: b\r\n\r\n"
    for bad in (("a", "b\r\nc: d"), ("a", "b\nc"), ("a:b", "c"), ("a", "b\x00"), ("a", "é")):
        assert request_head("POST", where, [bad]) is None
