"""PKCE (RFC 7636, S256) and the OAuth `state`, sized as upstream: a 64-byte verifier and a
32-byte state, both base64url without padding."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from codex.auth.jwt import b64url_encode


@dataclass(frozen=True, slots=True)
class PkceCodes:
    code_verifier: str = field(repr=False)
    code_challenge: str


def challenge_for(verifier: str) -> str:
    return b64url_encode(hashlib.sha256(verifier.encode("ascii")).digest())


def generate_pkce() -> PkceCodes:
    verifier = b64url_encode(secrets.token_bytes(64))
    return PkceCodes(code_verifier=verifier, code_challenge=challenge_for(verifier))


def generate_state() -> str:
    return b64url_encode(secrets.token_bytes(32))
