"""Answer approval requests from your own code: the handler gets the official method
(`item/commandExecution/requestApproval`, `item/fileChange/requestApproval`) and params, and
returns `{"decision": "accept" | "acceptForSession" | "decline" | "cancel"}`. Here: commands
that only read (`ls`, `cat`, `git status`) are accepted, everything else is declined.

    python examples/sdk_approvals.py "Create notes.txt saying hi, then list the folder."
"""

from __future__ import annotations

import os
import sys
from typing import Any

from codex import Codex, CodexConfig

READ_ONLY = ("ls", "cat ", "git status")


def decide(method: str, params: dict[str, Any] | None) -> dict[str, Any]:
    command = str((params or {}).get("command") or "")
    ok = method.startswith("item/commandExecution") and any(w in command for w in READ_ONLY)
    print(f"approval? {method} {command!r} -> {'accept' if ok else 'decline'}")
    return {"decision": "accept" if ok else "decline"}


def main(prompt: str) -> int:
    config = CodexConfig(
        codex_home=os.environ.get("CODEX_SDK_HOME"),
        # Ask before anything but known-safe commands (the CLI's `-a untrusted`).
        config_overrides=('approval_policy="untrusted"',),
    )
    with Codex(config, approval_handler=decide) as codex:
        result = codex.thread_start(approval_mode=None).run(prompt)
    print(result.final_response)
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "List the folder."))
