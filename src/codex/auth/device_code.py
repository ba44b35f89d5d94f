"""Device-code login (`codex login --device-auth`) for machines without a browser: show a URL
and a one-time code, poll until the user approves elsewhere, then exchange as the browser flow
does (redirect_uri `{issuer}/deviceauth/callback`, no API-key exchange)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from codex import __version__
from codex.auth import oauth
from codex.auth.errors import AuthError
from codex.auth.login_server import LoginOptions
from codex.auth.persist import persist_chatgpt_login
from codex.auth.restrictions import check_workspace


def print_prompt(code: oauth.DeviceCode, out: TextIO) -> None:
    color = out.isatty()
    blue, gray, reset = ("\x1b[94m", "\x1b[90m", "\x1b[0m") if color else ("", "", "")
    out.write(
        f"\nCodex CLI [v{gray}{__version__}{reset}] - sign in with ChatGPT using a device code\n"
        f"\n1. Open this link in a browser and sign in:\n   {blue}{code.verification_url}{reset}\n"
        f"\n2. Enter this one-time code {gray}(expires in 15 minutes){reset}:\n"
        f"   {blue}{code.user_code}{reset}\n"
        f"\n{gray}Never share this code: device codes are a common phishing target.{reset}\n\n"
    )
    out.flush()


def run_device_code_login(
    opts: LoginOptions, out: TextIO | None = None, *, max_wait: float = oauth.DEVICE_CODE_MAX_WAIT
) -> None:
    code = request_device_code(opts)
    print_prompt(code, out or sys.stdout)
    complete_device_code_login(opts, code, max_wait=max_wait)


def request_device_code(opts: LoginOptions) -> oauth.DeviceCode:
    """The URL and one-time code to show (the first half of the flow, for callers that show
    them their own way: the in-process SDK's login handle)."""
    return oauth.request_device_code(opts.issuer, opts.client_id)


def complete_device_code_login(
    opts: LoginOptions,
    code: oauth.DeviceCode,
    *,
    max_wait: float = oauth.DEVICE_CODE_MAX_WAIT,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll until `code` is approved, exchange it and store the credentials. `sleep` waits
    between polls; one that raises (LoginCancelled) ends the flow with nothing stored."""
    grant = oauth.poll_device_code(opts.issuer, code, max_wait=max_wait, sleep=sleep)
    redirect_uri = f"{opts.issuer.rstrip('/')}/deviceauth/callback"
    try:
        tokens = oauth.exchange_code(
            opts.issuer, opts.client_id, redirect_uri, grant.code_verifier, grant.authorization_code
        )
    except AuthError as err:
        raise AuthError(f"device code exchange failed: {err}") from None
    check_workspace(opts.auth_settings.forced_chatgpt_workspace_id, tokens.id_token)
    persist_chatgpt_login(opts.auth_settings, tokens, api_key=None)
