"""What 0.169 does with a thread's goal around the thread's own life, beyond
tests/fixtures/thread_goal_official.json and goals_appserver_more_official.json:
`python -m tests.app_server.capture_goals_lifecycle [NAME ...] [--out PATH]` (needs the anchor)
rewrites tests/fixtures/goals_lifecycle_official.json (only the named parts when given; `--out`
writes elsewhere, to diff a re-capture first). Driven through tests/support/official_drive.

- fork: thread/fork of a thread whose goal is set: the fork's goal (thread/goal/get), the rows
  of goals_1.sqlite (`thread_goals`, `thread_goal_continuation_deferrals`), whether the fork
  starts a goal turn by itself, and what a user turn on the fork does after it;
- delete: thread/delete of a thread with a goal: the rows left, thread/goal/get after it;
- origin: thread/goal/set|clear with `origin` user, automatic or none: the rollout lines each
  adds and what the model is sent on the next turn.
"""

from __future__ import annotations

import argparse
import json
import queue
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import official_binary
from tests.support.official_drive import (
    Scratch,
    app_server_argv,
    rollout_records,
    scratch,
    scrub,
    write_json,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "goals_lifecycle_official.json"
_TIME_KEYS = ("createdAt", "updatedAt", "timestamp", "emittedAtMs", "create_time")
QUIET = 5.0  # a capture (never a test) waits this long to see that nothing more comes
EXPERIMENTAL = {"capabilities": {"experimentalApi": True}}


def _is_time(key: str) -> bool:
    return key in _TIME_KEYS or key.endswith("_at_ms")


def norm(value: Any, names: dict[str, str]) -> Any:
    """`value` as the fixture holds it: times "<time>", each thread by its role in `names`,
    any other uuid "<uuid>" (tests/app_server/test_goals_lifecycle.py compares the same way)."""
    return scrub(value, times=_is_time, names=names)


def goal_db(home: Path, names: dict[str, str]) -> dict[str, Any]:
    """goals_1.sqlite under `home`, normalised: each goal row, and the deferred thread ids."""
    path = home / "goals_1.sqlite"
    if not path.exists():
        return {"exists": False}
    con = sqlite3.connect(path)
    try:
        rows = con.execute("select * from thread_goals order by thread_id")
        columns = [d[0] for d in rows.description]
        goals = [dict(zip(columns, r, strict=True)) for r in rows]
        deferrals = [r[0] for r in con.execute("select thread_id from " + _DEFERRALS)]
    finally:
        con.close()
    return norm({"thread_goals": goals, "deferrals": sorted(deferrals)}, names)


_DEFERRALS = "thread_goal_continuation_deferrals"


def _differs(home: Path, a: str, b: str) -> list[str] | None:
    """The columns in which thread b's goal row differs from thread a's (None: a row is missing)."""
    con = sqlite3.connect(home / "goals_1.sqlite")
    try:
        cur = con.execute("select * from thread_goals where thread_id in (?, ?)", (a, b))
        columns = [d[0] for d in cur.description]
        rows = {r[0]: r for r in cur}
    finally:
        con.close()
    if a not in rows or b not in rows:
        return None
    return [c for c, x, y in zip(columns, rows[a], rows[b], strict=True) if x != y]


def _quiet(client: RpcClient) -> list[dict[str, Any]]:
    """Whatever the server sends in the next QUIET seconds (capture only)."""
    out = []
    while True:
        try:
            out.append(client.next(timeout=QUIET))
        except queue.Empty:
            return out


def _methods(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m["method"]) for m in messages if "method" in m]


def _shape(line: dict[str, Any]) -> Any:
    """A rollout line in short: its type and payload (without the session_meta bulk)."""
    payload = line.get("payload") or {}
    if line.get("type") == "session_meta":
        return ["session_meta"]
    if line.get("type") == "turn_context":
        return ["turn_context"]
    if payload.get("type") == "thread_settings_applied":  # its settings are another matter
        return [line.get("type"), {"type": "thread_settings_applied"}]
    return [line.get("type"), payload]


def _user_inputs(request: Any) -> list[Any]:
    """The texts of a model request's user-role messages, but its environment context."""
    out = []
    for item in request.input():
        if item.get("type") == "message" and item.get("role") == "user":
            texts = [p.get("text", "") for p in item.get("content") or [] if isinstance(p, dict)]
            if not any(t.startswith("<environment_context>") for t in texts):
                out.append(texts)
    return out


def _goal_events(messages: list[dict[str, Any]], names: dict[str, str]) -> list[Any]:
    return norm(
        [
            [m["method"], (m["params"].get("goal") or {}).get("status")]
            for m in messages
            if str(m.get("method", "")).startswith(("turn/", "thread/goal/"))
        ],
        names,
    )


