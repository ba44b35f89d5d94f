"""API-key login (`codex login --with-api-key`) and how a key is shown: never in full."""

from __future__ import annotations

from codex.auth.record import MODE_API_KEY, AuthRecord
from codex.auth.settings import AuthSettings
from codex.auth.storage import create_storage, locked


def mask_api_key(key: str) -> str:
    """The first 8 and last 5 characters around `***`; only `***` for keys of 13 chars or fewer."""
    if len(key) <= 13:
        return "***"
    return f"{key[:8]}***{key[-5:]}"


def login_with_api_key(auth_settings: AuthSettings, api_key: str) -> None:
    record = AuthRecord(auth_mode=MODE_API_KEY, openai_api_key=api_key)
    with locked(auth_settings.codex_home):
        create_storage(auth_settings.codex_home, auth_settings.store_mode).save(record)
