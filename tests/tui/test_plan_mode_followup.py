"""A thread resumed in Plan mode stays in Plan mode in the TUI: the footer shows
`Plan mode (shift+tab to cycle)` again (0.169's footer text, tests/fixtures/plan_mode_official.json
"tui") and the next turn runs in Plan without announcing the mode to the model again; a thread
left in Default resumes without the footer's mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.tui.test_plan_mode import FOOTER, OFFICIAL
from tests.tui.test_tmux_e2e import CODEX, env_for, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

from codex.core.modes import OPEN_TAG

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")


def _first_session(
    tmp_path: Path, home: Path, repo: Path, mock: MockModelServer, plan: bool
) -> None:
    first = Pane(tmp_path / "first.sock")
    try:
        first.width = 160  # (the status line is cut to the width; the session's part must show)
        first.start([*CODEX], cwd=repo, env=env_for(home))
        first.wait_text("workspace-write/")  # the session is configured
        if plan:
            first.keys("BTab")
            first.wait_text(FOOTER)
        first.type("remember the tulips")
        first.keys("Enter")
        first.wait_text("first answer")
        first.keys("C-d")
        first.wait_text("[exited 0]")
    finally:
        first.close()


def _mode_parts(mock: MockModelServer, index: int) -> int:
    return sum(
        part.get("text", "").startswith(OPEN_TAG)
        for item in mock.requests[index].input()
        if item.get("role") == "developer"
        for part in item.get("content") or []
    )


@pytest.mark.parametrize("plan", [True, False])
def test_resume_restores_the_mode(
    pane: Pane,
    home: Path,
    repo: Path,
    mock_model_server: MockModelServer,
    tmp_path: Path,
    plan: bool,
) -> None:
    assert FOOTER in OFFICIAL["shift_tab_1"]
    trusted_home(home, repo)
    mock_model_server.repeat(Turn([Message("first answer")]))
    _first_session(tmp_path, home, repo, mock_model_server, plan)
    asked = len(mock_model_server.requests)
    launch(pane, home, repo, "resume", "--last")
    screen = pane.wait_text("remember the tulips")
    screen = pane.wait_text("? for shortcuts")
    assert (FOOTER in screen) is plan
    pane.type("go on")
    pane.keys("Enter")
    pane.wait_for(lambda s: s.count("first answer") == 2)
    last = len(mock_model_server.requests) - 1
    assert last >= asked
    # The model heard the mode once, in the first session; resuming adds nothing.
    assert _mode_parts(mock_model_server, last) == (1 if plan else 0)
