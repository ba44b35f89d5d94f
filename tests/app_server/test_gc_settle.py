"""The collector during start-up (main.serve turns it off; AppServer.settle_gc): the first
thread opens with it off, then the start-up heap is frozen and collection is back on; any
other first request turns it back on before it runs. Driven in-process through the server's
own request handling (a real config home, a real thread)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from codex.app_server.connection import Connection
from codex.app_server.framing import Request
from codex.app_server.handshake import ClientHello
from codex.app_server.server import AppServer
from codex.config import ConfigOverrides


@pytest.fixture
def collector_off() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _run(home: Path, requests: list[Request]) -> list[tuple[bool, int, bytes]]:
    """(collector on, frozen objects, what was sent) after each request."""
    sent: list[bytes] = []
    states: list[tuple[bool, int, bytes]] = []

    async def main() -> None:
        server = AppServer(ConfigOverrides(config_home=str(home)), home)
        conn = Connection(sent.append)
        conn.hello(ClientHello("t", "1", False, frozenset()))
        try:
            for request in requests:
                await server.handle(conn, request)
                conn.flush()
                states.append((gc.isenabled(), gc.get_freeze_count(), b"".join(sent)))
                sent.clear()
        finally:
            await server.close()

    asyncio.run(main())
    return states


@pytest.mark.usefixtures("collector_off")
def test_the_first_thread_opens_with_the_collector_off_then_it_is_frozen_and_on(
    home: Path, repo: Path
) -> None:
    start = Request(1, "thread/start", {"cwd": str(repo), "approvalPolicy": "never"})
    again = Request(2, "thread/start", {"cwd": str(repo), "approvalPolicy": "never"})
    (on, frozen, sent), (on_after, _, sent_after) = _run(home, [start, again])
    assert b'"id":1,"result"' in sent and b'"id":2,"result"' in sent_after
    assert on and on_after
    assert frozen > 10_000  # the start-up heap: modules, classes, the config


@pytest.mark.usefixtures("collector_off")
def test_any_other_first_request_turns_the_collector_on_before_it_runs(home: Path) -> None:
    ((on, frozen, sent),) = _run(home, [Request(1, "thread/loaded/list", {})])
    assert on and frozen > 0 and b'"id":1,"result"' in sent
