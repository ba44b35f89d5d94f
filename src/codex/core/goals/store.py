"""`$CODEX_HOME/goals_1.sqlite`: one goal per thread, in the layout 0.169 keeps, so a
CODEX_HOME shared with the official CLI shows both of them the same goals.

The file holds 0.169's two tables (`thread_goals`, `thread_goal_continuation_deferrals`) and
sqlx's `_sqlx_migrations` bookkeeping. 0.169 migrates the file with sqlx, which refuses a file
whose recorded migrations differ from its own: a file made here records the same two
migrations, with the checksums 0.169 recorded (tests/fixtures/goals_core_official.json), so
0.169 takes it as already migrated. A file 0.169 made is used as it is.

Every call opens the file, does one short transaction and closes it: two processes (ours and
0.169, or two app-servers) may share it, and sqlite's locking (WAL, a busy timeout) is what
keeps them apart. The file is only created by a write; a read of a missing file is "no goal",
so a session whose thread never had a goal never touches sqlite.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from codex.core.goals.model import ThreadGoal
from codex.core.stat_cache import path_exists

if TYPE_CHECKING:
    import sqlite3

FILE_NAME = "goals_1.sqlite"
KEEP: Final = object()  # "leave the token budget as it is" (None clears it)

# 0.169's tables (facts: the schema it creates, tests/fixtures/goals_core_official.json).
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS thread_goals (
    thread_id TEXT PRIMARY KEY NOT NULL,
    goal_id TEXT NOT NULL,
    objective TEXT NOT NULL,
    status TEXT NOT NULL CHECK(status IN (
        'active',
        'paused',
        'blocked',
        'usage_limited',
        'budget_limited',
        'complete'
    )),
    token_budget INTEGER,
    tokens_used INTEGER NOT NULL DEFAULT 0,
    time_used_seconds INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS thread_goal_continuation_deferrals (
    thread_id TEXT PRIMARY KEY NOT NULL REFERENCES thread_goals(thread_id) ON DELETE CASCADE
)""",
)
# The migrations 0.169 records: (version, description, sha384 checksum of its migration).
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "thread goals",
        "8ce6280244a0b4b39c7c37c7f67aff1670ec963d2401cdf2abcfea9904102db6"
        "cd99b7bedf366267791a45eb12f17713",
    ),
    (
        2,
        "thread goal continuation deferrals",
        "f3ff7de2fd89914820bef371081e885fd17df18a6fbdc432399a83255a8a01aa"
        "32fb7eea5e4de21a17bda3da16c49584",
    ),
)
_COLUMNS = (
    "thread_id, goal_id, objective, status, token_budget, tokens_used, time_used_seconds, "
    "created_at_ms, updated_at_ms"
)
# Accounting modes: which statuses a goal may have for usage to be added to it.
ACTIVE_ONLY = ("active", "budget_limited")
ACTIVE_OR_COMPLETE = ("active", "budget_limited", "complete")
ACTIVE_OR_STOPPED = ("active", "paused", "blocked", "usage_limited", "budget_limited")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _row(row: Any) -> ThreadGoal | None:
    if row is None:
        return None
    return ThreadGoal(
        thread_id=row[0],
        goal_id=row[1],
        objective=row[2],
        status=row[3],
        token_budget=row[4],
        tokens_used=row[5],
        time_used_seconds=row[6],
        created_at_ms=row[7],
        updated_at_ms=row[8],
    )


def _deferral(con: sqlite3.Connection, thread_id: str) -> bool:
    row = con.execute(
        "SELECT 1 FROM thread_goal_continuation_deferrals WHERE thread_id = ?", (thread_id,)
    ).fetchone()
    return row is not None


def limited(status: str, tokens_used: int, budget: int | None) -> str:
    """An active goal whose budget is spent is budget-limited instead."""
    if status == "active" and budget is not None and tokens_used >= budget:
        return "budget_limited"
    return status


