"""/goal speaks for the user: 0.169's TUI sends its goal changes with `origin: "user"`, so each
one (set, pause, resume, clear) goes into the thread's history as a user-goal message before it
takes effect (tests/fixtures/tui_goal_origin_official.json, `python -m
tests.tui.capture_goal_origin`). Checked on the rollout, in order, after each step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.capture_goal_origin import STEPS, said
from tests.tui.test_slash_thread import _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "tui_goal_origin_official.json").read_text()
)


def test_goal_changes_are_said_to_the_model_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    from tests.support.model_stream import Message, Turn

    mock_model_server.repeat(Turn([Message("working on it")]))
    _start(pane, home, repo, mock_model_server)
    for name, line in STEPS:
        pane.type(line)
        pane.keys("Enter")
        want = OFFICIAL[name]
        pane.wait_for(lambda _, want=want: said(home)[: len(want)] == want)
        assert said(home) == want, name
