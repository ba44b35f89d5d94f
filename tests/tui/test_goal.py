"""/goal in a real terminal (tmux) against the mock, as 0.169's TUI does it
(tests/fixtures/tui_goal_official.json, `python -m tests.tui.capture_goal`): the usage line
without a goal, a goal that the thread then pursues turn after turn by itself, "Goal paused
Objective: ... Time: Ns." on pause (no more goal turns), turns again on resume, "Goal cleared",
and the goal in goals_1.sqlite all along."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "tui_goal_official.json").read_text()
)
GOAL_OPEN = '<codex_internal_context source="goal">'


def _official_line(screen: str, start: str) -> str:
    return next(line for line in str(OFFICIAL[screen]).splitlines() if line.startswith(start))


def _goal_requests(mock: MockModelServer) -> int:
    return sum(any(GOAL_OPEN in t for t in r.message_texts("user")) for r in list(mock.requests))


def _goal_row(home: Path) -> tuple[str, str] | None:
    con = sqlite3.connect(home / "goals_1.sqlite")
    try:
        row = con.execute("select objective, status from thread_goals").fetchone()
    finally:
        con.close()
    return None if row is None else (row[0], row[1])


def test_goal_command_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    from tests.support.model_stream import Message, Turn

    mock_model_server.repeat(Turn([Message("working on it")]))
    _start(pane, home, repo, mock_model_server)
    usage = _official_line("goal_bare", "• Usage: /goal")
    assert usage == _official_line("goal_after_clear", "• Usage: /goal")
    _run(pane, "/goal", usage)
    assert not (home / "goals_1.sqlite").exists()

    pane.type("/goal ship the feature")
    pane.keys("Enter")
    # The thread pursues it by itself: goal turns follow each other with no input.
    pane.wait_for(lambda _: _goal_requests(mock_model_server) >= 3)
    assert OFFICIAL["goal_turn_requests_seen"] is True
    assert _goal_row(home) == ("ship the feature", "active")

    official_paused = _official_line("goal_pause", "• Goal paused")
    pattern = re.escape(official_paused).replace(r"3s", r"\d+s")
    assert re.fullmatch(r"• Goal paused Objective: ship the feature Time: \d+s\.", official_paused)
    screen = _run(pane, "/goal pause", "• Goal paused Objective: ship the feature Time: ")
    assert re.search(pattern, screen), screen
    assert _goal_row(home) == ("ship the feature", "paused")

    before = _goal_requests(mock_model_server)
    pane.type("/goal resume")
    pane.keys("Enter")
    pane.wait_for(lambda _: _goal_requests(mock_model_server) >= before + 2)
    assert _goal_row(home) == ("ship the feature", "active")

    cleared = _official_line("goal_clear", "• Goal cleared")
    _run(pane, "/goal clear", cleared)
    assert _goal_row(home) is None
    pane.type("/goal")
    pane.keys("Enter")
    pane.wait_for(lambda s: cleared in s and s.rfind(usage) > s.rfind(cleared))
