"""Turn ids are UUIDv7 as 0.169 mints them, unique across resumes (they were a per-process
counter: every `exec resume` appended a second, third ... turn "1" to the same rollout, and the
notify payload's `turn-id` repeated too). `codex undo --turn N` still counts turns by position."""

from __future__ import annotations

import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

from codex.protocol.uuid7 import uuid7_time_ms

USAGE = Usage(input_tokens=10, output_tokens=1)
NOTIFY = "import sys\nwith open(sys.argv[1], 'a') as fh:\n    fh.write(sys.argv[2] + '\\n')\n"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(raw) for raw in path.read_bytes().splitlines() if raw.strip()]


def _turn(server: MockModelServer, n: int) -> None:
    """A turn that writes `a.txt` = a<n> with a command, then answers."""
    cmd = {"cmd": f"printf a{n} > a.txt", "login": False}
    server.enqueue(
        Turn([FunctionCall(f"c{n}", "exec_command", cmd)], USAGE),
        Turn([Message(f"done {n}")], USAGE),
    )


def _wait_lines(path: Path, n: int) -> list[str]:
    """The notify log once `n` programs have written to it (they run detached)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= n:
            return lines
        time.sleep(0.05)
    raise AssertionError(f"{n} notifications expected in {path}")


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    path = tmp_path / "codex-home"
    write_config(path, mock_model_server.base_url)
    script = tmp_path / "notify.py"
    script.write_text(NOTIFY)
    argv = orjson.dumps([sys.executable, str(script), str(tmp_path / "notify.log")]).decode()
    config = path / "config.toml"
    config.write_text(f"notify = {argv}\n" + config.read_text())  # a top-level key: first
    return path


def test_resumed_turns_get_new_time_ordered_uuid7_ids(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _turn(mock_model_server, 1)
    first = run_codex("exec", "--skip-git-repo-check", "-s", "workspace-write", "one",
                      home=home, cwd=work)  # fmt: skip
    assert first.rc == 0, first.stderr
    (rollout,) = rollout_files(home)
    session = rollout.name.removesuffix(".jsonl")[-36:]
    for n in (2, 3):
        _turn(mock_model_server, n)
        res = run_codex("exec", "--skip-git-repo-check", "-s", "workspace-write", "resume",
                        session, f"prompt {n}", home=home, cwd=work)  # fmt: skip
        assert res.rc == 0, res.stderr
    assert rollout_files(home) == [rollout]  # resumes append to the same file

    lines = _lines(rollout)
    events = [x["payload"] for x in lines if x["type"] == "event_msg"]
    started = [e["turn_id"] for e in events if e["type"] == "task_started"]
    assert len(started) == 3 and len(set(started)) == 3, started
    for turn_id in started:
        value = uuid.UUID(turn_id)
        assert value.version == 7 and value.variant == uuid.RFC_4122 and str(value) == turn_id
    assert started == sorted(started)  # later turns sort later
    times = [uuid7_time_ms(t) for t in started]
    assert times == sorted(times)
    # Every line that names a turn names one of these, and the turns' lines do not interleave.
    named = [
        x["payload"]["turn_id"]
        for x in lines
        if isinstance(x["payload"], dict) and isinstance(x["payload"].get("turn_id"), str)
    ]
    assert set(named) == set(started)
    assert [t for i, t in enumerate(named) if i == 0 or named[i - 1] != t] == started
    completed = [e["turn_id"] for e in events if e["type"] == "task_complete"]
    assert completed == started

    # The notify program got the same ids.
    notes = [orjson.loads(line) for line in _wait_lines(tmp_path / "notify.log", 3)]
    assert sorted(n["turn-id"] for n in notes) == started
    assert {n["thread-id"] for n in notes} == {session}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_undo_turn_n_counts_turns_across_resumes(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("a0")
    _turn(mock_model_server, 1)
    res = run_codex("exec", "--skip-git-repo-check", "-s", "workspace-write", "one",
                    home=home, cwd=work)  # fmt: skip
    assert res.rc == 0, res.stderr
    (rollout,) = rollout_files(home)
    session = rollout.name.removesuffix(".jsonl")[-36:]
    for n in (2, 3):
        _turn(mock_model_server, n)
        res = run_codex("exec", "--skip-git-repo-check", "-s", "workspace-write", "resume",
                        session, f"prompt {n}", home=home, cwd=work)  # fmt: skip
        assert res.rc == 0, res.stderr
    assert (work / "a.txt").read_text() == "a3"

    undo = run_codex("undo", session, "--turn", "2", "--files-only", home=home, cwd=work)
    assert undo.rc == 0, undo.stderr
    assert (work / "a.txt").read_text() == "a1"  # before the second turn (the first resume)
    redo = run_codex("undo", "--redo", session, home=home, cwd=work)
    assert redo.rc == 0, redo.stderr
    assert (work / "a.txt").read_text() == "a3"
    undo = run_codex("undo", session, "--turn", "3", "--files-only", home=home, cwd=work)
    assert undo.rc == 0, undo.stderr
    assert (work / "a.txt").read_text() == "a2"


def test_app_server_turn_ids_are_the_rollouts_uuid7_ids(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    """As the official 0.169 app-server: turn/start answers with the UUIDv7 the turn's rollout
    lines carry, and thread/read reports the same ids (ours were UUIDv5s derived from the
    thread id and the turn's index, which no rollout line held)."""
    from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env

    work = tmp_path / "work"
    work.mkdir()
    mock_model_server.repeat(Turn([Message("hi")], USAGE))
    client = RpcClient(ours_argv(), scratch_env(home), work)
    try:
        client.initialize()
        thread = client.call("thread/start", {"cwd": str(work)})["thread"]["id"]
        live = [client.turn(thread, text)[0]["result"]["turn"]["id"] for text in ("one", "two")]
        read = client.call("thread/read", {"threadId": thread, "includeTurns": True})
    finally:
        client.close()
    assert [uuid.UUID(t).version for t in live] == [7, 7] and live == sorted(live)
    assert [t["id"] for t in read["thread"]["turns"]] == live
    (rollout,) = rollout_files(home)
    started = [
        x["payload"]["turn_id"]
        for x in _lines(rollout)
        if x["type"] == "event_msg" and x["payload"]["type"] == "task_started"
    ]
    assert started == live
