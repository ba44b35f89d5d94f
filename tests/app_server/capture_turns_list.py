"""How 0.169's app-server pages `thread/turns/list` (facts for test_turns_list.py):
`python -m tests.app_server.capture_turns_list` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/turns_list_official.json.

One scenario, run the same way against either binary (`turns_list_facts(argv)`). A cursor's
ordinal is a position in the binary's own rollout layout, so every cursor is recorded by the
turn it names (its first user message) and whether that turn is included: the facts then
compare across binaries. Hand-made cursors are built from the same positions (a turn's
position, or one past it: between two turns).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import Hold
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "turns_list_official.json"


def cursor(thread_id: str, ordinal: int, include: bool, kind: str = "turns") -> str:
    body = {
        "requestedThreadId": thread_id,
        "rolloutOrdinal": ordinal,
        "includeAnchor": include,
        "scope": {"kind": kind},
    }
    return json.dumps(body, separators=(",", ":"))


class Pager:
    """thread/turns/list calls on one thread, answers reduced to comparable facts."""

    def __init__(self, client: RpcClient, thread_id: str) -> None:
        self.client = client
        self.thread_id = thread_id
        self.labels: dict[int, str] = {}  # ordinal -> the turn's first user message
        self.aliases: dict[str, str] = {}  # other ids in error messages -> placeholders

    def raw(self, params: dict[str, Any]) -> dict[str, Any]:
        request = {"threadId": self.thread_id, **params}
        reply, _ = self.client.response(self.client.start("thread/turns/list", request))
        return reply

    def learn(self) -> None:
        """Each turn's ordinal, from one-turn pages walked oldest first."""
        params: dict[str, Any] = {"limit": 1, "sortDirection": "asc", "itemsView": "full"}
        while True:
            result = self.raw(params)["result"]
            if not result["data"]:
                return
            anchor = json.loads(result["backwardsCursor"])
            self.labels[anchor["rolloutOrdinal"]] = _label(result["data"][0])
            if result["nextCursor"] is None:
                return
            params = {**params, "cursor": result["nextCursor"]}

    def ordinal(self, label: str) -> int:
        return next(o for o, name in self.labels.items() if name == label)

    def _cursor_fact(self, raw: str | None) -> Any:
        if raw is None:
            return None
        body = json.loads(raw)
        assert body["requestedThreadId"] == self.thread_id and body["scope"] == {"kind": "turns"}
        assert list(body) == ["requestedThreadId", "rolloutOrdinal", "includeAnchor", "scope"]
        assert raw == json.dumps(body, separators=(",", ":"))  # compact, as given out
        return {
            "turn": self.labels.get(body["rolloutOrdinal"], "?"),
            "includeAnchor": body["includeAnchor"],
        }

    def page(self, params: dict[str, Any]) -> Any:
        reply = self.raw(params)
        if "error" in reply:
            message = reply["error"]["message"].replace(self.thread_id, "<id>")
            # Positions differ between the binaries' layouts; the message around them does not.
            message = re.sub(r'"rolloutOrdinal":\d+', '"rolloutOrdinal":<n>', message)
            for value, name in self.aliases.items():
                message = message.replace(value, name)
            return {"error": {"code": reply["error"]["code"], "message": message}}
        result = reply["result"]
        return {
            "keys": list(result),
            "turns": [_label(t) for t in result["data"]],
            "status": [t["status"] for t in result["data"]],
            "itemsView": sorted({t["itemsView"] for t in result["data"]}),
            "next": self._cursor_fact(result["nextCursor"]),
            "backwards": self._cursor_fact(result["backwardsCursor"]),
        }

    def follow(self, params: dict[str, Any], key: str, **more: Any) -> Any:
        """The page the cursor `key` of the page `params` gives leads to (with `more`)."""
        result = self.raw(params)["result"]
        return self.page({**params, **more, "cursor": result[key]})


def _label(turn: dict[str, Any]) -> str:
    for item in turn["items"]:
        if item["type"] == "userMessage":
            return str(item["content"][0]["text"])
    return "<no user message>"


