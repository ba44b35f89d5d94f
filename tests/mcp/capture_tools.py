"""Record what the official 0.169 CLI offers the model for an MCP server (the SDK-built peer in
tests/mcp/peers) and how it reports a call: every request's MCP tool specs and the `exec --json`
items, into tests/fixtures/mcp/official_tools.json:  python -m tests.mcp.capture_tools"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import official_binary

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "official_tools.json"
NON_MCP = {"exec_command", "write_stdin", "update_plan", "apply_patch", "view_image", "shell"}


def main() -> None:
    binary = official_binary()
    if binary is None:
        raise SystemExit("the official binary is not installed")
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp, MockModelServer() as server:
        home, work = Path(tmp) / "home", Path(tmp) / "work"
        work.mkdir()
        write_mock_config(home, server.base_url, stdio_table("peer"))
        server.enqueue(
            Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "hi"})]),
            Turn([Message("done")]),
        )
        env = {**os.environ, "CODEX_HOME": str(home), "MOCK_KEY": "sk-mock"}
        proc = subprocess.run(
            [str(binary), "exec", "--json", "--skip-git-repo-check", "go"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        requests = [
            [t for t in r.json.get("tools", []) if t.get("name") not in NON_MCP]
            for r in server.requests
        ]
        outputs = [r.function_call_output("c1") for r in server.requests]
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    facts = {
        "rc": proc.returncode,
        "tools_per_request": requests,
        "c1_output": [o for o in outputs if o is not None],
        "mcp_items": [e for e in events if e.get("item", {}).get("type") == "mcp_tool_call"],
    }
    FIXTURE.write_text(json.dumps(facts, indent=1) + "\n")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
