"""The contract with codex.client: a ModelClient given an AuthManager sends the stored
credentials as upstream does (bearer + chatgpt-account-id), and a 401 makes the manager refresh
against the issuer once before the request is retried. Real loopback servers on both sides."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tests.auth.mock_issuer import MockIssuer
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import HttpError, Message, Turn

from codex.auth.errors import RefreshTokenFailed
from codex.auth.manager import AuthManager
from codex.client import ModelClient
from codex.client.providers import ModelProvider
from codex.client.request import Prompt

USER_INPUT = [
    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
]


def stream_all(client: ModelClient) -> list[object]:
    async def collect() -> list[object]:
        return [event async for event in client.stream(Prompt(input=USER_INPUT))]

    return asyncio.run(collect())


def chatgpt_client(server: MockModelServer, manager: AuthManager) -> ModelClient:
    provider = ModelProvider(
        id="mock",
        name="mock",
        base_url=server.base_url,
        wire_api="responses",
        requires_openai_auth=True,
        request_max_retries=0,
    )
    return ModelClient(provider, "gpt-test", conversation_id="c-1", auth=manager, env={})


def test_requests_carry_chatgpt_credentials_and_401_refreshes_once(
    codex_home: Path, issuer: MockIssuer, mock_model_server: MockModelServer
) -> None:
    doc = issuer.auth_json()
    (codex_home / "auth.json").write_text(json.dumps(doc))
    manager = AuthManager(codex_home)
    mock_model_server.enqueue(HttpError(401), Turn([Message("ok")]))
    stream_all(chatgpt_client(mock_model_server, manager))
    first, second = mock_model_server.requests
    assert first.header("authorization") == f"Bearer {doc['tokens']['access_token']}"
    assert first.header("chatgpt-account-id") == issuer.account.account_id
    refreshed = json.loads((codex_home / "auth.json").read_text())["tokens"]["access_token"]
    assert refreshed != doc["tokens"]["access_token"]
    assert second.header("authorization") == f"Bearer {refreshed}"
    assert second.header("chatgpt-account-id") == issuer.account.account_id


def test_401_with_a_dead_refresh_token_ends_with_a_sign_in_message(
    codex_home: Path, issuer: MockIssuer, mock_model_server: MockModelServer
) -> None:
    issuer.config.refresh_error = (401, "refresh_token_expired")
    (codex_home / "auth.json").write_text(json.dumps(issuer.auth_json()))
    mock_model_server.enqueue(HttpError(401))
    with pytest.raises(RefreshTokenFailed, match="Please log out and sign in again"):
        stream_all(chatgpt_client(mock_model_server, AuthManager(codex_home)))
    assert len(mock_model_server.requests) == 1
