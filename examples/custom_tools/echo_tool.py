#!/usr/bin/env python3
"""A `[custom_tools.<name>]` helper: echoes the `text` argument, prefixed by $CUSTOM_TOOL_PREFIX.

codex runs it with the model's arguments in CODEX_TOOL_ARGS_JSON (plus CODEX_TOOL_NAME and
CODEX_TOOL_CALL_ID) and hands its stdout, stderr and exit code back to the model.
"""

import json
import os
import sys


def main() -> int:
    args = json.loads(os.environ.get("CODEX_TOOL_ARGS_JSON") or "{}")
    prefix = os.environ.get("CUSTOM_TOOL_PREFIX", "")
    text = args.get("text", "")
    print(f"{prefix}{text}")
    name = os.environ.get("CODEX_TOOL_NAME")
    call_id = os.environ.get("CODEX_TOOL_CALL_ID")
    print(f"[{name} {call_id}]", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
