"""Record what the official 0.169 CLI offers the model for an MCP server (the SDK-built peer in
tests/mcp/peers) and how it reports a call: every request's MCP tool specs and the `exec --json`
items, into tests/fixtures/mcp/official_tools.json:  python -m tests.mcp.capture_tools

The fixture keeps the id 0.169 gives the call's output item (`fco_…`): a re-capture differs
there and nowhere else."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.mcp.harness import stdio_table
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import capture_main, run_codex, scratch

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "official_tools.json"
NON_MCP = {"exec_command", "write_stdin", "update_plan", "apply_patch", "view_image", "shell"}


def tools_facts(binary: Path) -> dict[str, Any]:
    with scratch(stdio_table("peer")) as s:
        s.mock.enqueue(
            Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "hi"})]),
            Turn([Message("done")]),
        )
        argv = [str(binary), "exec", "--json", "--skip-git-repo-check", "go"]
        proc = run_codex(argv, s.env(), s.repo)
        requests = [
            [t for t in r.json.get("tools", []) if t.get("name") not in NON_MCP]
            for r in s.mock.requests
        ]
        outputs = [r.function_call_output("c1") for r in s.mock.requests]
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {
        "rc": proc.returncode,
        "tools_per_request": requests,
        "c1_output": [o for o in outputs if o is not None],
        "mcp_items": [e for e in events if e.get("item", {}).get("type") == "mcp_tool_call"],
    }


def main() -> int:
    return capture_main(FIXTURE, tools_facts)


if __name__ == "__main__":
    sys.exit(main())
