"""What 0.169's `config/mcpServer/reload` does (facts for test_mcp_reload.py):
`python -m tests.app_server.capture_mcp_reload` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/mcp_reload_official.json.

One scenario, run the same way against either binary (`reload_facts(argv)`): a thread whose
two servers (tests/mcp/peers) are up (a tool call on each waits for them), then config.toml
edited and reloaded: unchanged, one server changed to one that crashes, the crashed one left
as it is, one renamed, bad params, a config that does not parse, the file gone; then a
thread that started with no server given one. Each reload
is recorded as its reply and, per server, the `mcpServer/startupStatus/updated` statuses the
thread got from the request until every configured server reported ready or failed (in
order per server; whether a status comes before or after the reply varies between 0.169 runs,
so that is not recorded).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config
from tests.support.official_drive import app_server_argv, capture_main, served

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mcp_reload_official.json"
STATUS = "mcpServer/startupStatus/updated"
TERMINAL = ("ready", "failed")


class Reloader:
    def __init__(self, client: RpcClient, home: Path, thread_id: str) -> None:
        self.client = client
        self.home = home
        self.thread_id = thread_id

    def write(self, tables: str) -> None:
        write_mock_config(self.home, "http://127.0.0.1:9/v1", tables)

    def reload(self, servers: list[str], params: Any = "{}") -> dict[str, Any]:
        """Reload; then wait until each of `servers` reported ready or failed."""
        request = self.client.start("config/mcpServer/reload", {} if params == "{}" else params)
        reply, before = self.client.response(request)
        statuses: dict[str, list[str]] = {}
        notes: list[dict[str, Any]] = []
        for message in before:
            if message.get("method") == STATUS:
                notes.append(message["params"])

        def settled() -> bool:
            done = {n["name"] for n in notes if n["status"] in TERMINAL}
            return all(name in done for name in servers)

        while not settled():
            message = self.client.next()
            if message.get("method") == STATUS:
                notes.append(message["params"])
        failures: dict[str, Any] = {}
        for n in notes:
            assert n["threadId"] == self.thread_id, n
            statuses.setdefault(n["name"], []).append(n["status"])
            if n["status"] == "failed":
                failures[n["name"]] = {
                    "keys": list(n),
                    "error_prefix": n["error"].split(":")[0],
                    "failureReason": n["failureReason"],
                }
            else:
                assert n["error"] is None and n["failureReason"] is None, n
        if "error" in reply:
            message = reply["error"]["message"].replace(str(self.home), "<home>")
            # The parser's own words after the position differ between the binaries.
            message = re.sub(r"(config\.toml:\d+:\d+:).*", r"\1 <parse error>", message)
            result: Any = {"error": {"code": reply["error"]["code"], "message": message}}
        else:
            result = {"result": reply["result"]}
        return {
            "reply": result,
            "statuses": dict(sorted(statuses.items())),
            "failed_notes": failures,
        }

    def call(self, server: str) -> Any:
        params = {
            "threadId": self.thread_id,
            "server": server,
            "tool": "echo",
            "arguments": {"text": "x"},
        }
        reply, _ = self.client.response(self.client.start("mcpServer/tool/call", params))
        return reply.get("result", {}).get("content") or reply.get("error")


def reload_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        repo = Path(tmp) / "repo"
        repo.mkdir()
        write_mock_config(home, "http://127.0.0.1:9/v1", stdio_table("peer") + stdio_table("other"))
        with served(argv, scratch_env(home), repo) as client:
            facts["no_thread"] = client.call("config/mcpServer/reload", {})
            start = {"cwd": str(repo), "approvalPolicy": "never"}
            thread_id = client.call("thread/start", start)["thread"]["id"]
            r = Reloader(client, home, thread_id)
            facts["calls_before"] = [r.call("peer"), r.call("other")]
            facts["unchanged"] = r.reload(["peer", "other"])
            r.write(stdio_table("peer", "crash") + stdio_table("other"))
            facts["peer_changed_to_crash"] = r.reload(["peer", "other"])
            facts["crashed_left_as_is"] = r.reload(["peer", "other"])
            r.write(stdio_table("peer2") + stdio_table("other"))
            facts["peer_renamed_peer2"] = r.reload(["peer2", "other"])
            facts["calls_after_rename"] = {"peer": r.call("peer"), "peer2": r.call("peer2")}
            facts["null_params"] = r.reload(["peer2", "other"], params=None)
            bad, _ = client.response(client.start("config/mcpServer/reload", {"x": 1}))
            facts["map_params"] = bad.get("error")
            (home / "config.toml").write_text("broken = [")
            facts["unparsable_config"] = r.reload([])
            (home / "config.toml").unlink()
            facts["config_removed"] = r.reload([])
            facts["calls_after_removal"] = {"other": r.call("other")}
        facts["exit_code"] = client.proc.returncode
        # A thread that started with no server at all, given one by a reload.
        write_mock_config(home, "http://127.0.0.1:9/v1")
        with served(argv, scratch_env(home), repo) as bare:
            start = {"cwd": str(repo), "approvalPolicy": "never"}
            thread_id = bare.call("thread/start", start)["thread"]["id"]
            r = Reloader(bare, home, thread_id)
            facts["bare_thread_call_before"] = r.call("peer")
            r.write(stdio_table("peer"))
            facts["bare_thread_server_added"] = r.reload(["peer"])
            facts["bare_thread_call_after"] = r.call("peer")
    return facts


def main() -> int:
    return capture_main(FIXTURE, lambda binary: reload_facts(app_server_argv(binary)))


if __name__ == "__main__":
    sys.exit(main())
