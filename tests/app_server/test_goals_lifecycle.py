"""A thread's goal around the thread's own life, against what 0.169 did
(tests/fixtures/goals_lifecycle_official.json; `python -m tests.app_server.capture_goals_lifecycle`
rewrites it):
a fork made with `deferGoalContinuation` carries its source's goal and waits for its first
explicit turn (an ordinary fork starts without one); thread/delete forgets the goal; a change
with `origin: "user"` is told to the model; a resume that loads the thread says its goal."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.app_server.capture_goals_lifecycle import FIXTURE
from tests.app_server.capture_goals_lifecycle import goal_db as _db
from tests.app_server.capture_goals_lifecycle import norm as _norm
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import rollout_records

OFFICIAL = json.loads(FIXTURE.read_text())
GOAL_OPEN = '<codex_internal_context source="goal">'


def _client(home: Path, repo: Path, *, experimental: bool = True) -> RpcClient:
    client = RpcClient(ours_argv(), scratch_env(home), repo)
    if experimental:
        client.initialize(capabilities={"experimentalApi": True})
    else:
        client.initialize()
    return client


def _parent_with_goal(home: Path, repo: Path, names: dict[str, str]) -> str:
    """A recorded thread, not loaded, whose active goal has some usage on it (as the capture)."""
    first = _client(home, repo)
    try:
        parent = first.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        names[parent] = "<parent>"
        first.turn(parent, "hello")
    finally:
        first.close()
    second = _client(home, repo)
    try:
        second.call(
            "thread/goal/set",
            {"threadId": parent, "objective": "fork me", "tokenBudget": 100000},
        )
    finally:
        second.close()
    con = sqlite3.connect(home / "goals_1.sqlite")
    with con:
        con.execute(
            "update thread_goals set tokens_used = 37, time_used_seconds = 11 where thread_id = ?",
            (parent,),
        )
    con.close()
    return parent


def _goal_status_events(messages: list[dict[str, Any]]) -> list[Any]:
    return [
        [m["method"], (m["params"].get("goal") or {}).get("status")]
        for m in messages
        if str(m.get("method", "")).startswith(("turn/", "thread/goal/"))
    ]


def test_a_deferred_fork_carries_the_goal_and_waits_for_an_explicit_turn(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    official = OFFICIAL["fork_deferred"]
    mock.enqueue(
        Turn([Message("hello back")]),  # the parent's turn
        Turn([Message("fork turn")]),  # the user's turn on the fork
        Turn([FunctionCall("u1", "update_goal", {"status": "complete"})]),
        Turn([Message("done")]),
    )
    mock.repeat(Turn([Message("extra")]))
    names: dict[str, str] = {}
    parent = _parent_with_goal(home, repo, names)
    assert _db(home, names) == official["db_before_fork"]

    client = _client(home, repo)
    try:
        plain = client.call("thread/fork", {"threadId": parent})["thread"]["id"]
        assert (
            client.call("thread/goal/get", {"threadId": plain})
            == (OFFICIAL["fork_ordinary"]["fork_goal_get"])
        )
        reply, _ = client.response(
            client.start("thread/fork", {"threadId": parent, "deferGoalContinuation": True})
        )
        fork = reply["result"]["thread"]["id"]
        names[fork] = "<fork>"
        # After the reply: thread/started, then the fork's goal.
        started = client.until(lambda m: m.get("method") == "thread/started")
        goal_note = client.until(lambda m: m.get("method") == "thread/goal/updated")[-1]
        assert not [m for m in started if m.get("method") == "thread/goal/updated"]
        assert (
            _norm(goal_note["params"], names) == (official["fork_goal_notifications"][-1]["params"])
        )
        db = _db(home, names)
        db["thread_goals"] = [g for g in db["thread_goals"] if g["thread_id"] != plain]
        assert db == official["db_after_fork"]
        rows = {
            r[0]: r
            for r in sqlite3.connect(home / "goals_1.sqlite").execute("select * from thread_goals")
        }
        differs = [
            i for i, (a, b) in enumerate(zip(rows[parent], rows[fork], strict=True)) if a != b
        ]
        assert len(differs) == len(official["fork_row_differs_from_parent_in"]) == 1  # thread_id
        assert (
            _norm(client.call("thread/goal/get", {"threadId": fork}), names)
            == official["fork_goal_get"]
        )
    finally:
        client.close()

    again = _client(home, repo)
    try:
        again.call("thread/resume", {"threadId": fork})
        assert _db(home, names)["deferrals"] == official["db_after_resume"]["deferrals"]
        _reply, messages = again.turn(fork, "on the fork")
        # The first request after the parent's is the user's: no goal turn came before it
        # (not when forking, not on resume).
        assert GOAL_OPEN not in json.dumps(mock.requests[1].input())
        assert "on the fork" in json.dumps(mock.requests[1].input())
        assert _db(home, names)["deferrals"] == official["db_right_after_user_turn"]["deferrals"]
        # Then the goal goes on by itself, until the model completes it.
        messages += again.until(
            lambda m: (
                m.get("method") == "thread/goal/updated"
                and m["params"]["goal"]["status"] == "complete"
            )
        )
        messages += again.until(lambda m: m.get("method") == "turn/completed")
        events = _goal_status_events(messages)
        turns = [e for e in events if e[0].startswith("turn/")]
        official_turns = [e for e in official["after_user_turn"] if e[0].startswith("turn/")]
        assert turns == official_turns
        assert ["thread/goal/updated", "complete"] in events
        assert len(mock.requests) - 1 == official["requests_from_user_turn"]
        final = _db(home, names)
        assert final["deferrals"] == []
        assert [g["status"] for g in final["thread_goals"] if g["thread_id"] == "<fork>"] == [
            "complete"
        ]
    finally:
        again.close()


def test_setting_a_deferred_forks_goal_active_starts_no_goal_turn(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    official = OFFICIAL["fork_loaded"]
    mock.enqueue(Turn([Message("hello back")]))
    mock.repeat(Turn([Message("extra")]))
    names: dict[str, str] = {}
    client = _client(home, repo)
    try:
        parent = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        names[parent] = "<parent>"
        client.turn(parent, "hello")
        client.call(
            "thread/goal/set",
            {"threadId": parent, "objective": "paused work", "status": "paused"},
        )
        fork = client.call("thread/fork", {"threadId": parent, "deferGoalContinuation": True})
        fork_id = fork["thread"]["id"]
        names[fork_id] = "<fork>"
        assert _db(home, names) == official["db_after_fork"]
        reply = client.call("thread/goal/set", {"threadId": fork_id, "status": "active"})
        assert _norm(reply, names) == official["set_active_reply"]
        assert _db(home, names) == official["db_after_set_active"]
        # An explicit turn now: the request after the parent's is the user's, not a goal turn
        # the set would have started (0.169 made none: official["requests_total"] == 1).
        assert official["requests_total"] == 1
        client.start(
            "turn/start",
            {"threadId": fork_id, "input": [{"type": "text", "text": "explicit"}]},
        )
        mock.wait_for_requests(2)
        assert "explicit" in json.dumps(mock.requests[1].input())
        assert GOAL_OPEN not in json.dumps(mock.requests[1].input())
    finally:
        client.close()


def test_defer_goal_continuation_needs_the_experimental_api_and_no_ephemeral(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    official = OFFICIAL["fork_checks"]
    mock.repeat(Turn([Message("ok")]))
    for experimental in (True, False):
        client = _client(home, repo, experimental=experimental)
        key = "experimental" if experimental else "plain"
        try:
            parent = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
            client.turn(parent, "hello")
            client.call(
                "thread/goal/set", {"threadId": parent, "objective": "x", "status": "paused"}
            )
            for label, extra in (("ephemeral", {"ephemeral": True}), ("false", {})):
                params = {"threadId": parent, "deferGoalContinuation": label != "false", **extra}
                reply, _ = client.response(client.start("thread/fork", params))
                want = official[f"{key}_{label}"]
                if "error" in want:
                    assert reply.get("error") == want["error"]
                else:
                    fork = reply["result"]["thread"]["id"]
                    goal = client.call("thread/goal/get", {"threadId": fork})["goal"]
                    assert (goal is not None) == want["goal"]
        finally:
            client.close()


def test_thread_delete_forgets_the_threads_goal(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    """thread/delete of a loaded thread, and of one no server has loaded, leaves no goal row
    behind (0.169); another thread's goal stays."""
    official = OFFICIAL["delete"]
    mock.repeat(Turn([Message("ok")]))
    names: dict[str, str] = {}
    ids: list[str] = []
    client = _client(home, repo)
    try:
        for name in ("<loaded>", "<unloaded>", "<kept>"):
            thread = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
            names[thread] = name
            ids.append(thread)
            client.turn(thread, "hello")
            client.call(
                "thread/goal/set",
                {"threadId": thread, "objective": f"goal of {name}", "status": "paused"},
            )
        assert _db(home, names) == official["db_before"]
        assert client.call("thread/delete", {"threadId": ids[0]}) == official["delete_loaded"]
        assert _db(home, names) == official["db_after_delete_loaded"]
        reply, _ = client.response(client.start("thread/goal/get", {"threadId": ids[0]}))
        assert _norm(reply.get("error"), names) == official["get_after_delete"]
    finally:
        client.close()
    again = _client(home, repo)
    try:
        assert again.call("thread/delete", {"threadId": ids[1]}) == official["delete_unloaded"]
        assert _db(home, names) == official["db_after_delete_unloaded"]
    finally:
        again.close()


