#!/usr/bin/env python3
"""A `tool_hook_command` hook: appends every tool-call document it receives to a JSONL file.

codex runs it before and after each tool call with one JSON document on stdin
(`{"phase": "before_execution" | "after_execution", "call": {...}, "outcome"?: {...}}`).
The log goes to $CODEX_TOOL_LOG, default ~/.codex/tool-calls.jsonl.
"""

import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    document = json.load(sys.stdin)
    document["logged_at"] = time.time()
    target = Path(os.environ.get("CODEX_TOOL_LOG", "~/.codex/tool-calls.jsonl")).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as log:
        log.write(json.dumps(document) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