def _until_idle(client: RpcClient, seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`seen` plus what follows until no turn runs and nothing more comes (capture only)."""
    out = list(seen)
    while True:
        started = sum(m.get("method") == "turn/started" for m in out)
        done = sum(m.get("method") == "turn/completed" for m in out)
        if started > done:
            out.append(client.next())
            continue
        more = _quiet(client)
        if not more:
            return out
        out += more


def fork(argv: list[str], *, defer: bool | None) -> dict[str, Any]:
    """thread/fork of an unloaded thread whose goal is active, with `deferGoalContinuation`
    as given (None: left out); then the fork is resumed by a new server, then a user turn."""
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("extra")])) as s:
        s.mock.enqueue(
            Turn([Message("hello back")]),  # the parent's turn
            Turn([Message("fork turn")]),  # the user's turn on the fork
            Turn([FunctionCall("u1", "update_goal", {"status": "complete"})]),
            Turn([Message("done")]),
        )
        names: dict[str, str] = {}
        with s.serve(argv) as first:
            parent = first.call("thread/start", {"cwd": str(s.repo)})["thread"]
            names[parent["id"]] = "<parent>"
            first.turn(parent["id"], "hello")
        # The parent's goal, set while no server has it loaded: no goal turn; usage on it.
        with s.serve(argv, **EXPERIMENTAL) as client:
            forked = _fork_unloaded(client, s, parent, defer, names, facts)
        facts["exit_code"] = client.proc.returncode
        if forked is None:
            return facts
        with s.serve(argv) as again:
            reply, before = again.response(again.start("thread/resume", {"threadId": forked["id"]}))
            facts["resume_ok"] = "result" in reply
            facts["after_resume"] = _goal_events(_until_idle(again, before), names)
            facts["db_after_resume"] = goal_db(s.home, names)
            count = len(s.mock.requests)
            _reply, turn_messages = again.turn(forked["id"], "on the fork")
            facts["db_right_after_user_turn"] = goal_db(s.home, names)
            facts["after_user_turn"] = _goal_events(_until_idle(again, turn_messages), names)
            facts["requests_from_user_turn"] = len(s.mock.requests) - count
            facts["db_after_user_turn"] = goal_db(s.home, names)
    return facts


def _fork_unloaded(
    client: RpcClient,
    s: Scratch,
    parent: dict[str, Any],
    defer: bool | None,
    names: dict[str, str],
    facts: dict[str, Any],
) -> dict[str, Any] | None:
    """`fork`'s middle part: the parent's goal set (with some usage), the fork made and
    looked at; the fork's thread, None when thread/fork refused (`fork_error`)."""
    client.call(
        "thread/goal/set",
        {"threadId": parent["id"], "objective": "fork me", "tokenBudget": 100000},
    )
    con = sqlite3.connect(s.home / "goals_1.sqlite")
    with con:
        con.execute(
            "update thread_goals set tokens_used = 37, time_used_seconds = 11 where thread_id = ?",
            (parent["id"],),
        )
    con.close()
    facts["db_before_fork"] = goal_db(s.home, names)
    params: dict[str, Any] = {"threadId": parent["id"]}
    if defer is not None:
        params["deferGoalContinuation"] = defer
    reply, before = client.response(client.start("thread/fork", params))
    if "error" in reply:
        facts["fork_error"] = reply["error"]
        return None
    forked: dict[str, Any] = reply["result"]["thread"]
    names[forked["id"]] = "<fork>"
    after = _until_idle(client, [])
    facts["fork_notifications"] = [m for m in _methods(before + after) if m != "deprecationNotice"]
    facts["fork_goal_notifications"] = norm(
        [m for m in before + after if m.get("method") == "thread/goal/updated"], names
    )
    facts["requests_after_fork"] = len(s.mock.requests) - 1
    facts["db_after_fork"] = goal_db(s.home, names)
    facts["fork_row_differs_from_parent_in"] = _differs(s.home, parent["id"], forked["id"])
    facts["fork_goal_get"] = norm(client.call("thread/goal/get", {"threadId": forked["id"]}), names)
    facts["fork_rollout_goal_lines"] = norm(
        [
            x["payload"]
            for x in rollout_records(forked["path"])
            if "goal" in str(x.get("payload", {}).get("type", ""))
        ],
        names,
    )
    return forked


def fork_loaded(argv: list[str]) -> dict[str, Any]:
    """A deferred fork of a loaded thread whose goal is paused; then the fork's goal is set
    active by a client (no user turn)."""
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("extra")])) as s:
        s.mock.enqueue(
            Turn([Message("hello back")]),
            Turn([FunctionCall("u1", "update_goal", {"status": "complete"})]),
            Turn([Message("done")]),
        )
        names: dict[str, str] = {}
        with s.serve(argv, **EXPERIMENTAL) as client:
            parent = client.call("thread/start", {"cwd": str(s.repo)})["thread"]
            names[parent["id"]] = "<parent>"
            client.turn(parent["id"], "hello")
            client.call(
                "thread/goal/set",
                {"threadId": parent["id"], "objective": "paused work", "status": "paused"},
            )
            reply, before = client.response(
                client.start(
                    "thread/fork", {"threadId": parent["id"], "deferGoalContinuation": True}
                )
            )
            forked = reply["result"]["thread"]
            names[forked["id"]] = "<fork>"
            facts["fork_goal_notifications"] = norm(
                [
                    m
                    for m in before + _until_idle(client, [])
                    if m.get("method") == "thread/goal/updated"
                ],
                names,
            )
            facts["db_after_fork"] = goal_db(s.home, names)
            reply, before = client.response(
                client.start("thread/goal/set", {"threadId": forked["id"], "status": "active"})
            )
            facts["set_active_reply"] = norm(reply.get("result", reply.get("error")), names)
            facts["after_set_active"] = _goal_events(_until_idle(client, before), names)
            facts["db_after_set_active"] = goal_db(s.home, names)
            facts["requests_total"] = len(s.mock.requests)
        facts["exit_code"] = client.proc.returncode
    return facts


