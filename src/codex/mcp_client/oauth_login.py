"""`codex mcp login NAME`: the OAuth authorization-code flow (PKCE, dynamic client registration)
for a streamable-HTTP MCP server, done by the `mcp` SDK's `OAuthClientProvider`; this module adds
only what the SDK leaves to its caller, the way the official 0.169 CLI does it:

- the loopback callback: an HTTP listener on 127.0.0.1 (port `mcp_oauth_callback_port`, else
  any free one) at `/callback/<id>`, `<id>` being base64url of the first 9 bytes of sha256 of the
  server URL; it answers "Authentication complete. You may close this window.";
- the prompt on stdout ("Authorize `NAME` by opening this URL in your browser:" and the URL),
  a browser opened on it (a failed launch says so on stderr), a 300 s wait for the callback;
- the tokens saved in the credentials store (codex.mcp_client.oauth_store).

The flow starts the way a client meets it: an `initialize` POST that the server answers 401.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import sys
import time
from collections.abc import AsyncIterator
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

from codex.mcp_client.oauth_store import OAuthStore, StoredTokens

CALLBACK_TIMEOUT_SEC = 300.0
CLIENT_NAME = "Codex"
DONE_PAGE = b"Authentication complete. You may close this window."


class OAuthLoginError(Exception):
    """The flow failed; the message is the user's one line."""


def callback_id(server_url: str) -> str:
    """The per-server callback path segment (upstream: URL without its fragment)."""
    url = server_url.split("#", 1)[0]
    return base64.urlsafe_b64encode(hashlib.sha256(url.encode()).digest()[:9]).decode().rstrip("=")


class _Callback:
    """The loopback listener: resolves `result` with the first valid callback's query."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.result: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            target = head.split(b" ", 2)[1].decode("latin-1") if b" " in head else ""
            parts = urlsplit(target)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == self.path and "code" in query and "state" in query:
                status, body = "200 OK", DONE_PAGE
            elif parts.path == self.path and ("error" in query or "error_description" in query):
                status, body = "400 Bad Request", _provider_error(query).encode()
            else:
                status, body, query = "400 Bad Request", b"Invalid OAuth callback", {}
            writer.write(
                f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=UTF-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            if query and not self.result.done():
                self.result.set_result(query)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, IndexError):
            pass
        finally:
            writer.close()


PASTE_HINT = (
    "After signing in, copy the full URL from your browser's address bar.\n"
    "If the callback page cannot load, paste that URL here anyway.\n"
)


def _read_pasted(callback: _Callback, loop: asyncio.AbstractEventLoop) -> None:
    """`--no-browser`: a callback URL pasted on stdin answers like the loopback callback does
    (whichever comes first); a closed stdin leaves the loopback to answer. A daemon thread: a
    blocked read must not keep the process alive after the login."""
    import threading

    def read() -> None:
        line = sys.stdin.readline()
        sys.stderr.write("\n")
        query = {k: v[0] for k, v in parse_qs(urlsplit(line.strip()).query).items()}
        if query and ("code" in query or "error" in query):
            loop.call_soon_threadsafe(_settle, callback, query)

    threading.Thread(target=read, name="oauth-paste", daemon=True).start()


def _settle(callback: _Callback, query: dict[str, str]) -> None:
    if not callback.result.done():
        callback.result.set_result(query)


def _provider_error(query: dict[str, str]) -> str:
    error, description = query.get("error"), query.get("error_description")
    if error and description:
        return f"OAuth provider returned `{error}`: {description}"
    if error:
        return f"OAuth provider returned `{error}`"
    return f"OAuth error: {description}"


@contextlib.asynccontextmanager
async def _listening(port: int | None, path: str) -> AsyncIterator[tuple[_Callback, int]]:
    callback = _Callback(path)
    server = await asyncio.start_server(callback.handle, "127.0.0.1", port or 0)
    try:
        yield callback, server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


class _MemoryStorage:
    """The SDK's TokenStorage for one login: what the flow obtained, saved by us at the end."""

    def __init__(self) -> None:
        self.tokens: Any = None
        self.client_info: Any = None

    async def get_tokens(self) -> Any:
        return self.tokens

    async def set_tokens(self, tokens: Any) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> Any:
        return self.client_info

    async def set_client_info(self, client_info: Any) -> None:
        self.client_info = client_info


