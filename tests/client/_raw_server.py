"""A tiny raw-socket HTTP server on 127.0.0.1 for the lean client's tests: each accepted
connection runs a test-given handler on the bare socket, so a test can answer with anything,
malformed or hostile, and see the exact bytes each request arrived as."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

Handler = Callable[["RawConnection"], None]


class RawConnection:
    """One accepted connection as a handler sees it."""

    def __init__(self, server: RawServer, sock: socket.socket, index: int) -> None:
        self.server = server
        self.sock = sock
        self.index = index  # 0 for the first connection the server accepted
        self._pending = b""

    def read_request(self) -> bytes | None:
        """One whole request (head and Content-Length or chunked body) as sent; None at EOF."""
        data = self._pending
        while b"\r\n\r\n" not in data:
            more = self.sock.recv(65536)
            if not more:
                return None
            data += more
        end = data.index(b"\r\n\r\n") + 4
        head = data[:end].decode("latin-1").lower()
        length = 0
        for line in head.split("\r\n"):
            if line.startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        if "transfer-encoding: chunked" in head:
            while not data.endswith(b"0\r\n\r\n"):
                data += self.sock.recv(65536)
            self._pending = b""
            request = data
        else:
            while len(data) < end + length:
                data += self.sock.recv(65536)
            request, self._pending = data[: end + length], data[end + length :]
        with self.server.lock:
            self.server.requests.append(request)
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


class RawServer:
    """`with RawServer(handler) as server:` ... `server.url`. Each connection runs `handler` in
    its own thread; `requests` holds every request read through `read_request`."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.lock = threading.Lock()
        self.requests: list[bytes] = []
        self.connections = 0
        self.open_now = 0
        self.most_open = 0
        self.closed_connections = threading.Semaphore(0)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._socks: list[socket.socket] = []
        self._stopping = False

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/responses"

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        for sock in list(self._socks):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        while not self._stopping:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self.lock:
                index = self.connections
                self.connections += 1
                self.open_now += 1
                self.most_open = max(self.most_open, self.open_now)
                self._socks.append(sock)
            thread = threading.Thread(target=self._run, args=(sock, index), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _run(self, sock: socket.socket, index: int) -> None:
        try:
            self.handler(RawConnection(self, sock, index))
        except OSError:
            pass
        finally:
            with self.lock:
                self.open_now -= 1
            sock.close()
            self.closed_connections.release()


SSE = (
    b'data: {"type":"response.created","response":{"id":"r1"}}\n\n'
    b'data: {"type":"response.output_item.done","item":{"type":"message","role":"assistant",'
    b'"id":"m1","content":[{"type":"output_text","text":"ok"}]}}\n\n'
    b'data: {"type":"response.completed","response":{"id":"r1"}}\n\n'
)
"""A complete one-message Responses stream."""


def ok_response(body: bytes = SSE, extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        + extra
        + b"content-length: %d\r\n\r\n" % len(body)
        + body
    )


def chunked(body: bytes, size: int = 40) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        out += b"%x\r\n%b\r\n" % (len(piece), piece)
    return out + b"0\r\n\r\n"
