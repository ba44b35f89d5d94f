"""What 0.169's TUI tells the model when the user changes the goal with /goal (its goal
requests carry `origin: "user"`): `python -m tests.tui.capture_goal_origin` (needs the anchor
and tmux) rewrites tests/fixtures/tui_goal_origin_official.json.

Driven in tmux as tests/tui/capture_goal.py drives it (same scratch CODEX_HOME and keys); after
each /goal line, the user-goal messages (`<codex_internal_context source="user_goal">`) the
thread's rollout holds are recorded, in order.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary
from tests.tui.tmux import Pane

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui_goal_origin_official.json"
MARK = '<codex_internal_context source="user_goal">'
STEPS = (
    ("goal_set", "/goal ship the feature"),
    ("goal_pause", "/goal pause"),
    ("goal_resume", "/goal resume"),
    ("goal_clear", "/goal clear"),
)


def home_config(repo: Path) -> str:
    """The keys that skip 0.169's first-run dialogs (as tests/tui/capture_goal.py sets them)."""
    return f"""
[tui]
screen_reader_detection_done = true
[tui.model_availability_nux]
"gpt-6.1-sol" = 1
[projects."{repo}"]
trust_level = "trusted"
[notice.model_migrations]
"gpt-5.5" = "gpt-6-sol"
"""


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
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        repo = root / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        fake = root / "fakehome"
        fake.mkdir()
        (fake / ".bashrc").touch()
        mock.repeat(Turn([Message("working on it")]))
        home = write_mock_config(root / "home", mock.base_url, home_config(repo))
        pane = Pane(root / "tmux.sock", width=120, height=45)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(fake),
            "CODEX_HOME": str(home),
            "MOCK_KEY": "k",
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
        }
        pane.start(argv, cwd=repo, env=env)
        try:
            pane.wait_text("Ask Codex to do anything", 90)
            for name, line in steps:
                if line:
                    pane.type(line)
                time.sleep(0.8)
                pane.keys("Enter")
                time.sleep(4.0)  # (a capture script, not a test: it waits to see what comes)
                if steps is STEPS:
                    facts[name] = said(home)
                else:
                    text = pane.capture().replace(str(repo), "{cwd}")
                    screen = [x.rstrip() for x in text.splitlines() if x.strip()]
                    facts[name] = goal_rows(home) | {"screen_tail": screen[-8:]}
        finally:
            pane.close()
    return facts


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "ours":
        print(json.dumps(capture([sys.executable, "-m", "codex"]), indent=1))
        return 0
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed", file=sys.stderr)
        return 1
    facts = capture([str(binary), "--no-daemon"])
    # /fork of a thread whose goal is paused: does the fork get the goal (and a deferral)?
    facts["fork"] = capture([str(binary), "--no-daemon"], FORK_STEPS)
    FIXTURE.write_text(json.dumps(facts, indent=1) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
