"""Run one turn in-process with the official SDK's API: `from codex import ...` instead of
`from openai_codex import ...`, nothing else changes (no `codex app-server` child is started).

    python examples/sdk_quickstart.py "What is in this folder?"

Uses $CODEX_HOME (else ~/.codex) like the CLI; CODEX_SDK_HOME overrides it for this example.
"""

from __future__ import annotations

import os
import sys

from codex import Codex, CodexConfig, Sandbox


def main(prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        thread = codex.thread_start(sandbox=Sandbox.read_only)
        result = thread.run(prompt)
    print(result.final_response)
    if result.usage is not None:
        print(f"tokens: {result.usage.total.total_tokens}")
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "Say hello."))
