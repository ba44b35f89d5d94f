"""codex.core.goals below the front ends: the goals_1.sqlite store (its rules for a new goal, a
status change under a budget, usage charged by status), a file made by 0.169's layout read as it
is, the runtime's accounting and continuation decisions, and the goal turn's hidden input kept
out of what the user typed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.support.official_drive import sqlite_layout

from codex.core.goals.model import GoalError, check_budget, check_objective, wire_status
from codex.core.goals.runtime import GoalRuntime
from codex.core.goals.steering import OPEN, continuation_message, is_goal_context
from codex.core.goals.store import ACTIVE_OR_COMPLETE, KEEP, GoalStore
from codex.core.history import real_user_texts
from codex.protocol.usage import TokenUsage

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "goals_core_official.json"
TID = "019aaaaa-0000-7000-8000-000000000001"


@pytest.fixture
def store(tmp_path: Path) -> GoalStore:
    return GoalStore(tmp_path)


def test_reading_never_creates_the_file(store: GoalStore) -> None:
    assert store.get(TID) is None
    assert store.update(TID, status="paused") is None
    assert store.delete(TID) is None
    assert store.account(TID, seconds=5, tokens=5) is None
    assert not store.path.exists()


def test_the_file_has_0169s_tables_and_migrations(store: GoalStore) -> None:
    store.replace(TID, "x", "active", None)
    official = json.loads(FIXTURE.read_text())["goals_db"]
    layout = sqlite_layout(store.path)
    schema, migrations = layout["schema"], layout["migrations"]
    journal = layout["pragmas"]["journal_mode"]
    # Same tables, columns and constraints (our DDL says IF NOT EXISTS; the rest is the same).
    assert [s.replace(" IF NOT EXISTS", "") for s in schema] == official["schema"]
    assert migrations == official["migrations"]
    assert journal == official["pragmas"]["journal_mode"]


def test_a_file_made_by_0169_is_used_as_it_is(tmp_path: Path) -> None:
    official = json.loads(FIXTURE.read_text())["goals_db"]
    con = sqlite3.connect(tmp_path / "goals_1.sqlite")
    for statement in official["schema"]:
        con.execute(statement)
    con.execute(
        "insert into thread_goals values (?, 'g-1', 'theirs', 'paused', 10, 3, 2, 1000, 2000)",
        (TID,),
    )
    con.commit()
    con.close()
    goal = GoalStore(tmp_path).get(TID)
    assert goal is not None
    assert goal.to_wire() == {
        "threadId": TID,
        "objective": "theirs",
        "status": "paused",
        "tokenBudget": 10,
        "tokensUsed": 3,
        "timeUsedSeconds": 2,
        "createdAt": 1,
        "updatedAt": 2,
    }
    GoalStore(tmp_path).update(TID, status="active")  # no migration rows added to their file
    con = sqlite3.connect(tmp_path / "goals_1.sqlite")
    try:
        assert con.execute("select count(*) from _sqlx_migrations").fetchone()[0] == 0
    finally:
        con.close()


def test_a_new_goal_only_replaces_a_complete_one(store: GoalStore) -> None:
    first = store.insert(TID, "one", "active", None)
    assert first is not None and first.status == "active"
    assert store.insert(TID, "two", "active", None) is None
    store.update(TID, status="complete")
    second = store.insert(TID, "two", "active", 50)
    assert second is not None and second.goal_id != first.goal_id
    assert (second.objective, second.tokens_used, second.token_budget) == ("two", 0, 50)


def test_status_rules_under_a_budget(store: GoalStore) -> None:
    store.replace(TID, "x", "active", 100)
    goal = store.account(TID, seconds=0, tokens=100)
    assert goal is not None and goal.status == "budget_limited"
    # Paused or blocked, a spent goal stays budget-limited; made active it is limited again.
    assert store.update(TID, status="paused").status == "budget_limited"  # type: ignore[union-attr]
    assert store.update(TID, status="active").status == "budget_limited"  # type: ignore[union-attr]
    raised = store.update(TID, token_budget=500)
    assert raised is not None and raised.status == "budget_limited"  # a budget alone: kept
    assert store.update(TID, status="active").status == "active"  # type: ignore[union-attr]
    cleared = store.update(TID, token_budget=None, objective="y")
    assert cleared is not None and (cleared.token_budget, cleared.objective) == (None, "y")
    assert store.update(TID, token_budget=KEEP) == cleared  # nothing asked: untouched


def test_usage_is_charged_by_status(store: GoalStore) -> None:
    store.replace(TID, "x", "active", None)
    store.update(TID, status="complete")
    assert store.account(TID, seconds=3, tokens=10) is None  # complete: not charged
    goal = store.account(TID, seconds=3, tokens=10, statuses=ACTIVE_OR_COMPLETE)
    assert goal is not None and (goal.tokens_used, goal.time_used_seconds) == (10, 3)
    assert store.account(TID, seconds=1, tokens=1, expected_goal_id="other") is None


def test_checks_say_what_0169_says() -> None:
    with pytest.raises(GoalError, match=r"^goal objective must not be empty$"):
        check_objective("  \n")
    assert check_objective("  ship  ") == "ship"
    with pytest.raises(GoalError, match=r"^goal budgets must be positive when provided$"):
        check_budget(0)
    assert wire_status("budgetLimited") == "budget_limited"
    with pytest.raises(GoalError, match="unknown variant `weird`, expected one of `active`"):
        wire_status("weird")


class _Events:
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def __call__(self, sub_id: str, msg: Any) -> None:
        self.seen.append((sub_id, msg))


def _usage(inp: int, out: int, cached: int = 0) -> TokenUsage:
    return TokenUsage(input_tokens=inp, cached_input_tokens=cached, output_tokens=out)


def test_runtime_charges_fresh_input_and_output(tmp_path: Path) -> None:
    events = _Events()
    runtime = GoalRuntime(tmp_path, TID, events)
    runtime.store.replace(TID, "x", "active", None)
    runtime.turn_started("t1", _usage(1000, 10))
    runtime.request_started(_usage(1000, 10))
    assert runtime.tool_finished("exec_command") is None  # nothing used since the turn began
    runtime.request_started(_usage(1500, 60, cached=300))  # +500 input (300 cached), +50 out
    runtime.tool_finished("update_goal")  # never charges
    assert runtime.store.get(TID).tokens_used == 0  # type: ignore[union-attr]
    runtime.tool_finished("get_goal")
    assert runtime.store.get(TID).tokens_used == 250  # type: ignore[union-attr]
    runtime.turn_finished(_usage(1500, 60, cached=300))
    assert [(sub, msg.goal.tokens_used, msg.turn_id) for sub, msg in events.seen] == [
        ("t1", 250, "t1")
    ]


def test_runtime_after_a_failed_or_interrupted_turn(tmp_path: Path) -> None:
    runtime = GoalRuntime(tmp_path, TID, _Events())
    runtime.store.replace(TID, "x", "active", None)
    runtime.turn_started("t1", None)
    runtime.turn_finished(None, error_kind="server_overloaded")
    assert runtime.store.get(TID).status == "active"  # type: ignore[union-attr]
    runtime.turn_started("t2", None)
    runtime.turn_finished(None, error_kind="usage_limit_exceeded")
    assert runtime.store.get(TID).status == "usage_limited"  # type: ignore[union-attr]
    runtime.store.update(TID, status="active")
    runtime.turn_started("t3", None)
    runtime.turn_finished(None, error_kind="other")
    assert runtime.store.get(TID).status == "blocked"  # type: ignore[union-attr]
    # Interrupted: the goal stays active (0.169), but no goal turn follows at once.
    runtime.store.update(TID, status="active")
    woken: list[int] = []
    runtime.continuation, runtime.wake = True, lambda: woken.append(1)
    runtime.turn_started("t4", None)
    runtime.turn_finished(None, aborted=True)
    runtime.idle()
    assert runtime.store.get(TID).status == "active"  # type: ignore[union-attr]
    assert woken == []
    runtime.turn_started("t5", None)
    runtime.turn_finished(None)
    runtime.idle()
    assert woken == [1]


def test_continuation_only_for_a_front_end_that_wants_it(tmp_path: Path) -> None:
    woken: list[int] = []
    runtime = GoalRuntime(tmp_path, TID, _Events())
    runtime.wake = lambda: woken.append(1)
    runtime.store.replace(TID, "reach the end", "active", 1000)
    runtime.idle()
    assert woken == [] and runtime.continuation_message() is None  # exec: ends with its turn
    runtime.continuation = True
    runtime.idle()
    assert woken == [1]
    message = runtime.continuation_message()
    assert message is not None and message.role == "user"
    text = message.text()
    assert text.startswith(OPEN + "\n") and "reach the end" in text and "1000" in text
    runtime.store.update(TID, status="paused")
    runtime.idle()
    assert woken == [1] and runtime.continuation_message() is None


def test_the_hidden_input_is_not_what_the_user_typed(tmp_path: Path) -> None:
    store = GoalStore(tmp_path)
    goal = store.replace(TID, "x", "active", None)
    hidden = continuation_message(goal)
    assert is_goal_context(hidden.text())
    assert real_user_texts([hidden]) == []
