"""What 0.169's `thread/goal/set|get|clear` do (facts only; codex-py does not serve them yet):
`python -m tests.app_server.capture_goals` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/thread_goal_official.json.

Recorded per step: the reply and the notifications up to it (thread ids, turn ids and times
replaced by placeholders), plus where the goal is kept: the rollout's `event_msg` lines of
type `thread_goal_updated`, the table of `$CODEX_HOME/goals_1.sqlite`, what a new server
answers, and what the model is sent on the turn a goal starts (its tool names with "goal" in
them, the `turn_trigger`, and the first line of the synthetic user message).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import (
    app_server_argv,
    capture_main,
    rollout_records,
    scratch,
    scrub,
    tool_names,
    turn_triggers,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "thread_goal_official.json"
_KEEP = ("thread/goal/", "turn/started", "turn/completed")
TIMES = ("createdAt", "updatedAt", "emittedAtMs", "startedAt", "completedAt")


def _norm(value: Any, names: dict[str, str]) -> Any:
    return scrub(
        value,
        times=lambda key: key in TIMES or key.endswith("_at_ms"),
        ms=("durationMs", "startedAtMs", "completedAtMs"),
        names=names,
    )


Step = tuple[str, str, dict[str, Any]]  # (fact name, method, params)
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def goal_steps(tid: str) -> tuple[list[Step], list[Step], list[Step]]:
    """The scenario's requests on thread `tid`, in three runs: the goal set on the idle thread
    (a goal turn starts after it), changes while that turn runs, clears and errors after it
    ended. tests/app_server/test_goals.py replays the same runs against ours, fact by fact."""
    get, set_, clear = "thread/goal/get", "thread/goal/set", "thread/goal/clear"
    on = {"threadId": tid}
    idle = [
        ("get_none", get, on),
        ("set_status_without_goal", set_, {**on, "status": "paused"}),
        ("set_objective_idle_thread", set_, {**on, "objective": "ship it"}),
        ("get_after_set", get, on),
    ]
    running = [
        ("set_paused", set_, {**on, "status": "paused"}),
        ("set_budget_origin_user", set_, {**on, "tokenBudget": 1000, "origin": "user"}),
        ("set_empty_objective", set_, {**on, "objective": ""}),
        ("set_nothing", set_, on),
        ("set_bad_status", set_, {**on, "status": "weird"}),
    ]
    ended = [
        ("clear", clear, on),
        ("clear_again", clear, on),
        ("get_after_clear", get, on),
        ("set_complete", set_, {**on, "objective": "second goal", "status": "complete"}),
        ("get_unknown_thread", get, {"threadId": UNKNOWN}),
        ("set_unknown_thread", set_, {"threadId": UNKNOWN, "objective": "x"}),
        ("get_bad_id", get, {"threadId": "nope"}),
    ]
    return idle, running, ended


def goal_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as s:
        home, repo, mock = s.home, s.repo, s.mock
        names: dict[str, str] = {}

        def step(name: str, method: str, params: dict[str, Any]) -> None:
            reply, before = client.response(client.start(method, params))
            kept = [m for m in before if str(m.get("method", "")).startswith(_KEEP)]
            facts[name] = _norm(
                {"before": kept, "reply": reply.get("result", reply.get("error"))}, names
            )

        with s.serve(argv) as client:
            thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
            tid = thread["id"]
            names[tid] = "<thread>"
            idle, running, ended = goal_steps(tid)
            for args in idle + running:
                step(*args)
            if not any(m.get("method") == "turn/completed" for m in client.seen):
                client.until(lambda m: m.get("method") == "turn/completed")
            goal_turn = next(
                (r for r in mock.requests if "goal" in json.dumps(r.json.get("input", []))), None
            )
            if goal_turn is not None:
                body = goal_turn.json
                tools = tool_names(body)
                facts["goal_turn_request"] = {
                    "goal_tools": [t for t in tools if "goal" in t],
                    "goal_user_message_first_line": next(
                        (
                            part["text"].splitlines()[0]
                            for item in body["input"]
                            if item.get("role") == "user"
                            for part in item.get("content") or []
                            if "goal" in part.get("text", "")
                        ),
                        None,
                    ),
                }
            for args in ended:
                step(*args)
            facts["get_bad_id"]["reply"]["message"] = facts["get_bad_id"]["reply"]["message"].split(
                ":"
            )[0]
        facts["exit_code"] = client.proc.returncode
        lines = rollout_records(thread["path"])
        facts["rollout_goal_lines"] = _norm(
            [x["payload"] for x in lines if "goal" in str(x.get("payload", {}).get("type", ""))],
            names,
        )
        facts["rollout_turn_triggers"] = turn_triggers(lines)
        db = home / "goals_1.sqlite"
        if db.exists():
            con = sqlite3.connect(db)
            rows = con.execute("select * from thread_goals")
            columns = [d[0] for d in rows.description]
            facts["goals_db"] = {
                "tables": sorted(
                    r[0] for r in con.execute("select name from sqlite_master where type='table'")
                ),
                "thread_goals_columns": columns,
                "thread_goals_rows": _norm(
                    [dict(zip(columns, r, strict=True)) for r in rows], names
                ),
            }
            con.close()
        with s.serve(argv) as again:
            reply, _ = again.response(again.start("thread/goal/get", {"threadId": tid}))
            facts["new_server_get_not_loaded"] = _norm(
                reply.get("result", reply.get("error")), names
            )
    return facts


def main() -> int:
    return capture_main(FIXTURE, lambda binary: goal_facts(app_server_argv(binary)))


if __name__ == "__main__":
    sys.exit(main())
