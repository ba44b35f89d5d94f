"""`codex batch --ray ADDRESS` on a local two-node Ray cluster (127.0.0.1, separate temp dirs):
the same results as the in-process runner, rollouts in the shared --config-home, and a worker
killed mid-batch losing only its running tasks, which finish on the other worker."""

from __future__ import annotations

import os
import re
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.batch.harness import codex_env, read_results, run_codex, start_codex, write_tasks
from tests.batch.ray_cluster import LocalRayCluster, ray_available
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer, RecordedRequest
from tests.support.model_stream import Message, Reply, Turn

_missing = ray_available()
pytestmark = [
    pytest.mark.skipif(_missing is not None, reason=_missing or ""),
    pytest.mark.timeout(600),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRayCluster]:
    # The nodes' own CODEX_HOME is an empty one: the tests pass the shared home with
    # --config-home, so a rollout found there proves the workers used it.
    node_home = tmp_path_factory.mktemp("node-home")
    with LocalRayCluster(codex_env(node_home)) as running:
        yield running


class EchoServer(MockModelServer):
    """Answers each request with its prompt echoed (distinct results per task)."""

    def _next_reply(self, request: RecordedRequest) -> Reply | Hold:
        reply = super()._next_reply(request)
        if isinstance(reply, Hold):
            return reply
        prompt = request.message_texts("user")[-1]
        if prompt.startswith("json"):
            return Turn([Message(f'{{"n": {len(prompt)}}}')])
        return Turn([Message(f"echo: {prompt}")])


def _summary(results: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {
        r["id"]: (r["status"], r["final_message"], r["structured_output"], r["error"])
        for r in results
    }


def test_ray_gives_the_same_results_as_the_local_runner(
    tmp_path: Path, repo: Path, cluster: LocalRayCluster
) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    tasks: list[dict[str, Any]] = [{"id": f"t{i}", "prompt": f"task {i}"} for i in range(30)]
    tasks.append({"id": "schema", "prompt": "json please", "output_schema": schema})
    tasks.append({"id": "nowhere", "prompt": "x", "cwd": "does-not-exist"})
    task_file = write_tasks(tmp_path / "tasks.jsonl", *tasks)
    with EchoServer() as server:
        server.repeat(Turn([Message("unused")]))
        home = write_mock_config(tmp_path / "home", server.base_url, "request_max_retries = 0\n")
        local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
        common = ("--jobs", "4", "--config-home", str(home))
        rc, _, stderr = run_codex(
            "batch", str(task_file), "-o", str(local_out), *common, home=home, cwd=repo
        )
        assert rc == 1, stderr  # the task with a missing cwd failed
        rc, _, stderr = run_codex(
            "batch", str(task_file), "-o", str(ray_out), "--ray", cluster.address, *common,
            home=home, cwd=repo, timeout=400,
        )  # fmt: skip
    assert rc == 1, stderr
    assert "2 Ray workers ready" in stderr
    local, remote = read_results(local_out), read_results(ray_out)
    assert len(remote) == len(tasks)
    assert _summary(remote) == _summary(local)
    assert _summary(remote)["schema"][2] == {"n": len("json please")}
    assert _summary(remote)["nowhere"][0] == "failed"
    # Both nodes ran tasks, and every rollout is in the shared home.
    per_node = re.search(r"results per node: (.*)", stderr)
    assert per_node is not None and len(per_node.group(1).split(", ")) == 2, stderr
    for result in remote:
        if result["status"] == "completed":
            assert Path(result["rollout_path"]).is_relative_to(home)
            assert Path(result["rollout_path"]).is_file()


def test_a_dead_worker_loses_only_its_running_tasks(
    tmp_path: Path, repo: Path, cluster: LocalRayCluster
) -> None:
    count, jobs = 12, 2
    task_file = write_tasks(
        tmp_path / "tasks.jsonl", *({"id": f"t{i}", "prompt": f"task {i}"} for i in range(count))
    )
    with EchoServer() as server:
        # The first request of each of the 2 x 2 running tasks is held; one worker is then
        # killed with its two tasks in flight.
        server.enqueue(*(Hold(Turn([Message("held")])) for _ in range(2 * jobs)))
        server.repeat(Turn([Message("unused")]))
        home = write_mock_config(tmp_path / "home", server.base_url, "request_max_retries = 0\n")
        out = tmp_path / "results.jsonl"
        argv = ("batch", str(task_file), "-o", str(out), "--ray", cluster.address,
                "--jobs", str(jobs), "--config-home", str(home))  # fmt: skip
        proc = start_codex(*argv, home=home, cwd=repo)
        try:
            assert proc.stderr is not None
            pids = []
            for line in proc.stderr:
                match = re.search(rb"Ray worker on node .*, pid (\d+)", line)
                if match:
                    pids.append(int(match.group(1)))
                if b"Ray workers ready" in line:
                    break
            assert len(pids) == 2
            server.wait_held(2 * jobs, timeout=300)
            os.kill(pids[1], signal.SIGKILL)
            proc.wait(timeout=300)  # after the worker's death is noticed the rest runs
        finally:
            server.release()
            if proc.poll() is None:
                proc.kill()
            rest = proc.communicate()[1].decode()
        prompts = Counter(r.message_texts("user")[-1] for r in server.requests)
    assert proc.returncode == 0, rest
    assert "a Ray worker died" in rest and "2 tasks go to another worker" in rest
    results = read_results(out)
    assert sorted(r["id"] for r in results) == sorted(f"t{i}" for i in range(count))
    assert all(r["status"] == "completed" for r in results)
    # Exactly the dead worker's two running tasks were sent twice; nothing else was repeated.
    assert sorted(n for n in prompts.values() if n > 1) == [2, 2]
    assert sum(prompts.values()) == count + 2
    assert "results per node" in rest


def test_sigint_cancels_the_running_tasks_on_every_worker(
    tmp_path: Path, repo: Path, cluster: LocalRayCluster
) -> None:
    count, jobs = 10, 2
    task_file = write_tasks(
        tmp_path / "tasks.jsonl", *({"id": f"t{i}", "prompt": f"task {i}"} for i in range(count))
    )
    with EchoServer() as server:
        server.repeat(Hold(Turn([Message("held")])))  # every request waits: all turns running
        home = write_mock_config(tmp_path / "home", server.base_url, "request_max_retries = 0\n")
        out = tmp_path / "results.jsonl"
        argv = ("batch", str(task_file), "-o", str(out), "--ray", cluster.address,
                "--jobs", str(jobs), "--config-home", str(home))  # fmt: skip
        proc = start_codex(*argv, home=home, cwd=repo)
        try:
            server.wait_held(2 * jobs, timeout=300)
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=300)
        finally:
            server.release()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 130, stderr.decode()
    results = read_results(out)
    # The four running turns (two per worker) were interrupted and written; nothing else ran.
    assert sorted(r["status"] for r in results) == ["cancelled"] * (2 * jobs)
    assert all(r["error"] == "interrupted" for r in results)
