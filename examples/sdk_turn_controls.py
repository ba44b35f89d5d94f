"""Control a running turn: `interrupt()` stops one, `steer()` adds input to one while it runs
(the model reads it at its next step). Both act on a `TurnHandle` from `thread.turn(...)`.

    python examples/sdk_turn_controls.py
"""

from __future__ import annotations

import os
import sys

from codex import AgentMessageThreadItem, Codex, CodexConfig


def main() -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        thread = codex.thread_start()

        # Start a long turn, then change our mind: it ends as "interrupted".
        long_turn = thread.turn("Count from 1 to 10000, one number per line.")
        long_turn.interrupt()
        stopped = long_turn.run()
        print(f"interrupt: {stopped.status.value}", flush=True)

        # Start another, then narrow it while it runs.
        turn = thread.turn("Count from 1 to 40 with commas.")
        turn.steer("Actually, stop after 3.")
        print("steer: accepted", flush=True)
        for note in turn.stream():
            if note.method == "turn/completed":
                print(f"steered turn: {note.payload.turn.status.value}")
            elif note.method == "item/completed" and isinstance(
                note.payload.item, AgentMessageThreadItem
            ):
                print(note.payload.item.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
