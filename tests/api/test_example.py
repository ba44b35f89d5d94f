"""examples/run_one_turn.py, a front end written against `codex.api` alone, run as a real
subprocess against the real loopback mock model server."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import orjson
from tests.support.mock_config import write_mock_config
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "run_one_turn.py"


def run_example(home: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(MOCK_KEY="sk-mock-key", CODEX_HOME=str(home / "unused"))
    return subprocess.run(
        [sys.executable, str(EXAMPLE), "--config-home", str(home), *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_the_example_runs_one_turn_and_prints_its_events(tmp_path, mock_model_server):
    home = write_mock_config(tmp_path / "home", mock_model_server.base_url)
    work = tmp_path / "work"
    work.mkdir()
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo from-the-tool", "login": False})]),
        Turn([Message("all done")], usage=Usage(input_tokens=12, output_tokens=3)),
    )
    res = run_example(home, work, "say hi")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "task_started"
    assert any(line.startswith("exec_command_end") for line in lines)
    assert "agent_message: all done" in lines
    assert lines[-3:] == ["task_complete: all done", "answer: all done", "tokens: 15"]
    first = mock_model_server.requests[0]
    assert first.header("originator") == "codex_example"
    assert first.header("authorization") == "Bearer sk-mock-key"
    assert first.message_texts("user")[-1] == "say hi"
    output = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert "from-the-tool" in output
    [rollout] = (home / "sessions").rglob("rollout-*.jsonl")
    meta = orjson.loads(rollout.read_bytes().splitlines()[0])
    assert meta["payload"]["originator"] == "codex_example"


def test_the_example_uses_only_the_front_door():
    imported = set()
    for node in ast.walk(ast.parse(EXAMPLE.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert {name for name in imported if name.startswith("codex")} == {"codex.api"}
    assert len(EXAMPLE.read_text().splitlines()) <= 60
