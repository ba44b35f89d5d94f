"""thread/goal/set|get|clear of our app-server, step by step against what 0.169 answered in the
same session (tests/fixtures/thread_goal_official.json, `python -m tests.app_server.capture_goals`):
replies, errors, the goal notifications before each reply, the rollout's thread_goal_updated
lines, the goals_1.sqlite row, a restarted server's answer, and the goal turn an active goal
starts on an idle thread. Then what the capture cannot show in one run: a goal turn followed by
another until the model completes the goal, and the token budget that stops it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from tests.app_server.capture_goals import goal_steps
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.support.official_drive import rollout_records, scrub, turn_triggers

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "thread_goal_official.json"
OFFICIAL = json.loads(FIXTURE.read_text())
_TIMES = ("createdAt", "updatedAt", "emittedAtMs", "startedAt", "completedAt")
GOAL_OPEN = '<codex_internal_context source="goal">'


def _norm(value: Any, names: dict[str, str]) -> Any:
    """As the capture normalizes: thread id named, other ids and times replaced."""
    return scrub(
        value,
        times=lambda key: key in _TIMES or key.endswith("_at_ms"),
        ms=("durationMs", "startedAtMs", "completedAtMs", "timeUsedSeconds"),
        names=names,
    )


def _goal_notes(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The goal notifications a client's change makes (not the running turn's accounting, whose
    seconds depend on how long the machine took: `turnId` names a turn)."""
    return [
        m
        for m in messages
        if str(m.get("method", "")).startswith("thread/goal/")
        and m.get("params", {}).get("turnId") is None
    ]


def _goal_requests(mock: MockModelServer) -> list[Any]:
    return [r for r in mock.requests if any(GOAL_OPEN in text for text in r.message_texts("user"))]


def _start(home: Path, repo: Path) -> RpcClient:
    client = RpcClient(ours_argv(), scratch_env(home), repo)
    client.initialize()
    return client


def test_goal_methods_as_0169(mock: MockModelServer, home: Path, repo: Path) -> None:
    # The goal turn's request is held until the goal is paused, as 0.169's turn was still
    # running then (its turn/started came before the pause's reply, its end after).
    mock.enqueue(Hold(Turn([Message("ok")])))
    mock.repeat(Turn([Message("ok")]))
    client = _start(home, repo)
    names: dict[str, str] = {}
    seen_turns: list[dict[str, Any]] = []

    def step(name: str, method: str, params: dict[str, Any]) -> None:
        reply, before = client.response(client.start(method, params))
        seen_turns.extend(m for m in before if str(m.get("method", "")).startswith("turn/"))
        ours = _norm(
            {"before": _goal_notes(before), "reply": reply.get("result", reply.get("error"))}, names
        )
        official = OFFICIAL[name]
        theirs = _norm({"before": _goal_notes(official["before"]), "reply": official["reply"]}, {})
        if name == "get_bad_id":
            ours["reply"]["message"] = ours["reply"]["message"].split(":")[0]
        assert ours == theirs, name

    try:
        thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
        tid = thread["id"]
        names[tid] = "<thread>"
        idle, running, ended = goal_steps(tid)
        for args in idle:
            step(*args)
        mock.wait_held()  # the goal turn has asked the model
        for args in running:
            step(*args)
        mock.release()
        if not any(m.get("method") == "turn/completed" for m in seen_turns):
            seen_turns.extend(client.until(lambda m: m.get("method") == "turn/completed"))
        # One goal turn, announced like 0.169's (no user item: its input is hidden).
        started = [m for m in seen_turns if m.get("method") == "turn/started"]
        assert [_norm(m, names) for m in started] == _norm(
            [m for m in OFFICIAL["set_paused"]["before"] if m["method"] == "turn/started"], names
        )
        goal_requests = _goal_requests(mock)
        assert len(goal_requests) == 1
        body = goal_requests[0].json
        tools = [str(t.get("name") or t.get("type")) for t in body["tools"]]
        official_turn = OFFICIAL["goal_turn_request"]
        assert [t for t in tools if "goal" in t] == official_turn["goal_tools"]
        texts = [t for t in goal_requests[0].message_texts("user") if GOAL_OPEN in t]
        assert texts[0].splitlines()[0] == official_turn["goal_user_message_first_line"]
        assert "ship it" in texts[0]
        for args in ended:
            step(*args)
    finally:
        assert client.close() == OFFICIAL["exit_code"]
    # The rollout: the goal lines and the one goal-triggered turn.
    lines = rollout_records(thread["path"])
    goal_lines = [
        x["payload"] for x in lines if "goal" in str(x.get("payload", {}).get("type", ""))
    ]
    assert _norm(goal_lines, names) == _norm(OFFICIAL["rollout_goal_lines"], {})
    assert turn_triggers(lines) == OFFICIAL["rollout_turn_triggers"]
    # goals_1.sqlite, as 0.169 leaves it.
    con = sqlite3.connect(home / "goals_1.sqlite")
    try:
        tables = sorted(
            r[0] for r in con.execute("select name from sqlite_master where type='table'")
        )
        rows = con.execute("select * from thread_goals")
        columns = [d[0] for d in rows.description]
        found = [dict(zip(columns, r, strict=True)) for r in rows]
    finally:
        con.close()
    official_db = OFFICIAL["goals_db"]
    assert tables == official_db["tables"]
    assert columns == official_db["thread_goals_columns"]
    assert _norm(found, names) == official_db["thread_goals_rows"]
    # A new server (nothing loaded) reads the goal from the file.
    again = _start(home, repo)
    try:
        reply, _ = again.response(again.start("thread/goal/get", {"threadId": tid}))
        assert _norm(reply["result"], names) == _norm(OFFICIAL["new_server_get_not_loaded"], {})
    finally:
        again.close()


