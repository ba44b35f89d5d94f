"""What 0.169's thread/resume says about paging (facts for test_resume_page.py):
`python -m tests.app_server.capture_resume_page` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/resume_page_official.json (`--out PATH` writes elsewhere, to diff a
re-capture).

One scenario, run the same way against either binary (`resume_page_facts(argv)`), in a scratch
CODEX_HOME against the loopback mock model server: a thread with three turns (t0, t1, t2) and a
fork of it with one (f0); thread/resume of the loaded thread, then from a restarted server
with `initialTurnsPage` options, `excludeTurns`, and bad options, by a client with and
without `experimentalApi`. A turn is named by its first user message; a turns cursor by the
turn it names and whether that turn is included (its ordinal is the binary's own rollout
layout); what each backwards cursor is for is recorded by following it (thread/turns/list
both ways, thread/items/list newest first).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "resume_page_official.json"

PAGE_VARIANTS: dict[str, dict[str, Any]] = {
    "no page": {},
    "page {}": {"initialTurnsPage": {}},
    "page limit 1": {"initialTurnsPage": {"limit": 1}},
    "page limit 0": {"initialTurnsPage": {"limit": 0}},
    "page asc limit 2 full": {
        "initialTurnsPage": {"limit": 2, "sortDirection": "asc", "itemsView": "full"}
    },
    "page null": {"initialTurnsPage": None},
    "excludeTurns": {"excludeTurns": True},
    "excludeTurns and page": {
        "excludeTurns": True,
        "initialTurnsPage": {"limit": 1, "itemsView": "notLoaded"},
    },
}
BAD_PAGES: dict[str, Any] = {
    "sortDirection up": {"sortDirection": "up"},
    "itemsView odd": {"itemsView": "odd"},
    "an integer": 5,
}


def _label(turn: dict[str, Any]) -> str:
    texts = [
        c.get("text", "")
        for i in turn["items"]
        if i["type"] == "userMessage"
        for c in i.get("content", [])
    ]
    return texts[0] if texts else "<no user message>"


class Reader:
    """Requests on one thread, answers reduced to facts that compare across binaries."""

    def __init__(self, client: RpcClient, thread_id: str) -> None:
        self.client = client
        self.thread_id = thread_id
        self.by_ordinal: dict[int, str] = {}
        self.by_turn_id: dict[str, str] = {}

    def reply(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        reply, _ = self.client.response(self.client.start(method, params))
        return reply

    def learn(self) -> None:
        """Each turn's ordinal and id, from one-turn pages walked oldest first."""
        params: dict[str, Any] = {
            "threadId": self.thread_id,
            "limit": 1,
            "sortDirection": "asc",
            "itemsView": "full",
        }
        while True:
            result = self.reply("thread/turns/list", params)["result"]
            if not result["data"]:
                return
            turn = result["data"][0]
            ordinal = json.loads(result["backwardsCursor"])["rolloutOrdinal"]
            self.by_ordinal[ordinal] = self.by_turn_id[turn["id"]] = _label(turn)
            if result["nextCursor"] is None:
                return
            params["cursor"] = result["nextCursor"]

    def cursor(self, raw: str | None) -> Any:
        if raw is None:
            return None
        body = json.loads(raw)
        return {
            "turn": self.by_ordinal.get(body["rolloutOrdinal"], "?"),
            "includeAnchor": body["includeAnchor"],
        }

    def turns(self, turns: list[dict[str, Any]]) -> list[Any]:
        return [[_label(t), t.get("itemsView"), [i["type"] for i in t["items"]]] for t in turns]

    def page(self, page: dict[str, Any] | None) -> Any:
        if page is None:
            return None
        return {
            "data": self.turns(page["data"]),
            "nextCursor": self.cursor(page.get("nextCursor")),
            "backwardsCursor": self.cursor(page.get("backwardsCursor")),
        }

    def follow(self, result: dict[str, Any]) -> dict[str, Any]:
        """Where the result's backwards cursors lead."""
        out: dict[str, Any] = {}
        turns_cursor = result.get("turnsBackwardsCursor")
        if turns_cursor is not None:
            for direction in ("desc", "asc"):
                listed = self.reply(
                    "thread/turns/list",
                    {
                        "threadId": self.thread_id,
                        "cursor": turns_cursor,
                        "sortDirection": direction,
                    },
                )
                out[f"turns {direction}"] = [_label(t) for t in listed["result"]["data"]]
        items_cursor = result.get("itemsBackwardsCursor")
        if items_cursor is not None:
            listed = self.reply(
                "thread/items/list",
                {"threadId": self.thread_id, "cursor": items_cursor, "sortDirection": "desc"},
            )
            out["items desc"] = [
                [self.by_turn_id.get(e["turnId"], "?"), e["item"]["type"], _text(e["item"])]
                for e in listed["result"]["data"]
            ]
        return out

    def resume(self, params: dict[str, Any]) -> Any:
        reply = self.reply("thread/resume", {"threadId": self.thread_id, **params})
        if "error" in reply:
            return {"error": reply["error"]}
        result = reply["result"]
        return {
            "keys": list(result),
            "thread.turns": [_label(t) for t in result["thread"]["turns"]],
            "initialTurnsPage": self.page(result.get("initialTurnsPage")),
            "turnsBackwardsCursor": self.cursor(result.get("turnsBackwardsCursor")),
            "itemsBackwardsCursor is a string": isinstance(result.get("itemsBackwardsCursor"), str),
            "following": self.follow(result),
        }


def _text(item: dict[str, Any]) -> Any:
    if item["type"] == "userMessage":
        return [c.get("text") for c in item.get("content", [])]
    return item.get("text")


def resume_page_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch() as s:

        def served(experimental: bool) -> AbstractContextManager[RpcClient]:
            return s.serve(argv, capabilities={"experimentalApi": experimental})

        with served(True) as client:
            thread_id = client.call("thread/start", {})["thread"]["id"]
            for text in ("t0", "t1", "t2"):
                s.mock.enqueue(Turn([Message(f"answer {text}")]))
                client.turn(thread_id, text)
            fork_id = client.call("thread/fork", {"threadId": thread_id})["thread"]["id"]
            s.mock.enqueue(Turn([Message("answer f0")]))
            client.turn(fork_id, "f0")
            reader = Reader(client, thread_id)
            reader.learn()
            facts["loaded"] = reader.resume({"initialTurnsPage": {"limit": 2}})
        facts["exit_code"] = client.proc.returncode

        with served(True) as client:
            reader = Reader(client, thread_id)
            reader.learn()
            for name, params in PAGE_VARIANTS.items():
                facts[f"from disk, {name}"] = reader.resume(params)
            for name, page in BAD_PAGES.items():
                facts[f"bad page, {name}"] = reader.resume({"initialTurnsPage": page})
            fork = Reader(client, fork_id)
            fork.learn()
            facts["fork from disk, page {}"] = fork.resume({"initialTurnsPage": {}})
        facts["exit_code_after_restart"] = client.proc.returncode

        with served(False) as client:
            reader = Reader(client, thread_id)
            reader.learn()
            for name in ("no page", "page {}", "page null", "excludeTurns and page"):
                facts[f"not experimental, {name}"] = reader.resume(PAGE_VARIANTS[name])
            facts["not experimental, bad page"] = reader.resume({"initialTurnsPage": 5})
        facts["exit_code_not_experimental"] = client.proc.returncode
    return facts


if __name__ == "__main__":
    raise SystemExit(
        capture_main(FIXTURE, lambda binary: resume_page_facts(app_server_argv(binary)))
    )
