"""Ctrl-C and Ctrl-D in a real terminal (tmux), as 0.169 (checked in tmux against its binary):
Ctrl-C on an empty composer with no turn running quits at once (ours asked "ctrl + c again to
quit" first); Ctrl-C on typed text clears it; Ctrl-D on an empty composer quits, on typed text
does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")


def test_ctrl_c_on_an_empty_idle_composer_quits_at_once(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)
    pane.type("draft")
    pane.wait_text("draft")
    pane.keys("C-c")  # typed text: cleared, the app stays
    pane.wait_text(COMPOSER)
    assert "[exited" not in pane.capture()
    pane.keys("C-c")
    screen = pane.wait_text("[exited 0]")
    assert "again to quit" not in screen


def test_ctrl_d_quits_only_on_an_empty_composer(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)
    pane.type("keep me")
    pane.keys("C-d")
    pane.type("!")  # handled after the Ctrl-D: the app is still there and the text intact
    pane.wait_text("keep me!")
    pane.keys("C-c")  # clears the text
    pane.wait_text(COMPOSER)
    pane.keys("C-d")
    pane.wait_text("[exited 0]")