def fork_checks(argv: list[str]) -> dict[str, Any]:
    """What thread/fork answers for `deferGoalContinuation` with `ephemeral`, and from a client
    that did not opt into the experimental API; and a deferred fork of a thread with no goal."""
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as s:
        names: dict[str, str] = {}
        for experimental in (True, False):
            with s.serve(argv, **(EXPERIMENTAL if experimental else {})) as client:
                parent = client.call("thread/start", {"cwd": str(s.repo)})["thread"]
                names[parent["id"]] = "<parent>"
                client.turn(parent["id"], "hello")
                key = "experimental" if experimental else "plain"
                for label, extra in (
                    ("no_goal", {}),
                    ("ephemeral", {"ephemeral": True}),
                    ("false", {"deferGoalContinuation": False}),
                ):
                    params = {"threadId": parent["id"], "deferGoalContinuation": True, **extra}
                    if label == "ephemeral":
                        client.call(
                            "thread/goal/set",
                            {"threadId": parent["id"], "objective": "x", "status": "paused"},
                        )
                    reply, _ = client.response(client.start("thread/fork", params))
                    result = reply.get("result")
                    facts[f"{key}_{label}"] = (
                        {"error": reply.get("error")}
                        if result is None
                        else {
                            "forked": True,
                            "goal": client.call(
                                "thread/goal/get", {"threadId": result["thread"]["id"]}
                            )["goal"]
                            is not None,
                        }
                    )
    return norm(facts, names)


def resume_snapshot(argv: list[str]) -> dict[str, Any]:
    """What a client hears of the goal when it resumes a thread (with a paused goal, without
    one): client0's server loads it; client1 is a second server process resuming it while
    client0's has it loaded. And what thread/start says of a goal."""
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as s:
        names: dict[str, str] = {}
        with s.serve(argv) as first:
            ids = {}
            for name in ("<with_goal>", "<without_goal>"):
                reply, before = first.response(first.start("thread/start", {"cwd": str(s.repo)}))
                thread = reply["result"]["thread"]["id"]
                names[thread] = name
                ids[name] = thread
                if name == "<with_goal>":
                    facts["thread_start_goal_notes"] = [
                        m["method"]
                        for m in before + _quiet(first)
                        if "thread/goal" in str(m.get("method", ""))
                    ]
                first.turn(thread, "hello")
            first.call(
                "thread/goal/set",
                {"threadId": ids["<with_goal>"], "objective": "resume me", "status": "paused"},
            )
        with s.serve(argv) as client0, s.serve(argv) as client1:
            for name, thread in ids.items():
                for index, client in enumerate((client0, client1)):
                    reply, before = client.response(
                        client.start("thread/resume", {"threadId": thread})
                    )
                    after = _quiet(client)
                    keep = [m for m in before + after if "thread/goal" in str(m.get("method", ""))]
                    facts[f"resume_{name.strip('<>')}_client{index}"] = {
                        "before_reply": [m["method"] for m in before if "method" in m],
                        "goal_notes": norm(keep, names),
                        "goal_notes_before_reply": sum(m in before for m in keep),
                    }
    return facts


