"""What 0.169's Vim Normal mode does with `k`/`j` on the composer's first/last line: its keymap
says "Move up or recall older history" (facts for tests/tui/test_vim_history.py):
`python -m tests.tui.capture_vim_history` writes
tests/fixtures/tui_official_0169/vim_history_official.json; `... ours` prints ours.

Driven as tests/tui/capture_vim_motions.py: `/vim` on, two messages sent (each typed after `i`,
then Esc, then Enter), then in Normal mode `k`, `k`, `j`, `j` on the empty composer, each step
recorded (composer lines, footer, cursor); then a two-line draft and `k` on its second line,
`k` on its first.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import TuiRun, capture_main, tui_session
from tests.tui.capture_vim import _composer
from tests.tui.capture_vim_motions import send

FACTS = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FACTS = FACTS / "vim_history_official.json"
STEPS = ["k", "k", "j", "j"]


def _state(tui: TuiRun) -> dict[str, Any]:
    time.sleep(0.6)
    screen = tui.screen()
    cursor = tui.pane.option("#{cursor_x},#{cursor_y}")
    return {"composer": _composer(screen), "footer": screen.splitlines()[-1], "cursor": cursor}


def capture(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {"empty": [], "draft": []}
    with tui_session(argv, Turn([Message("mock answer")]), width=110) as tui:
        tui.type("/vim", wait=0.8)
        tui.press("Enter", wait=1.5)
        send(tui, "i")
        for text in ("first message", "second message"):
            tui.pane.type(text)
            time.sleep(0.4)
            send(tui, "<Escape>")
            tui.press("Enter", wait=4.0)
        send(tui, "<Escape>")
        facts["start"] = _state(tui)
        for key in STEPS:
            send(tui, key)
            facts["empty"].append({"key": key, **_state(tui)})
        send(tui, "ggdGidraft one<Escape>odraft two<Escape>")
        for key in ("k", "k", "j", "j"):
            send(tui, key)
            facts["draft"].append({"key": key, **_state(tui)})
    return facts


def main() -> int:
    return capture_main(FACTS, lambda binary: capture([str(binary), "--no-daemon"]), ours=capture)


if __name__ == "__main__":
    sys.exit(main())
