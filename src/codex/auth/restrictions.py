"""`forced_login_method` and `forced_chatgpt_workspace_id`: refusing a login the admin disallowed,
and logging out stored credentials that violate the policy (at startup, as upstream)."""

from __future__ import annotations

from codex.auth import jwt
from codex.auth.errors import AuthError
from codex.auth.manager import AuthManager
from codex.auth.settings import AuthSettings
from codex.auth.storage import create_storage

API_LOGIN_DISABLED = "API key login is disabled. Use ChatGPT login instead."
CHATGPT_LOGIN_DISABLED = "ChatGPT login is disabled. Use API key login instead."


def check_login_method(method: str, forced: str | None) -> None:
    """`method` is "api" or "chatgpt"; raises AuthError when the other one is forced."""
    if forced is None or forced == method:
        return
    raise AuthError(API_LOGIN_DISABLED if method == "api" else CHATGPT_LOGIN_DISABLED)


def check_workspace(expected: tuple[str, ...] | None, id_token: str) -> None:
    """The id_token's chatgpt_account_id must be one of the allowed workspaces."""
    if not expected:
        return
    actual = jwt.auth_claims(id_token).get("chatgpt_account_id")
    if not isinstance(actual, str):
        raise AuthError(
            "Login is restricted to a specific workspace, but the token did not include "
            "a chatgpt_account_id claim."
        )
    if actual not in expected:
        raise AuthError(f"Login is restricted to workspace id(s) {', '.join(expected)}.")


def enforce_login_restrictions(
    auth_settings: AuthSettings, *, enable_codex_api_key_env: bool = False
) -> None:
    """Log out stored credentials that the configured policy forbids; raises AuthError saying so.
    Front ends call this once at startup, before the first request."""
    manager = AuthManager.from_settings(
        auth_settings, enable_codex_api_key_env=enable_codex_api_key_env
    )
    auth = manager.auth()
    if auth is None:
        return
    forced = auth_settings.forced_login_method
    message = None
    if forced == "api" and auth.is_chatgpt:
        message = "API key login is required, but ChatGPT is currently being used. Logging out."
    elif forced == "chatgpt" and auth.is_api_key:
        message = "ChatGPT login is required, but an API key is currently being used. Logging out."
    expected = auth_settings.forced_chatgpt_workspace_id
    if message is None and expected and auth.is_chatgpt:
        actual = auth.record.tokens.id_info.chatgpt_account_id if auth.record else None
        if actual is None:
            message = (
                f"Login is restricted to workspace(s) {', '.join(expected)}, but current "
                "credentials lack a workspace identifier. Logging out."
            )
        elif actual not in expected:
            message = (
                f"Login is restricted to workspace(s) {', '.join(expected)}, but current "
                f"credentials belong to {actual}. Logging out."
            )
    if message is None:
        return
    try:
        create_storage(auth_settings.codex_home, auth_settings.store_mode).delete()
    except AuthError as err:
        message = f"{message} Failed to remove stored credentials: {err}"
    raise AuthError(message)
