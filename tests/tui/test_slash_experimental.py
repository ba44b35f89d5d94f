"""/experimental in a real terminal, as 0.169's (tests/fixtures/tui_official_0169/
slash_experimental.txt, captured 2026-12-07): a checklist of the experimental-stage feature
flags, space toggles, Enter saves and Esc saves too; on writes `[features] NAME = true`, off
drops the key of a flag that is off by default (what `codex features enable|disable` write)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _run, _start
from tests.tui.test_tmux_e2e import COMPOSER
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FOOTER = "space toggle · enter save · esc save/close"


def _features(home: Path) -> dict[str, object]:
    return dict(tomllib.loads((home / "config.toml").read_text()).get("features", {}))


def _closed(pane: Pane) -> str:
    return pane.wait_for(lambda s: FOOTER not in s and COMPOSER in s)


def test_experimental_toggles_and_saves_feature_flags(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = (OFFICIAL / "slash_experimental.txt").read_text().splitlines()
    _start(pane, home, repo, mock_model_server)
    screen = _run(pane, "/experimental", FOOTER)
    lines = [line.rstrip() for line in screen.splitlines()]
    assert "  Experimental features" in lines and "  Experimental features" in official
    assert f"  {FOOTER}" in lines and f"  {FOOTER}" in official
    assert any(line.startswith("› [ ] Unified exec") for line in lines), screen
    assert "  [ ] Parallel tool calls" in screen  # codex-py's experimental-stage flags
    assert "Undo" not in screen  # (a stable flag is not listed)

    pane.keys("Space")  # unified_exec on
    pane.wait_text("› [x] Unified exec")
    pane.keys("Enter")
    _closed(pane)
    assert _features(home) == {"unified_exec": True}

    _run(pane, "/experimental", "› [x] Unified exec")  # the saved state
    pane.keys("Space", "Down", "Space")  # unified_exec off, the next flag on
    pane.wait_text("› [x] RMCP client")
    pane.keys("Escape")  # Esc saves too
    _closed(pane)
    assert _features(home) == {"rmcp_client": True}  # off (default off): the key is dropped
