"""The model's goal tools through the real `codex exec` against the mock model server, step by
step against what 0.169 answered in the same scenario (tests/fixtures/goals_core_official.json,
`python -m tests.core.capture_goals_core`): the tools offered, each tool's answer (shape, key
order, error texts, token accounting), the goals_1.sqlite file it leaves, and that exec ends
with its turn instead of going on with the goal."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.support.official_drive import function_outputs, scrub, sqlite_layout

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "goals_core_official.json"
OFFICIAL = json.loads(FIXTURE.read_text())


def _norm(value: Any) -> Any:
    """As tests/core/capture_goals_core.py normalises 0.169's answers."""
    return scrub(value, times=("createdAt", "updatedAt"))


def _exec(home: Path, work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock", HOME=str(home.parent))
    return subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--json", "--skip-git-repo-check", *extra, "go"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.mark.parametrize("ephemeral", [False, True])
def test_exec_offers_the_goal_tools_where_0169_does(
    tmp_path: Path, work: Path, mock_model_server: MockModelServer, ephemeral: bool
) -> None:
    mock_model_server.repeat(Turn([Message("ok")]))
    home = write_mock_config(tmp_path / "home", mock_model_server.base_url)
    run = _exec(home, work, *(("--ephemeral",) if ephemeral else ()))
    assert run.returncode == 0, run.stderr
    names = [
        str(t.get("name") or t.get("type")) for t in mock_model_server.requests[0].json["tools"]
    ]
    official = OFFICIAL["tools_exec_ephemeral" if ephemeral else "tools_exec"]["tool_names"][0]
    goal_names = ["get_goal", "create_goal", "update_goal"]
    assert [n for n in names if "goal" in n] == [n for n in official if "goal" in n] == goal_names
    # Same place in the list: right after view_image, before the web search tool.
    assert names[names.index("view_image") + 1 : names.index("view_image") + 4] == goal_names
    assert names[-1] == official[-1] == "web_search"
    # A plain turn leaves no goals file behind (nothing was written).
    assert not (home / "goals_1.sqlite").exists()


def test_goal_tools_answer_as_0169(
    tmp_path: Path, work: Path, mock_model_server: MockModelServer
) -> None:
    big = Usage(input_tokens=400, output_tokens=100)
    mock_model_server.enqueue(
        Turn([FunctionCall("g1", "get_goal", {})], usage=big),
        Turn(
            [
                FunctionCall(
                    "c1", "create_goal", {"objective": "  write tests ", "token_budget": 5000}
                )
            ],
            usage=big,
        ),
        Turn([FunctionCall("c2", "create_goal", {"objective": "again"})], usage=big),
        Turn([FunctionCall("c3", "create_goal", {"objective": "x", "token_budget": 0})], usage=big),
        Turn([FunctionCall("u0", "update_goal", {"status": "active"})], usage=big),
        Turn([FunctionCall("g2", "get_goal", {})], usage=big),
        Turn([FunctionCall("u1", "update_goal", {"status": "complete"})], usage=big),
        Turn([Message("done")], usage=big),
    )
    mock_model_server.repeat(Turn([Message("more")], usage=big))
    home = write_mock_config(tmp_path / "home", mock_model_server.base_url)
    run = _exec(home, work)
    assert run.returncode == 0, run.stderr
    official = OFFICIAL["model_tools"]
    requests = list(mock_model_server.requests)
    assert len(requests) == official["requests"] == 8
    ours = _norm(function_outputs(requests, list(official["outputs"])))
    theirs = dict(official["outputs"])
    # The completion report is prose for the model: ours has our own words, at the same place.
    assert isinstance(ours["u1"]["completionBudgetReport"], str)
    ours["u1"]["completionBudgetReport"] = theirs["u1"]["completionBudgetReport"]
    for call_id, answer in theirs.items():
        assert ours[call_id] == answer, call_id
    # Key order as 0.169 serializes it.
    raw = requests[6].function_call_output("g2")
    assert raw is not None
    assert list(json.loads(raw["output"])) == ["goal", "remainingTokens", "completionBudgetReport"]
    # The file 0.169 would read: its tables and its migrations as applied.
    con = sqlite3.connect(home / "goals_1.sqlite")
    try:
        tables = sorted(
            r[0] for r in con.execute("select name from sqlite_master where type='table'")
        )
        row = con.execute("select status, tokens_used, token_budget from thread_goals").fetchone()
    finally:
        con.close()
    assert tables == ["_sqlx_migrations", "thread_goal_continuation_deferrals", "thread_goals"]
    migrations = sqlite_layout(home / "goals_1.sqlite")["migrations"]
    assert migrations == OFFICIAL["goals_db"]["migrations"]
    assert row == ("complete", 2000, 5000)
    # exec writes no thread_goal_updated line for the model's tools (0.169 neither).
    rollout = next((home / "sessions").rglob("rollout-*.jsonl"))
    assert "thread_goal_updated" not in rollout.read_text()
    assert official["rollout_goal_events"] == []


def test_exec_ends_with_its_turn_even_with_an_active_goal(
    tmp_path: Path, work: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "create_goal", {"objective": "keep going"})]),
        Turn([Message("first answer")]),
    )
    mock_model_server.repeat(Turn([Message("again")]))
    home = write_mock_config(tmp_path / "home", mock_model_server.base_url)
    run = _exec(home, work)
    assert run.returncode == 0, run.stderr
    official = OFFICIAL["exec_goal_continues"]
    assert len(mock_model_server.requests) == official["requests"] == 2
    con = sqlite3.connect(home / "goals_1.sqlite")
    try:
        assert con.execute("select objective, status from thread_goals").fetchall() == [
            ("keep going", "active")
        ]
    finally:
        con.close()


def test_features_goals_false_offers_no_goal_tools(
    tmp_path: Path, work: Path, mock_model_server: MockModelServer
) -> None:
    """`[features] goals = false` (0.169's switch, on by default): no goal tools."""
    mock_model_server.repeat(Turn([Message("ok")]))
    home = write_mock_config(
        tmp_path / "home", mock_model_server.base_url, "[features]\ngoals = false\n"
    )
    run = _exec(home, work)
    assert run.returncode == 0, run.stderr
    names = [
        str(t.get("name") or t.get("type")) for t in mock_model_server.requests[0].json["tools"]
    ]
    assert "view_image" in names and not [n for n in names if "goal" in n]