def _open_browser(url: str) -> bool:
    try:
        import webbrowser

        return bool(webbrowser.open(url))
    except Exception:
        return False


async def login(
    name: str,
    url: str,
    store: OAuthStore,
    *,
    scopes: list[str],
    headers: dict[str, str],
    callback_port: int | None = None,
    open_browser: bool = True,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    timeout: float = CALLBACK_TIMEOUT_SEC,
) -> None:
    import httpx2
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import OAuthClientMetadata

    path = f"/callback/{callback_id(url)}"
    async with _listening(callback_port, path) as (callback, port):
        redirect_uri = f"http://127.0.0.1:{port}{path}"

        async def redirect(auth_url: str) -> None:
            if not open_browser:  # --no-browser: the official's words, then a pasted URL
                out.write(
                    "Authorize the MCP server by opening this URL in your browser:\n"
                    f"{auth_url}\n\n{PASTE_HINT}"
                )
                out.flush()
                err.write("Callback URL (input hidden): ")
                err.flush()
                _read_pasted(callback, asyncio.get_running_loop())
                return
            out.write(f"Authorize `{name}` by opening this URL in your browser:\n{auth_url}\n\n")
            out.flush()
            if not _open_browser(auth_url):
                err.write("(Browser launch failed; please copy the URL above manually.)\n")
                err.flush()

        async def wait_for_code() -> Any:
            from mcp.client.auth import AuthorizationCodeResult

            try:
                query = await asyncio.wait_for(asyncio.shield(callback.result), timeout)
            except TimeoutError:
                raise OAuthLoginError("timed out waiting for OAuth callback") from None
            if "code" not in query:
                raise OAuthLoginError(_provider_error(query))
            return AuthorizationCodeResult(
                code=query["code"], state=query.get("state"), iss=query.get("iss")
            )

        storage = _MemoryStorage()
        metadata = OAuthClientMetadata(
            client_name=CLIENT_NAME,
            redirect_uris=[redirect_uri],  # type: ignore[list-item]
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
            scope=" ".join(scopes) or None,
        )
        provider = OAuthClientProvider(
            server_url=url,
            client_metadata=metadata,
            storage=storage,
            redirect_handler=redirect,
            callback_handler=wait_for_code,
        )
        started = time.time()
        try:
            async with httpx2.AsyncClient(auth=provider, headers=headers, timeout=30.0) as http:
                await http.post(
                    url,
                    json=_initialize_request(),
                    headers={"accept": "application/json, text/event-stream"},
                )
        except OAuthLoginError:
            raise
        except Exception as exc:
            raise OAuthLoginError(_describe(exc)) from None
    tokens, client = storage.tokens, storage.client_info
    if tokens is None or client is None:
        raise OAuthLoginError(f"the MCP server at {url} did not ask for OAuth (no tokens issued)")
    expires_at = (
        int((started + tokens.expires_in) * 1000) if tokens.expires_in is not None else None
    )
    issuer = None
    meta = getattr(provider.context, "oauth_metadata", None)
    if meta is not None and getattr(meta, "issuer", None):
        issuer = str(meta.issuer).rstrip("/")
    store.save(
        StoredTokens(
            server_name=name,
            url=url,
            client_id=str(client.client_id),
            access_token=tokens.access_token,
            token_type=tokens.token_type or "Bearer",
            refresh_token=tokens.refresh_token,
            expires_at=expires_at,
            scopes=(tokens.scope or "").split(),
            issuer=issuer,
        )
    )


DISCOVERY_TIMEOUT_SEC = 5.0


