"""The auth-relevant slice of the validated Config, plus the endpoint overrides tests and
non-production issuers need. Reading Config through this one place keeps auth independent of how
config spells optional values (enum or string, one workspace id or a list)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codex._dataclass import dataclass

DEFAULT_ISSUER = "https://auth.openai.com"
CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
DEFAULT_PORT = 1455
# The second redirect URI registered for the CLI; used when 1455 stays busy (upstream behaviour).
FALLBACK_PORT = 1457

# Upstream's names for the overrides (app-server login issuer/client id, refresh/revoke URLs).
ISSUER_ENV = "CODEX_APP_SERVER_LOGIN_ISSUER"
CLIENT_ID_ENV = "CODEX_APP_SERVER_LOGIN_CLIENT_ID"
REFRESH_URL_ENV = "CODEX_REFRESH_TOKEN_URL_OVERRIDE"
REVOKE_URL_ENV = "CODEX_REVOKE_TOKEN_URL_OVERRIDE"
CODEX_API_KEY_ENV = "CODEX_API_KEY"
OPENAI_API_KEY_ENV = "OPENAI_API_KEY"


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def read_env_key(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """An API key from the environment: trimmed, None when unset or blank (upstream's rule)."""
    value = _env(environ).get(name, "").strip()
    return value or None


def issuer(override: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    return (override or _env(environ).get(ISSUER_ENV) or DEFAULT_ISSUER).rstrip("/")


def client_id(override: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    return override or _env(environ).get(CLIENT_ID_ENV) or CLIENT_ID


def refresh_token_url(environ: Mapping[str, str] | None = None) -> str:
    env = _env(environ)
    if env.get(REFRESH_URL_ENV):
        return env[REFRESH_URL_ENV]
    return f"{issuer(environ=env)}/oauth/token"


def revoke_token_url(environ: Mapping[str, str] | None = None) -> str:
    """The revoke override, else the refresh override's origin + /oauth/revoke, else the issuer."""
    env = _env(environ)
    if env.get(REVOKE_URL_ENV):
        return env[REVOKE_URL_ENV]
    if env.get(REFRESH_URL_ENV):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(env[REFRESH_URL_ENV])
        if parts.scheme and parts.netloc:
            return urlunsplit((parts.scheme, parts.netloc, "/oauth/revoke", "", ""))
    return f"{issuer(environ=env)}/oauth/revoke"


def _workspace_ids(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        ids = [part.strip() for part in value.split(",")]
    else:
        ids = [str(part).strip() for part in value]  # type: ignore[union-attr]
    ids = [part for part in ids if part]
    return tuple(ids) or None


def _enum_value(value: object) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


@dataclass(frozen=True, slots=True)
class AuthSettings:
    codex_home: Path
    store_mode: str = "file"
    forced_login_method: str | None = None  # "chatgpt" | "api"
    forced_chatgpt_workspace_id: tuple[str, ...] | None = None

    @classmethod
    def from_config(cls, config: object) -> AuthSettings:
        """From codex.config.Config (attributes named as the TOML keys)."""
        return cls.create(
            codex_home=Path(config.codex_home),  # type: ignore[attr-defined]
            store_mode=getattr(config, "cli_auth_credentials_store", None),
            forced_login_method=getattr(config, "forced_login_method", None),
            forced_chatgpt_workspace_id=getattr(config, "forced_chatgpt_workspace_id", None),
        )

    @classmethod
    def create(
        cls,
        codex_home: Path,
        store_mode: object = None,
        forced_login_method: object = None,
        forced_chatgpt_workspace_id: object = None,
    ) -> AuthSettings:
        return cls(
            codex_home=Path(codex_home),
            store_mode=_enum_value(store_mode) or "file",
            forced_login_method=_enum_value(forced_login_method),
            forced_chatgpt_workspace_id=_workspace_ids(forced_chatgpt_workspace_id),
        )
