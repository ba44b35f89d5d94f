"""A minimal stdio MCP server on the standard library alone (no SDK import, so it costs almost
no CPU to start): answers `initialize`, `tools/list` (one `ping` tool) and `tools/call`. Used by
bench/bench_mcp_startup.py, where the peers' own start-up should not load the machine."""

from __future__ import annotations

import json
import sys


def main() -> None:
    for line in sys.stdin:
        message = json.loads(line)
        if "id" not in message:
            continue
        method = message.get("method")
        if method == "initialize":
            result = {
                "protocolVersion": message["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "tiny", "version": "1"},
            }
        elif method == "tools/list":
            tool = {"name": "ping", "inputSchema": {"type": "object", "properties": {}}}
            result = {"tools": [tool]}
        elif method == "tools/call":
            result = {"content": [{"type": "text", "text": "pong"}]}
        else:
            result = {}
        reply = {"jsonrpc": "2.0", "id": message["id"], "result": result}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
