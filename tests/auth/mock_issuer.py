"""A local OAuth issuer on 127.0.0.1 speaking the endpoints Codex login uses, for tests.

Real HTTP, real PKCE verification (S256), single-use authorization codes bound to their
redirect_uri and client_id, refresh-token rotation, revocation, and the device-code pair. Tokens
are HS256 JWTs carrying the claims upstream reads (`https://api.openai.com/auth`: plan, user and
account ids; `https://api.openai.com/profile`: email). Every issued secret is remembered so tests
can grep logs and output for leaks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

SIGNING_KEY = b"mock-issuer-signing-key"
DEFAULT_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(claims: dict[str, Any]) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = hmac.new(SIGNING_KEY, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


@dataclass
class Account:
    account_id: str = "acct-11111111-2222-3333-4444-555555555555"
    user_id: str = "user-mock-1"
    email: str = "dev@example.com"
    plan_type: str = "pro"


@dataclass
class IssuerConfig:
    client_id: str = DEFAULT_CLIENT_ID
    access_token_ttl: int = 3600  # seconds; negative issues already-expired access tokens
    access_token_has_exp: bool = True
    authorize_error: tuple[str, str] | None = None  # (error, error_description)
    callback_state: str | None = None  # send this state instead of the client's
    refresh_error: tuple[int, str] | None = None  # (status, error code)
    revoke_status: int = 200
    api_key_exchange: bool = True
    device_enabled: bool = True
    device_interval: str = "0"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class _Code:
    challenge: str
    redirect_uri: str
    client_id: str


@dataclass
class MockIssuer:
    account: Account = field(default_factory=Account)
    config: IssuerConfig = field(default_factory=IssuerConfig)
    requests: list[Recorded] = field(default_factory=list)
    secrets_issued: list[str] = field(default_factory=list)
    revoked: list[dict[str, Any]] = field(default_factory=list)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _refresh_tokens: set[str] = field(default_factory=set)
    _devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> MockIssuer:
        issuer = self

        class Handler(_Handler):
            mock = issuer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- tokens ------------------------------------------------------------------------------

    def _remember(self, value: str) -> str:
        self.secrets_issued.append(value)
        return value

    def id_token(self, account: Account | None = None) -> str:
        acct = account or self.account
        now = int(time.time())
        return self._remember(
            make_jwt(
                {
                    "iss": self.url,
                    "aud": [self.config.client_id],
                    "sub": acct.user_id,
                    "iat": now,
                    "exp": now + 3600,
                    "email": acct.email,
                    "https://api.openai.com/profile": {"email": acct.email},
                    "https://api.openai.com/auth": {
                        "chatgpt_plan_type": acct.plan_type,
                        "chatgpt_user_id": acct.user_id,
                        "user_id": acct.user_id,
                        "chatgpt_account_id": acct.account_id,
                        "organization_id": "org-mock",
                        "project_id": "proj-mock",
                        "completed_platform_onboarding": True,
                        "is_org_owner": False,
                    },
                    "jti": secrets.token_hex(8),
                }
            )
        )

    def access_token(self, ttl: int | None = None, account: Account | None = None) -> str:
        acct = account or self.account
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": acct.user_id,
            "iat": now,
            "https://api.openai.com/auth": {
                "chatgpt_plan_type": acct.plan_type,
                "chatgpt_account_id": acct.account_id,
            },
            "jti": secrets.token_hex(8),
        }
        if self.config.access_token_has_exp:
            claims["exp"] = now + (self.config.access_token_ttl if ttl is None else ttl)
        return self._remember(make_jwt(claims))

    def refresh_token(self) -> str:
        token = self._remember(f"rt_{secrets.token_urlsafe(24)}")
        with self._lock:
            self._refresh_tokens.add(token)
        return token

    def token_set(self, ttl: int | None = None, account: Account | None = None) -> dict[str, str]:
        return {
            "id_token": self.id_token(account),
            "access_token": self.access_token(ttl, account),
            "refresh_token": self.refresh_token(),
        }

    def auth_json(self, ttl: int | None = None, last_refresh: str | None = None) -> dict[str, Any]:
        """An auth.json document in the official layout, as a ChatGPT login would save it."""
        tokens = self.token_set(ttl)
        return {
            "auth_mode": "chatgpt",
            "OPENAI_API_KEY": None,
            "tokens": {**tokens, "account_id": self.account.account_id},
            "last_refresh": last_refresh or "2026-11-20T10:00:00.123456789Z",
        }

    def approve_device(self, user_code: str) -> None:
        with self._lock:
            for device in self._devices.values():
                if device["user_code"] == user_code:
                    device["approved"] = True
                    return
        raise KeyError(user_code)

    # -- endpoint logic ------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        required = ("client_id", "redirect_uri", "code_challenge", "state")
        if (
            query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or any(not query.get(k) for k in required)
            or "offline_access" not in query.get("scope", "").split()
        ):
            return 400, {}, b"bad authorize request"
        if query["client_id"] != self.config.client_id:
            return 400, {}, b"unknown client"
        state = self.config.callback_state or query["state"]
        if self.config.authorize_error is not None:
            error, description = self.config.authorize_error
            params = {"error": error, "error_description": description, "state": state}
        else:
            code = self._remember(f"ac_{secrets.token_urlsafe(16)}")
            with self._lock:
                self._codes[code] = _Code(
                    query["code_challenge"], query["redirect_uri"], query["client_id"]
                )
            params = {"code": code, "state": state}
        return 302, {"Location": f"{query['redirect_uri']}?{urlencode(params)}"}, b""

    def token(self, content_type: str, body: bytes) -> tuple[int, Any]:
        if content_type.startswith("application/json"):
            data = json.loads(body)
        else:
            data = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        grant = data.get("grant_type")
        if grant == "authorization_code":
            return self._grant_code(data)
        if grant == "urn:ietf:params:oauth:grant-type:token-exchange":
            ok = (
                self.config.api_key_exchange
                and data.get("requested_token") == "openai-api-key"
                and data.get("subject_token") in self.secrets_issued
            )
            if not ok:
                return 400, {"error": "invalid_request"}
            return 200, {"access_token": self._remember(f"sk-proj-{secrets.token_urlsafe(20)}")}
        if grant == "refresh_token":
            return self._grant_refresh(data)
        return 400, {"error": "unsupported_grant_type"}

    def _grant_code(self, data: dict[str, str]) -> tuple[int, Any]:
        with self._lock:
            entry = self._codes.pop(data.get("code", ""), None)
        if entry is None:
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        verifier = data.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != entry.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        if data.get("redirect_uri") != entry.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
        if data.get("client_id") != entry.client_id:
            return 400, {"error": "invalid_client"}
        return 200, self.token_set()

    def _grant_refresh(self, data: dict[str, str]) -> tuple[int, Any]:
        if self.config.refresh_error is not None:
            status, code = self.config.refresh_error
            return status, {"error": {"code": code, "message": "mock refresh failure"}}
        token = data.get("refresh_token", "")
        with self._lock:
            valid = token in self._refresh_tokens
            self._refresh_tokens.discard(token)
        if not valid or data.get("client_id") != self.config.client_id:
            return 401, {"error": {"code": "refresh_token_reused"}}
        return 200, self.token_set()

    def device_usercode(self, body: bytes) -> tuple[int, Any]:
        if not self.config.device_enabled:
            return 404, {"error": "not_found"}
        data = json.loads(body)
        if data.get("client_id") != self.config.client_id:
            return 400, {"error": "invalid_client"}
        device_auth_id = f"dev_{secrets.token_hex(8)}"
        user_code = f"{secrets.randbelow(10000):04d}-{secrets.token_hex(2).upper()}"
        with self._lock:
            self._devices[device_auth_id] = {"user_code": user_code, "approved": False}
        return 200, {
            "device_auth_id": device_auth_id,
            "usercode": user_code,
            "interval": self.config.device_interval,
        }

    def device_token(self, body: bytes) -> tuple[int, Any]:
        data = json.loads(body)
        with self._lock:
            device = self._devices.get(data.get("device_auth_id", ""))
        if device is None or device["user_code"] != data.get("user_code"):
            return 404, {"error": "unknown device"}
        if not device["approved"]:
            return 403, {"error": "authorization_pending"}
        verifier = self._remember(b64url(secrets.token_bytes(64)))
        challenge = b64url(hashlib.sha256(verifier.encode()).digest())
        code = self._remember(f"ac_{secrets.token_urlsafe(16)}")
        with self._lock:
            self._codes[code] = _Code(
                challenge, f"{self.url}/deviceauth/callback", self.config.client_id
            )
        return 200, {
            "authorization_code": code,
            "code_challenge": challenge,
            "code_verifier": verifier,
        }


class _Handler(BaseHTTPRequestHandler):
    mock: MockIssuer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _record(self, body: bytes) -> None:
        self.mock.requests.append(
            Recorded(self.command, urlsplit(self.path).path, dict(self.headers.items()), body)
        )

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())

    def do_GET(self) -> None:
        self._record(b"")
        parts = urlsplit(self.path)
        if parts.path == "/oauth/authorize":
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            self._send(*self.mock.authorize(query))
        else:
            self._send(404, {}, b"not found")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self._record(body)
        path = urlsplit(self.path).path
        ctype = self.headers.get("Content-Type", "")
        if path == "/oauth/token":
            self._json(*self.mock.token(ctype, body))
        elif path == "/oauth/revoke":
            self.mock.revoked.append(json.loads(body))
            self._json(self.mock.config.revoke_status, {})
        elif path == "/api/accounts/deviceauth/usercode":
            self._json(*self.mock.device_usercode(body))
        elif path == "/api/accounts/deviceauth/token":
            self._json(*self.mock.device_token(body))
        else:
            self._send(404, {}, b"not found")
