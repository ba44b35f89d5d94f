"""Plan mode in a real terminal (tmux) against the mock, as 0.169's TUI has it
(tests/fixtures/plan_mode_official.json "tui", `python -m tests.tui.capture_plan_mode`):
Shift+Tab cycles Default → Plan → Default with a "Model changed to … for … mode." line each
time and `Plan mode (shift+tab to cycle)` in the footer while Plan is on; `/plan` switches to
Plan; a Plan-mode answer's `<proposed_plan>` block is shown as a "Proposed Plan" cell, then
"Implement this plan?" asks, and "Yes, implement this plan" goes back to Default and sends
`Implement the plan.`. The model requests carry the mode messages (codex.core.modes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.tui.capture_plan_mode import PLAN_ANSWER
from tests.tui.test_slash_thread import _start
from tests.tui.tmux import Pane, tmux_path

from codex.core.modes import OPEN_TAG

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "plan_mode_official.json").read_text()
)["tui"]
FOOTER = "Plan mode (shift+tab to cycle)"
TO_PLAN = "• Model changed to gpt-5.5 medium for Plan mode."
TO_DEFAULT = "• Model changed to gpt-5.5 default for Default mode."


def _mode_messages(mock: MockModelServer, index: int) -> list[str]:
    """The mode parts of the request's developer messages (a first turn in Plan mode adds its
    part to the opening developer message, after the permissions part)."""
    return [
        part.get("text", "")
        for item in mock.requests[index].input()
        if item.get("role") == "developer"
        for part in item.get("content") or ()
        if part.get("text", "").startswith(OPEN_TAG)
    ]


def test_shift_tab_and_plan_command_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    # The facts this test holds ours to.
    assert TO_PLAN in OFFICIAL["shift_tab_1"] and FOOTER in OFFICIAL["shift_tab_1"]
    assert TO_DEFAULT in OFFICIAL["shift_tab_2"] and FOOTER not in OFFICIAL["shift_tab_2"]
    assert OFFICIAL["after_slash_plan"].count(TO_PLAN) == 2
    assert "/plan  switch to Plan mode" in OFFICIAL["plan_popup"]

    _start(pane, home, repo, mock_model_server)
    assert FOOTER not in pane.capture()
    pane.keys("BTab")
    screen = pane.wait_text(FOOTER)
    assert TO_PLAN in screen
    pane.keys("BTab")
    screen = pane.wait_for(lambda s: TO_DEFAULT in s)
    assert FOOTER not in screen
    pane.type("/pla")
    pane.wait_text("switch to Plan mode")
    pane.type("n")
    pane.keys("Enter")
    screen = pane.wait_for(lambda s: s.count(TO_PLAN) == 2 and FOOTER in s)


def test_proposed_plan_then_implement(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = OFFICIAL["after_plan_turn"]
    assert "• Proposed Plan" in official and "Implement this plan?" in official
    assert "1. Yes, implement this plan" in official and "No, stay in Plan mode" in official
    assert "<proposed_plan>" not in official
    assert "› Implement the plan." in OFFICIAL["after_implement"]

    mock_model_server.repeat(Turn([Message(PLAN_ANSWER)]))
    pane.height = 45  # (0.169's capture size: the plan and the picker fit on one screen)
    _start(pane, home, repo, mock_model_server)
    pane.keys("BTab")
    pane.wait_text(FOOTER)
    pane.type("make a plan")
    pane.keys("Enter")
    screen = pane.wait_for(lambda s: "Implement this plan?" in s and "step two" in s)
    transcript = screen.split("Implement this plan?")[0]
    assert "• Proposed Plan" in transcript and "• step one" in transcript
    assert "<proposed_plan>" not in transcript
    assert transcript.index("Proposed Plan") < transcript.index("Here is the plan.")
    assert "Yes, implement this plan" in screen and "No, stay in Plan mode" in screen
    # The Plan turn's request told the model about Plan mode.
    (plan_text,) = _mode_messages(mock_model_server, 0)
    assert "<proposed_plan>" in plan_text

    pane.keys("Enter")  # 1. Yes, implement this plan
    screen = pane.wait_text("› Implement the plan.")
    assert TO_DEFAULT in screen
    pane.wait_for(lambda s: FOOTER not in s and len(mock_model_server.requests) >= 2)
    implement = mock_model_server.requests[-1]
    assert implement.message_texts("user")[-1] == "Implement the plan."
    # Back in Default: the model hears Default mode's message before the request.
    assert len(_mode_messages(mock_model_server, len(mock_model_server.requests) - 1)) == 2
