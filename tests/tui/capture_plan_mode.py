"""What 0.169's TUI does with collaboration modes (facts for tests/tui/test_plan_mode.py):
`python -m tests.tui.capture_plan_mode` (needs the anchor and tmux) adds the screens to
tests/fixtures/plan_mode_official.json under "tui". `... ours` prints ours (nothing written).

Driven as tests/tui/capture_goal.py drives it (tmux 120x45, `codex --no-daemon`, scratch
CODEX_HOME on the mock, empty HOME). The mock answers every request with a message holding a
`<proposed_plan>` block. Recorded: the idle screen, after Shift+Tab once and twice, after
`/plan`, after a turn in Plan mode, and the model request's developer messages (opening tags).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import capture_main, tui_session

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "plan_mode_official.json"
PLAN_ANSWER = (
    "Here is the plan.\n\n<proposed_plan>\n# Title\n\n- step one\n- step two\n</proposed_plan>\n"
)


def _request_facts(request: Any) -> dict[str, Any]:
    """What a model request carried: its developer messages' openings, the last user text."""
    return {
        "developer_parts": [
            [part.get("text", "")[:24] for part in item.get("content") or []]
            for item in request.input()
            if item.get("role") == "developer"
        ],
        "last_user_text": [
            part.get("text", "")[:80]
            for item in request.input()
            if item.get("role") == "user"
            for part in item.get("content") or []
        ][-1:],
        "has_text_format": "format" in request.json.get("text", {}),
    }


def capture(argv: list[str]) -> dict[str, Any]:
    screens: dict[str, Any] = {}
    with tui_session(argv, Turn([Message(PLAN_ANSWER)])) as tui:
        try:
            screens["idle"] = tui.press(wait=1.5)
            screens["shift_tab_1"] = tui.press("BTab", wait=1.5)
            screens["shift_tab_2"] = tui.press("BTab", wait=1.5)
            screens["plan_popup"] = tui.type("/plan", wait=0.8)
            screens["after_slash_plan"] = tui.press("Enter", wait=1.5)
            tui.type("make a plan", wait=0.8)
            screens["after_plan_turn"] = tui.press("Enter", wait=6.0)
            screens["after_plan_turn_down"] = tui.press("Down", wait=1.0)
            tui.press("Up", wait=0.5)
            screens["after_implement"] = tui.press("Enter", wait=6.0)
        finally:
            screens["requests"] = [_request_facts(r) for r in tui.scratch.mock.requests]
    return screens


def main() -> int:
    return capture_main(
        FIXTURE, lambda binary: capture([str(binary), "--no-daemon"]), key="tui", ours=capture
    )


if __name__ == "__main__":
    sys.exit(main())
