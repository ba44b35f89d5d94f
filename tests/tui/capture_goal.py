"""What 0.169's TUI does with /goal (facts for tests/tui/test_goal.py):
`python -m tests.tui.capture_goal` (needs the anchor and tmux) rewrites
tests/fixtures/tui_goal_official.json. `python -m tests.tui.capture_goal ours` prints what ours
shows for the same keys (nothing written).

Driven in tmux (120x45) with `codex --no-daemon`, a scratch CODEX_HOME pointing the `mock`
provider at tests/support/mock_model_server.py (every request answered "working on it") with the
keys that skip the first-run dialogs, HOME an empty dir. Each line is typed, then Enter is sent
after a pause (0.169 takes a fast Enter for part of a paste). Screens are `capture-pane -p`,
trailing spaces trimmed, the repository path written `{cwd}`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import capture_main, tui_session

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui_goal_official.json"
STEPS = (
    ("goal_bare", "/goal"),
    ("goal_set", "/goal ship the feature"),
    ("goal_pause", "/goal pause"),
    ("goal_resume", "/goal resume"),
    ("goal_clear", "/goal clear"),
    ("goal_after_clear", "/goal"),
)


def capture(argv: list[str]) -> dict[str, object]:
    screens: dict[str, object] = {}
    with tui_session(argv, Turn([Message("working on it")])) as tui:
        try:
            for name, line in STEPS:
                tui.type(line, wait=0.8)
                screens[name] = tui.press("Enter", wait=3.0)
        finally:
            screens["goal_turn_requests_seen"] = len(tui.scratch.mock.requests) > 2
    return screens


def main() -> int:
    return capture_main(FIXTURE, lambda binary: capture([str(binary), "--no-daemon"]), ours=capture)


if __name__ == "__main__":
    sys.exit(main())