def turns_list_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch() as s, s.serve(argv) as client:
        repo, mock = s.repo, s.mock
        start = {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "danger-full-access"}
        thread_id = client.call("thread/start", start)["thread"]["id"]
        pager = Pager(client, thread_id)
        facts["never_run"] = pager.page({})
        mock.enqueue(
            Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]),
            Turn([Message("first"), Message("done")]),
        )
        client.turn(thread_id, "t0")
        mock.repeat(Turn([Message("ok")]))
        for n in range(1, 5):
            client.turn(thread_id, f"t{n}")
        pager.learn()
        facts["turns_oldest_first"] = list(pager.labels.values())
        facts["default"] = pager.page({})
        facts["asc"] = pager.page({"sortDirection": "asc"})
        desc2 = {"limit": 2}
        asc2 = {"limit": 2, "sortDirection": "asc"}
        facts["desc_limit_2"] = pager.page(desc2)
        facts["desc_limit_2_next"] = pager.follow(desc2, "nextCursor")
        facts["desc_limit_2_backwards_asc"] = pager.follow(
            desc2, "backwardsCursor", sortDirection="asc"
        )
        facts["desc_limit_2_backwards_desc"] = pager.follow(desc2, "backwardsCursor")
        facts["asc_limit_2"] = pager.page(asc2)
        facts["asc_limit_2_next"] = pager.follow(asc2, "nextCursor")
        facts["asc_limit_2_backwards_desc"] = pager.follow(
            asc2, "backwardsCursor", sortDirection="desc"
        )
        facts["limit_0"] = pager.page({"limit": 0})
        facts["limit_1000"] = pager.page({"limit": 1000})
        facts["nulls"] = pager.page({"cursor": None, "sortDirection": None, "limit": None})

        t0, t2 = pager.ordinal("t0"), pager.ordinal("t2")
        between = t0 + 1  # inside t0, before t1 starts
        facts["between_t0_t1_desc"] = pager.page({"cursor": cursor(thread_id, between, True)})
        facts["between_t0_t1_asc"] = pager.page(
            {"cursor": cursor(thread_id, between, True), "sortDirection": "asc"}
        )
        facts["t2_excluded_desc"] = pager.page({"cursor": cursor(thread_id, t2, False)})
        facts["t2_excluded_asc"] = pager.page(
            {"cursor": cursor(thread_id, t2, False), "sortDirection": "asc"}
        )
        facts["past_end_desc"] = pager.page({"cursor": cursor(thread_id, 99999, True)})
        facts["past_end_asc"] = pager.page(
            {"cursor": cursor(thread_id, 99999, True), "sortDirection": "asc"}
        )
        facts["ordinal_0"] = pager.page({"cursor": cursor(thread_id, 0, True)})
        errors: dict[str, Any] = {}
        errors["garbage_cursor"] = pager.page({"cursor": "garbage"})
        errors["number_cursor"] = pager.page({"cursor": "5"})
        errors["items_scope_cursor"] = pager.page({"cursor": cursor(thread_id, t0, True, "items")})
        errors["negative_ordinal"] = pager.page({"cursor": cursor(thread_id, -1, True)})
        errors["bad_sort"] = pager.page({"sortDirection": "up"})
        errors["bad_items_view"] = pager.page({"itemsView": "x"})
        errors["limit_string"] = pager.page({"limit": "2"})
        facts["errors"] = errors

        other = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        client.turn(other, "o0")
        other_pager = Pager(client, other)
        other_pager.aliases[thread_id] = "<first thread>"
        facts["cursor_of_another_thread"] = other_pager.page(
            {"cursor": cursor(thread_id, t0, True)}
        )
        unknown = Pager(client, "00000000-0000-0000-0000-000000000000")
        facts["unknown_thread"] = unknown.page({})

        views: dict[str, Any] = {}
        for view in ("summary", "full", "notLoaded"):
            result = pager.raw({"sortDirection": "asc", "limit": 1, "itemsView": view})
            turn = result["result"]["data"][0]
            views[view] = {
                "itemsView": turn["itemsView"],
                "items": [
                    i["type"] + (":" + i["text"] if i["type"] == "agentMessage" else "")
                    for i in turn["items"]
                ],
            }
        facts["items_views"] = views

        fork = client.call("thread/fork", {"threadId": thread_id})["thread"]["id"]
        client.turn(fork, "f0")
        fork_pager = Pager(client, fork)
        fork_pager.learn()
        facts["fork"] = fork_pager.page({"limit": 3})

        mock.enqueue(Hold(Turn([Message("slow")]), frames=None))
        held = client.start(
            "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "t5"}]}
        )
        client.response(held)
        mock.wait_held()
        pager.learn()
        facts["in_progress"] = pager.page({"limit": 2})
        mock.release()
        client.until(lambda m: m.get("method") == "turn/completed")
    facts["exit_code"] = client.proc.returncode
    return facts


def main() -> int:
    return capture_main(FIXTURE, lambda binary: turns_list_facts(app_server_argv(binary)))


if __name__ == "__main__":
    sys.exit(main())
