"""Stream a turn's notifications as they arrive (the official `thread.turn(...).stream()`):
the answer's text deltas as they stream, then each finished item, then the turn's status.

    python examples/sdk_stream.py "Explain this repository in three lines."
"""

from __future__ import annotations

import os
import sys

from codex import AgentMessageThreadItem, Codex, CodexConfig, CommandExecutionThreadItem


def main(prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        handle = codex.thread_start().turn(prompt)
        for note in handle.stream():
            if note.method == "item/agentMessage/delta":
                print(note.payload.delta, end="", flush=True)
            elif note.method == "item/completed":
                item = note.payload.item
                if isinstance(item, AgentMessageThreadItem):
                    print()
                elif isinstance(item, CommandExecutionThreadItem):
                    print(f"$ {item.command} -> exit {item.exit_code}")
            elif note.method == "turn/completed":
                print(f"turn {note.payload.turn.status.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "Say hello."))
