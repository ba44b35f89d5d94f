"""The ChatGPT browser login over the app-server, as 0.169 serves it: `account/login/start`
{type: chatgpt} starts a callback server on 127.0.0.1 (1455, 1457 when busy) and answers at
once with {type, loginId, authUrl}; the client opens authUrl; `account/login/completed` tells
how it ended. `account/login/cancel` stops a running attempt (`canceled`, then the completed
notification with success false) and answers `notFound` for one that ended or never was.

The wait for the browser runs on a daemon thread, so a login nobody finishes never holds the
server's exit (asyncio's default executor would wait for it)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.framing import Followed
from codex.app_server.notifications import note

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

# 0.169's words for a login that ends without the browser coming back (cancelled included).
NOT_COMPLETED = "Login server error: Login was not completed"


@dataclass(slots=True)
class _Login:
    flow: Any
    conn: Connection
    ended: bool = field(default=False)


# One server per process: the logins in flight, by loginId.
_LOGINS: dict[str, _Login] = {}


def _completed(login_id: str, error: str | None) -> dict[str, Any]:
    return note(
        "account/login/completed",
        {
            "loginId": login_id,
            "success": error is None,
            "error": error,
            "onboardingEntrypoint": None,
        },
    )


async def start_chatgpt(server: AppServer, conn: Connection) -> Any:
    from codex.api.credentials import (
        AuthError,
        AuthSettings,
        LoginFlow,
        LoginOptions,
        check_login_method,
        client_id,
        issuer,
    )

    settings = AuthSettings.from_config(server.load_config())
    try:
        check_login_method("chatgpt", settings.forced_login_method)
        opts = LoginOptions(auth_settings=settings, issuer=issuer(), client_id=client_id())
        flow = await asyncio.to_thread(LoginFlow, opts)  # binding may retry a busy port
    except AuthError as exc:
        raise errors.invalid_request(str(exc)) from None
    login_id = str(uuid.uuid4())
    login = _Login(flow, conn)
    _LOGINS[login_id] = login
    loop = asyncio.get_running_loop()
    threading.Thread(
        target=_wait, args=(login_id, login, loop), name="codex-login-wait", daemon=True
    ).start()
    return {"type": "chatgpt", "loginId": login_id, "authUrl": flow.auth_url}


def _wait(login_id: str, login: _Login, loop: asyncio.AbstractEventLoop) -> None:
    from codex.api.credentials import AuthError, LoginCancelled

    error: str | None = None
    try:
        login.flow.wait()
    except LoginCancelled:
        error = NOT_COMPLETED
    except AuthError as exc:
        error = f"Login server error: {exc}"
    with contextlib.suppress(RuntimeError):  # the loop is gone: the server has exited
        loop.call_soon_threadsafe(_finish, login_id, login, error)


def _finish(login_id: str, login: _Login, error: str | None) -> None:
    """On the loop: tell the client how a login it did not cancel ended."""
    if login.ended:
        return  # cancelled: the cancel's response carried the notification
    login.ended = True
    _LOGINS.pop(login_id, None)
    messages = [_completed(login_id, error)]
    if error is None:
        messages.append(note("account/updated", {"authMode": "chatgpt", "planType": None}))
    for message in messages:
        login.conn.send(message)


async def cancel(login_id: str) -> Any:
    try:
        uuid.UUID(login_id)
    except ValueError:
        raise errors.invalid_request(f"invalid login id: {login_id}") from None
    login = _LOGINS.pop(login_id, None)
    if login is None or login.ended:
        return {"status": "notFound"}
    login.ended = True
    login.flow.cancel()
    await asyncio.to_thread(login.flow.close)  # frees the callback port now
    return Followed({"status": "canceled"}, [_completed(login_id, NOT_COMPLETED)])
