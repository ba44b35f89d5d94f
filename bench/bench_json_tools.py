"""Tool calling with SmolLM2-135M: native `tools` vs `tool_call_mode = "json"`, side by side.

For a handful of prompts that call for one shell command, one request each way to the embedded
server (greedy decoding, the same instructions and tool list codex sends for the embedded
provider). Counts replies that are a usable `exec_command` call (valid JSON arguments with a
`cmd` string) and shows which command. Run: `python bench/bench_json_tools.py`.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import orjson

PROMPTS = [
    "Run the command `echo hello` and tell me what it printed.",
    "List the files in the current directory.",
    "Show the current date using a shell command.",
    "Print the working directory.",
    "Count the lines of README.md with wc.",
    "Run `uname -a`.",
]


def _post(base: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        f"{base}/chat/completions",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=300) as resp:
        return json.loads(resp.read())


def main() -> int:
    from codex.client.json_tools import JsonToolMode
    from codex.client.request import Prompt, chat_body
    from codex.local.models import pull
    from codex.local.oss import LOCAL_INSTRUCTIONS
    from codex.local.runtime import EmbeddedServer
    from codex.tools.spec import ToolsConfig, build_tools

    tools = build_tools(
        ToolsConfig.for_model(
            "smollm2", wire_api="chat", features={"unified_exec": True, "view_image_tool": False}
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        model = pull(Path(tmp), "smollm2")
        native_ok = json_ok = 0
        with EmbeddedServer(model, alias="smollm2") as server:
            for text in PROMPTS:
                user = {"type": "message", "role": "user",
                        "content": [{"type": "input_text", "text": text}]}  # fmt: skip
                prompt = Prompt(input=[user], tools=tools, instructions=LOCAL_INSTRUCTIONS)
                native = chat_body("smollm2", prompt)
                native["stream"] = False
                native["max_tokens"] = 256  # unconstrained, it may never stop
                reply = _post(server.base_url, native)["choices"][0]["message"]
                calls = reply.get("tool_calls") or []
                native_cmd = None
                if calls:
                    try:
                        native_cmd = orjson.loads(calls[0]["function"]["arguments"]).get("cmd")
                    except (orjson.JSONDecodeError, KeyError, AttributeError):
                        native_cmd = None
                native_ok += native_cmd is not None

                mode = JsonToolMode(prompt)
                body = orjson.loads(mode.constrain(orjson.dumps(chat_body("smollm2", mode.prompt))))
                body["stream"] = False
                content = _post(server.base_url, body)["choices"][0]["message"]["content"]
                json_cmd = None
                try:
                    parsed = orjson.loads(content)
                    if parsed.get("action") == "tool" and parsed.get("name") == "exec_command":
                        json_cmd = parsed["arguments"]["cmd"]
                except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
                    json_cmd = None
                json_ok += json_cmd is not None
                print(f"{text[:48]:48}  native: {native_cmd!r:22}  json: {json_cmd!r}")
    n = len(PROMPTS)
    print(f"usable exec_command calls: native {native_ok}/{n}, json mode {json_ok}/{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
