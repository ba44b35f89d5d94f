"""OAuth for streamable-HTTP MCP servers, for the CLI's `codex mcp login`/`logout`/`list`: the
front end reaches the MCP client's OAuth (codex.mcp_client.oauth_login, .oauth_store) through
core, as the layering asks (front ends import core, never the MCP client). Failures are one-line
CodexErrors."""

from __future__ import annotations

from typing import Any

from codex.errors import CodexError


def _store(config: Any) -> Any:
    from codex.mcp_client.oauth_store import OAuthStore

    return OAuthStore(config.codex_home, config.mcp_oauth_credentials_store)


def login(
    config: Any, name: str, server: Any, *, scopes: list[str], open_browser: bool = True
) -> None:
    """Run the browser flow for `server` (a `[mcp_servers.<name>]` table with a `url`) and store
    the tokens; prints the official CLI's prompt on stdout."""
    import asyncio

    from codex.mcp_client.manager import http_headers
    from codex.mcp_client.oauth_login import OAuthLoginError
    from codex.mcp_client.oauth_login import login as run_login
    from codex.mcp_client.oauth_store import OAuthStoreError

    try:
        asyncio.run(
            run_login(
                name,
                server.url,
                _store(config),
                scopes=scopes,
                headers=http_headers(server, bearer=False),
                callback_port=getattr(config, "mcp_oauth_callback_port", None),
                open_browser=open_browser,
            )
        )
    except (OAuthLoginError, OAuthStoreError) as err:
        raise CodexError(str(err)) from None


def login_after_add(config: Any, name: str, server: Any) -> None:
    """What the official `codex mcp add NAME --url URL` does after writing the entry (no
    `--bearer-token-env-var`): probe for OAuth; when the server advertises it, log in now."""
    import asyncio
    import sys

    from codex.mcp_client.manager import http_headers
    from codex.mcp_client.oauth_login import discover

    if not asyncio.run(discover(server.url, http_headers(server, bearer=False))):
        sys.stdout.write(
            f"MCP server may or may not require login. Run `codex mcp login {name}` to login.\n"
        )
        return
    sys.stdout.write("Detected OAuth support. Starting OAuth flow…\n")
    sys.stdout.flush()
    login(config, name, server, scopes=[])
    sys.stdout.write("Successfully logged in.\n")


def logout(config: Any, name: str, url: str) -> bool:
    """Remove the stored tokens; whether there were any."""
    from codex.mcp_client.oauth_store import OAuthStoreError

    try:
        return bool(_store(config).delete(name, url))
    except OAuthStoreError as err:
        raise CodexError(f"failed to delete OAuth credentials: {err}") from None


def has_tokens(config: Any, name: str, url: str) -> bool:
    """Whether tokens are stored for the server (an unreadable store counts as none)."""
    try:
        return _store(config).load(name, url) is not None
    except Exception:
        return False
