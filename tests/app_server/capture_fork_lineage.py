"""What 0.169 records and derives from a fork's lineage (facts for test_fork_lineage.py):
`python -m tests.app_server.capture_fork_lineage` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/fork_lineage_official.json.

One scenario, run the same way against either binary (`fork_lineage_facts(argv)`): a parent
thread with two turns (p0, p1) and a name, `thread/fork` of it, one turn in the fork (f0), a
fork of the fork (g0); then what thread/fork, thread/read, thread/list and thread/turns/list
say, the fork's session_meta lineage keys, and the same reads from a restarted server (the
lineage then comes from the files alone). Turns are named by their first user message, ids by
their role, so the facts compare across binaries.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fork_lineage_official.json"


def _labels(turns: list[dict[str, Any]]) -> list[str]:
    out = []
    for turn in turns:
        texts = [
            c.get("text", "")
            for i in turn["items"]
            if i["type"] == "userMessage"
            for c in i["content"]
        ]
        out.append(texts[0] if texts else "<no user message>")
    return out


def _meta(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    assert first["type"] == "session_meta"
    return dict(first["payload"])


def _line_count(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def fork_lineage_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch() as s:
        mock = s.mock
        roles: dict[str, str] = {}

        def role(value: Any) -> Any:
            return roles.get(value, value) if isinstance(value, str) else value

        def thread_facts(thread: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": role(thread["id"]),
                "forkedFromId": role(thread.get("forkedFromId")),
                "name": thread.get("name"),
                "preview": thread.get("preview"),
                "turns": _labels(thread.get("turns") or []),
            }

        def turns_list(client: RpcClient, thread_id: str) -> Any:
            pages = {}
            for direction in ("asc", "desc"):
                reply = client.call(
                    "thread/turns/list",
                    {"threadId": thread_id, "sortDirection": direction, "limit": 10},
                )
                pages[direction] = _labels(reply["data"])
            return pages

        with s.serve(argv) as client:
            parent = client.call("thread/start", {})["thread"]["id"]
            roles[parent] = "<parent>"
            for text in ("p0", "p1"):
                mock.enqueue(Turn([Message(f"answer {text}")]))
                client.turn(parent, text)
            client.call("thread/name/set", {"threadId": parent, "name": "parent name"})
            parent_path = client.call("thread/read", {"threadId": parent})["thread"]["path"]
            parent_lines = _line_count(parent_path)

            forked = client.call("thread/fork", {"threadId": parent})["thread"]
            fork = forked["id"]
            roles[fork] = "<fork>"
            facts["fork_result"] = thread_facts(forked)
            mock.enqueue(Turn([Message("answer f0")]))
            client.turn(fork, "f0")
            fork_thread = client.call("thread/read", {"threadId": fork, "includeTurns": True})
            facts["read_loaded"] = thread_facts(fork_thread["thread"])
            fork_path = fork_thread["thread"]["path"]
            meta = _meta(fork_path)
            facts["session_meta"] = {
                "keys_before_timestamp": list(meta)[: list(meta).index("timestamp")],
                "forked_from_id": role(meta.get("forked_from_id")),
                "ordinal_is_parent_line_count": meta.get("forked_from_ordinal_exclusive")
                == parent_lines,
            }
            facts["turns_list_loaded"] = turns_list(client, fork)

            grand = client.call("thread/fork", {"threadId": fork})["thread"]
            roles[grand["id"]] = "<fork of fork>"
            facts["fork_of_fork_result"] = thread_facts(grand)
            mock.enqueue(Turn([Message("answer g0")]))
            client.turn(grand["id"], "g0")
            grand_meta = _meta(
                client.call("thread/read", {"threadId": grand["id"]})["thread"]["path"]
            )
            facts["fork_of_fork_meta_from"] = role(grand_meta.get("forked_from_id"))
            facts["turns_list_fork_of_fork"] = turns_list(client, grand["id"])
            listed = client.call("thread/list", {})["data"]
            facts["list_loaded"] = sorted(
                [role(t["id"]), role(t.get("forkedFromId")), t.get("preview")] for t in listed
            )
        facts["exit_code"] = client.proc.returncode

        with s.serve(argv) as client:
            read = client.call("thread/read", {"threadId": fork, "includeTurns": True})
            facts["read_from_disk"] = thread_facts(read["thread"])
            facts["turns_list_from_disk"] = turns_list(client, fork)
            listed = client.call("thread/list", {})["data"]
            facts["list_from_disk"] = sorted(
                [role(t["id"]), role(t.get("forkedFromId")), t.get("preview")] for t in listed
            )
            resumed = client.call("thread/resume", {"threadId": fork})["thread"]
            facts["resume"] = thread_facts(resumed)
        facts["exit_code_after_restart"] = client.proc.returncode
    return facts


def main() -> int:
    return capture_main(FIXTURE, lambda binary: fork_lineage_facts(app_server_argv(binary)))


if __name__ == "__main__":
    sys.exit(main())
