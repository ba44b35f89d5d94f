"""Credentials as front ends see them: the names `codex login` / `codex logout` need from
codex.auth (re-exported lazily, so importing this module costs nothing until a name is used),
and the two decisions every session-starting front end makes: which credentials the session
uses, and whether `forced_login_method` / `forced_chatgpt_workspace_id` allow it to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.auth.access_token import login_with_access_token
    from codex.auth.api_key import login_with_api_key, mask_api_key
    from codex.auth.device_code import (
        complete_device_code_login,
        request_device_code,
        run_device_code_login,
    )
    from codex.auth.errors import AuthError, LoginCancelled
    from codex.auth.login_server import LoginFlow, LoginOptions
    from codex.auth.manager import AuthManager
    from codex.auth.restrictions import check_login_method
    from codex.auth.settings import DEFAULT_PORT, AuthSettings, client_id, issuer
    from codex.config import Config

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
    "login_with_access_token",
    "login_with_api_key",
    "mask_api_key",
    "request_device_code",
    "run_device_code_login",
    "session_auth",
]

_LAZY = {
    "AuthError": "codex.auth.errors",
    "LoginCancelled": "codex.auth.errors",
    "AuthManager": "codex.auth.manager",
    "AuthSettings": "codex.auth.settings",
    "DEFAULT_PORT": "codex.auth.settings",
    "issuer": "codex.auth.settings",
    "client_id": "codex.auth.settings",
    "login_with_access_token": "codex.auth.access_token",
    "login_with_api_key": "codex.auth.api_key",
    "mask_api_key": "codex.auth.api_key",
    "check_login_method": "codex.auth.restrictions",
    "LoginOptions": "codex.auth.login_server",
    "LoginFlow": "codex.auth.login_server",
    "run_device_code_login": "codex.auth.device_code",
    "request_device_code": "codex.auth.device_code",
    "complete_device_code_login": "codex.auth.device_code",
}

__getattr__ = lazy_exports(globals(), _LAZY)


def session_auth(config: Config, *, enable_codex_api_key_env: bool) -> AuthManager | None:
    """The AuthManager a session uses, or None when the storage cannot be read (the provider's
    env keys still work then). `enable_codex_api_key_env`: honour `CODEX_API_KEY` (exec does,
    whatever originator an embedding SDK announces; the TS SDK passes its `apiKey` that way)."""
    try:
        from codex.auth import AuthManager

        return AuthManager.from_config(config, enable_codex_api_key_env=enable_codex_api_key_env)
    except Exception:  # unreadable storage: env keys of the provider still work
        return None


def enforce_login_restrictions(config: Config, *, enable_codex_api_key_env: bool) -> None:
    """`forced_login_method` / `forced_chatgpt_workspace_id`: refuse (CodexError, exit 1) like
    upstream."""
    if not (config.forced_login_method or config.forced_chatgpt_workspace_id):
        return
    from codex.auth.errors import AuthError
    from codex.auth.restrictions import enforce_login_restrictions as enforce
    from codex.auth.settings import AuthSettings
    from codex.errors import CodexError

    try:
        enforce(AuthSettings.from_config(config), enable_codex_api_key_env=enable_codex_api_key_env)
    except AuthError as err:
        raise CodexError(str(err)) from None
