"""Sans-IO HTTP/1.1 for the lean model client: request heads and an incremental response parser.

The model request path needs a small slice of HTTP/1.1: one POST with a known body, a response
head, and a body framed by Content-Length, chunked encoding or the connection's close. h11 (under
httpx and httpcore) does that in general and costs a fair share of a turn's CPU; this does the
slice, bounded: the head (and each chunk-size line or trailer block) may not exceed a limit, so a
hostile server cannot make it buffer without end. Nothing here does I/O, so tests can feed it any
split of any bytes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from codex.client.http_errors import RemoteProtocolError

__all__ = ["MAX_HEAD", "ResponseHead", "ResponseParser", "Target", "request_head", "target"]

MAX_HEAD = 64 * 1024
"""The most bytes a response head (status line and headers) may take; h11's own default."""
MAX_LINE = 4096
"""The most bytes a chunk-size line or a trailer block may take."""

_STATUS = re.compile(rb"HTTP/(1\.[01]) ([0-9]{3})(?: [^\r\n]*)?")
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
_HOST = re.compile(r"[a-z0-9\-.]+|\[[0-9a-f:.]+\]")
_NAME = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
# h11's field-value: visible characters (any but NUL and whitespace) with inner spaces/tabs.
_VALUE = re.compile(r"(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?")
_good_names: set[str] = set()
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Target:
    """Where a URL's request goes: the connection key, the Host header, the request target."""

    __slots__ = ("host", "netloc", "port", "scheme", "target")

    def __init__(self, scheme: str, host: str, port: int, netloc: str, target: str) -> None:
        self.scheme = scheme
        self.host = host
        self.port = port
        self.netloc = netloc
        self.target = target


_targets: dict[str, Target | None] = {}


def target(url: str) -> Target | None:
    """The parts of `url` as httpx would send them, or None when httpx would have to normalise
    something (non-ASCII, user info, characters to percent-encode, a fragment...): such a URL
    takes the httpx path so what goes on the wire never differs. Cached (a provider has a few
    endpoints)."""
    if url in _targets:
        return _targets[url]
    found = _parse_target(url)
    if len(_targets) >= 64:  # bounded: URLs come from config, but never let it grow unchecked
        _targets.clear()
    _targets[url] = found
    return found


def _parse_target(url: str) -> Target | None:
    if not url.isascii():
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme
    host = (parts.netloc.rpartition(":")[0] if port is not None else parts.netloc).lower()
    if (
        scheme not in _DEFAULT_PORTS
        or parts.fragment
        or "@" in parts.netloc
        or "#" in url
        or not host
        or not _HOST.fullmatch(host)
        or not _PATH.fullmatch(parts.path)
        or (parts.query and not _PATH.fullmatch(parts.query.replace("?", "/")))
        or url.endswith("?")
    ):
        return None
    default = _DEFAULT_PORTS[scheme]
    netloc = host if port is None or port == default else f"{host}:{port}"
    path = parts.path or "/"
    request_target = f"{path}?{parts.query}" if parts.query else path
    connect_host = host[1:-1] if host.startswith("[") else host
    return Target(scheme, connect_host, default if port is None else port, netloc, request_target)


def request_head(method: str, where: Target, headers: list[tuple[str, str]]) -> bytes | None:
    """The request line and headers (`headers` in wire order, Host not included), or None when a
    name or value is one h11 would refuse or httpx would re-encode (the httpx path then sends it
    and reports it exactly as before)."""
    lines = [f"{method} {where.target} HTTP/1.1\r\nHost: {where.netloc}\r\n"]
    good = _good_names
    value_ok = _VALUE.fullmatch
    for name, value in headers:
        if name not in good:
            if not _NAME.fullmatch(name):
                return None
            if len(good) < 256:  # names repeat request after request: check each once
                good.add(name)
        if not value_ok(value):
            return None
        lines.append(f"{name}: {value}\r\n")
    lines.append("\r\n")
    head = "".join(lines)
    if not head.isascii():
        return None  # httpx encodes header values as ASCII and would fail on this one
    return head.encode("ascii")


