"""The issuer's HTTP endpoints, one function each: authorization-code exchange, API-key token
exchange, refresh, revoke, and the device-code pair. Errors name the endpoint and status and the
issuer's error code/description; never a token, a code or a raw response body."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codex import __version__
from codex.auth import settings
from codex.auth.errors import AuthError, RefreshTokenFailed, TransientRefreshError
from codex.protocol.originator import resolve_originator

log = logging.getLogger("codex.auth")

HTTP_TIMEOUT = 30.0
REVOKE_TIMEOUT = 10.0
DEVICE_CODE_MAX_WAIT = 15 * 60.0

REFRESH_EXPIRED = (
    "Your access token could not be refreshed because your refresh token has expired. "
    "Please log out and sign in again."
)
REFRESH_REUSED = (
    "Your access token could not be refreshed because your refresh token was already used. "
    "Please log out and sign in again."
)
REFRESH_REVOKED = (
    "Your access token could not be refreshed because your refresh token was revoked. "
    "Please log out and sign in again."
)
REFRESH_UNKNOWN = "Your access token could not be refreshed. Please log out and sign in again."
_REFRESH_REASONS = {
    "refresh_token_expired": ("expired", REFRESH_EXPIRED),
    "refresh_token_reused": ("exhausted", REFRESH_REUSED),
    "refresh_token_invalidated": ("revoked", REFRESH_REVOKED),
}


def _client():  # -> httpx.Client
    import httpx

    origin = resolve_originator()
    return httpx.Client(
        timeout=HTTP_TIMEOUT,
        headers={"User-Agent": f"{origin}/{__version__}", "originator": origin},
        trust_env=True,
    )


@dataclass(frozen=True, slots=True)
class ExchangedTokens:
    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def error_code(body: bytes) -> str | None:
    """`error` (string) or `error.code` or top-level `code`, as upstream reads error bodies."""
    data = _json_or_none(body)
    if not isinstance(data, dict):
        return None
    err = data.get("error")
    if isinstance(err, str) and err.strip():
        return err
    if isinstance(err, dict) and isinstance(err.get("code"), str):
        return err["code"]
    code = data.get("code")
    return code if isinstance(code, str) else None


def error_detail(body: bytes) -> str:
    """A short, secret-free description of an error response."""
    data = _json_or_none(body)
    if isinstance(data, dict):
        desc = data.get("error_description")
        if isinstance(desc, str) and desc.strip():
            return desc.strip()[:300]
        err = data.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return err["message"].strip()[:300]
    return error_code(body) or "unknown error"


def _transport_error(what: str, err: Exception) -> AuthError:
    # httpx messages name the URL, which carries no secret in any request made here.
    return AuthError(f"{what} failed: {type(err).__name__}: {err}")


def exchange_code(
    issuer: str, client_id: str, redirect_uri: str, code_verifier: str, code: str
) -> ExchangedTokens:
    """POST {issuer}/oauth/token grant_type=authorization_code (form body)."""
    import httpx

    endpoint = f"{issuer.rstrip('/')}/oauth/token"
    log.info("starting oauth token exchange at %s", endpoint)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": code_verifier,
    }
    try:
        with _client() as client:
            resp = client.post(endpoint, data=form)
    except httpx.HTTPError as err:
        raise _transport_error("token exchange", err) from None
    if resp.status_code // 100 != 2:
        log.warning(
            "oauth token exchange returned %s (%s)", resp.status_code, error_code(resp.content)
        )
        raise AuthError(
            f"token endpoint returned status {resp.status_code}: {error_detail(resp.content)}"
        )
    data = _json_or_none(resp.content)
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) for k in ("id_token", "access_token", "refresh_token")
    ):
        raise AuthError("token endpoint response lacks id_token/access_token/refresh_token")
    log.info("oauth token exchange succeeded")
    return ExchangedTokens(data["id_token"], data["access_token"], data["refresh_token"])


def obtain_api_key(issuer: str, client_id: str, id_token: str) -> str:
    """Token exchange of the id_token for an API-key-style token (best effort at login)."""
    import httpx

    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "client_id": client_id,
        "requested_token": "openai-api-key",
        "subject_token": id_token,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
    }
    try:
        with _client() as client:
            resp = client.post(f"{issuer.rstrip('/')}/oauth/token", data=form)
    except httpx.HTTPError as err:
        raise _transport_error("api key exchange", err) from None
    if resp.status_code // 100 != 2:
        raise AuthError(f"api key exchange failed with status {resp.status_code}")
    data = _json_or_none(resp.content)
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        raise AuthError("api key exchange response lacks access_token")
    return data["access_token"]


@dataclass(frozen=True, slots=True)
class RefreshResponse:
    id_token: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)


def refresh_tokens(refresh_token: str, client_id: str) -> RefreshResponse:
    """POST JSON {client_id, grant_type: refresh_token, refresh_token} to the refresh endpoint.

    Raises RefreshTokenFailed when retrying cannot help (a 401, or a known error code), else
    TransientRefreshError."""
    import httpx

    endpoint = settings.refresh_token_url()
    body = {"client_id": client_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
    try:
        with _client() as client:
            resp = client.post(endpoint, json=body)
    except httpx.HTTPError as err:
        raise TransientRefreshError(
            f"Failed to refresh token: {type(err).__name__}: {err}"
        ) from None
    if resp.status_code // 100 == 2:
        data = _json_or_none(resp.content)
        if not isinstance(data, dict):
            raise TransientRefreshError("Failed to refresh token: response is not a JSON object")

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        return RefreshResponse(text("id_token"), text("access_token"), text("refresh_token"))
    code = (error_code(resp.content) or "").lower()
    log.error("failed to refresh token: status %s, code %s", resp.status_code, code or "-")
    reason, message = _REFRESH_REASONS.get(code, ("other", REFRESH_UNKNOWN))
    if resp.status_code == 401 or reason != "other":
        raise RefreshTokenFailed(reason, message)
    raise TransientRefreshError(
        f"Failed to refresh token: {resp.status_code}: {error_detail(resp.content)}"
    )


def revoke_token(token: str, token_type_hint: str, client_id: str | None) -> None:
    """POST JSON {token, token_type_hint[, client_id]} to the revoke endpoint."""
    import httpx

    body: dict[str, str] = {"token": token, "token_type_hint": token_type_hint}
    if client_id is not None:
        body["client_id"] = client_id
    try:
        with _client() as client:
            resp = client.post(settings.revoke_token_url(), json=body, timeout=REVOKE_TIMEOUT)
    except httpx.HTTPError as err:
        raise _transport_error(f"revoking the {token_type_hint}", err) from None
    if resp.status_code // 100 != 2:
        raise AuthError(
            f"failed to revoke {token_type_hint}: {resp.status_code}: {error_detail(resp.content)}"
        )


@dataclass(frozen=True, slots=True)
class DeviceCode:
    verification_url: str
    user_code: str
    device_auth_id: str = field(repr=False)
    interval: float


def request_device_code(issuer: str, client_id: str) -> DeviceCode:
    import httpx

    base = issuer.rstrip("/")
    try:
        with _client() as client:
            resp = client.post(
                f"{base}/api/accounts/deviceauth/usercode", json={"client_id": client_id}
            )
    except httpx.HTTPError as err:
        raise _transport_error("device code request", err) from None
    if resp.status_code == 404:
        raise AuthError(
            "device code login is not enabled for this Codex server. "
            "Use the browser login or verify the server URL."
        )
    if resp.status_code // 100 != 2:
        raise AuthError(f"device code request failed with status {resp.status_code}")
    data = _json_or_none(resp.content)
    if not isinstance(data, dict):
        raise AuthError("device code response is not a JSON object")
    user_code = data.get("user_code", data.get("usercode"))
    device_auth_id = data.get("device_auth_id")
    if not isinstance(user_code, str) or not isinstance(device_auth_id, str):
        raise AuthError("device code response lacks device_auth_id/user_code")
    try:
        interval = float(str(data.get("interval", "0")).strip() or "0")
    except ValueError:
        raise AuthError("device code response has a non-numeric interval") from None
    return DeviceCode(f"{base}/codex/device", user_code, device_auth_id, max(interval, 0.0))


@dataclass(frozen=True, slots=True)
class DeviceAuthorization:
    authorization_code: str = field(repr=False)
    code_challenge: str
    code_verifier: str = field(repr=False)


def poll_device_code(
    issuer: str,
    code: DeviceCode,
    *,
    max_wait: float = DEVICE_CODE_MAX_WAIT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> DeviceAuthorization:
    """Poll until the user approves (2xx), treating 403/404 as pending, every `interval` seconds,
    for at most `max_wait` seconds."""
    import httpx

    url = f"{issuer.rstrip('/')}/api/accounts/deviceauth/token"
    body = {"device_auth_id": code.device_auth_id, "user_code": code.user_code}
    start = clock()
    with _client() as client:
        while True:
            try:
                resp = client.post(url, json=body)
            except httpx.HTTPError as err:
                raise _transport_error("device auth poll", err) from None
            if resp.status_code // 100 == 2:
                data = _json_or_none(resp.content)
                keys = ("authorization_code", "code_challenge", "code_verifier")
                if not isinstance(data, dict) or not all(
                    isinstance(data.get(k), str) for k in keys
                ):
                    raise AuthError("device auth response lacks the authorization code")
                return DeviceAuthorization(*(data[k] for k in keys))
            if resp.status_code not in (403, 404):
                raise AuthError(f"device auth failed with status {resp.status_code}")
            elapsed = clock() - start
            if elapsed >= max_wait:
                minutes = max_wait / 60
                raise AuthError(f"device auth timed out after {minutes:g} minutes")
            sleep(min(code.interval, max_wait - elapsed))
