"""Capture what the official 0.169 `codex app-server` sends, for the shape comparisons in
test_official_shapes.py: `python -m tests.app_server.capture_official` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/app_server/official_*.json.

Each file holds one scenario's messages as received, with volatile values (ids, timestamps,
paths) replaced by placeholders, so the diff of a re-capture shows only real changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.mock_model_server import Hold, scenario
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import app_server_argv, capture_main, scratch, scrub

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app_server"


def normalize(value: Any, tmp: str) -> Any:
    return scrub(
        value,
        times=lambda key: key.endswith(("At", "AtMs")) or key in ("durationMs", "emittedAtMs"),
        names={tmp: "<tmp>"},
        stamps=True,
    )


def run(binary: Path) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    # Not initialized: the first requests are the handshake's own facts.
    with scratch() as s, s.serve(app_server_argv(binary), name=None) as client:
        tmp, repo, mock = str(s.root), s.repo, s.mock
        first = client.start("thread/list", {})
        out["before_initialize"] = [client.response(first)[0]]
        init = client.start("initialize", {"clientInfo": {"name": "tests", "version": "1.0"}})
        out["initialize"] = [client.response(init)[0]]
        again = client.start("initialize", {"clientInfo": {"name": "tests", "version": "1.0"}})
        out["initialize_again"] = [client.response(again)[0]]
        client.send({"method": "initialized"})
        errors = []
        for method, params in (
            ("foo/bar", {}),
            ("thread/start", {"cwd": 5}),
            ("thread/read", {}),
            ("thread/list", {"limit": "x"}),
        ):
            errors.append(client.response(client.start(method, params))[0])
        out["errors"] = errors
        mock.enqueue(scenario("message"))
        start = client.start(
            "thread/start",
            {
                "cwd": str(repo),
                "approvalPolicy": "on-request",
                "approvalsReviewer": "user",
                "sandbox": "read-only",
            },
        )
        reply, _ = client.response(start)
        thread_id = reply["result"]["thread"]["id"]
        started = client.until(lambda m: m.get("method") == "thread/started")
        out["thread_start"] = [reply, *started]
        out["hello_turn"] = client.turn(thread_id, "hi")[1]
        mock.enqueue(scenario("http400"))
        out["failed_turn"] = client.turn(thread_id, "fail")[1]
        mock.enqueue(
            Turn(
                [
                    FunctionCall(
                        "call_a",
                        "exec_command",
                        {
                            "cmd": "touch x.txt",
                            "sandbox_permissions": "require_escalated",
                            "justification": "need it",
                        },
                    )
                ]
            ),
            Turn([Message("after")]),
        )
        request = client.start(
            "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "ask"}]}
        )
        pre = client.until(lambda m: "method" in m and "id" in m)
        client.send({"id": pre[-1]["id"], "result": {"decision": "decline"}})
        post = client.until(lambda m: m.get("method") == "turn/completed")
        out["approval_declined"] = [*pre, *post]
        del request
        mock.enqueue(Hold(Turn([Message("slow")]), frames=None))
        turn_req = client.start(
            "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "hold"}]}
        )
        pre = client.until(lambda m: m.get("method") == "item/completed")
        turn_id = next(m for m in pre if m.get("id") == turn_req)["result"]["turn"]["id"]
        interrupt = client.start("turn/interrupt", {"threadId": thread_id, "turnId": turn_id})
        post = client.until(lambda m: m.get("method") == "turn/completed")
        out["interrupted_turn"] = [*pre, *post]
        del interrupt
        mock.release()
        read = client.start("thread/read", {"threadId": thread_id, "includeTurns": True})
        out["thread_read"] = [client.response(read)[0]]
        listing = client.start("thread/list", {})
        out["thread_list"] = [client.response(listing)[0]]
    return {name: normalize(messages, tmp) for name, messages in out.items()}


def write(folder: Path, scenarios: dict[str, list[Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, messages in scenarios.items():
        (folder / f"official_{name}.json").write_text(json.dumps(messages, indent=1) + "\n")


def main() -> int:
    return capture_main(FIXTURES, run, write=write)


if __name__ == "__main__":
    raise SystemExit(main())