class ResponseHead:
    """A final (non-1xx) response's status and headers. `headers` maps lower-cased names to
    their values, repeated headers joined by ", " (as httpx.Headers.get gives them)."""

    __slots__ = ("headers", "keep_alive", "raw_headers", "status", "version")

    def __init__(self, version: bytes, status: int, raw: list[tuple[str, str]]) -> None:
        self.version = version
        self.status = status
        self.raw_headers = raw
        headers: dict[str, str] = {}
        for name, value in raw:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.headers = headers
        connection = headers.get("connection", "").lower()
        self.keep_alive = version == b"1.1" and "close" not in connection


# Body framings
_LENGTH, _CHUNKED, _CLOSE, _NONE = range(4)
# Chunked sub-states
_SIZE, _DATA, _DATA_END, _TRAILERS = range(4)


class ResponseParser:
    """Feed response bytes; get the head once complete, then body pieces as they arrive.

    `feed(data)` returns the body bytes `data` completed (possibly none); `head` is set once the
    final head is in (1xx interim heads are skipped), and body bytes that arrived with it come
    out of the next `feed` (`feed(b"")` will do); `done` once the body is complete;
    `feed_eof()` at the connection's end completes a close-delimited body or raises.
    `reusable` says whether the connection may carry another request afterwards.
    """

    __slots__ = (
        "_buf",
        "_chunk_state",
        "_framing",
        "_max_head",
        "_remaining",
        "_trailing",
        "done",
        "head",
    )

    def __init__(self, max_head: int = MAX_HEAD) -> None:
        self._buf = bytearray()
        self._max_head = max_head
        self._framing = _NONE
        self._remaining = 0
        self._chunk_state = _SIZE
        self._trailing = False
        self.head: ResponseHead | None = None
        self.done = False

    @property
    def reusable(self) -> bool:
        return (
            self.done
            and self.head is not None
            and self.head.keep_alive
            and self._framing != _CLOSE
            and not self._trailing
            and not self._buf
        )

    def feed(self, data: bytes) -> list[bytes]:
        if self.done:
            if data:
                self._trailing = True  # bytes nobody asked for: never reuse this connection
            return []
        if self.head is None:
            # Body bytes that came with the head wait in the buffer for the next feed: a body
            # error belongs to reading the body, not to receiving the response (as with h11).
            self._buf += data
            self._parse_heads()
            return []
        framing = self._framing
        if self._buf and framing != _CHUNKED:
            self._buf += data
            data = bytes(self._buf)
            self._buf.clear()
        if framing == _CLOSE:
            return [data] if data else []
        if framing == _LENGTH:
            remaining = self._remaining
            if len(data) < remaining:
                self._remaining = remaining - len(data)
                return [data]
            self._remaining = 0
            self.done = True
            if len(data) > remaining:
                self._trailing = True
                data = data[:remaining]
            return [data] if data else []
        return self._chunks(data)

    def feed_eof(self) -> None:
        """The peer closed: fine for a close-delimited body, an error anywhere else."""
        if self.done:
            return
        if self.head is None:
            if self._buf:
                raise RemoteProtocolError("peer unexpectedly closed connection")
            raise RemoteProtocolError("Server disconnected without sending a response.")
        if self._framing == _CLOSE:
            self.done = True
            return
        if self._framing == _LENGTH:
            raise RemoteProtocolError(
                "peer closed connection without sending complete message body "
                f"(received {self._expected - self._remaining} bytes, expected {self._expected})"
            )
        raise RemoteProtocolError(
            "peer closed connection without sending complete message body (incomplete chunked read)"
        )

    @property
    def _expected(self) -> int:
        assert self.head is not None
        return int(self.head.headers["content-length"].split(",")[0])

    # -- the head

    def _parse_heads(self) -> bool:
        """Parse complete heads out of the buffer, skipping 1xx; True once the final one is in."""
        buf = self._buf
        while True:
            end = _head_end(buf)
            if end < 0:
                if len(buf) > self._max_head:
                    raise RemoteProtocolError("Receive buffer too long")
                return False
            if end > self._max_head:
                raise RemoteProtocolError("Receive buffer too long")
            head = _parse_head(bytes(buf[:end]))
            del buf[:end]
            if 100 <= head.status < 200:
                if head.status == 101:
                    raise RemoteProtocolError("unexpected 101 Switching Protocols")
                continue  # interim (100 Continue, 103 Early Hints): the final head follows
            self.head = head
            self._frame(head)
            return True

    def _frame(self, head: ResponseHead) -> None:
        headers = head.headers
        if head.status in (204, 304):
            self.done = True
            return
        encoding = headers.get("transfer-encoding")
        if encoding is not None:
            if encoding.strip().lower() != "chunked":
                raise RemoteProtocolError("Only Transfer-Encoding: chunked is supported")
            self._framing = _CHUNKED
            return
        length = headers.get("content-length")
        if length is not None:
            values = {v.strip() for v in length.split(",")}
            value = values.pop()
            if values or not value.isdigit() or not value.isascii():
                raise RemoteProtocolError("bad Content-Length")
            self._framing = _LENGTH
            self._remaining = int(value)
            if not self._remaining:
                self.done = True
            return
        self._framing = _CLOSE

    # -- chunked bodies

    def _chunks(self, data: bytes) -> list[bytes]:
        buf = self._buf
        if buf:
            buf += data
            data = bytes(buf)
            buf.clear()
        out: list[bytes] = []
        pos, size = 0, len(data)
        while pos < size and not self.done:
            state = self._chunk_state
            if state == _DATA:
                take = min(self._remaining, size - pos)
                out.append(data[pos : pos + take])
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._chunk_state = _DATA_END
                continue
            if state == _TRAILERS:
                end = _head_end(memoryview(data)[pos:], allow_empty=True)
                if end < 0:
                    if size - pos > MAX_LINE:
                        raise RemoteProtocolError("chunked trailers too long")
                    break
                pos += end
                self.done = True
                break
            newline = data.find(b"\n", pos)
            if newline < 0:
                if size - pos > MAX_LINE:
                    raise RemoteProtocolError("chunk size line too long")
                break
            line = data[pos:newline].rstrip(b"\r")
            pos = newline + 1
            if state == _DATA_END:
                if line:
                    raise RemoteProtocolError("chunk data not followed by CRLF")
                self._chunk_state = _SIZE
                continue
            hex_size = line.split(b";", 1)[0].strip(b" \t")
            if not _HEX.fullmatch(hex_size) or len(hex_size) > 16:
                raise RemoteProtocolError(f"illegal chunk size: {line[:40]!r}")
            self._remaining = int(hex_size, 16)
            self._chunk_state = _DATA if self._remaining else _TRAILERS
        if pos < size:
            if self.done:
                self._trailing = True
            else:
                buf += data[pos:]
        return [piece for piece in out if piece]


