"""Branch a conversation: ask once, name the thread, then fork it and take the copy another way
while the original stays as it was. Also shows the model list and who is signed in.

    python examples/sdk_fork.py "Pick a name for a cat."
"""

from __future__ import annotations

import os
import sys

from codex import Codex, CodexConfig


def main(prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        default = next(m for m in codex.models().data if m.is_default)
        print(f"default model: {default.display_name}")
        account = codex.account().account
        print(f"signed in: {account.type if account else 'no'}")

        thread = codex.thread_start()
        print(thread.run(prompt).final_response)
        thread.set_name("naming")

        branch = codex.thread_fork(thread.id)
        print(branch.run("Now a longer one, please.").final_response)
        info = branch.read(include_turns=True).thread
        print(f"{info.name}: {len(info.turns)} turn(s) in the fork, forked from {thread.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "Pick a name for a cat."))
