"""An OAuth-protected streamable-HTTP MCP server built from the `mcp` SDK (its authorization
server and bearer-token middleware) for the `codex mcp login`/`logout` tests.

It is its own authorization server: metadata discovery, dynamic client registration, PKCE,
authorization codes and tokens, all in memory. `/authorize` approves at once (no login page):
it redirects straight back to the client's callback with a code, so a test can "click through"
the browser step with one HTTP GET. The tool `whoami` answers only with a valid bearer token.

    python -m tests.mcp.peers.oauth_server PORT
"""

from __future__ import annotations

import secrets
import sys
import time
from typing import Any


def build(port: int) -> Any:
    from mcp.server.auth.provider import (
        AccessToken,
        AuthorizationCode,
        AuthorizationParams,
        RefreshToken,
        construct_redirect_uri,
    )
    from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions
    from mcp.server.mcpserver import MCPServer
    from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

    class Provider:
        """In-memory authorization server that approves every request."""

        def __init__(self) -> None:
            self.clients: dict[str, OAuthClientInformationFull] = {}
            self.codes: dict[str, AuthorizationCode] = {}
            self.tokens: dict[str, AccessToken] = {}
            self.refresh: dict[str, RefreshToken] = {}

        async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
            return self.clients.get(client_id)

        async def register_client(self, client_info: OAuthClientInformationFull) -> None:
            assert client_info.client_id is not None
            self.clients[client_info.client_id] = client_info

        async def authorize(
            self, client: OAuthClientInformationFull, params: AuthorizationParams
        ) -> str:
            code = secrets.token_urlsafe(16)
            self.codes[code] = AuthorizationCode(
                code=code,
                scopes=params.scopes or [],
                expires_at=time.time() + 300,
                client_id=str(client.client_id),
                code_challenge=params.code_challenge,
                redirect_uri=params.redirect_uri,
                redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
                resource=params.resource,
            )
            return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

        async def load_authorization_code(
            self, client: OAuthClientInformationFull, authorization_code: str
        ) -> AuthorizationCode | None:
            return self.codes.get(authorization_code)

        async def exchange_authorization_code(
            self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
        ) -> OAuthToken:
            self.codes.pop(authorization_code.code, None)
            return self._issue(str(client.client_id), authorization_code.scopes)

        def _issue(self, client_id: str, scopes: list[str]) -> OAuthToken:
            access, refresh = "at-" + secrets.token_hex(8), "rt-" + secrets.token_hex(8)
            self.tokens[access] = AccessToken(
                token=access, client_id=client_id, scopes=scopes, expires_at=int(time.time()) + 3600
            )
            self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes)
            return OAuthToken(
                access_token=access,
                token_type="Bearer",
                expires_in=3600,
                refresh_token=refresh,
                scope=" ".join(scopes) or None,
            )

        async def load_refresh_token(
            self, client: OAuthClientInformationFull, refresh_token: str
        ) -> RefreshToken | None:
            return self.refresh.get(refresh_token)

        async def exchange_refresh_token(
            self,
            client: OAuthClientInformationFull,
            refresh_token: RefreshToken,
            scopes: list[str],
        ) -> OAuthToken:
            self.refresh.pop(refresh_token.token, None)
            return self._issue(str(client.client_id), scopes or refresh_token.scopes)

        async def load_access_token(self, token: str) -> AccessToken | None:
            return self.tokens.get(token)

        async def revoke_token(self, token: Any) -> None:
            self.tokens.pop(getattr(token, "token", ""), None)

    base = f"http://127.0.0.1:{port}"
    server = MCPServer(
        "oauth-peer",
        auth_server_provider=Provider(),  # type: ignore[arg-type]
        auth=AuthSettings(
            issuer_url=base,  # type: ignore[arg-type]
            resource_server_url=f"{base}/mcp",  # type: ignore[arg-type]
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=["mcp"], default_scopes=["mcp"]
            ),
            required_scopes=["mcp"],
        ),
    )

    @server.tool(description="Says who the caller's token belongs to.")
    def whoami() -> str:
        return "authorized"

    return server


def main() -> None:
    port = int(sys.argv[1])
    print(f"oauth peer on {port}", file=sys.stderr, flush=True)
    build(port).run("streamable-http", host="127.0.0.1", port=port)


if __name__ == "__main__":
    main()