async def discover(url: str, headers: dict[str, str]) -> bool:
    """Whether the server advertises OAuth: an authorization-server metadata document found
    through its protected-resource metadata (RFC 9728) or at the server's origin (RFC 8414).
    False also when the probe fails: the official then says the server "may or may not
    require login"."""
    import httpx2

    parts = urlsplit(url)
    origin, path = f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")
    async with httpx2.AsyncClient(headers=headers, timeout=DISCOVERY_TIMEOUT_SEC) as http:

        async def document(address: str) -> dict[str, Any] | None:
            try:
                response = await http.get(address)
                body = response.json() if response.status_code == 200 else None
            except Exception:
                return None
            return body if isinstance(body, dict) else None

        issuers = [origin]
        for candidate in (f"/.well-known/oauth-protected-resource{path}", ""):
            resource = await document(origin + candidate) if candidate else None
            if resource and isinstance(resource.get("authorization_servers"), list):
                issuers = [str(a).rstrip("/") for a in resource["authorization_servers"]] + issuers
                break
        for issuer in issuers:
            at = urlsplit(issuer)
            base = f"{at.scheme}://{at.netloc}/.well-known/oauth-authorization-server"
            for address in dict.fromkeys([base + at.path.rstrip("/"), base, base + path]):
                meta = await document(address)
                if meta and meta.get("authorization_endpoint") and meta.get("token_endpoint"):
                    return True
    return False


class _StoreStorage:
    """The SDK's TokenStorage over the credentials store, for a session's connection: the SDK
    refreshes an expired token with the stored refresh token and we save what it got."""

    def __init__(self, name: str, url: str, store: OAuthStore, stored: StoredTokens) -> None:
        self.name, self.url, self.store, self.stored = name, url, store, stored

    async def get_tokens(self) -> Any:
        from mcp.shared.auth import OAuthToken

        s = self.stored
        expires_in = None
        if s.expires_at is not None:
            expires_in = max(0, int((s.expires_at - time.time() * 1000) / 1000))
        return OAuthToken(
            access_token=s.access_token,
            token_type="Bearer",
            expires_in=expires_in,
            refresh_token=s.refresh_token,
            scope=" ".join(s.scopes) or None,
        )

    async def set_tokens(self, tokens: Any) -> None:
        s = self.stored
        s.access_token = tokens.access_token
        s.refresh_token = tokens.refresh_token or s.refresh_token
        if tokens.expires_in is not None:
            s.expires_at = int((time.time() + tokens.expires_in) * 1000)
        if tokens.scope:
            s.scopes = tokens.scope.split()
        with contextlib.suppress(Exception):  # a store that fails keeps the session's tokens
            self.store.save(s)

    async def get_client_info(self) -> Any:
        from mcp.shared.auth import OAuthClientInformationFull

        return OAuthClientInformationFull(
            client_id=self.stored.client_id,
            redirect_uris=["http://127.0.0.1/callback"],  # type: ignore[list-item]
            token_endpoint_auth_method="none",
        )

    async def set_client_info(self, client_info: Any) -> None:
        return None


def stored_auth(name: str, url: str, store: OAuthStore) -> Any:
    """An httpx2 auth sending the tokens `codex mcp login` stored (refreshed when due), or None
    when there are none. Never starts an interactive login: a server that wants one fails to
    start, reported once like any failed server."""
    try:
        stored = store.load(name, url)
    except Exception:
        return None
    if stored is None or not stored.access_token:
        return None
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import OAuthClientMetadata

    metadata = OAuthClientMetadata(
        client_name=CLIENT_NAME,
        redirect_uris=["http://127.0.0.1/callback"],  # type: ignore[list-item]
        grant_types=["authorization_code", "refresh_token"],
        token_endpoint_auth_method="none",
        scope=" ".join(stored.scopes) or None,
    )
    return OAuthClientProvider(
        server_url=url, client_metadata=metadata, storage=_StoreStorage(name, url, store, stored)
    )


def _initialize_request() -> dict[str, Any]:
    from codex import __version__

    return {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "codex-mcp-client", "version": __version__},
        },
    }


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return _describe(exc.exceptions[0])
    return str(exc) or type(exc).__name__
