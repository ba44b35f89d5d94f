"""The sign-in screen `codex` opens with when the provider needs OpenAI credentials and none are
stored (0.169's onboarding, captured into tests/fixtures/tui_official_0169/signin_*.txt): its
pages line for line as 0.169's at 100 columns, an API key typed there stored as `codex login
--with-api-key` stores it and then used for the conversation, the ChatGPT browser flow's
callback server started and closed again by Esc, and no screen at all when a key is stored."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.tmux import Pane, tmux_path

OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
CODEX = [sys.executable, "-m", "codex"]
COMPOSER = "Ask Codex to do anything"
USAGE = Usage(input_tokens=10, cached_input_tokens=0, output_tokens=3)
KEY = "sk-signin-test-0123456789"
# A provider that, like the built-in `openai`, takes the stored OpenAI credentials.
OPENAI_AUTH = "requires_openai_auth = true\n"
needs_tmux = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")


def _auth_home(tmp_path: Path, server: MockModelServer, repo: Path) -> Path:
    """A CODEX_HOME with no credentials whose provider (the mock, without an env key) needs
    OpenAI auth; the repository already trusted, so the sign-in screen is the only dialog."""
    home = tmp_path / "codex-home"
    write_mock_config(home, server.base_url)
    text = (home / "config.toml").read_text().replace('env_key = "MOCK_KEY"\n', OPENAI_AUTH)
    text += f'\n[projects."{repo}"]\ntrust_level = "trusted"\n'
    (home / "config.toml").write_text(text)
    return home


def _env(home: Path) -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "LANG") if k in os.environ}
    return {**keep, "HOME": str(home), "CODEX_HOME": str(home), "TERM": "xterm-256color"}


def _lines(screen: str) -> list[str]:
    lines = [line.rstrip() for line in screen.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


# ---- the decision ---------------------------------------------------------------------------


def _config(home: Path, provider: str = "openai", **tables: Any) -> Any:
    return SimpleNamespace(
        codex_home=home,
        model_provider=provider,
        model_providers=tables,
        cli_auth_credentials_store="file",
    )


def test_needs_signin_only_without_stored_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codex.tui.onboarding import needs_signin

    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")  # 0.169 shows the screen with it set
    assert needs_signin(_config(tmp_path))
    assert needs_signin(_config(tmp_path, "mock", mock={"requires_openai_auth": True}))
    assert not needs_signin(_config(tmp_path, "mock", mock={"env_key": "MOCK_KEY"}))
    assert not needs_signin(_config(tmp_path, "ollama"))  # a local model: no OpenAI auth
    (tmp_path / "auth.json").write_text('{"auth_mode": "apikey", "OPENAI_API_KEY": "k"}')
    assert not needs_signin(_config(tmp_path))


# ---- in tmux, against the mock ----------------------------------------------------------------


@needs_tmux
def test_signin_pages_as_0169_then_api_key_used(
    pane: Pane, tmp_path: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    home = _auth_home(tmp_path, mock_model_server, repo)
    mock_model_server.enqueue(Turn([Message("signed in reply", ["signed ", "in reply"])], USAGE))
    pane.start(CODEX, cwd=repo, env=_env(home))
    screen = pane.wait_text("Press enter to continue")
    assert _lines(screen) == _lines((OFFICIAL / "signin_welcome.txt").read_text()), screen
    pane.keys("Down", "Down", "Enter")  # 3. Sign in another way
    screen = pane.wait_text("Use Amazon Bedrock")
    assert _lines(screen) == _lines((OFFICIAL / "signin_another_way.txt").read_text()), screen
    pane.keys("Escape")  # back to the first page, and in again by its number
    pane.wait_text("Choose how you want to use Codex.")
    pane.type("3")
    pane.wait_text("Use Amazon Bedrock")
    pane.keys("Enter")  # 1. Use an OpenAI API key
    screen = pane.wait_text("Press enter to save")
    assert _lines(screen) == _lines((OFFICIAL / "signin_api_key.txt").read_text()), screen
    pane.type(KEY)
    screen = pane.wait_text("•" * len(KEY))
    assert KEY not in screen  # masked (0.169 shows it)
    pane.keys("Enter")
    pane.wait_text(COMPOSER)
    auth = home / "auth.json"
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600
    assert orjson.loads(auth.read_bytes()) == {"auth_mode": "apikey", "OPENAI_API_KEY": KEY}
    pane.type("hello")
    pane.keys("Enter")
    pane.wait_for(lambda s: "signed in reply" in s and "esc to interrupt" not in s)  # (as below)
    assert mock_model_server.single_request().header("authorization") == f"Bearer {KEY}"
    pane.keys("C-c")
    pane.wait_text("[exited")


@needs_tmux
def test_no_signin_screen_with_a_stored_key(
    pane: Pane, tmp_path: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    home = _auth_home(tmp_path, mock_model_server, repo)
    login = subprocess.run(
        [*CODEX, "login", "--with-api-key"], input=KEY, env=_env(home), capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    mock_model_server.enqueue(Turn([Message("straight in", ["straight ", "in"])], USAGE))
    pane.start(CODEX, cwd=repo, env=_env(home))
    pane.wait_text(COMPOSER)
    pane.type("hello")
    pane.keys("Enter")
    # The session ran (no dialog stood in the way) and its turn ended: the answer shows before the
    # turn's end is handled, and a Ctrl-C in between interrupts the turn instead of quitting.
    screen = pane.wait_for(lambda s: "straight in" in s and "esc to interrupt" not in s)
    assert "Welcome to Codex" not in screen
    assert mock_model_server.single_request().header("authorization") == f"Bearer {KEY}"
    pane.keys("C-c")
    pane.wait_text("[exited")


# ---- the ChatGPT browser flow (its real callback server, on a free port) ----------------------


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_chatgpt_choice_serves_the_callback_until_esc(tmp_path: Path) -> None:
    from textual.app import App

    from codex.tui.signin import SignInScreen

    config = SimpleNamespace(codex_home=tmp_path, forced_login_method=None)
    screen = SignInScreen(config, login_port=0)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async def run() -> None:
        app = Host()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("1")
            for _ in range(500):
                if screen.mode == "browser":
                    break
                await asyncio.sleep(0.01)
            assert screen.mode == "browser"
            port = screen._flow.port
            assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fauth%2Fcallback" in screen.url
            socket.create_connection(("127.0.0.1", port), timeout=5).close()  # it listens
            await pilot.press("escape")
            for _ in range(500):
                if screen._flow is None:
                    break
                await asyncio.sleep(0.01)
            assert screen.mode == "menu" and screen._flow is None
            assert _refused(port)
            assert not (tmp_path / "auth.json").exists()

    asyncio.run(run())
