"""The sign-in screen `codex` opens with when the provider needs OpenAI credentials and none are
stored (codex.tui.onboarding decides), worded and laid out as 0.169's (its screens are in
tests/fixtures/tui_official_0169/signin_*.txt):

- "Sign in with ChatGPT": the browser flow of `codex login` (codex.auth's LoginFlow: PKCE, the
  callback server on 127.0.0.1:1455), its URL shown on screen (`c` copies it); the screen
  closes once the callback stored the tokens. Esc cancels the flow and goes back.
- "Sign in with Device Code": the device-code flow of `codex login --device-auth`, its link and
  one-time code on screen. Esc cancels.
- "Sign in another way" → "Use an OpenAI API key": an input line; Enter stores the key as
  `codex login --with-api-key` does (auth.json, 0600). Unlike 0.169 the key is masked as it is
  typed (a pasted secret is not left on the screen).

`forced_login_method` hides the choices it forbids. The screen is dismissed with True once
credentials are stored; the app then goes on (trust prompt, session) as if they had been there.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

# 0.169's words.
WELCOME_HEAD = "Welcome to "
WELCOME_TAIL = ", OpenAI's command-line coding agent"
MENU_TITLE = "Choose how you want to use Codex."
CHATGPT = ("Sign in with ChatGPT", "Usage included with Plus, Pro, Business, and Enterprise plans")
DEVICE = ("Sign in with Device Code", "Sign in from another device with a one-time code")
ANOTHER = ("Sign in another way", "Use an API key or another provider")
API_KEY = ("Use an OpenAI API key", "Pay for what you use")
BEDROCK = ("Use Amazon Bedrock", "Connect using your AWS credentials")
API_KEY_TITLE = "Use your own OpenAI API key for usage-based billing"
API_KEY_HINT = "Paste or type your API key below."
API_KEY_PLACEHOLDER = "Paste or type your API key"
BROWSER_TITLE = "Finish signing in via your browser"
BROWSER_COPY = "If the link doesn't open automatically, press c to copy it:"
BROWSER_HEADLESS = "On a remote or headless machine? Press esc and choose Sign in with Device Code."
BEDROCK_MISSING = "Amazon Bedrock is not available in this build; use an API key or ChatGPT."
KEY_FIELD_GAP = 5  # blank lines between the hint and the key's box, as 0.169 lays it out


def _welcome() -> Text:
    text = Text("  " + WELCOME_HEAD)
    text.append("Codex", style="bold")
    text.append(WELCOME_TAIL + "\n\n")
    return text


def _press(key: str, then: str) -> Text:
    text = Text("  Press ", style="dim")
    text.append(key, style="bold")
    text.append(f" {then}\n", style="dim")
    return text


class SignInScreen(ModalScreen[bool]):
    """Dismissed with True once credentials are stored."""

    DEFAULT_CSS = """
    SignInScreen { background: $background; align: left top; }
    SignInScreen > Vertical { height: auto; }
    SignInScreen #signin-body { height: auto; }
    SignInScreen #signin-key { height: auto; display: none; }
    SignInScreen .edge { height: 1; }
    SignInScreen #key-row { height: 1; }
    SignInScreen .side { width: 1; height: 1; }
    SignInScreen Input { height: 1; border: none; padding: 0; width: 1fr; background: $background; }
    SignInScreen Input:focus { border: none; }
    SignInScreen #signin-foot { height: auto; margin-top: 1; }
    SignInScreen #signin-foot.under-box { margin-top: 0; }
    """

    def __init__(self, config: Any, *, login_port: int | None = None) -> None:
        super().__init__()
        self.config = config
        self.login_port = login_port  # None: 1455 as `codex login` (tests pass 0: any port)
        self.mode = "menu"  # menu | another | api_key | browser | device
        self.index = 0
        self.error = ""
        self.url = ""
        self.device: Any = None  # the device code being shown
        self._flow: Any = None  # the browser flow while it waits
        self._cancelled = False
        forced = getattr(config, "forced_login_method", None)
        forced = str(getattr(forced, "value", forced) or "")
        self.menu = [c for c in (CHATGPT, DEVICE) if forced != "api"]
        if forced != "chatgpt":
            self.menu.append(ANOTHER)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="signin-body")
            with Vertical(id="signin-key"):
                yield Static(id="key-top", classes="edge")
                with Horizontal(id="key-row"):
                    yield Static("│", classes="side")
                    yield Input(
                        placeholder=API_KEY_PLACEHOLDER,
                        password=True,
                        id="key-input",
                        disabled=True,
                    )
                    yield Static("│", classes="side")
                yield Static(id="key-bottom", classes="edge")
            yield Static(id="signin-foot")

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    # ---- drawing --------------------------------------------------------------------------

    def _choices(self) -> list[tuple[str, str]]:
        return self.menu if self.mode == "menu" else [API_KEY, BEDROCK]

    def _draw(self) -> None:
        body = _welcome()
        foot = Text()
        key_box = self.query_one("#signin-key")
        key_box.display = self.mode == "api_key"
        # (disabled elsewhere: nothing else takes focus, so it would take every key)
        self.query_one("#key-input", Input).disabled = self.mode != "api_key"
        if self.mode in ("menu", "another"):
            title = MENU_TITLE if self.mode == "menu" else ANOTHER[0]
            body.append(f"  {title}\n\n")
            for i, (label, description) in enumerate(self._choices()):
                if i == self.index:
                    body.append(f"> {i + 1}. ", style="dim cyan")
                    body.append(f"{label}\n", style="cyan")
                else:
                    body.append(f"  {i + 1}. {label}\n")
                body.append(f"     {description}\n\n", style="dim")
            foot.append_text(_press("enter", "to continue"))
            if self.mode == "another":
                foot.append_text(_press("esc", "to go back"))
        elif self.mode == "api_key":
            body.append("> ", style="cyan")
            body.append(f"{API_KEY_TITLE}\n\n", style="bold")
            body.append(f"  {API_KEY_HINT}")
            width = max(self.size.width, 10)
            label = "API key"
            self.query_one("#key-top", Static).update(
                Text("╭" + label + "─" * (width - len(label) - 2) + "╮", style="cyan")
            )
            self.query_one("#key-bottom", Static).update(
                Text("╰" + "─" * (width - 2) + "╯", style="cyan")
            )
            foot.append_text(_press("enter", "to save"))
            foot.append_text(_press("esc", "to go back"))
        elif self.mode == "browser":
            body.append(f"  {BROWSER_TITLE}\n\n")
            body.append(f"  {BROWSER_COPY}\n\n")
            body.append_text(self._folded(self.url, style="cyan underline"))
            body.append(f"\n  {BROWSER_HEADLESS}\n\n", style="dim")
            foot.append_text(_press("esc", "to cancel"))
        elif self.mode == "device":
            body.append("  Sign in with ChatGPT using a device code\n\n")
            code = self.device
            if code is None:
                body.append("  Requesting a one-time code...\n", style="dim")
            else:
                body.append("  1. Open this link in a browser and sign in:\n")
                body.append(f"     {code.verification_url}\n\n", style="cyan")
                body.append("  2. Enter this one-time code ")
                body.append("(expires in 15 minutes)", style="dim")
                body.append(":\n")
                body.append(f"     {code.user_code}\n\n", style="bold cyan")
                body.append(
                    "  Never share this code: device codes are a common phishing target.\n",
                    style="dim",
                )
            body.append("\n")
            foot.append_text(_press("esc", "to cancel"))
        if self.error:
            foot.append(f"\n  {self.error}\n", style="red")
        body.rstrip()
        if self.mode == "api_key":
            body.append("\n" * KEY_FIELD_GAP)  # (the box sits lower, as 0.169's)
        self.query_one("#signin-body", Static).update(body)
        foot.rstrip()
        footer = self.query_one("#signin-foot", Static)
        footer.set_class(self.mode == "api_key", "under-box")
        footer.update(foot)

    def _folded(self, url: str, style: str) -> Text:
        """The URL cut at the screen's width, its first line indented, as 0.169 prints it (a
        terminal's selection then copies it whole)."""
        width = max(self.size.width, 20)
        lines = [url[: width - 2]]
        rest = url[width - 2 :]
        while rest:
            lines.append(rest[:width])
            rest = rest[width:]
        text = Text("  ")
        text.append("\n".join(lines), style=style)
        text.append("\n")
        return text

    # ---- keys -----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        key = event.key
        handled = True
        if key == "escape":
            self._back()
        elif self.mode in ("menu", "another"):
            count = len(self._choices())
            if key in ("up", "k", "ctrl+p"):
                self.index = (self.index - 1) % count
                self._draw()
            elif key in ("down", "j", "ctrl+n"):
                self.index = (self.index + 1) % count
                self._draw()
            elif key == "enter":
                self._choose(self.index)
            elif key.isdigit() and 1 <= int(key) <= count:
                self.index = int(key) - 1
                self._choose(self.index)
            else:
                handled = False
        elif self.mode == "browser" and key == "c":
            self.app.copy_to_clipboard(self.url)
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()

    def _back(self) -> None:
        if self.mode == "browser" and self._flow is not None:
            self._cancelled = True
            self._flow.cancel()  # the waiting worker ends with LoginCancelled
        elif self.mode == "device":
            self._cancelled = True
        if self.mode == "api_key":
            self.query_one("#key-input", Input).value = ""
            self.set_focus(None)
            self.mode, self.index = "another", 0
        elif self.mode == "menu":
            return
        else:
            self.mode, self.index = "menu", 0
        self.error = ""
        self._draw()

    def _choose(self, index: int) -> None:
        self.error = ""
        choice = self._choices()[index]
        if choice == ANOTHER:
            self.mode, self.index = "another", 0
        elif choice == API_KEY:
            self.mode = "api_key"
            self._draw()
            self.query_one("#key-input", Input).focus()
            return
        elif choice == BEDROCK:
            self.error = BEDROCK_MISSING
        elif choice == CHATGPT:
            self.run_worker(self._browser_login(), group="signin", exclusive=True)
            return
        elif choice == DEVICE:
            self.run_worker(self._device_login(), group="signin", exclusive=True)
            return
        self._draw()

    # ---- the flows ------------------------------------------------------------------------

    def _options(self) -> Any:
        from codex.api import credentials as auth
        from codex.protocol.originator import TUI_ORIGINATOR

        port = auth.DEFAULT_PORT if self.login_port is None else self.login_port
        return auth.LoginOptions(
            auth_settings=auth.AuthSettings.from_config(self.config),
            issuer=auth.issuer(None),
            client_id=auth.client_id(None),
            port=port,
            originator=TUI_ORIGINATOR,  # 0.169's TUI sign-in URL says originator=codex-tui
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key = event.value.strip()
        if not key:
            return
        from codex.api.credentials import (
            AuthError,
            AuthSettings,
            check_login_method,
            login_with_api_key,
        )

        settings = AuthSettings.from_config(self.config)
        try:
            check_login_method("api", settings.forced_login_method)
            login_with_api_key(settings, key)
        except AuthError as err:
            self.error = str(err)
            self._draw()
            return
        self.dismiss(True)

    async def _browser_login(self) -> None:
        from codex.api.credentials import AuthError, LoginCancelled, LoginFlow

        self._cancelled = False
        try:
            flow = await asyncio.to_thread(LoginFlow, self._options())
        except (AuthError, OSError) as err:
            self._fail(f"Could not start the login server: {err}")
            return
        self._flow, self.url, self.mode = flow, flow.auth_url, "browser"
        self._draw()
        _open_browser(flow.auth_url)
        try:
            await asyncio.to_thread(flow.wait)
        except LoginCancelled:
            return  # Esc: the menu is already back
        except AuthError as err:
            if not self._cancelled:
                self._fail(str(err))
            return
        finally:
            self._flow = None
        if not self._cancelled:
            self.dismiss(True)

    async def _device_login(self) -> None:
        from codex.api.credentials import (
            AuthError,
            LoginCancelled,
            complete_device_code_login,
            request_device_code,
        )

        self._cancelled, self.device, self.mode = False, None, "device"
        self._draw()
        opts = self._options()
        cancelled = self._is_cancelled

        def wait(seconds: float) -> None:
            # Polls between requests; Esc ends the flow at the next one, nothing stored.
            import time

            end = time.monotonic() + seconds
            while time.monotonic() < end:
                if cancelled():
                    raise LoginCancelled("Login cancelled")
                time.sleep(min(0.1, max(0.0, end - time.monotonic())))

        try:
            code = await asyncio.to_thread(request_device_code, opts)
            if self._cancelled:
                return
            self.device = code
            self._draw()
            await asyncio.to_thread(complete_device_code_login, opts, code, sleep=wait)
        except LoginCancelled:
            return
        except AuthError as err:
            if not self._cancelled:
                self._fail(str(err))
            return
        if not self._cancelled:
            self.dismiss(True)

    def _is_cancelled(self) -> bool:
        return self._cancelled

    def _fail(self, message: str) -> None:
        self.mode, self.index, self.error = "menu", 0, message
        self._draw()

    def on_unmount(self) -> None:
        if self._flow is not None:
            self._cancelled = True
            with contextlib.suppress(Exception):
                self._flow.cancel()


def _open_browser(url: str) -> None:
    """A graphical browser, when one can plausibly open (never a text browser in this
    terminal: on Linux only with a display)."""
    import os
    import sys

    if sys.platform not in ("darwin", "win32") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return
    import webbrowser

    with contextlib.suppress(Exception):  # the URL is on screen either way
        webbrowser.open(url)
