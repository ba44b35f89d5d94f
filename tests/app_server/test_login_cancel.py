"""`account/login/cancel` as the official 0.169 server answers it (probed with this client):
a loginId that is not a UUID is an error, an unknown UUID is `notFound`, a started ChatGPT
login is `canceled` (followed by `account/login/completed` with success false, its callback
server closed) and `notFound` once it has ended."""

from __future__ import annotations

import socket
import uuid
from urllib.parse import parse_qs, urlsplit

from tests.app_server.rpc_client import RpcClient


def _error(client: RpcClient, method: str, params: dict) -> dict:
    reply, _ = client.response(client.start(method, params))
    assert "error" in reply, reply
    return dict(reply["error"])


def test_cancel_of_an_unknown_login(ready: RpcClient) -> None:
    assert _error(ready, "account/login/cancel", {"loginId": "nope"}) == {
        "code": -32600,
        "message": "invalid login id: nope",
    }
    unknown = str(uuid.uuid4())
    assert ready.call("account/login/cancel", {"loginId": unknown}) == {"status": "notFound"}
    assert _error(ready, "account/login/cancel", {}) == {
        "code": -32600,
        "message": "Invalid request: missing field `loginId`",
    }
    assert _error(ready, "account/login/cancel", {"loginId": 5}) == {
        "code": -32600,
        "message": "Invalid request: invalid type: integer `5`, expected a string",
    }


def test_cancel_a_started_chatgpt_login(ready: RpcClient) -> None:
    started = ready.call("account/login/start", {"type": "chatgpt"})
    assert sorted(started) == ["authUrl", "loginId", "type"]
    assert started["type"] == "chatgpt"
    login_id = started["loginId"]
    assert str(uuid.UUID(login_id)) == login_id
    url = urlsplit(started["authUrl"])
    assert (url.scheme, url.netloc, url.path) == ("https", "auth.openai.com", "/oauth/authorize")
    query = parse_qs(url.query)
    redirect = urlsplit(query["redirect_uri"][0])
    assert redirect.hostname == "127.0.0.1" and redirect.path == "/auth/callback"
    assert query["code_challenge_method"] == ["S256"]
    # the callback server listens until the login ends
    with socket.create_connection(("127.0.0.1", redirect.port), timeout=30):
        pass

    request = ready.start("account/login/cancel", {"loginId": login_id})
    messages = ready.until(lambda m: m.get("method") == "account/login/completed")
    reply = next(m for m in messages if m.get("id") == request)
    assert reply["result"] == {"status": "canceled"}
    assert messages.index(reply) < len(messages) - 1  # response first, as 0.169
    assert messages[-1]["params"] == {
        "loginId": login_id,
        "success": False,
        "error": "Login server error: Login was not completed",
        "onboardingEntrypoint": None,
    }
    assert ready.call("account/login/cancel", {"loginId": login_id}) == {"status": "notFound"}
    refused = socket.socket()
    try:
        refused.settimeout(30)
        assert refused.connect_ex(("127.0.0.1", redirect.port)) != 0
    finally:
        refused.close()
    # not logged in by a cancelled attempt
    assert ready.call("account/read", {})["account"] is None
    assert ready.close() == 0