def _head_end(buf: bytearray | memoryview, allow_empty: bool = False) -> int:
    """Offset just past the blank line ending a head (CRLF or bare LF lines), or -1."""
    data = bytes(buf)
    if allow_empty:
        if data.startswith(b"\r\n"):
            return 2
        if data.startswith(b"\n"):
            return 1
    crlf = data.find(b"\r\n\r\n")
    lf = data.find(b"\n\n")
    if crlf < 0 and lf < 0:
        lfcr = data.find(b"\n\r\n")
        return -1 if lfcr < 0 else lfcr + 3
    if lf < 0 or (0 <= crlf < lf):
        return crlf + 4
    return lf + 2


_names: dict[bytes, str] = {}


def _parse_head(raw: bytes) -> ResponseHead:
    lines = raw.split(b"\n")
    status_line = lines[0].rstrip(b"\r")
    match = _STATUS.fullmatch(status_line)
    if match is None:
        raise RemoteProtocolError(f"illegal status line: {status_line[:80]!r}")
    headers: list[tuple[str, str]] = []
    names = _names
    for line in lines[1:]:
        line = line.rstrip(b"\r")
        if not line:
            continue
        name, colon, value = line.partition(b":")
        text = names.get(name) if colon else None
        if text is None:
            if not colon or not _TOKEN.fullmatch(name):
                raise RemoteProtocolError(f"illegal header line: {line[:80]!r}")
            text = name.decode("ascii")
            if len(names) < 256:  # a server sends the same few names every time
                names[name] = text
        headers.append((text, value.strip(b" \t").decode("latin-1")))
    return ResponseHead(match.group(1), int(match.group(2)), headers)
