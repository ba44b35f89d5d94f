"""codex.client.lean_send: the model request's short path to the transport keeps what httpx's
own path does for it: the headers sent (the client's defaults under ours), the streamed body,
cookies a server sets (stored in the jar and sent back), and event hooks (a client with hooks
takes httpx's path, so they run)."""

from __future__ import annotations

import asyncio

import httpx
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

from codex.client.lean_send import _lean_ok, send_stream
from codex.client.transport import new_client


async def _post(client: httpx.AsyncClient, url: str) -> bytes:
    response = await send_stream(
        client, url, b'{"input": []}', {"x-test": "1"}, idle=30.0, connect=5.0
    )
    try:
        assert response.status_code == 200
        assert response.request.url == httpx.URL(url)
        return await response.aread()
    finally:
        await response.aclose()


def test_request_and_cookies_as_httpx_sends_them() -> None:
    reply = Turn([Message("ok")], headers={"set-cookie": "edge=abc; Path=/"})
    with MockModelServer() as mock:
        mock.repeat(reply)
        url = mock.base_url + "/responses"

        async def main() -> list[bytes]:
            async with new_client() as client:
                assert _lean_ok(client)
                first = await _post(client, url)
                assert client.cookies.get("edge") == "abc"  # the jar keeps it
                second = await _post(client, url)
                return [first, second]

        bodies = asyncio.run(main())
        first, second = mock.wait_for_requests(2)
    assert all(b"response.completed" in b for b in bodies)
    assert first.headers["x-test"] == "1"
    assert first.headers["accept-encoding"] == "identity"  # the client's default header
    assert first.headers["content-length"] == str(len(b'{"input": []}'))
    assert "cookie" not in first.headers
    assert second.headers["cookie"] == "edge=abc"  # sent back, as httpx's own path does


def test_event_hooks_still_run() -> None:
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(str(request.url))

    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")]))
        url = mock.base_url + "/responses"

        async def main() -> None:
            async with new_client() as client:
                client.event_hooks = {"request": [hook], "response": []}
                assert not _lean_ok(client)
                await _post(client, url)

        asyncio.run(main())
    assert seen == [url]
