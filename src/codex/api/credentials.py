"""Credentials for programs and the `codex login` / `codex logout` commands: the stored
credentials (`AuthManager`), API-key and ChatGPT logins (browser flow, device code), and the
`forced_login_method` check. Resolved on first use from codex.core.auth (which owns the
decisions a session makes about credentials: `session_auth`, `enforce_login_restrictions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.core.auth import (
        DEFAULT_PORT,
        AuthError,
        AuthManager,
        AuthSettings,
        LoginCancelled,
        LoginFlow,
        LoginOptions,
        check_login_method,
        client_id,
        complete_device_code_login,
        enforce_login_restrictions,
        issuer,
        login_with_api_key,
        mask_api_key,
        request_device_code,
        run_device_code_login,
        session_auth,
    )

__all__ = [
    "DEFAULT_PORT",
    "AuthError",
    "AuthManager",
    "AuthSettings",
    "LoginCancelled",
    "LoginFlow",
    "LoginOptions",
    "check_login_method",
    "client_id",
    "complete_device_code_login",
    "enforce_login_restrictions",
    "issuer",
    "login_with_api_key",
    "mask_api_key",
    "request_device_code",
    "run_device_code_login",
    "session_auth",
]

__getattr__ = lazy_exports(globals(), dict.fromkeys(__all__, "codex.core.auth"))
