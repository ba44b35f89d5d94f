#!/usr/bin/env python3
"""Run `tool_hook_command` and `[custom_tools]` end to end without an API key.

From the repository root: `python examples/demo_extensions.py`. Starts the repository's loopback
mock model server scripted to call `custom__echo_demo`, writes a throwaway CODEX_HOME whose
config uses examples/custom_tools/echo_tool.py and examples/hooks/log_tool_calls.py, runs
`codex exec`, then prints what the model got back and what the hook logged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import FunctionCall, Message, Turn  # noqa: E402

CONFIG = """\
model = "gpt-5.5"
model_provider = "mock"
tool_hook_command = {hook}

[custom_tools.echo_demo]
command = {tool}
description = "Echoes text using CODEX_TOOL_ARGS_JSON"
timeout_ms = 4000
[custom_tools.echo_demo.parameters]
type = "object"
properties = {{ text = {{ type = "string" }} }}
required = ["text"]
[custom_tools.echo_demo.env]
CUSTOM_TOOL_PREFIX = "dev-build: "

[model_providers.mock]
name = "mock"
base_url = "{base_url}"
wire_api = "responses"
env_key = "PATH"
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as server:
        home, log = Path(tmp) / "home", Path(tmp) / "tool-calls.jsonl"
        home.mkdir()
        hook = [sys.executable, str(ROOT / "examples/hooks/log_tool_calls.py")]
        tool = [sys.executable, str(ROOT / "examples/custom_tools/echo_tool.py")]
        (home / "config.toml").write_text(
            CONFIG.format(hook=json.dumps(hook), tool=json.dumps(tool), base_url=server.base_url)
        )
        # A hook runs only once trusted (as in the official CLI): what `t` in the TUI's /hooks
        # does, done here for the hook this demo just wrote.
        from codex.config import load_config
        from codex.config.overrides import ConfigOverrides
        from codex.core.hooks_view import trust_all

        trust_all(load_config(ConfigOverrides(config_home=str(home)), cwd=Path(tmp)))
        server.enqueue(
            Turn([FunctionCall("call_1", "custom__echo_demo", {"text": "hello from the agent"})]),
            Turn([Message("The tool said hello.")]),
        )
        env = dict(os.environ, CODEX_HOME=str(home), CODEX_TOOL_LOG=str(log))
        run = subprocess.run(
            [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "use the tool"],
            cwd=tmp,
            env=env,
            check=False,
        )
        output = server.requests[1].function_call_output("call_1")
        print("\n--- the model got back:", output["output"] if output else None)
        print("--- the hook logged:")
        for line in log.read_text().splitlines():
            doc = json.loads(line)
            print(" ", doc["phase"], doc["call"]["tool_name"], doc["call"]["call_id"])
        return run.returncode


if __name__ == "__main__":
    sys.exit(main())
