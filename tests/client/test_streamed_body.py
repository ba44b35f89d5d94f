"""Big request bodies are streamed in pieces: the same bytes, the same Content-Length framing,
re-sent whole on retries; small ones stay plain bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
import pytest
from tests.client.conftest import stream_all
from tests.support.mock_model_server import MockModelServer, scenario
from tests.support.model_stream import Message, Turn

from codex.client import ModelClient, Prompt
from codex.client.streamed_body import STREAM_ABOVE, StreamedJson, encode_body
from codex.protocol.items import user_message


async def _collect(body: StreamedJson) -> bytes:
    return b"".join([piece async for piece in body])


@pytest.mark.parametrize("count", [1, 2, 7])
def test_pieces_join_to_orjson_dumps(count: int) -> None:
    big = 'é"\\x' * (STREAM_ABOVE // 4)
    items = [{"type": "message", "content": [{"text": big if i == 0 else f"t{i}"}]}
             for i in range(count)]  # fmt: skip
    body = {"model": "m", "instructions": "\x00codex-list-", "input": items, "stream": True}
    encoded = encode_body(body, "input")
    assert isinstance(encoded, StreamedJson)
    whole = orjson.dumps(body)
    assert encoded.length == len(whole)
    assert asyncio.run(_collect(encoded)) == whole
    assert asyncio.run(_collect(encoded)) == whole  # re-iterable


def test_small_and_listless_bodies_stay_bytes() -> None:
    small = {"model": "m", "input": [{"text": "hi"}]}
    assert encode_body(small, "input") == orjson.dumps(small)
    assert encode_body({"model": "m", "input": []}, "input") == b'{"model":"m","input":[]}'
    assert encode_body({"model": "m"}, "input") == b'{"model":"m"}'


@pytest.mark.parametrize("wire", ["responses", "chat"])
def test_a_big_history_reaches_the_server_whole(
    mock_model_server: MockModelServer, make_client: Callable[..., ModelClient], wire: str
) -> None:
    history = [user_message(f"{i}:" + "y" * (1024 * 1024)) for i in range(6)]
    mock_model_server.enqueue(scenario("http500"), Turn([Message("ok")]))
    out = stream_all(make_client(wire), Prompt(input=history))
    assert out.error is None
    first, second = mock_model_server.requests
    for request in (first, second):  # the retry sends the same body again
        assert request.header("content-length") == str(len(request.body))
        assert request.header("transfer-encoding") is None
        texts = request.message_texts("user")
        assert [t[:3] for t in texts[-6:]] == [f"{i}:y" for i in range(6)]
        assert all(len(t) == 1024 * 1024 + 2 for t in texts[-6:])
    assert first.body == second.body
