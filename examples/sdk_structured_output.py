"""Structured output: give a turn a JSON Schema (`output_schema`) and the model's final answer
is a JSON document of that shape, ready for `json.loads`.

    python examples/sdk_structured_output.py "List this repository's three largest files."
"""

from __future__ import annotations

import json
import os
import sys

from codex import Codex, CodexConfig

# Strict schemas (every property required, no extra keys) are what the model API enforces.
SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "bytes": {"type": "integer"}},
                "required": ["path", "bytes"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["summary", "files"],
    "additionalProperties": False,
}


def main(prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        result = codex.thread_start().run(prompt, output_schema=SCHEMA)
    if result.final_response is None:
        print(f"turn {result.status.value}: {result.error}", file=sys.stderr)
        return 1
    answer = json.loads(result.final_response)
    print(answer["summary"])
    for entry in answer["files"]:
        print(f"{entry['bytes']:>10}  {entry['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "List this folder's three largest files."))
