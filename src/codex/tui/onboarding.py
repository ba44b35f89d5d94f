"""Whether `codex` opens with the sign-in screen (codex.tui.signin): 0.169 shows it when the
active provider needs OpenAI credentials (the built-in `openai`, or a table with
`requires_openai_auth = true`) and none are stored. An `OPENAI_API_KEY` in the environment does
not count (0.169 shows the screen with one set), nor does `CODEX_API_KEY` (which only `exec`
honours).

The check runs on every start, after the first frame (codex.tui.startup), so it stays as cheap
as a `stat`: with the default file store it looks only at whether `auth.json` exists; only the
keyring stores (`cli_auth_credentials_store = "keyring" | "auto"`) need codex.auth to look.
Nothing of the screen itself is imported unless it is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def requires_openai_auth(config: Any) -> bool:
    """The provider `model_provider` names needs OpenAI credentials (the built-in `openai`
    always does; the other built-ins, local models, never)."""
    provider_id = str(getattr(config, "model_provider", None) or "openai")
    if provider_id == "openai":
        return True
    table = (getattr(config, "model_providers", None) or {}).get(provider_id)
    if table is None:
        return False
    if isinstance(table, dict):
        return bool(table.get("requires_openai_auth", False))
    return bool(getattr(table, "requires_openai_auth", False))


def has_stored_credentials(config: Any) -> bool:
    """Credentials a session would find in storage (an API key or a ChatGPT login)."""
    store = getattr(config, "cli_auth_credentials_store", None)
    mode = str(getattr(store, "value", store) or "file")
    home = Path(str(config.codex_home))
    if mode == "file":
        return (home / "auth.json").is_file()
    try:
        from codex.core.auth import AuthManager

        return AuthManager.from_config(config).auth() is not None
    except Exception:  # an unreadable keyring: the session reports it, no sign-in screen
        return True


def needs_signin(config: Any) -> bool:
    return requires_openai_auth(config) and not has_stored_credentials(config)
