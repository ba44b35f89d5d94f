"""Auth failures a user can act on. Messages never contain a token, a key or a response body."""

from __future__ import annotations

from codex.errors import CodexError

LOGIN_HINT = "run `codex login` to sign in again"


class AuthError(CodexError):
    """Any credential problem: unreadable storage, failed login, failed refresh."""


class AuthStorageError(AuthError):
    """auth.json or the keyring could not be read, parsed or written."""


class LoginCancelled(AuthError):
    """The browser flow was cancelled (GET /cancel, or a newer `codex login` took the port)."""


class RefreshTokenFailed(AuthError):
    """The refresh token was rejected for good: retrying cannot help, the user must log in."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class TransientRefreshError(AuthError):
    """The token endpoint could not be reached or answered with a server error; retry later."""
