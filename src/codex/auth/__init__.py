"""Credentials, and only credentials: where they are stored (`$CODEX_HOME/auth.json` or the OS
keyring), how they are obtained (API key from stdin, ChatGPT browser login with PKCE, device code),
kept fresh (refresh-token grant) and removed (logout with revoke).

The model client asks `AuthManager.bearer()` for a `BearerCredentials` snapshot and calls
`AuthManager.recover_unauthorized()` once after a 401. Nothing in this package may write a secret
to a log, an exception message or a repr.

Imports are lazy: `import codex.auth` costs nothing until a name is used, and nothing here imports
httpx until a network call is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.auth.errors import AuthError, RefreshTokenFailed
    from codex.auth.manager import AuthManager, BearerCredentials, CodexAuth
    from codex.auth.record import AuthRecord, TokenData
    from codex.auth.settings import AuthSettings
    from codex.auth.storage import create_storage

__all__ = [
    "AuthError",
    "AuthManager",
    "AuthRecord",
    "AuthSettings",
    "BearerCredentials",
    "CodexAuth",
    "RefreshTokenFailed",
    "TokenData",
    "create_storage",
]

_LAZY = {
    "AuthError": "codex.auth.errors",
    "RefreshTokenFailed": "codex.auth.errors",
    "AuthManager": "codex.auth.manager",
    "BearerCredentials": "codex.auth.manager",
    "CodexAuth": "codex.auth.manager",
    "AuthRecord": "codex.auth.record",
    "TokenData": "codex.auth.record",
    "AuthSettings": "codex.auth.settings",
    "create_storage": "codex.auth.storage",
}


__getattr__ = lazy_exports(globals(), _LAZY)
