"""Read the claims of the JWTs the issuer hands out. No signature check: the tokens come straight
from the issuer over TLS and are only read for display and routing (plan, account id, expiry), as
upstream does."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from codex._dataclass import dataclass

AUTH_CLAIMS = "https://api.openai.com/auth"
PROFILE_CLAIMS = "https://api.openai.com/profile"


class JwtError(ValueError):
    """Not a three-part base64url JWT with a JSON object payload. The token is never quoted."""


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_payload(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise JwtError("invalid ID token format")
    try:
        payload = json.loads(b64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as err:
        raise JwtError(f"JWT payload is not base64url JSON ({type(err).__name__})") from None
    if not isinstance(payload, dict):
        raise JwtError("JWT payload is not a JSON object")
    return payload


def auth_claims(token: str) -> dict[str, Any]:
    """The `https://api.openai.com/auth` object of a token, or {} when absent or unreadable."""
    try:
        claims = decode_payload(token).get(AUTH_CLAIMS)
    except JwtError:
        return {}
    return claims if isinstance(claims, dict) else {}


def expiration(token: str) -> datetime | None:
    """The `exp` claim, or None when the token has none or is not a JWT."""
    try:
        exp = decode_payload(token).get("exp")
    except JwtError:
        return None
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        return datetime.fromtimestamp(exp, UTC)
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class IdTokenInfo:
    """The flat subset of id_token claims Codex uses."""

    email: str | None
    chatgpt_plan_type: str | None
    chatgpt_user_id: str | None
    chatgpt_account_id: str | None
    chatgpt_account_is_fedramp: bool

    @classmethod
    def parse(cls, id_token: str) -> IdTokenInfo:
        """Raises JwtError when the token is not a JWT, like upstream's auth.json loader."""
        claims = decode_payload(id_token)
        profile = claims.get(PROFILE_CLAIMS)
        email = _str_or_none(claims.get("email"))
        if email is None and isinstance(profile, dict):
            email = _str_or_none(profile.get("email"))
        auth = claims.get(AUTH_CLAIMS)
        if not isinstance(auth, dict):
            auth = {}
        return cls(
            email=email,
            chatgpt_plan_type=_str_or_none(auth.get("chatgpt_plan_type")),
            chatgpt_user_id=_str_or_none(auth.get("chatgpt_user_id"))
            or _str_or_none(auth.get("user_id")),
            chatgpt_account_id=_str_or_none(auth.get("chatgpt_account_id")),
            chatgpt_account_is_fedramp=auth.get("chatgpt_account_is_fedramp") is True,
        )