def _until_idle_goal(client: RpcClient, tid: str, status: str) -> list[dict[str, Any]]:
    """Messages up to the turn/completed that follows a goal notification with `status`."""
    out: list[dict[str, Any]] = []
    reached = False
    while True:
        message = client.next()
        out.append(message)
        if message.get("method") == "thread/goal/updated":
            reached = message["params"]["goal"]["status"] == status
        if reached and message.get("method") == "turn/completed":
            return out


def test_goal_turns_go_on_until_the_model_completes_the_goal(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    mock.enqueue(
        Turn([Message("first step done")]),
        Turn([FunctionCall("u1", "update_goal", {"status": "complete"})]),
        Turn([Message("all done")]),
    )
    client = _start(home, repo)
    try:
        tid = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        client.call("thread/goal/set", {"threadId": tid, "objective": "finish the work"})
        messages = _until_idle_goal(client, tid, "complete")
        started = [m["params"]["turn"]["id"] for m in messages if m.get("method") == "turn/started"]
        assert len(started) == 2  # the first goal turn, and the one that completes it
        done = [m for m in messages if m.get("method") == "thread/goal/updated"][-1]["params"]
        assert done["turnId"] == started[1]  # the model's update, in its turn
        assert done["goal"]["status"] == "complete"
        output = mock.requests[2].function_call_output("u1")
        assert output is not None and json.loads(output["output"])["goal"]["status"] == "complete"
        goal = client.call("thread/goal/get", {"threadId": tid})["goal"]
        assert goal["status"] == "complete"
        thread = client.call("thread/read", {"threadId": tid})["thread"]
    finally:
        client.close()
    # Three requests: nothing after the goal was complete.
    assert len(mock.requests) == 3
    assert len(_goal_requests(mock)) == 3
    lines = [json.loads(x) for x in Path(thread["path"]).read_text().splitlines()]
    triggers = [
        x["payload"]["turn_attribution"]["turn_trigger"]
        for x in lines
        if x["payload"].get("type") == "task_started"
    ]
    assert triggers == ["goal", "goal"]


def test_a_spent_token_budget_stops_the_goal(mock: MockModelServer, home: Path, repo: Path) -> None:
    used = Usage(input_tokens=400, output_tokens=100)  # 500 goal tokens a request
    mock.enqueue(
        Turn([FunctionCall("g1", "get_goal", {})], usage=used),
        Turn([FunctionCall("g2", "get_goal", {})], usage=used),
        Turn([FunctionCall("g3", "get_goal", {})], usage=used),
        Turn([Message("wrapping up")], usage=used),
    )
    client = _start(home, repo)
    try:
        tid = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        client.call("thread/goal/set", {"threadId": tid, "objective": "spend", "tokenBudget": 600})
        messages = _until_idle_goal(client, tid, "budgetLimited")
        goal = client.call("thread/goal/get", {"threadId": tid})["goal"]
    finally:
        client.close()
    # Charged when a tool finishes (the requests before it) and at the turn's end.
    assert goal["status"] == "budgetLimited"
    assert goal["tokensUsed"] == 2000 and goal["tokenBudget"] == 600
    updates = [m["params"]["goal"] for m in messages if m.get("method") == "thread/goal/updated"]
    # (A charge of seconds alone may come between them on a slow machine.)
    charged = [(u["tokensUsed"], u["status"]) for u in updates[1:]]
    charged = [c for n, c in enumerate(charged) if n == 0 or c != charged[n - 1]]
    assert charged == [(500, "active"), (1000, "budgetLimited"), (2000, "budgetLimited")]
    # The model was told once, in the same turn, before its next request; no turn after it.
    told = [
        i
        for i, r in enumerate(mock.requests)
        if any("budget is spent" in t for t in r.message_texts("user"))
    ]
    assert told[0] == 3
    assert len(mock.requests) == 4
    assert len([m for m in messages if m.get("method") == "turn/started"]) == 1


MORE = json.loads(
    (
        Path(__file__).resolve().parents[1] / "fixtures" / "goals_appserver_more_official.json"
    ).read_text()
)


def test_a_goal_the_model_creates_goes_on_as_0169s(tmp_path: Path) -> None:
    """tests/fixtures/goals_appserver_more_official.json (`python -m
    tests.app_server.capture_goals_more`): a user turn whose model creates a goal, then one goal
    turn in which it completes it; the notifications, requests and rollout lines as 0.169's."""
    from tests.app_server.capture_goals_more import model_goal

    assert model_goal(ours_argv(), tmp_path) == MORE["model_goal"]


def test_an_interrupted_goal_turn_leaves_the_goal_active_as_0169s(tmp_path: Path) -> None:
    from tests.app_server.capture_goals_more import interrupt

    assert interrupt(ours_argv(), tmp_path) == MORE["interrupt"]


def test_a_goal_set_on_an_unloaded_thread_goes_on_when_it_is_resumed(
    mock: MockModelServer, home: Path, repo: Path
) -> None:
    official = MORE["unloaded"]
    mock.repeat(Turn([Message("ok")]))
    client = _start(home, repo)
    try:
        thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
        client.turn(thread["id"], "hello")
    finally:
        client.close()
    rollout = Path(thread["path"])
    lines = len(rollout.read_text().splitlines())
    again = _start(home, repo)
    try:
        reply, before = again.response(
            again.start("thread/goal/set", {"threadId": thread["id"], "objective": "later"})
        )
        assert reply["result"]["goal"]["status"] == official["set_reply_status"]
        assert _goal_notes(before) == official["notifications_before_reply"] == []
        # Not loaded: the goal is in goals_1.sqlite only, no line in the rollout (0.169 neither).
        assert (
            len(rollout.read_text().splitlines()) - lines == official["rollout_lines_added_by_set"]
        )
        assert len(mock.requests) == 1
        again.call("thread/resume", {"threadId": thread["id"]})
        messages = again.until(lambda m: m.get("method") == "turn/completed")
        assert any(m.get("method") == "turn/started" for m in messages)
    finally:
        again.close()
    assert any(GOAL_OPEN in t for t in mock.requests[1].message_texts("user"))
    triggers = turn_triggers(rollout_records(rollout))
    assert triggers[:2] == official["rollout"]["turn_triggers"] == [None, "goal"]


GOAL_TYPES = {
    "thread/goal/set": "ThreadGoalSetResponse",
    "thread/goal/get": "ThreadGoalGetResponse",
    "thread/goal/clear": "ThreadGoalClearResponse",
    "thread/goal/updated": "ThreadGoalUpdatedNotification",
    "thread/goal/cleared": "ThreadGoalClearedNotification",
}


def _schema_folder(source: str, tmp_path: Path) -> Path:
    import subprocess

    import pytest

    if source == "ours":
        return Path(__file__).resolve().parents[2] / "schema" / "app_server" / "json"
    from tests.support.official import official_binary

    binary = official_binary()
    if binary is None:
        pytest.skip("the official 0.169 binary is not installed (tests/support/official.py)")
    out = tmp_path / "schema169"
    home = tmp_path / "official-home"  # never the user's ~/.codex (it writes tmp/ there)
    home.mkdir(exist_ok=True)
    subprocess.run(
        [str(binary), "app-server", "generate-json-schema", "--out", str(out)],
        check=True,
        capture_output=True,
        env={**os.environ, "CODEX_HOME": str(home)},
        timeout=120,
    )
    return out / "v2" if (out / "v2").is_dir() else out


def _goal_traffic(mock: MockModelServer, home: Path, repo: Path) -> list[tuple[str, Any]]:
    """(method, reply or notification params) of a short goal session: set with a budget,
    a goal turn whose model completes the goal, get, clear, get."""
    mock.enqueue(Turn([FunctionCall("u1", "update_goal", {"status": "complete"})]))
    mock.repeat(Turn([Message("done")]))
    client = _start(home, repo)
    seen: list[tuple[str, Any]] = []
    try:
        tid = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        params = {"threadId": tid, "objective": "o", "tokenBudget": 50_000}
        seen.append(("thread/goal/set", client.call("thread/goal/set", params)))
        messages = _until_idle_goal(client, tid, "complete")
        for method, params in (
            ("thread/goal/get", {"threadId": tid}),
            ("thread/goal/clear", {"threadId": tid}),
            ("thread/goal/get", {"threadId": tid}),
        ):
            reply, before = client.response(client.start(method, params))
            messages += before
            seen.append((method, reply["result"]))
    finally:
        client.close()
    seen += [(m["method"], m["params"]) for m in _goal_notes_all(messages)]
    return seen


def _goal_notes_all(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if str(m.get("method", "")).startswith("thread/goal/")]


def test_goal_traffic_validates_against_the_schemas(
    mock: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    """Every goal reply and notification against our committed schema and against the one
    0.169 itself generates (`codex app-server generate-json-schema`)."""
    import jsonschema

    traffic = _goal_traffic(mock, home, repo)
    assert {method for method, _ in traffic} == set(GOAL_TYPES)
    for source in ("ours", "0.169"):
        folder = _schema_folder(source, tmp_path)
        for method, value in traffic:
            schema = json.loads((folder / f"{GOAL_TYPES[method]}.json").read_text())
            jsonschema.Draft7Validator(schema).validate(value)
