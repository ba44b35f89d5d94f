"""Pasting into the composer, through Textual's pilot (a Paste event, as a terminal's bracketed
paste becomes) and through tmux (`paste-buffer -p`, a real bracketed paste): a paste is
inserted once (Composer._on_paste and TextArea's own handler both inserted it), and a pasted
CR or CRLF becomes LF, in the large-paste placeholder's text too, as 0.169 does."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_pilot import until
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SIZE = (100, 32)


def _sent(server: MockModelServer, n: int = 0) -> str:
    return str(server.requests[n].json["input"][-1]["content"][0]["text"])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("pasted", "shown"),
    [("single line", "single line"), ("a\nb", "a\nb"), ("a\r\nb\rc", "a\nb\nc")],
)
async def test_a_paste_is_inserted_once(
    make_app: Callable[..., Any], pasted: str, shown: str
) -> None:
    from textual import events

    from codex.tui.widgets import Composer

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        composer = app.query_one(Composer)
        composer.focus()
        await pilot.press("x")
        composer.post_message(events.Paste(pasted))
        await until(pilot, lambda: composer.text != "x")
        await pilot.press("y")  # after the paste: the cursor is at its end
        await until(pilot, lambda: composer.text.endswith("y"))
        assert composer.text == "x" + shown + "y"
        await app.shutdown()


@pytest.mark.anyio
async def test_a_large_paste_turns_cr_into_lf(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    from textual import events

    from codex.tui.widgets import Composer

    mock_model_server.enqueue(Turn([Message("got it")], USAGE))
    lines = [f"line {i} " + "x" * 20 for i in range(100)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        composer = app.query_one(Composer)
        composer.post_message(events.Paste("\r".join(lines)))
        total = len("\n".join(lines))
        await until(pilot, lambda: composer.text == f"[Pasted Content {total} chars]")
        await pilot.press("enter")
        await until(pilot, lambda: len(mock_model_server.requests) == 1)
        assert _sent(mock_model_server) == "\n".join(lines)
        await app.shutdown()


pytestmark_tmux = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")


def _paste(pane: Pane, tmp_path: Path, text: str) -> None:
    """A bracketed paste of `text` into the pane (tmux turns LF into CR, as terminals do)."""
    source = tmp_path / "paste.txt"
    source.write_text(text)
    tmux = ["tmux", "-S", pane.socket]
    subprocess.run([*tmux, "load-buffer", "-b", "p", str(source)], check=True)
    subprocess.run([*tmux, "paste-buffer", "-p", "-d", "-b", "p", "-t", "e2e"], check=True)


@pytestmark_tmux
def test_tmux_bracketed_paste_small_and_large(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(Turn([Message("first reply")], USAGE))
    mock_model_server.enqueue(Turn([Message("second reply")], USAGE))
    pane = Pane(tmp_path / "tmux.sock")
    try:
        launch(pane, home, repo)
        pane.wait_text(COMPOSER)
        _paste(pane, tmp_path, "single line")
        pane.type("!")  # typed after the paste lands behind it, in order
        screen = pane.wait_text("single line!")
        assert "single linesingle line" not in screen
        pane.keys("Enter")
        pane.wait_text("first reply")
        assert _sent(mock_model_server) == "single line!"
        big = "\n".join(f"line {i} " + "x" * 20 for i in range(100))
        _paste(pane, tmp_path, big)
        pane.wait_text(f"[Pasted Content {len(big)} chars]")
        pane.keys("Enter")
        pane.wait_text("second reply")
        sent = _sent(mock_model_server, 1)
        assert "\r" not in sent and sent == big
    finally:
        pane.close()