class GoalStore:
    """The goals of every thread under one CODEX_HOME."""

    def __init__(self, codex_home: Path | str) -> None:
        # A plain string: every thread start makes a store and every turn asks it for the
        # thread's goal, which for most threads is "no file": one access(2), no Path built.
        self._file = os.path.join(os.fspath(codex_home), FILE_NAME)

    @property
    def path(self) -> Path:
        return Path(self._file)

    # ---- the file ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _open(self, *, create: bool) -> Iterator[sqlite3.Connection | None]:
        """A connection in one immediate transaction (committed on success), or None when the
        file is missing and `create` is false."""
        fresh = not path_exists(self._file)
        if fresh and not create:
            yield None
            return
        import sqlite3

        if fresh:
            os.makedirs(os.path.dirname(self._file) or ".", exist_ok=True)
        con = sqlite3.connect(self._file, timeout=10.0, isolation_level=None)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            if fresh:
                con.execute("PRAGMA journal_mode = WAL")  # as 0.169 makes its state files
            con.execute("BEGIN IMMEDIATE")
            try:
                self._migrate(con)
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    @staticmethod
    def _migrate(con: sqlite3.Connection) -> None:
        """Make 0.169's tables (when missing) and record 0.169's migrations as applied."""
        known = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='thread_goals'"
        ).fetchone()
        if known is not None:
            return
        for statement in _SCHEMA:
            con.execute(statement)
        for version, description, checksum in MIGRATIONS:
            con.execute(
                "INSERT OR IGNORE INTO _sqlx_migrations "
                "(version, description, success, checksum, execution_time) VALUES (?, ?, 1, ?, 0)",
                (version, description, bytes.fromhex(checksum)),
            )

    @staticmethod
    def _get(con: sqlite3.Connection, thread_id: str) -> ThreadGoal | None:
        return _row(
            con.execute(
                f"SELECT {_COLUMNS} FROM thread_goals WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        )

    # ---- reads --------------------------------------------------------------------------

    def get(self, thread_id: str) -> ThreadGoal | None:
        # Asked every turn; most threads never had a goal, nor has the home: one access(2).
        with self._open(create=False) as con:
            return None if con is None else self._get(con, thread_id)

    # ---- writes -------------------------------------------------------------------------

    def replace(
        self, thread_id: str, objective: str, status: str, token_budget: int | None
    ) -> ThreadGoal:
        """A new goal for the thread (a new goal id, usage from zero), whatever it had."""
        with self._open(create=True) as con:
            assert con is not None
            return self._write_new(con, thread_id, objective, status, token_budget)

    def insert(
        self, thread_id: str, objective: str, status: str, token_budget: int | None
    ) -> ThreadGoal | None:
        """A new goal, only when the thread has none or its goal is complete (None: refused)."""
        with self._open(create=True) as con:
            assert con is not None
            existing = self._get(con, thread_id)
            if existing is not None and existing.status != "complete":
                return None
            return self._write_new(con, thread_id, objective, status, token_budget)

    @staticmethod
    def _write_new(
        con: sqlite3.Connection,
        thread_id: str,
        objective: str,
        status: str,
        token_budget: int | None,
    ) -> ThreadGoal:
        stamp = now_ms()
        goal = ThreadGoal(
            thread_id=thread_id,
            goal_id=str(uuid.uuid4()),
            objective=objective,
            status=limited(status, 0, token_budget),
            token_budget=token_budget,
            tokens_used=0,
            time_used_seconds=0,
            created_at_ms=stamp,
            updated_at_ms=stamp,
        )
        con.execute(
            f"INSERT OR REPLACE INTO thread_goals ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)",
            (thread_id, goal.goal_id, objective, goal.status, token_budget, stamp, stamp),
        )
        return goal

    def update(
        self,
        thread_id: str,
        *,
        objective: str | None = None,
        status: str | None = None,
        token_budget: Any = KEEP,
        expected_goal_id: str | None = None,
    ) -> ThreadGoal | None:
        """Change what is given; None when the thread has no goal (or not the expected one).
        A budget-limited goal stays so when paused or blocked; an active goal whose budget is
        spent becomes budget-limited. Nothing given: the goal as it is, untouched."""
        with self._open(create=False) as con:
            if con is None:
                return None
            goal = self._get(con, thread_id)
            if goal is None or (expected_goal_id is not None and goal.goal_id != expected_goal_id):
                return None
            if objective is None and status is None and token_budget is KEEP:
                return goal
            budget = goal.token_budget if token_budget is KEEP else token_budget
            new_status = goal.status
            if status is not None:
                if goal.status == "budget_limited" and status in ("paused", "blocked"):
                    new_status = goal.status
                else:
                    new_status = limited(status, goal.tokens_used, budget)
            elif token_budget is not KEEP:
                new_status = limited(goal.status, goal.tokens_used, budget)
            con.execute(
                "UPDATE thread_goals SET objective = ?, status = ?, token_budget = ?, "
                "updated_at_ms = ? WHERE thread_id = ?",
                (objective or goal.objective, new_status, budget, now_ms(), thread_id),
            )
            return self._get(con, thread_id)

    def delete(self, thread_id: str) -> ThreadGoal | None:
        """Forget the thread's goal; the goal that was there, if any."""
        with self._open(create=False) as con:
            if con is None:
                return None
            goal = self._get(con, thread_id)
            if goal is not None:
                con.execute("DELETE FROM thread_goals WHERE thread_id = ?", (thread_id,))
            return goal

    # ---- forks and continuation deferrals ---------------------------------------------------

    def copy(self, source: str, target: str, *, defer: bool) -> ThreadGoal | None:
        """The source thread's goal, as it is (same goal id, usage and times), made the target
        thread's too; with `defer`, the target's continuation is deferred (0.169's thread/fork
        `deferGoalContinuation`). None (nothing written) when the source has no goal."""
        with self._open(create=False) as con:
            if con is None:
                return None
            goal = self._get(con, source)
            if goal is None:
                return None
            con.execute(
                f"INSERT OR REPLACE INTO thread_goals ({_COLUMNS}) "
                f"SELECT ?, {_COLUMNS.split(', ', 1)[1]} FROM thread_goals WHERE thread_id = ?",
                (target, source),
            )
            if defer:
                con.execute(
                    "INSERT OR IGNORE INTO thread_goal_continuation_deferrals (thread_id) "
                    "VALUES (?)",
                    (target,),
                )
            return self._get(con, target)

    def deferred(self, thread_id: str) -> bool:
        """Whether the thread's goal must not go on by itself until its next explicit turn."""
        with self._open(create=False) as con:
            return con is not None and _deferral(con, thread_id)

    def take_deferral(self, thread_id: str) -> bool:
        """End the thread's deferral (its explicit turn began); whether there was one."""
        with self._open(create=False) as con:
            if con is None or not _deferral(con, thread_id):
                return False
            con.execute(
                "DELETE FROM thread_goal_continuation_deferrals WHERE thread_id = ?", (thread_id,)
            )
            return True

    def account(
        self,
        thread_id: str,
        *,
        seconds: int,
        tokens: int,
        statuses: tuple[str, ...] = ACTIVE_ONLY,
        expected_goal_id: str | None = None,
    ) -> ThreadGoal | None:
        """Add usage to the thread's goal when its status is one of `statuses`; an active goal
        whose budget is now spent becomes budget-limited. The goal as updated, or None when
        nothing was added."""
        seconds, tokens = max(seconds, 0), max(tokens, 0)
        if seconds == 0 and tokens == 0:
            return None
        with self._open(create=False) as con:
            if con is None:
                return None
            goal = self._get(con, thread_id)
            if goal is None or goal.status not in statuses:
                return None
            if expected_goal_id is not None and goal.goal_id != expected_goal_id:
                return None
            used = goal.tokens_used + tokens
            status = goal.status
            limit_from = ACTIVE_OR_STOPPED if statuses == ACTIVE_OR_STOPPED else ("active",)
            if status in limit_from and goal.token_budget is not None and used >= goal.token_budget:
                status = "budget_limited"
            con.execute(
                "UPDATE thread_goals SET tokens_used = ?, time_used_seconds = ?, status = ?, "
                "updated_at_ms = ? WHERE thread_id = ?",
                (used, goal.time_used_seconds + seconds, status, now_ms(), thread_id),
            )
            return self._get(con, thread_id)
