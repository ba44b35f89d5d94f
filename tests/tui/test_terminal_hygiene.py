"""The terminal after the TUI ends badly, in tmux: an exception inside the app (a handler that
raises, injected by tests/tui/crash_entry.py) leaves the alternate screen, mouse reporting off
and the cursor shown, with the error printed; a terminal smaller than the TUI needs is one line,
exit 1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_tmux_e2e import CODEX, COMPOSER, env_for, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
ROOT = Path(__file__).resolve().parents[2]


def test_an_exception_in_the_app_restores_the_terminal(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    env = {**env_for(home), "PYTHONPATH": str(ROOT)}
    pane.start([sys.executable, "-m", "tests.tui.crash_entry"], cwd=repo, env=env)
    pane.wait_text(COMPOSER)
    assert pane.option("#{alternate_on}") == "1"
    pane.type("hello")
    pane.keys("Enter")
    screen = pane.wait_text("[exited")
    assert "induced failure in a message handler" in screen
    assert "[exited 0]" not in screen
    assert pane.option("#{alternate_on}") == "0"
    assert pane.option("#{mouse_any_flag}") == "0"
    assert pane.option("#{cursor_flag}") == "1"


def test_a_too_small_terminal_is_one_line(tmp_path: Path, home: Path, repo: Path) -> None:
    trusted_home(home, repo)
    pane = Pane(tmp_path / "small.sock", width=30, height=8)
    try:
        pane.start(CODEX, cwd=repo, env=env_for(home))
        screen = pane.wait_text("[exited")
    finally:
        pane.close()
    said = [line for line in screen.splitlines() if line.strip()]
    assert said[-1] == "[exited 1]"
    message = "".join(said[:-1])  # one line, wrapped by the 30-column pane
    assert message.startswith("codex: the terminal is too small (30x8); the TUI needs at least")
    assert "Traceback" not in message and len(message) < 90
