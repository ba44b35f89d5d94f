"""Screens worded as 0.169's (captured from its TUI in tmux into tests/fixtures/tui_official_0169/):
the trust prompt for a new git repository, and the keyboard-shortcuts overlay that `?` opens on
an empty composer (ours showed the older trust wording, and `?` only typed a "?")."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_tmux_e2e import CODEX, COMPOSER, env_for, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
STALE_SIZE = {"COLUMNS": "80", "LINES": "24"}
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"


def _trimmed(screen: str) -> list[str]:
    lines = [line.rstrip() for line in screen.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_trust_prompt_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """The same screen, line for line at 100 columns, but for the second choice: 0.169's goes
    back to its agent command center, which this TUI does not have, so ours quits. Launched with
    a stale exported $COLUMNS/$LINES: the terminal's own size is used (Textual preferred the
    variables and laid the screen out 80 wide)."""
    expected = (OFFICIAL / "trust_prompt.txt").read_text().replace("{cwd}", str(repo))
    expected = expected.replace("2. Back to Agent Command Center", "2. Quit")
    expected = expected.replace("esc back", "esc quit")
    pane.start(CODEX, cwd=repo, env={**env_for(home), **STALE_SIZE})
    pane.wait_text("esc quit")
    # the settled screen (a capture can land between two paints under load); wait_for fails
    # with the last screen if it never matches
    screen = pane.wait_for(lambda s: _trimmed(s) == _trimmed(expected), deadline=10.0)
    assert _trimmed(screen) == _trimmed(expected), screen
    pane.keys("Escape")
    pane.wait_text("[exited")
    assert "trust_level" not in (home / "config.toml").read_text()


def test_question_mark_toggles_the_shortcuts_overlay(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = (OFFICIAL / "shortcuts_overlay.txt").read_text().splitlines()
    trusted_home(home, repo)
    launch(pane, home, repo)
    pane.wait_text("? for shortcuts")
    pane.type("?")
    # the whole overlay, footer included (a capture can land between two paints under load)
    screen = pane.wait_for(lambda s: "Keyboard shortcuts" in s and "? / esc close" in s)
    lines = screen.splitlines()
    assert "  Keyboard shortcuts" in lines and official[0] == "  Keyboard shortcuts"
    assert official[2] == "  Compose                       Session"
    assert "  Compose                       Session" in lines
    # The compose keys this TUI has, each in 0.169's columns and words.
    for key in ("/", "@", "^j"):
        left = next(line[:32] for line in official if line.startswith(f"  {key} "))
        assert any(line.startswith(left) for line in lines), left
    assert "  ^c             Quit" in "\n".join(official)
    assert any(line.rstrip().endswith("^c             Quit") for line in lines)
    assert "? / esc close" in screen and COMPOSER in screen
    pane.type("?")  # toggles it off
    screen = pane.wait_for(lambda s: "Keyboard shortcuts" not in s and "? for shortcuts" in s)
    pane.type("?")
    pane.wait_text("Keyboard shortcuts")
    pane.keys("Escape")  # closes it too
    pane.wait_for(lambda s: "Keyboard shortcuts" not in s and "? for shortcuts" in s)
    pane.type("why?")  # after text, `?` is a character
    screen = pane.wait_text("why?")
    assert "Keyboard shortcuts" not in screen
