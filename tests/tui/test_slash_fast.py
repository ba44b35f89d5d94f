"""/fast in a real terminal (tmux) against the loopback mock, as 0.169's TUI does it
(tests/fixtures/tui_official_0169/slash_notes.md): the first /fast says
"• Service tier set to priority", writes top-level `service_tier = "fast"` to config.toml, marks
the status line "… default Fast" and the next request carries `"service_tier": "priority"`; the
second says "… set to default", writes `service_tier = "default"`, and requests carry no tier.
A TUI started with `service_tier = "fast"` shows Fast from the start."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _ask, _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")


def _top_level_tier(home: Path) -> object:
    return tomllib.loads((home / "config.toml").read_text()).get("service_tier")


def test_fast_toggles_the_priority_tier(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    _start(pane, home, repo, mock_model_server, "fast answer", "default answer")
    assert "Fast" not in pane.capture()
    _run(pane, "/fast", "• Service tier set to priority")
    pane.wait_text("gpt-5.5 default Fast")
    assert _top_level_tier(home) == "fast"
    _ask(pane, "quick", "fast answer")
    assert mock_model_server.requests[-1].json["service_tier"] == "priority"

    _run(pane, "/fast", "• Service tier set to default")
    # The status line repaints on its own after the notice: wait for it, do not race it.
    pane.wait_for(lambda s: "gpt-5.5 default" in s and "gpt-5.5 default Fast" not in s)
    assert _top_level_tier(home) == "default"
    _ask(pane, "slow", "default answer")
    assert "service_tier" not in mock_model_server.requests[-1].json


def test_a_configured_fast_tier_shows_from_the_start(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    config = home / "config.toml"
    config.write_text('service_tier = "fast"\n' + config.read_text())
    _start(pane, home, repo, mock_model_server, "answer")
    pane.wait_text("gpt-5.5 default Fast")
    _ask(pane, "hi", "answer")
    assert mock_model_server.requests[-1].json["service_tier"] == "priority"
