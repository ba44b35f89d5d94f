"""The browser login: a one-shot HTTP server on 127.0.0.1 that receives the OAuth redirect.

Routes as upstream: /auth/callback (state check, code exchange with the PKCE verifier, workspace
check, best-effort API-key exchange, persist, 302 to /success), /success (done), /cancel (a newer
`codex login` asks this one to stop), anything else 404. Secrets never reach the log: requests are
logged by path only.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import logging
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from codex.auth import jwt, oauth, settings
from codex.auth.errors import AuthError, LoginCancelled
from codex.auth.persist import persist_chatgpt_login
from codex.auth.pkce import PkceCodes, generate_pkce, generate_state
from codex.auth.restrictions import check_workspace
from codex.auth.settings import AuthSettings
from codex.protocol.originator import DEFAULT_ORIGINATOR, resolve_originator

log = logging.getLogger("codex.auth")

SCOPE = "openid profile email offline_access api.connectors.read api.connectors.invoke"
BIND_ATTEMPTS = 10
BIND_ATTEMPTS_AFTER_CANCEL = 50
BIND_RETRY_DELAY = 0.2


@dataclass(frozen=True, slots=True)
class LoginOptions:
    auth_settings: AuthSettings
    issuer: str = settings.DEFAULT_ISSUER
    client_id: str = settings.CLIENT_ID
    port: int = settings.DEFAULT_PORT
    # Used when `port` stays busy; upstream falls back to 1457 only from the default port.
    fallback_port: int | None = None
    force_state: str | None = None
    # Who asks, for the authorize URL's `originator` (the TUI says codex-tui, `codex login`
    # codex_cli_rs); CODEX_INTERNAL_ORIGINATOR_OVERRIDE still wins.
    originator: str = DEFAULT_ORIGINATOR

    def effective_fallback(self) -> int | None:
        if self.fallback_port is not None:
            return self.fallback_port
        return settings.FALLBACK_PORT if self.port == settings.DEFAULT_PORT else None


def build_authorize_url(opts: LoginOptions, redirect_uri: str, pkce: PkceCodes, state: str) -> str:
    query = [
        ("response_type", "code"),
        ("client_id", opts.client_id),
        ("redirect_uri", redirect_uri),
        ("code_challenge", pkce.code_challenge),
        ("code_challenge_method", "S256"),
        ("state", state),
        ("scope", SCOPE),
        ("id_token_add_organizations", "true"),
        ("codex_cli_simplified_flow", "true"),
        ("originator", resolve_originator(opts.originator)),
    ]
    workspaces = opts.auth_settings.forced_chatgpt_workspace_id
    if workspaces:
        query.append(("allowed_workspace_id", ",".join(workspaces)))
    return f"{opts.issuer.rstrip('/')}/oauth/authorize?{urlencode(query)}"


def send_cancel(port: int) -> bool:
    """Ask whatever listens on the port to stop, the way a previous `codex login` understands.
    True when it answered that the login was cancelled (so the port is about to be free)."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(
            f"GET /cancel HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        sock.settimeout(2)
        reply = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(4096):
                reply += chunk
    return b"Login cancelled" in reply


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    flow: LoginFlow


def bind_login_server(port: int, fallback_port: int | None) -> _Server:
    """Bind 127.0.0.1:port. When busy: send /cancel once and retry 200 ms apart (10 times, or up
    to 10 s when a previous login answered that it is stopping), then try the fallback port the
    same way, then fail with a clear message."""
    candidates = [port] if fallback_port is None else [port, fallback_port]
    cancel_sent = False
    attempts = BIND_ATTEMPTS
    for candidate in candidates:
        attempt = 0
        while attempt < attempts:
            attempt += 1
            try:
                return _Server(("127.0.0.1", candidate), _Handler)
            except OSError as err:
                if not http_addr_in_use(err):
                    raise AuthError(f"could not start the login server: {err.strerror}") from None
            if not cancel_sent and candidate == port:
                cancel_sent = True
                try:
                    if send_cancel(port):
                        # A previous login agreed to stop: give it time to let go of the port
                        # even on a loaded machine (upstream waits 10 x 200 ms; we allow 10 s).
                        attempts = BIND_ATTEMPTS_AFTER_CANCEL
                except OSError as err:
                    log.warning("failed to cancel previous login server: %s", err)
            time.sleep(BIND_RETRY_DELAY)
        attempts = BIND_ATTEMPTS
        if candidate != candidates[-1]:
            log.warning(
                "login callback port %s is unavailable; falling back to port %s",
                candidate,
                candidates[-1],
            )
    raise AuthError(
        f"Port 127.0.0.1:{candidates[-1]} is already in use; stop the program using it "
        "or use `codex login --device-auth`"
    )


def http_addr_in_use(err: OSError) -> bool:
    import errno

    return err.errno == errno.EADDRINUSE


