"""Continue a recorded thread later, from another process: list the saved threads, resume the
newest by id, ask a follow-up (the model sees the earlier turns again).

    python examples/sdk_resume.py "And what did I ask before?"
"""

from __future__ import annotations

import os
import sys

from codex import Codex, CodexConfig


def main(prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        listed = codex.thread_list(limit=5)
        if not listed.data:
            print("no saved threads yet: run examples/sdk_quickstart.py first")
            return 1
        for info in listed.data:
            print(f"{info.id}  {info.preview[:60]}")
        thread = codex.thread_resume(listed.data[0].id)
        print(thread.run(prompt).final_response)
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "Go on."))