def _said(added: list[Any]) -> list[Any]:
    """What a step added to the rollout, as this test compares it: the user-goal messages'
    text and the goal lines' status (0.169's `thread_settings_applied` line and its messages'
    ids and metadata are not ours to match here)."""
    out: list[Any] = []
    for kind, payload in added:
        if kind == "response_item":
            out.append(["said", [c["text"] for c in payload["content"]]])
        elif payload.get("type") == "thread_goal_updated":
            out.append(["goal", payload["goal"]["status"]])
    return out


def test_a_user_origin_goal_change_is_said_to_the_model(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    """thread/goal/set|clear with `origin: "user"` put a user-goal message in the thread's
    history (and rollout) before the change; automatic, missing origins and budget-only sets
    do not; the next turn's request carries the messages in order (0.169)."""
    official = OFFICIAL["origin"]
    mock.repeat(Turn([Message("ok")]))
    names: dict[str, str] = {}
    client = _client(home, repo)
    try:
        thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
        tid = thread["id"]
        names[tid] = "<thread>"
        client.turn(tid, "hello")
        for step in official["steps"]:
            before = len(rollout_records(thread["path"]))
            reply, _ = client.response(
                client.start(step["method"], {"threadId": tid, **step["params"]})
            )
            got = _norm(reply.get("result", reply.get("error")), names)
            assert got == step["reply"], step
            added = [[x["type"], x["payload"]] for x in rollout_records(thread["path"])[before:]]
            assert _said(added) == _said(step["rollout_added"]), step
        count = len(mock.requests)
        assert count == official["requests_between"]
        client.turn(tid, "next")
        users = [
            [t for t in texts]
            for texts in (
                [p.get("text", "") for p in item.get("content") or []]
                for item in mock.requests[count].input()
                if item.get("type") == "message" and item.get("role") == "user"
            )
            if not any(t.startswith("<environment_context>") for t in texts)
        ]
        assert users == official["next_turn_request_inputs"][0]
    finally:
        client.close()
    again = _client(home, repo)
    try:
        before = len(rollout_records(thread["path"]))
        again.call(
            "thread/goal/set",
            {"threadId": tid, "objective": "F unloaded", "status": "paused", "origin": "user"},
        )
        added = [[x["type"], x["payload"]] for x in rollout_records(thread["path"])[before:]]
        assert _said(added) == _said(official["unloaded_user_set"]["rollout_added"])
    finally:
        again.close()


def test_resuming_a_thread_tells_the_client_its_goal(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    """A thread/resume that loads a thread is followed by its goal (thread/goal/updated) or by
    thread/goal/cleared when it has none; thread/start says nothing of a goal (0.169). (The
    capture's client1 is a second server process resuming the thread while the first has it
    loaded: 0.169 knows that through its shared state and says nothing; codex-py's servers do
    not share loaded threads, so that case is not compared.)"""
    official = OFFICIAL["resume_snapshot"]
    mock.repeat(Turn([Message("ok")]))
    names: dict[str, str] = {}
    ids: dict[str, str] = {}
    first = _client(home, repo, experimental=False)
    try:
        for name in ("<with_goal>", "<without_goal>"):
            reply, before = first.response(first.start("thread/start", {"cwd": str(repo)}))
            thread = reply["result"]["thread"]["id"]
            names[thread] = name
            ids[name] = thread
            _, messages = first.turn(thread, "hello")
            notes = [m["method"] for m in before + messages if "thread/goal" in m.get("method", "")]
            assert notes == official["thread_start_goal_notes"]
        first.call(
            "thread/goal/set",
            {"threadId": ids["<with_goal>"], "objective": "resume me", "status": "paused"},
        )
    finally:
        first.close()
    clients = [_client(home, repo, experimental=False)]
    try:
        for name, thread in ids.items():
            for index, client in enumerate(clients):
                want = official[f"resume_{name.strip('<>')}_client{index}"]
                reply, before = client.response(client.start("thread/resume", {"threadId": thread}))
                assert "result" in reply
                assert not [m for m in before if "thread/goal" in str(m.get("method", ""))]
                # What follows the reply, up to a probe's answer (a goal note comes first).
                _probe, after = client.response(client.start("thread/loaded/list", {}))
                notes = [m for m in after if "thread/goal" in str(m.get("method", ""))]
                got = [_norm(m, names) for m in notes]
                for note in got:
                    note.pop("emittedAtMs", None)
                for note in want["goal_notes"]:
                    note.pop("emittedAtMs", None)
                assert got == want["goal_notes"], (name, index)
    finally:
        for client in clients:
            client.close()