class LoginFlow:
    """One browser login: its server, its PKCE codes and state, and its outcome."""

    def __init__(self, opts: LoginOptions) -> None:
        self.opts = opts
        self.pkce = generate_pkce()
        self.state = opts.force_state or generate_state()
        self._server = bind_login_server(opts.port, opts.effective_fallback())
        self._server.flow = self
        self.port: int = self._server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{self.port}/auth/callback"
        self.auth_url = build_authorize_url(opts, self.redirect_uri, self.pkce, self.state)
        self._done = threading.Event()
        self._error: AuthError | None = None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
            name="codex-login-server",
            daemon=True,
        )
        self._thread.start()

    def finish(self, error: AuthError | None) -> None:
        if not self._done.is_set():
            self._error = error
            self._done.set()

    def cancel(self) -> None:
        self.finish(LoginCancelled("Login cancelled"))

    def wait(self, timeout: float | None = None) -> None:
        """Block until the flow ends; raises the flow's AuthError, if any."""
        try:
            if not self._done.wait(timeout):
                raise AuthError("Login was not completed")
        finally:
            self.close()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- request handling (called on the server's threads) ----------------------------------

    def handle_callback(
        self, params: dict[str, str]
    ) -> tuple[int, dict[str, str], str, AuthError | None]:
        """(status, headers, body, error that ends the flow). The caller ends the flow only after
        the response is written, so the browser always gets the whole error page."""
        state_valid = params.get("state") == self.state
        log.info(
            "received login callback: has_code=%s has_error=%s state_valid=%s",
            bool(params.get("code")),
            bool(params.get("error")),
            state_valid,
        )
        if not state_valid:
            return 400, {}, "State mismatch", None
        if params.get("error"):
            message = callback_error_message(params["error"], params.get("error_description"))
            return self._fail(message)
        code = params.get("code")
        if not code:
            return self._fail("Missing authorization code. Sign-in could not be completed.")
        opts = self.opts
        try:
            tokens = oauth.exchange_code(
                opts.issuer, opts.client_id, self.redirect_uri, self.pkce.code_verifier, code
            )
        except AuthError as err:
            return self._fail(f"Token exchange failed: {err}")
        try:
            check_workspace(opts.auth_settings.forced_chatgpt_workspace_id, tokens.id_token)
        except AuthError as err:
            return self._fail(str(err))
        try:
            api_key: str | None = oauth.obtain_api_key(opts.issuer, opts.client_id, tokens.id_token)
        except AuthError as err:
            log.info("api key exchange skipped: %s", err)
            api_key = None
        try:
            persist_chatgpt_login(opts.auth_settings, tokens, api_key)
        except AuthError as err:
            return self._fail(
                f"Sign-in completed but credentials could not be saved locally: {err}"
            )
        return 302, {"Location": self._success_url(tokens)}, "", None

    def _fail(self, message: str) -> tuple[int, dict[str, str], str, AuthError | None]:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        return 200, headers, error_page(message), AuthError(message)

    def _success_url(self, tokens: oauth.ExchangedTokens) -> str:
        claims = jwt.auth_claims(tokens.id_token)
        access_claims = jwt.auth_claims(tokens.access_token)
        needs_setup = claims.get("completed_platform_onboarding") is not True and (
            claims.get("is_org_owner") is True
        )
        platform = (
            "https://platform.openai.com"
            if self.opts.issuer.rstrip("/") == settings.DEFAULT_ISSUER
            else "https://platform.api.openai.org"
        )
        query = urlencode(
            [
                ("id_token", tokens.id_token),
                ("needs_setup", "true" if needs_setup else "false"),
                ("org_id", str(claims.get("organization_id") or "")),
                ("project_id", str(claims.get("project_id") or "")),
                ("plan_type", str(access_claims.get("chatgpt_plan_type") or "")),
                ("platform_url", platform),
            ]
        )
        return f"http://127.0.0.1:{self.port}/success?{query}"


def callback_error_message(code: str, description: str | None) -> str:
    if code == "access_denied" and "missing_codex_entitlement" in (description or "").lower():
        return (
            "Codex is not enabled for your workspace. Contact your workspace administrator "
            "to request access to Codex."
        )
    if description and description.strip():
        return f"Sign-in failed: {description.strip()}"
    return f"Sign-in failed: {code}"


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:40em;margin:4em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>"
    )


def success_page() -> str:
    return _page("Signed in to Codex", "You can close this tab and return to your terminal.")


def error_page(message: str) -> str:
    return _page("Sign-in could not be completed", message)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        # The default logs the request line, whose query holds the code and state.
        pass

    def do_GET(self) -> None:
        flow = self.server.flow
        parts = urlsplit(self.path)
        log.info("login server: GET %s", parts.path)
        if parts.path == "/auth/callback":
            params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            status, headers, body, error = flow.handle_callback(params)
            self._respond(status, headers, body)
            if error is not None:
                flow.finish(error)
        elif parts.path == "/success":
            self._respond(200, {"Content-Type": "text/html; charset=utf-8"}, success_page())
            flow.finish(None)
        elif parts.path == "/cancel":
            self._respond(200, {}, "Login cancelled")
            flow.cancel()
        else:
            self._respond(404, {}, "Not Found")

    def _respond(self, status: int, headers: dict[str, str], body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True
