"""Models and credentials for `AsyncCodex` / `Codex`: `models()`, `account()`, `login_api_key()`,
`login_chatgpt()` (the browser flow with its live handle), `logout()`. They act on the client's
CODEX_HOME exactly as `codex login` / `codex logout` do (codex.api.credentials), and the model list
is core's catalog (what the official 0.169 CLI lists), so nothing is asked of a server.

Credential calls do blocking file (and keyring) I/O; the async client runs them in a worker thread
so a login never stalls the threads running in the same loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codex.sdk.errors import invalid_request
from codex.sdk.responses import (
    AccountLoginCompletedNotification,
    ApiKeyAccount,
    CancelLoginAccountResponse,
    CancelLoginAccountStatus,
    ChatgptAccount,
    GetAccountResponse,
    Model,
    ModelListResponse,
    ReasoningEffortOption,
)

if TYPE_CHECKING:
    from codex.api import Config

__all__ = [
    "AsyncChatgptLoginHandle",
    "AsyncDeviceCodeLoginHandle",
    "account",
    "login_api_key",
    "logout",
    "model_list",
    "start_chatgpt_login",
    "start_device_code_login",
]


def model_list(*, include_hidden: bool = False) -> ModelListResponse:
    """Core's model catalog as the official `ModelListResponse` (one page: it is short)."""
    from codex.core.model_catalog import EFFORT_DESCRIPTIONS, MODELS

    data = [
        Model(
            id=m.slug,
            model=m.slug,
            display_name=m.display_name,
            description=m.description,
            hidden=False,
            is_default=index == 0,
            default_reasoning_effort=m.default_effort,
            supported_reasoning_efforts=[
                ReasoningEffortOption(e, EFFORT_DESCRIPTIONS.get(e, "")) for e in m.efforts
            ],
        )
        for index, m in enumerate(MODELS)
    ]
    return ModelListResponse(data)


def account(config: Config) -> GetAccountResponse:
    """Who is signed in, read from the stored credentials (no network, no refresh)."""
    from codex.api.credentials import AuthManager

    provider = config.model_providers.get(str(config.model_provider))
    requires = bool(getattr(provider, "requires_openai_auth", False))
    auth = AuthManager.from_config(config).auth()
    found: ApiKeyAccount | ChatgptAccount | None = None
    if auth is not None:
        if auth.is_chatgpt:
            found = ChatgptAccount(email=auth.email, plan_type=auth.plan_type or "unknown")
        else:
            found = ApiKeyAccount()
    return GetAccountResponse(found, requires)


def login_api_key(config: Config, api_key: str) -> None:
    """Store `api_key` as `codex login --with-api-key` does (forced_login_method honoured)."""
    from codex.api.credentials import AuthError, AuthSettings, check_login_method
    from codex.api.credentials import login_with_api_key as store

    settings = AuthSettings.from_config(config)
    try:
        check_login_method("api", settings.forced_login_method)
        store(settings, api_key)
    except AuthError as exc:
        raise invalid_request(str(exc)) from None


def logout(config: Config) -> None:
    """Delete the stored credentials (no token revocation: the official `account/logout` does
    not revoke either)."""
    from codex.api.credentials import AuthError, AuthManager

    try:
        AuthManager.from_config(config).logout(revoke=False)
    except AuthError as exc:
        raise invalid_request(str(exc)) from None


def _login_options(config: Config, method: str, port: int | None = None) -> Any:
    from codex.api.credentials import (
        AuthError,
        AuthSettings,
        LoginOptions,
        check_login_method,
        client_id,
        issuer,
    )

    settings = AuthSettings.from_config(config)
    try:
        check_login_method(method, settings.forced_login_method)
    except AuthError as exc:
        raise invalid_request(str(exc)) from None
    opts = LoginOptions(auth_settings=settings, issuer=issuer(), client_id=client_id())
    return opts if port is None else dataclasses.replace(opts, port=port)


def start_device_code_login(config: Config) -> tuple[Any, Any]:
    """(login options, device code): the code is asked of the issuer now; completing the login
    (polling until the user approves it elsewhere) is the handle's `wait()`."""
    from codex.api.credentials import AuthError, request_device_code

    opts = _login_options(config, "chatgpt")
    try:
        return opts, request_device_code(opts)
    except AuthError as exc:
        raise invalid_request(str(exc)) from None


def start_chatgpt_login(config: Config, port: int) -> Any:
    """A running browser login (codex.api.credentials.LoginFlow): its callback server listens
    on 127.0.0.1:`port` until the browser comes back, or `cancel()`."""
    from codex.api.credentials import AuthError, LoginFlow

    opts = _login_options(config, "chatgpt", port)
    try:
        return LoginFlow(opts)
    except AuthError as exc:
        raise invalid_request(str(exc)) from None


@dataclass(slots=True)
class AsyncChatgptLoginHandle:
    """A live browser login (`await codex.login_chatgpt()`): open `auth_url` in a browser, then
    `await wait()`; `await cancel()` gives up."""

    _flow: Any = field(repr=False)
    login_id: str
    auth_url: str
    _ended: bool = field(default=False, repr=False)

    async def wait(self) -> AccountLoginCompletedNotification:
        """How the attempt ended; the credentials are stored when it succeeded."""
        from codex.api.credentials import AuthError

        try:
            await asyncio.to_thread(self._flow.wait)
        except AuthError as exc:
            return AccountLoginCompletedNotification(False, self.login_id, str(exc))
        finally:
            self._ended = True
        return AccountLoginCompletedNotification(True, self.login_id, None)

    async def cancel(self) -> CancelLoginAccountResponse:
        """Stop the attempt (its `wait()` then reports it cancelled); `notFound` once it ended."""
        if self._ended:
            return CancelLoginAccountResponse(CancelLoginAccountStatus.not_found)
        self._flow.cancel()
        await asyncio.to_thread(self._flow.close)  # frees the callback port now
        self._ended = True
        return CancelLoginAccountResponse(CancelLoginAccountStatus.canceled)


@dataclass(slots=True)
class AsyncDeviceCodeLoginHandle:
    """A live device-code login (`await codex.login_chatgpt_device_code()`): show the user
    `verification_url` and `user_code`, then `await wait()` while they approve it elsewhere."""

    _opts: Any = field(repr=False)
    _code: Any = field(repr=False)
    login_id: str
    verification_url: str
    user_code: str
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)
    _ended: bool = field(default=False, repr=False)

    def _sleep(self, seconds: float) -> None:
        """The pause between polls; a cancel ends it at once and the flow with it."""
        from codex.api.credentials import LoginCancelled

        if self._cancelled.wait(seconds):
            raise LoginCancelled("Login cancelled")

    async def wait(self) -> AccountLoginCompletedNotification:
        """How the attempt ended; the credentials are stored when it succeeded."""
        from codex.api.credentials import AuthError, complete_device_code_login

        try:
            self._sleep(0)  # cancelled before anyone waited
            await asyncio.to_thread(
                complete_device_code_login, self._opts, self._code, sleep=self._sleep
            )
        except AuthError as exc:
            return AccountLoginCompletedNotification(False, self.login_id, str(exc))
        finally:
            self._ended = True
        return AccountLoginCompletedNotification(True, self.login_id, None)

    async def cancel(self) -> CancelLoginAccountResponse:
        """Stop the attempt: nothing is stored, `wait()` reports it cancelled."""
        if self._ended or self._cancelled.is_set():
            return CancelLoginAccountResponse(CancelLoginAccountStatus.not_found)
        self._cancelled.set()
        return CancelLoginAccountResponse(CancelLoginAccountStatus.canceled)
