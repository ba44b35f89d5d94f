"""`codex login --with-access-token`: store a Codex access token (an agent identity JWT).

What 0.169 does, checked against its binary: the token is a three-part JWT whose payload carries
`agent_runtime_id`, `agent_private_key`, `account_id`, `chatgpt_user_id`, `email`, `plan_type`,
`chatgpt_account_is_fedramp` plus `iss`, `aud`, `iat`, `exp`; its header names a `kid`; the
signature (EdDSA) is checked against the JWKS at `$CODEX_AGENT_IDENTITY_JWKS_BASE_URL/agent-
identities/jwks`, else `<chatgpt_base_url>/wham/agent-identities/jwks`. Its error texts are kept.
What we could not observe (the issuer and audience values 0.169 insists on) is not checked here:
the signature by OpenAI's published key is.

The record written is `{"auth_mode": "agentIdentity", "OPENAI_API_KEY": null,
"agent_identity": "<the JWT>"}`: 0.169 reads `agent_identity` as either the JWT string or the
decoded record, and the string keeps exactly what the user gave. The token never reaches a log,
a repr or an error message.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Mapping
from typing import Any

from codex.auth.errors import AuthError
from codex.auth.record import MODE_AGENT_IDENTITY, AuthRecord
from codex.auth.settings import AuthSettings
from codex.auth.storage import create_storage, locked

log = logging.getLogger("codex.auth")

JWKS_BASE_URL_ENV = "CODEX_AGENT_IDENTITY_JWKS_BASE_URL"
PIPE_HINT = "printenv CODEX_ACCESS_TOKEN | codex login --with-access-token"
_STRING_CLAIMS = ("agent_runtime_id", "agent_private_key", "account_id", "chatgpt_user_id")
_REQUIRED_CLAIMS = (
    *_STRING_CLAIMS,
    "email",
    "plan_type",
    "chatgpt_account_is_fedramp",
    "iss",
    "aud",
    "iat",
    "exp",
)
_DECODE = "failed to decode agent identity JWT"
_FORMAT = f"{_DECODE}: invalid agent identity JWT format"


def login_with_access_token(
    settings: AuthSettings,
    token: str,
    *,
    chatgpt_base_url: str,
    environ: Mapping[str, str] | None = None,
) -> AuthRecord:
    """Check `token` as 0.169 does and save it; raises AuthError with 0.169's wording."""
    header, claims, signed, signature = decode(token)
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise AuthError("agent identity JWT header does not include a kid")
    url = jwks_url(chatgpt_base_url, os.environ if environ is None else environ)
    verify(header, signed, signature, fetch_jwks(url))
    exp = claims["exp"]
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= time.time():
        raise AuthError("failed to verify agent identity JWT: the token has expired")
    record = AuthRecord(auth_mode=MODE_AGENT_IDENTITY, extra={"agent_identity": token})
    with locked(settings.codex_home):
        create_storage(settings.codex_home, settings.store_mode).save(record)
    log.info("saved access-token credentials (%s storage)", settings.store_mode)
    return record


def decode(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """(header, claims, signed bytes, signature) of a well-formed agent identity JWT. The
    payload is read first and the header after it, in 0.169's order and words."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise AuthError(_FORMAT)
    try:
        payload = _b64url(parts[1])
    except ValueError:
        raise AuthError(f"{_DECODE}: agent identity JWT payload is not valid base64url") from None
    try:
        claims = json.loads(payload)
    except ValueError:
        raise AuthError(f"{_DECODE}: agent identity JWT payload is not valid JSON") from None
    if not isinstance(claims, dict):
        raise AuthError(f"{_DECODE}: invalid credential JSON (the claims must be an object)")
    _check_claims(claims)
    try:
        header = json.loads(_b64url(parts[0]))
        signature = _b64url(parts[2])
    except ValueError:
        raise AuthError("failed to decode agent identity JWT header") from None
    if not isinstance(header, dict):
        raise AuthError("failed to decode agent identity JWT header")
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), signature


def _check_claims(claims: dict[str, Any]) -> None:
    for name in _REQUIRED_CLAIMS:
        if name not in claims:
            raise AuthError(f"{_DECODE}: invalid credential JSON (missing claim `{name}`)")
    for name in _STRING_CLAIMS:
        if not isinstance(claims[name], str) or not claims[name].strip():
            raise AuthError(f"{_DECODE}: invalid credential JSON (`{name}` must be a string)")
    if not isinstance(claims["chatgpt_account_is_fedramp"], bool):
        raise AuthError(
            f"{_DECODE}: invalid credential JSON (`chatgpt_account_is_fedramp` must be a boolean)"
        )


def jwks_url(chatgpt_base_url: str, environ: Mapping[str, str]) -> str:
    override = environ.get(JWKS_BASE_URL_ENV, "").strip()
    if override:
        return override.rstrip("/") + "/agent-identities/jwks"
    return chatgpt_base_url.rstrip("/") + "/wham/agent-identities/jwks"


def fetch_jwks(url: str) -> list[dict[str, Any]]:
    import httpx

    try:
        response = httpx.get(url, timeout=30.0, follow_redirects=False)
    except httpx.HTTPError as err:
        log.info("agent identity JWKS request failed: %s", type(err).__name__)
        raise AuthError("failed to request agent identity JWKS") from None
    if response.status_code >= 400:
        raise AuthError("agent identity JWKS endpoint returned an error")
    try:
        keys = response.json()["keys"]
        if not isinstance(keys, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise AuthError("failed to decode agent identity JWKS") from None
    return [key for key in keys if isinstance(key, dict)]


def verify(
    header: dict[str, Any], signed: bytes, signature: bytes, keys: list[dict[str, Any]]
) -> None:
    """The EdDSA signature by the JWKS key named in the header's `kid`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    failed = AuthError("failed to verify agent identity JWT")
    if header.get("alg") != "EdDSA":
        raise failed
    key = next((k for k in keys if k.get("kid") == header["kid"]), None)
    if key is None or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise failed
    try:
        public = Ed25519PublicKey.from_public_bytes(_b64url(str(key.get("x", ""))))
        public.verify(signature, signed)
    except (ValueError, InvalidSignature):
        raise failed from None


def _b64url(text: str) -> bytes:
    """base64url without padding (as JWTs are written); ValueError for anything else."""
    if "=" in text:
        raise ValueError("padded")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
