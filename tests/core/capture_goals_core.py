"""Facts of 0.169's goals as core sees them (the app-server's side is in
tests/fixtures/thread_goal_official.json): `python -m tests.core.capture_goals_core` (needs the
anchor, tests/support/official.py) rewrites tests/fixtures/goals_core_official.json.

Recorded: the schema of `$CODEX_HOME/goals_1.sqlite` and its `_sqlx_migrations` rows (what a
CODEX_HOME shared with 0.169 must hold for 0.169 to accept a file we created); which tools
`codex exec` offers with and without `--ephemeral`; what the goal tools answer the model
(create_goal with a budget, get_goal, update_goal complete, a second create_goal) and the
rollout lines they leave; how many requests a goal created by the model leads to in `exec`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.support.official_drive import (
    capture_main,
    function_outputs,
    rollout_files,
    rollout_records,
    run_codex,
    scrub,
    sqlite_layout,
    tool_names,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "goals_core_official.json"


def _norm(value: Any) -> Any:
    return scrub(value, times=("createdAt", "updatedAt"))


def _exec(binary: Path, home: Path, work: Path, *extra: str) -> int | None:
    """exec's exit code, or None when it was still running after a minute (killed)."""
    argv = [str(binary), "exec", "--json", "--skip-git-repo-check", *extra, "go"]
    try:
        return run_codex(argv, scratch_env(home), work, timeout=60).returncode
    except subprocess.TimeoutExpired:
        return None


def core_facts(binary: Path) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        work = root / "work"
        work.mkdir()
        # 1. tools offered by exec, ephemeral or not
        for name, extra in (("exec", ()), ("exec_ephemeral", ("--ephemeral",))):
            with MockModelServer() as mock:
                mock.repeat(Turn([Message("ok")]))
                home = write_mock_config(root / f"home-{name}", mock.base_url)
                proc = _exec(binary, home, work, *extra)
                facts[f"tools_{name}"] = {
                    "rc": proc,
                    "tool_names": [tool_names(r.json) for r in mock.requests],
                }
        # 2. the model drives the goal tools in exec
        with MockModelServer() as mock:
            big = Usage(input_tokens=400, output_tokens=100)
            mock.enqueue(
                Turn([FunctionCall("g1", "get_goal", {})], usage=big),
                Turn(
                    [
                        FunctionCall(
                            "c1",
                            "create_goal",
                            {"objective": "  write tests ", "token_budget": 5000},
                        )
                    ],
                    usage=big,
                ),
                Turn([FunctionCall("c2", "create_goal", {"objective": "again"})], usage=big),
                Turn(
                    [FunctionCall("c3", "create_goal", {"objective": "x", "token_budget": 0})],
                    usage=big,
                ),
                Turn([FunctionCall("u0", "update_goal", {"status": "active"})], usage=big),
                Turn([FunctionCall("g2", "get_goal", {})], usage=big),
                Turn([FunctionCall("u1", "update_goal", {"status": "complete"})], usage=big),
                Turn([Message("done")], usage=big),
            )
            mock.repeat(Turn([Message("more")], usage=big))
            home = write_mock_config(root / "home-tools", mock.base_url)
            proc = _exec(binary, home, work)
            requests = list(mock.requests)
            facts["model_tools"] = {
                "rc": proc,
                "requests": len(requests),
                "outputs": _norm(
                    function_outputs(requests, ["g1", "c1", "c2", "c3", "u0", "g2", "u1"])
                ),
            }
            rollouts = rollout_files(home, "rollout-*.jsonl")
            lines = rollout_records(rollouts[0]) if rollouts else []
            facts["model_tools"]["rollout_goal_events"] = _norm(
                [
                    {k: v for k, v in x["payload"].items() if k != "goal"}
                    | {"goal": {k: v for k, v in x["payload"]["goal"].items()}}
                    for x in lines
                    if x.get("payload", {}).get("type") == "thread_goal_updated"
                ]
            )
            db = home / "goals_1.sqlite"
            if db.exists():
                facts["goals_db"] = sqlite_layout(db)
        # 3. a goal created by the model and never finished: does exec go on by itself?
        with MockModelServer() as mock:
            mock.enqueue(
                Turn([FunctionCall("c1", "create_goal", {"objective": "keep going"})]),
                Turn([Message("first answer")]),
            )
            mock.repeat(Turn([Message("again")]))
            home = write_mock_config(root / "home-continue", mock.base_url)
            proc = _exec(binary, home, work)
            requests = list(mock.requests)
            continuation = None
            for request in requests[2:3]:
                for text in request.message_texts("user"):
                    if "codex_internal_context" in text:
                        continuation = text
            facts["exec_goal_continues"] = {
                "rc": proc,
                "requests": len(requests),
                "third_request_has_goal_context": continuation is not None,
                "continuation_first_line": continuation.splitlines()[0] if continuation else None,
                "continuation_lines": len(continuation.splitlines()) if continuation else None,
            }
    return facts


def main() -> int:
    return capture_main(FIXTURE, core_facts)


if __name__ == "__main__":
    sys.exit(main())
