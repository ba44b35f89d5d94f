"""More facts of 0.169's goals in the app-server, beyond tests/fixtures/thread_goal_official.json:
`python -m tests.app_server.capture_goals_more` (needs the anchor) rewrites
tests/fixtures/goals_appserver_more_official.json.

- model_goal: a user turn whose model calls create_goal, then the goal turns that follow until
  the model calls update_goal complete: the notifications (goal ones, turn starts and ends),
  the requests made, the rollout's goal lines and turn triggers;
- interrupt: turn/interrupt of a running goal turn: the goal's status after it;
- unloaded: thread/goal/set on a thread a restarted server has not loaded: whether its rollout
  gets a line, and what thread/resume of it then does (a goal turn or not).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import (
    app_server_argv,
    capture_main,
    rollout_records,
    scrub,
    served,
    turn_triggers,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "goals_appserver_more_official.json"
GOAL_OPEN = '<codex_internal_context source="goal">'


def _summary(messages: list[dict[str, Any]], turn_names: dict[str, str]) -> list[Any]:
    out: list[Any] = []
    for m in messages:
        method = str(m.get("method", ""))
        params = m.get("params") or {}
        if method.startswith("thread/goal/"):
            goal = params.get("goal") or {}
            turn = params.get("turnId")
            out.append(
                [
                    method,
                    turn_names.setdefault(turn, f"turn{len(turn_names)}") if turn else None,
                    goal.get("status"),
                    goal.get("tokensUsed"),
                ]
            )
        elif method in ("turn/started", "turn/completed"):
            turn = params["turn"]
            name = turn_names.setdefault(turn["id"], f"turn{len(turn_names)}")
            out.append(
                [method, name, turn.get("status"), [i.get("type") for i in turn.get("items") or []]]
            )
    return out


def _rollout(path: str) -> dict[str, Any]:
    lines = rollout_records(path)
    return {
        "goal_lines": [
            {k: v for k, v in x["payload"].items() if k != "goal"}
            | {"status": x["payload"]["goal"]["status"]}
            for x in lines
            if x.get("payload", {}).get("type") == "thread_goal_updated"
        ],
        "turn_triggers": turn_triggers(lines),
        "user_messages": [
            x["payload"]["message"][:40]
            for x in lines
            if x["type"] == "event_msg" and x["payload"].get("type") == "user_message"
        ],
    }


def _served(argv: list[str], home: Path, repo: Path) -> Any:
    repo.mkdir(exist_ok=True)  # the scenarios share one repo, each has its own CODEX_HOME
    return served(argv, scratch_env(home), repo)


def model_goal(argv: list[str], root: Path) -> dict[str, Any]:
    with MockModelServer() as mock:
        mock.enqueue(
            Turn([FunctionCall("c1", "create_goal", {"objective": "model goal"})]),
            Turn([Message("started")]),
            Turn([FunctionCall("u1", "update_goal", {"status": "complete"})]),
            Turn([Message("done")]),
        )
        mock.repeat(Turn([Message("extra")]))
        home = write_mock_config(root / "home-model", mock.base_url)
        repo = root / "repo"
        names: dict[str, str] = {}
        with _served(argv, home, repo) as client:
            thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
            client.start(
                "turn/start", {"threadId": thread["id"], "input": [{"type": "text", "text": "go"}]}
            )
            seen: list[dict[str, Any]] = []
            done = False
            while True:
                m = client.next()
                seen.append(m)
                if (
                    m.get("method") == "thread/goal/updated"
                    and m["params"]["goal"]["status"] == "complete"
                ):
                    done = True
                if done and m.get("method") == "turn/completed":
                    break
            goal = client.call("thread/goal/get", {"threadId": thread["id"]})
        return {
            "notifications": _summary(seen, names),
            "requests": len(mock.requests),
            "goal_context_requests": [
                i
                for i, r in enumerate(mock.requests)
                if any(GOAL_OPEN in t for t in r.message_texts("user"))
            ],
            "final_goal_status": goal["goal"]["status"],
            "rollout": scrub(_rollout(thread["path"])),
        }


def interrupt(argv: list[str], root: Path) -> dict[str, Any]:
    with MockModelServer() as mock:
        mock.enqueue(Hold(Turn([Message("slow")]), frames=1))
        mock.repeat(Turn([Message("again")]))
        home = write_mock_config(root / "home-int", mock.base_url)
        repo = root / "repo"
        names: dict[str, str] = {}
        with _served(argv, home, repo) as client:
            tid = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
            client.call("thread/goal/set", {"threadId": tid, "objective": "long work"})
            mock.wait_held()
            started = client.until(lambda m: m.get("method") == "turn/started")
            turn_id = started[-1]["params"]["turn"]["id"]
            _reply, before = client.response(
                client.start("turn/interrupt", {"threadId": tid, "turnId": turn_id})
            )
            after = client.until(lambda m: m.get("method") == "turn/completed")
            mock.release()
            goal = client.call("thread/goal/get", {"threadId": tid})
        return {
            "notifications": _summary(started + before + after, names),
            "goal_status_after": goal["goal"]["status"],
            "requests": len(mock.requests),
        }


def unloaded(argv: list[str], root: Path) -> dict[str, Any]:
    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")]))
        home = write_mock_config(root / "home-unloaded", mock.base_url)
        repo = root / "repo"
        with _served(argv, home, repo) as client:
            thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
            client.turn(thread["id"], "hello")
        lines_before = len(Path(thread["path"]).read_text().splitlines())
        names: dict[str, str] = {}
        with _served(argv, home, repo) as again:
            reply, before = again.response(
                again.start("thread/goal/set", {"threadId": thread["id"], "objective": "later"})
            )
            lines_after_set = len(Path(thread["path"]).read_text().splitlines())
            requests_before_resume = len(mock.requests)
            resumed, _ = again.response(again.start("thread/resume", {"threadId": thread["id"]}))
            # A goal turn on resume would ask the model: wait for one turn end if it comes.
            _probe, extra = again.response(
                again.start("thread/goal/get", {"threadId": thread["id"]})
            )
            seen = before + extra
            turn_started = any(m.get("method") == "turn/started" for m in seen)
            if turn_started:
                seen += again.until(lambda m: m.get("method") == "turn/completed")
        return {
            "set_reply_status": (reply.get("result") or {}).get("goal", {}).get("status"),
            "set_error": reply.get("error"),
            "notifications_before_reply": _summary(before, names),
            "rollout_lines_added_by_set": lines_after_set - lines_before,
            "resume_ok": "result" in resumed,
            "turn_started_after_resume": turn_started,
            "requests_after_resume": len(mock.requests) - requests_before_resume,
            "rollout": scrub(_rollout(thread["path"])),
        }


def more_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, fn in (
            ("model_goal", model_goal),
            ("interrupt", interrupt),
            ("unloaded", unloaded),
        ):
            try:
                facts[name] = fn(argv, root)
            except Exception as exc:  # a fact we could not get is said so, not guessed
                facts[name] = {"capture_failed": f"{type(exc).__name__}: {exc}"}
    return facts


def main() -> int:
    return capture_main(FIXTURE, lambda binary: more_facts(app_server_argv(binary)))


if __name__ == "__main__":
    sys.exit(main())
