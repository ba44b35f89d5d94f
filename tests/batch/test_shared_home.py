"""Many processes, one $CODEX_HOME (issue 20 item 7): 20 processes started at once — `codex exec`
×14, `codex batch` ×3, `codex app-server` ×3 (one thread, one turn, one rename each) — all start,
all finish, and every session is on disk, in `thread/list` and (renames) in
session_index.jsonl. exec/batch/app-server write no history.jsonl (as upstream: only the TUI
records prompts there), so the history and index appenders are also raced directly from 20
processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from tests.app_server.rpc_client import RpcClient, ours_argv
from tests.batch.harness import codex_env, read_results, start_codex, write_tasks
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

EXECS, BATCHES, TASKS_PER_BATCH, SERVERS = 14, 3, 3, 3


def test_twenty_processes_one_home(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("done")]))
    procs = [start_codex("exec", "--json", f"exec {i}", home=home, cwd=repo) for i in range(EXECS)]
    outs = []
    for b in range(BATCHES):
        tasks = write_tasks(
            tmp_path / f"tasks{b}.jsonl",
            *({"id": f"b{b}t{t}", "prompt": f"batch {b} task {t}"} for t in range(TASKS_PER_BATCH)),
        )
        outs.append(tmp_path / f"results{b}.jsonl")
        procs.append(start_codex("batch", str(tasks), "-o", str(outs[-1]), home=home, cwd=repo))
    servers = [
        RpcClient(ours_argv(), codex_env(home), repo, stderr=subprocess.PIPE)
        for _ in range(SERVERS)
    ]
    expected: set[str] = set()
    for i, server in enumerate(servers):
        server.initialize()
        thread_id = server.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
        server.call("thread/name/set", {"threadId": thread_id, "name": f"server {i}"})
        server.turn(thread_id, f"server {i}")
        expected.add(thread_id)
    for server in servers:
        assert server.close() == 0
    for proc in procs[:EXECS]:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr.decode()
        events = [orjson.loads(line) for line in stdout.splitlines()]
        assert events[-1]["type"] == "turn.completed"
        expected.add(events[0]["thread_id"])
    for proc, out in zip(procs[EXECS:], outs, strict=True):
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr.decode()
        results = read_results(out)
        assert len(results) == TASKS_PER_BATCH
        assert all(r["status"] == "completed" for r in results)
        expected.update(r["thread_id"] for r in results)
    total = EXECS + BATCHES * TASKS_PER_BATCH + SERVERS
    assert len(expected) == total

    on_disk = {p.stem[-36:] for p in (home / "sessions").rglob("rollout-*.jsonl")}
    assert expected <= on_disk
    lister = RpcClient(ours_argv(), codex_env(home), repo)
    try:
        lister.initialize()
        # exec and batch threads are listed when asked for (0.169 lists interactive ones only)
        params = {"limit": 200, "sourceKinds": ["exec", "vscode"]}
        listed = lister.call("thread/list", params)["data"]
    finally:
        lister.close()
    assert expected <= {t["id"] for t in listed}
    index = [
        orjson.loads(line) for line in (home / "session_index.jsonl").read_bytes().splitlines()
    ]
    assert sorted(e["thread_name"] for e in index) == [f"server {i}" for i in range(SERVERS)]


APPENDER = """
import sys
from pathlib import Path
from codex.core.threads import append_thread_name
from codex.rollout.history import append_history
home, me = Path(sys.argv[1]), sys.argv[2]
for n in range(int(sys.argv[3])):
    append_history(home, me, f"{me} line {n} " + "x" * 5000)
    append_thread_name(home, me, f"{me} name {n} " + "y" * 5000)
"""


def test_history_and_index_appends_from_twenty_processes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    per_process = 40
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(home), f"p{i}", str(per_process)],
            stderr=subprocess.PIPE,
        )
        for i in range(20)
    ]
    for proc in procs:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr.decode()
    for name, key in (("history.jsonl", "text"), ("session_index.jsonl", "thread_name")):
        lines = (home / name).read_bytes().splitlines()
        entries = [orjson.loads(line) for line in lines]  # every line whole
        seen = {e[key].split(" x")[0].split(" y")[0] for e in entries}
        assert len(entries) == 20 * per_process, name
        assert len(seen) == 20 * per_process, name
