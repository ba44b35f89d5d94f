"""/copy in a real terminal (tmux), as 0.169 does it (tests/fixtures/tui_official_0169/
slash_copy_done.txt): with no answer yet "• Nothing to copy"; else a selector at the bottom
("Copy whole response", `↑/↓/j/k select · g/G ends · enter copy · esc close`), Enter writes the
response to the terminal as OSC 52 (inside tmux wrapped in tmux's passthrough DCS, the bytes
0.169 wrote there: ESC P tmux; ESC ESC ]52;c;BASE64 BEL ESC \\) and shows "Copy sent to
terminal · paste to verify"; Esc closes it."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_slash_thread import _ask, _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)


def _osc52(text: str) -> bytes:
    payload = base64.b64encode(text.encode()).decode()
    return f"\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\".encode()


def test_copy_sends_the_chosen_response_with_osc52(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    official = (OFFICIAL / "slash_copy_done.txt").read_text()
    _start(pane, home, repo, mock_model_server, "older answer")
    mock_model_server.enqueue(Turn([Message("newest answer\n\n```sh\necho ü\n```")], USAGE))
    _run(pane, "/copy", "• Nothing to copy")
    _ask(pane, "one", "older answer")
    _ask(pane, "two", "newest answer")
    out = tmp_path / "pane.out"
    pane.pipe_output(out)
    pane.type("/copy")
    pane.keys("Enter")
    footer = "↑/↓/j/k select · g/G ends · enter copy · esc close"
    screen = pane.wait_text(footer)
    assert footer in official and "Copy whole response" in official
    assert "Copy whole response" in screen
    pane.keys("Enter")  # the newest one first
    sent = "Copy sent to terminal · paste to verify"
    assert sent in official
    pane.wait_text(sent)
    pane.wait_for(lambda _: _osc52("newest answer\n\n```sh\necho ü\n```") in out.read_bytes())
    pane.keys("k")  # the one before
    pane.keys("Enter")
    pane.wait_for(lambda _: _osc52("older answer") in out.read_bytes())
    pane.keys("Escape")
    pane.wait_for(lambda s: footer not in s and "? for shortcuts" in s)
