"""What 0.169's app-server says about input sent with `turn/steer` (facts for
test_steer_items.py): `python -m tests.app_server.capture_steer_items` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/steer_items_official.json.

One scenario, run the same way against either binary (`steer_facts(argv)`): turn/start "hi"
with the model's reply held, turn/steer "also this" with a skill item, the reply released;
then the turn's notifications in order (method, item type, and for user messages their
content), where the steered item's notifications fall relative to the steer's response and
the model's second request, whether its ids are the running turn's, and what thread/read
gives for the turn afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.core.capture_skills_followup import skills_run
from tests.core.skills_official import normalize
from tests.support.official_drive import capture_main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "steer_items_official.json"
_ITEM_METHODS = ("item/started", "item/completed")


def _step(message: dict[str, Any], turn: str, user_ids: dict[str, str]) -> Any:
    method = message.get("method")
    if method is None:
        return "<response>"
    params = message.get("params") or {}
    if method not in _ITEM_METHODS:
        return method
    item = params["item"]
    step: dict[str, Any] = {"method": method, "type": item["type"]}
    if item["type"] == "userMessage":
        step["id"] = user_ids.setdefault(item["id"], f"<user {len(user_ids)}>")
        step["content"] = item["content"]
        step["same_turn"] = params.get("turnId") == turn
        step["keys"] = sorted(item)
    return step


def steer_facts(argv: list[str]) -> dict[str, Any]:
    with skills_run(held="first", reply="second") as run:
        root, home, cwd, mock = run.root, run.home, run.cwd, run.mock
        beta = str(home / ".agents" / "skills" / "beta" / "SKILL.md")
        user_ids: dict[str, str] = {}
        with run.serve(argv, "steer-items") as client:
            tid = client.call("thread/start", {"cwd": str(cwd)})["thread"]["id"]
            turn = client.call(
                "turn/start", {"threadId": tid, "input": [{"type": "text", "text": "hi"}]}
            )["turn"]["id"]
            mock.wait_held()
            before = len(client.seen)
            steer_input = [
                {"type": "text", "text": "also this"},
                {"type": "skill", "name": "beta", "path": beta},
            ]
            request = client.start(
                "turn/steer", {"threadId": tid, "expectedTurnId": turn, "input": steer_input}
            )
            reply, _ = client.response(request)
            # What the steer made before the model was let go (its items, if any, come here).
            client.until(
                lambda m: (
                    m.get("method") == "item/completed"
                    and m["params"]["item"]["type"] == "userMessage"
                    and m["params"]["item"]["content"][0].get("text") == "also this"
                )
            )
            at_release = len(client.seen)
            mock.release()
            client.until(lambda m: m.get("method") == "turn/completed")
            steps = [_step(m, turn, user_ids) for m in client.seen[before:]]
            held_steps = [_step(m, turn, user_ids) for m in client.seen[before:at_release]]
            read = client.call("thread/read", {"threadId": tid, "includeTurns": True})
            turns = read["thread"]["turns"]
            read_items = [
                {"type": i["type"], **({"content": i["content"]} if "content" in i else {})}
                for i in turns[-1]["items"]
            ]
        return normalize(
            {
                "steer_reply": {
                    "turnIdIsRunningTurn": reply.get("result", {}).get("turnId") == turn
                },
                "before_release": held_steps,
                "after_steer": steps,
                "requests": len(mock.requests),
                "read_turn_count": len(turns),
                "read_last_turn_items": read_items,
            },
            root,
        )


def main() -> int:
    return capture_main(FIXTURE, lambda binary: steer_facts([str(binary)]))


if __name__ == "__main__":
    sys.exit(main())
