"""The terminal title and /title in a real terminal (tmux: the pane's title is what the program
set with OSC 0), as 0.169 does them (tests/fixtures/tui_official_0169/slash_title.txt and
slash_notes.md): by default "thread name | project" (the name omitted while unnamed), a braille
spinner in front while a turn runs, "[ ! ] Action Required | repo" while an approval waits
(0.169 in tmux, captured 2026-12-07); /title's checklist saves `[tui] terminal_title` and the
title follows at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.tui.test_slash_thread import _run, _start
from tests.tui.test_tmux_e2e import launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _titles(pane: Pane, pred: object, deadline: float = 60.0) -> list[str]:
    """The pane's titles, polled until `pred(titles seen)` holds (AssertionError after
    `deadline` seconds with what was seen)."""
    seen: list[str] = []
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        title = pane.option("#{pane_title}")
        if not seen or seen[-1] != title:
            seen.append(title)
        if pred(seen):  # type: ignore[operator]
            return seen
        time.sleep(0.01)  # polling interval, not a timing assumption
    raise AssertionError(f"titles seen: {seen}")


def test_title_follows_the_thread_and_title_saves_the_items(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = (OFFICIAL / "slash_title.txt").read_text().splitlines()
    _start(pane, home, repo, mock_model_server)
    _titles(pane, lambda seen: seen[-1] == "repo")  # unnamed: the project only
    _run(pane, "/rename Zed", "· Zed")
    _titles(pane, lambda seen: seen[-1] == "Zed | repo")

    mock_model_server.enqueue(Hold(Turn([Message("done")], USAGE), frames=None))
    pane.type("hold on")
    pane.keys("Enter")
    spinning = _titles(pane, lambda seen: len({t[0] for t in seen if t[0] in SPINNER}) >= 2)
    assert all(t[2:] == "Zed | repo" for t in spinning if t[0] in SPINNER)  # "⠋ Zed | repo"
    mock_model_server.release()
    pane.wait_text("done")
    _titles(pane, lambda seen: seen[-1] == "Zed | repo")

    pane.type("/title")
    pane.keys("Enter")
    screen = pane.wait_text("space toggle · ←/→ reorder · enter save · esc cancel")
    lines = [line.rstrip() for line in screen.splitlines()]
    heads = ("Configure Terminal Title", "Select which", "› [x] activity", "[x] thread-name")
    rows = [row.rstrip() for row in official if row.strip().startswith(heads)]
    assert len(rows) == 4 and all(row in lines for row in rows), rows  # as 0.169's
    assert "  [ ! ] Action Required | Zed | repo" in lines  # the preview, with this thread's
    pane.keys("Down", "Down", "Down", "Space")  # app-name on
    pane.wait_text("[x] app-name")
    pane.keys("Left")  # and before project-name
    pane.wait_text("[ ! ] Action Required | Zed | codex | repo")
    pane.keys("Enter")
    _titles(pane, lambda seen: seen[-1] == "Zed | codex | repo")
    config = (home / "config.toml").read_text()
    assert 'terminal_title = ["activity", "thread-name", "app-name", "project-name"]' in config, (
        config
    )


def test_title_says_action_required_while_an_approval_waits(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    args = {"cmd": "touch x.txt", "sandbox_permissions": "require_escalated"}
    mock_model_server.enqueue(
        Turn([FunctionCall("call_1", "exec_command", args)], USAGE),
        Turn([Message("ran it")], USAGE),
    )
    launch(pane, home, repo, "-a", "on-request", "touch it")
    pane.wait_text("Would you like to run the following command?")
    _titles(pane, lambda seen: seen[-1] == "[ ! ] Action Required | repo")
    pane.keys("Enter")
    pane.wait_text("ran it")
    _titles(pane, lambda seen: seen[-1] == "repo")
    pane.keys("C-c")  # leaving clears the title, as 0.169
    pane.wait_text("[exited 0]")
    _titles(pane, lambda seen: seen[-1] == "")
