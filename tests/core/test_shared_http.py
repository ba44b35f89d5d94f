"""codex batch's 429 gates (codex.core.shared_http) at the client level: the lean client and
the httpx client share one gate per origin, a 429 on either closes it and reports the pause with
the same origin text, and a request that gets no answer (refused, cancelled) gives the probe
turn back instead of leaving every other request waiting for good. Real sockets on 127.0.0.1;
the batch-level behaviour (no request sent during a pause) is in tests/batch/test_batch_pool.py.
"""

from __future__ import annotations

import asyncio
import socket

from tests.client._raw_server import RawConnection, RawServer

from codex.client.lean_http import LeanHTTP
from codex.client.lean_request import lean_post
from codex.client.transport import LazyTrustContext
from codex.core.shared_http import Gates, LeanGate
from codex.core.shared_httpx import batch_client

HEADERS = {"content-type": "application/json"}


def _answers(*statuses: int) -> RawServer:
    """A server answering its requests, in order over all connections, with `statuses` (then
    200s); a 429 says `Retry-After: 0` so no test waits."""
    queue = list(statuses)

    def handle(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            with conn.server.lock:
                status = queue.pop(0) if queue else 200
            extra = b"Retry-After: 0\r\n" if status == 429 else b""
            conn.send(b"HTTP/1.1 %d X\r\n%bContent-Length: 2\r\n\r\nok" % (status, extra))

    return RawServer(handle)


def _lean(gates: Gates) -> LeanHTTP:
    return LeanHTTP(LazyTrustContext, gate=LeanGate(gates))


async def _post_lean(lean: LeanHTTP, url: str) -> int:
    response = await lean_post(lean, url, b"{}", HEADERS, connect=5, timeout=5)
    assert response is not None
    await response.aread()
    return response.status_code


def test_one_gate_per_origin_across_the_lean_and_httpx_clients() -> None:
    pauses: list[tuple[str, float]] = []
    gates = Gates(lambda origin, seconds: pauses.append((origin, seconds)))

    async def main(url: str, port: int) -> None:
        lean = _lean(gates)
        client = batch_client(64, 64, gates)
        try:
            assert await _post_lean(lean, url) == 429
            gate = gates.gate("http", "127.0.0.1", port)
            assert gate.suspect and gate.pauses == 1
            assert pauses == [(f"http://127.0.0.1:{port}", 0.0)]
            # The httpx client's request to the same origin passes the same gate: its 429
            # is a second pause of that gate, reported with the same origin text ...
            response = await client.post(url, content=b"{}", headers=HEADERS)
            assert response.status_code == 429
            assert gate.pauses == 2 and len(gates.values()) == 1
            assert pauses[-1] == (f"http://127.0.0.1:{port}", 0.0)
            # ... and its next answer (a 200) lifts the suspicion for both clients.
            response = await client.post(url, content=b"{}", headers=HEADERS)
            assert response.status_code == 200 and not gate.suspect
            assert await _post_lean(lean, url) == 200
        finally:
            await lean.aclose()
            await client.aclose()

    with _answers(429, 429) as server:
        asyncio.run(main(server.url, server.port))


def test_a_probe_that_gets_no_answer_hands_the_turn_on() -> None:
    """A 429 made the next request the probe; the probe fails (connection refused), so the gate
    stays suspect and the following request is the probe again (no one waits for an answer
    that never comes)."""
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1/responses"
    gates = Gates()

    async def main() -> None:
        lean = _lean(gates)
        gate = gates.gate("http", "127.0.0.1", port)
        gate.leave(False, gate.epoch, 429, 0.0)  # as after a 429 whose pause is over
        try:
            for _ in range(2):
                try:
                    await _post_lean(lean, url)
                except Exception as exc:
                    assert type(exc).__name__ == "ConnectError"
                else:
                    raise AssertionError("the request reached a closed port")
                assert not gate.probing and gate.suspect
            probe, _ = await gate.enter()
            assert probe
        finally:
            await lean.aclose()

    asyncio.run(main())


def test_a_cancelled_probe_hands_the_turn_on() -> None:
    """The probe is cancelled while its answer is pending (a task interrupted mid-request):
    the gate is not left probing, so the requests behind it go on."""

    def handle(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            pass  # never answers

    async def main(url: str, port: int) -> None:
        lean = _lean(gates)
        gate = gates.gate("http", "127.0.0.1", port)
        gate.leave(False, gate.epoch, 429, 0.0)
        try:
            probe = asyncio.ensure_future(_post_lean(lean, url))
            while not gate.probing:  # the probe is in flight, waiting for its head
                await asyncio.sleep(0)
            follower = asyncio.ensure_future(gate.enter())
            await asyncio.sleep(0)
            assert not follower.done()  # waits for the probe's answer
            probe.cancel()
            async with asyncio.timeout(30):  # a hang guard only: it returns at once when right
                is_probe, _ = await follower
            assert is_probe and gate.suspect  # no answer: the follower probes instead
        finally:
            await lean.aclose()

    gates = Gates()
    with RawServer(handle) as server:
        asyncio.run(main(server.url, server.port))