def delete(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as s:
        names: dict[str, str] = {}
        with s.serve(argv) as client:
            ids = []
            for name in ("<loaded>", "<unloaded>", "<kept>"):
                thread = client.call("thread/start", {"cwd": str(s.repo)})["thread"]
                names[thread["id"]] = name
                ids.append(thread["id"])
                client.turn(thread["id"], "hello")
                client.call(
                    "thread/goal/set",
                    {"threadId": thread["id"], "objective": f"goal of {name}", "status": "paused"},
                )
            facts["db_before"] = goal_db(s.home, names)
            facts["delete_loaded"] = norm(client.call("thread/delete", {"threadId": ids[0]}), names)
            facts["db_after_delete_loaded"] = goal_db(s.home, names)
            reply, _ = client.response(client.start("thread/goal/get", {"threadId": ids[0]}))
            facts["get_after_delete"] = norm(reply.get("result", reply.get("error")), names)
        with s.serve(argv) as again:
            facts["delete_unloaded"] = norm(
                again.call("thread/delete", {"threadId": ids[1]}), names
            )
            facts["db_after_delete_unloaded"] = goal_db(s.home, names)
    return facts


# thread/goal/set|clear with each origin, in order, on one thread.
ORIGIN_STEPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("thread/goal/set", {"objective": "A user goal", "status": "paused", "origin": "user"}),
    ("thread/goal/set", {"objective": "B auto goal", "origin": "automatic"}),
    ("thread/goal/set", {"objective": "C no origin"}),
    ("thread/goal/set", {"status": "paused", "origin": "automatic"}),
    ("thread/goal/set", {"tokenBudget": 500, "origin": "user"}),
    ("thread/goal/set", {"status": "paused", "origin": "user"}),
    ("thread/goal/set", {"objective": "D both", "status": "blocked", "origin": "user"}),
    ("thread/goal/clear", {"origin": "user"}),
    ("thread/goal/clear", {"origin": "user"}),
    ("thread/goal/set", {"objective": "E paused", "status": "paused"}),
    ("thread/goal/clear", {}),
    ("thread/goal/set", {"objective": "G", "origin": "nobody"}),
    ("thread/goal/clear", {"origin": "nobody"}),
)


def origin(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as s:
        names: dict[str, str] = {}
        steps: list[Any] = []
        with s.serve(argv) as client:
            thread = client.call("thread/start", {"cwd": str(s.repo)})["thread"]
            tid = thread["id"]
            names[tid] = "<thread>"
            client.turn(tid, "hello")
            for method, params in ORIGIN_STEPS:
                before = len(rollout_records(thread["path"]))
                reply, _ = client.response(client.start(method, {"threadId": tid, **params}))
                added = rollout_records(thread["path"])[before:]
                steps.append(
                    {
                        "method": method,
                        "params": params,
                        "reply": reply.get("result", reply.get("error")),
                        "rollout_added": [_shape(x) for x in added],
                    }
                )
            facts["steps"] = norm(steps, names)
            # Anything still running (a goal turn of B or C) is stopped by the clears above.
            _quiet(client)
            count = len(s.mock.requests)
            client.turn(tid, "next")
            facts["next_turn_request_inputs"] = norm(
                [_user_inputs(r) for r in s.mock.requests[count:]], names
            )
            facts["requests_between"] = count
        facts["exit_code"] = client.proc.returncode
        with s.serve(argv) as again:
            before = len(rollout_records(thread["path"]))
            reply, _ = again.response(
                again.start(
                    "thread/goal/set",
                    {
                        "threadId": tid,
                        "objective": "F unloaded",
                        "status": "paused",
                        "origin": "user",
                    },
                )
            )
            added = rollout_records(thread["path"])[before:]
            facts["unloaded_user_set"] = {
                "reply_ok": "result" in reply,
                "rollout_added": norm([_shape(x) for x in added], names),
            }
    return facts


PARTS: tuple[tuple[str, Callable[[list[str]], dict[str, Any]]], ...] = (
    ("fork_ordinary", lambda argv: fork(argv, defer=None)),
    ("fork_deferred", lambda argv: fork(argv, defer=True)),
    ("fork_loaded", fork_loaded),
    ("fork_checks", fork_checks),
    ("resume_snapshot", resume_snapshot),
    ("delete", delete),
    ("origin", origin),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "")[:200])
    parser.add_argument("only", nargs="*", help="re-capture only these parts")
    parser.add_argument("--out", type=Path, default=FIXTURE, help="where to write (a re-capture)")
    args = parser.parse_args()
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed", file=sys.stderr)
        return 1
    argv = app_server_argv(binary)
    facts: dict[str, Any] = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {}
    for name, fn in PARTS:
        if args.only and name not in args.only:
            continue
        try:
            facts[name] = fn(argv)
        except Exception as exc:  # a fact we could not get is said so, not guessed
            facts[name] = {"capture_failed": f"{type(exc).__name__}: {exc}"}
    write_json(args.out, facts)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
