"""How 0.169's thread/list previews forks (facts for test_fork_preview.py):
`python -m tests.app_server.capture_fork_preview` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/fork_preview_official.json.

One scenario, run the same way against either binary (`fork_preview_facts(argv)`), in a
scratch CODEX_HOME against the loopback mock model server: a parent with two turns (p0, p1),
a fork of it with no turn of its own, a second fork with one (g0); thread/list (rows sorted:
forks made within one second tie on their file timestamp) by the server that made them and by
a restarted one, and thread/list with a `searchTerm` of the parent's first message and of the
fork's own. Threads are named by their role.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fork_preview_official.json"


def fork_preview_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    roles: dict[str, str] = {}

    def listed(client: RpcClient, params: dict[str, Any]) -> list[list[Any]]:
        data = client.call("thread/list", params)["data"]
        return sorted([roles.get(t["id"], "?"), t["preview"]] for t in data)

    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        home = write_mock_config(Path(tmp) / "home", mock.base_url)
        repo = Path(tmp) / "repo"
        repo.mkdir()
        client = RpcClient(argv, scratch_env(home), repo)
        try:
            client.initialize()
            parent = client.call("thread/start", {})["thread"]["id"]
            roles[parent] = "<parent>"
            for text in ("p0", "p1"):
                mock.enqueue(Turn([Message(f"answer {text}")]))
                client.turn(parent, text)
            quiet = client.call("thread/fork", {"threadId": parent})["thread"]
            roles[quiet["id"]] = "<fork without a turn>"
            facts["fork_result_preview"] = quiet["preview"]
            facts["list_after_fork"] = listed(client, {})
            busy = client.call("thread/fork", {"threadId": parent})["thread"]["id"]
            roles[busy] = "<fork with a turn>"
            mock.enqueue(Turn([Message("answer g0")]))
            client.turn(busy, "g0")
            facts["list_loaded"] = listed(client, {})
        finally:
            facts["exit_code"] = client.close()

        client = RpcClient(argv, scratch_env(home), repo)
        try:
            client.initialize()
            facts["list_from_disk"] = listed(client, {})
            facts["search_parent_message"] = listed(client, {"searchTerm": "p0"})
            facts["search_fork_message"] = listed(client, {"searchTerm": "g0"})
        finally:
            facts["exit_code_after_restart"] = client.close()
    return facts


def main() -> int:
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed", file=sys.stderr)
        return 1
    facts = fork_preview_facts([str(binary), "app-server"])
    FIXTURE.write_text(json.dumps(facts, indent=1) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
