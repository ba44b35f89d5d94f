"""How 0.169's thread/list previews forks (facts for test_fork_preview.py):
`python -m tests.app_server.capture_fork_preview` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/fork_preview_official.json (`--out PATH` writes elsewhere, to diff a
re-capture).

One scenario, run the same way against either binary (`fork_preview_facts(argv)`), in a
scratch CODEX_HOME against the loopback mock model server: a parent with two turns (p0, p1),
a fork of it with no turn of its own, a second fork with one (g0); thread/list (rows sorted:
forks made within one second tie on their file timestamp) by the server that made them and by
a restarted one, and thread/list with a `searchTerm` of the parent's first message and of the
fork's own. Threads are named by their role.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fork_preview_official.json"


def fork_preview_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    roles: dict[str, str] = {}

    def listed(client: RpcClient, params: dict[str, Any]) -> list[list[Any]]:
        data = client.call("thread/list", params)["data"]
        return sorted([roles.get(t["id"], "?"), t["preview"]] for t in data)

    with scratch() as s:
        with s.serve(argv) as client:
            parent = client.call("thread/start", {})["thread"]["id"]
            roles[parent] = "<parent>"
            for text in ("p0", "p1"):
                s.mock.enqueue(Turn([Message(f"answer {text}")]))
                client.turn(parent, text)
            quiet = client.call("thread/fork", {"threadId": parent})["thread"]
            roles[quiet["id"]] = "<fork without a turn>"
            facts["fork_result_preview"] = quiet["preview"]
            facts["list_after_fork"] = listed(client, {})
            busy = client.call("thread/fork", {"threadId": parent})["thread"]["id"]
            roles[busy] = "<fork with a turn>"
            s.mock.enqueue(Turn([Message("answer g0")]))
            client.turn(busy, "g0")
            facts["list_loaded"] = listed(client, {})
        facts["exit_code"] = client.proc.returncode

        with s.serve(argv) as client:
            facts["list_from_disk"] = listed(client, {})
            facts["search_parent_message"] = listed(client, {"searchTerm": "p0"})
            facts["search_fork_message"] = listed(client, {"searchTerm": "g0"})
        facts["exit_code_after_restart"] = client.proc.returncode
    return facts


if __name__ == "__main__":
    raise SystemExit(
        capture_main(FIXTURE, lambda binary: fork_preview_facts(app_server_argv(binary)))
    )
