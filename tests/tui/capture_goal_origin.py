"""What 0.169's TUI tells the model when the user changes the goal with /goal (its goal
requests carry `origin: "user"`): `python -m tests.tui.capture_goal_origin` (needs the anchor
and tmux) rewrites tests/fixtures/tui_goal_origin_official.json (`--out PATH` writes elsewhere;
`ours` prints what our TUI does).

Driven in tmux by tests/support/official_drive.tui_session (as tests/tui/capture_goal.py); after
each /goal line, the user-goal messages (`<codex_internal_context source="user_goal">`) the
thread's rollout holds are recorded, in order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import capture_main, tui_session

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui_goal_origin_official.json"
MARK = '<codex_internal_context source="user_goal">'
STEPS = (
    ("goal_set", "/goal ship the feature"),
    ("goal_pause", "/goal pause"),
    ("goal_resume", "/goal resume"),
    ("goal_clear", "/goal clear"),
)


FORK_STEPS = (
    ("goal_set", "/goal ship the feature"),
    ("goal_pause", "/goal pause"),
    ("fork_asks_where", "/fork"),
    ("after_fork_here", ""),  # Enter: 1. Use current Git worktree
)


def said(home: Path) -> list[str]:
    """The user-goal messages in the (one) rollout under `home`, oldest first."""
    out: list[str] = []
    for path in sorted((home / "sessions").rglob("rollout-*.jsonl")):
        for raw in path.read_text().splitlines():
            line = json.loads(raw)
            payload = line.get("payload") or {}
            if line.get("type") == "response_item" and payload.get("type") == "message":
                texts = [c.get("text", "") for c in payload.get("content") or []]
                out += [t for t in texts if t.startswith(MARK)]
    return out


def goal_rows(home: Path) -> dict[str, Any]:
    """goals_1.sqlite in short (each thread's goal: objective, status; the deferrals), and how
    many rollouts there are (a fork makes one)."""
    import sqlite3

    path = home / "goals_1.sqlite"
    if not path.exists():
        return {}
    con = sqlite3.connect(path)
    try:
        goals = con.execute("select thread_id, objective, status from thread_goals").fetchall()
        deferred = {
            r[0] for r in con.execute("select thread_id from thread_goal_continuation_deferrals")
        }
    finally:
        con.close()
    return {
        "goals": sorted([objective, status] for _, objective, status in goals),
        "threads_with_goal": len(goals),
        "deferred": len(deferred),
        "rollouts": len(list((home / "sessions").rglob("rollout-*.jsonl"))),
    }


def capture(argv: list[str], steps: tuple[tuple[str, str], ...] = STEPS) -> dict[str, Any]:
    """The facts of `steps` typed into the TUI `argv` (STEPS: the user-goal messages said after
    each; others: the goal rows and the screen's last lines)."""
    facts: dict[str, Any] = {}
    with tui_session(argv, Turn([Message("working on it")])) as run:
        home = run.scratch.home
        for name, line in steps:
            # (a capture script, not a test: it waits to see what comes)
            if line:
                run.type(line, wait=0.8)
            else:
                run.press(wait=0.8)
            screen = [x for x in run.press("Enter", wait=4.0).splitlines() if x.strip()]
            if steps is STEPS:
                facts[name] = said(home)
            else:
                facts[name] = goal_rows(home) | {"screen_tail": screen[-8:]}
    return facts


def official_facts(binary: Path) -> dict[str, Any]:
    facts = capture([str(binary), "--no-daemon"])
    # /fork of a thread whose goal is paused: does the fork get the goal (and a deferral)?
    facts["fork"] = capture([str(binary), "--no-daemon"], FORK_STEPS)
    return facts


if __name__ == "__main__":
    sys.exit(capture_main(FIXTURE, official_facts, ours=capture))
