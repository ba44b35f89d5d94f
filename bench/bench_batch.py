"""`codex batch` throughput against the official `codex exec` run many times (issue 20).

python bench/bench_batch.py [--tasks 200] [--scale 1000[,10000]] [--no-official] [--ray]

Against one in-process loopback mock model server:
  * one-turn: every request answered with one short message (the official CLI's first-turn
    title request too). Ours: `codex batch TASKS --jobs 16`, one process, wall time around the
    child, peak RSS its `ru_maxrss` (bench/_spawn.py). Official: its native `codex exec` once
    per task, 4 at a time (a rolling pool), wall of the whole run; skipped with the reason when
    the binary is absent;
  * shell: each task runs one `exec_command` (`echo hello`) and then answers (two requests per
    task), both sides with the workspace-write sandbox, same pools as above;
  * memory: `codex batch --jobs 50` with each reply streamed slowly (5 chunks 0.1 s apart), so
    50 tasks are really in flight at once; peak RSS;
  * scaling: `--jobs 16` over 1k (and more with --scale) one-turn tasks: wall, tasks/s, RSS,
    ms per task;
  * --ray: a local two-node Ray cluster on 127.0.0.1 (tests/batch/ray_cluster.py), the same
    one-turn tasks with `--ray ADDRESS --jobs 8` (2 x 8 = the local run's 16 in flight); the
    results must equal the local run's; the per-task overhead Ray adds is
    (wall after the workers were ready - local wall) / tasks.
Every CLI gets its own fresh CODEX_HOME and runs in a scratch git repository.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
from tests.support.model_stream import FunctionCall, Message, Turn  # noqa: E402

from conftest import official_codex, our_codex  # noqa: E402
from harness import (  # noqa: E402
    Job,
    ScriptedServer,
    Spawner,
    cli_env,
    has_input,
    make_home,
    make_repo,
    prepare_bytecode,
    work_root,
)

ONE = Turn([Message("ok")])
SLOW = Turn([Message("ok", deltas=["o", "k", ".", ".", "."])], chunk_delay=0.1)
CALL = Turn([FunctionCall("call_bench", "exec_command", {"cmd": "echo hello"})])
DONE = Turn([Message("done")])


def one_turn(_request: Any) -> Turn:
    return ONE


def slow_turn(_request: Any) -> Turn:
    return SLOW


def shell_turn(request: Any) -> Turn:
    return DONE if has_input(request, "function_call_output") else CALL


def write_tasks(path: Path, n: int) -> Path:
    with open(path, "wb") as f:
        for i in range(n):
            f.write(orjson.dumps({"id": f"t{i}", "prompt": f"task {i}: say ok"}) + b"\n")
    return path


class Bench:
    def __init__(self, root: Path, server: ScriptedServer, spawner: Spawner) -> None:
        self.root, self.server, self.spawner = root, server, spawner
        self.runs = 0
        self.cpu = 0.0

    def batch(
        self, n: int, jobs: int, responder: Callable[[Any], Turn], *extra: str
    ) -> tuple[float, int, Path, str]:
        """(wall s, peak RSS KiB, RESULTS path, stderr) of one `codex batch`; checks results.
        The child's CPU seconds (user + sys) are kept in `self.cpu`."""
        self.runs += 1
        tag = f"{self.runs}-{n}-{jobs}"
        self.server.responder = responder
        home = make_home(self.root, f"batch-{tag}", self.server.base_url)
        repo = make_repo(self.root, f"repo-{tag}")
        tasks = write_tasks(self.root / f"tasks-{tag}.jsonl", n)
        out = self.root / f"results-{tag}.jsonl"
        err = self.root / f"stderr-{tag}.txt"
        argv = [our_codex(), "batch", str(tasks), "-o", str(out), "--jobs", str(jobs), *extra]
        argv += ["--config-home", str(home)]
        job = Job(argv, cli_env(home, ours=True), repo, stderr=err)
        sample = self.spawner.run(job, timeout=3600)
        self.cpu = sample.cpu
        results = [orjson.loads(line) for line in out.read_bytes().splitlines()]
        completed = sum(r["status"] == "completed" for r in results)
        stderr = err.read_text(errors="replace")
        if sample.rc != 0 or completed != n:
            raise SystemExit(f"bench: batch {tag}: rc={sample.rc}, {completed}/{n}\n{stderr}")
        return sample.wall, sample.maxrss_kib, out, stderr

    def official(self, exe: str, n: int, parallel: int, responder: Callable[[Any], Turn],
                 *extra: str) -> float:  # fmt: skip
        """Wall seconds of n `codex exec` runs of the official binary, `parallel` at a time."""
        self.runs += 1
        self.server.responder = responder
        home = make_home(self.root, f"official-{self.runs}", self.server.base_url)
        repo = make_repo(self.root, f"repo-official-{self.runs}")
        env = cli_env(home, ours=False)

        def one(i: int) -> int:
            argv = [exe, "exec", *extra, f"task {i}: say ok"]
            return subprocess.run(
                argv, cwd=repo, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False
            ).returncode

        began = time.perf_counter()
        with ThreadPoolExecutor(parallel) as pool:
            codes = list(pool.map(one, range(n)))
        wall = time.perf_counter() - began
        failed = sum(c != 0 for c in codes)
        if failed:
            raise SystemExit(f"bench: official exec: {failed}/{n} runs failed")
        return wall


def summary(path: Path) -> dict[str, tuple[Any, Any]]:
    return {
        r["id"]: (r["status"], r["final_message"])
        for r in (orjson.loads(line) for line in path.read_bytes().splitlines())
    }


def row(work: str, run: str, n: int, wall: float, rss: int, cpu: float | None = None) -> str:
    """A table row; `cpu` (the child's user + sys seconds) gives CPU ms per task, the figure
    that shows a flat cost per task on a shared machine, where wall time follows the load."""
    per_cpu = f"{1000 * cpu / n:.1f} ms" if cpu is not None else "-"
    mem = f"{rss / 1024:.0f} MiB" if rss else "-"
    return (
        f"| {work} | {run} | {wall:.1f} s | {n / wall:.1f} | {1000 * wall / n:.1f} ms | "
        f"{per_cpu} | {mem} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--scale", default="1000", help="comma-separated batch sizes to scale to")
    parser.add_argument("--no-official", action="store_true")
    parser.add_argument("--ray", action="store_true", help="also run on a local 2-node cluster")
    parser.add_argument("--scale-only", action="store_true", help="only the scaling rows")
    args = parser.parse_args()
    prepare_bytecode()
    n = args.tasks
    rows: list[str] = []
    notes: list[str] = []
    exe = None if args.no_official else official_codex()
    with work_root("batch-") as tmp, ScriptedServer() as server, Spawner() as spawner:
        bench = Bench(Path(tmp), server, spawner)
        if args.scale_only:
            scale(bench, args.scale, rows)
            print_table(notes, rows)
            return
        wall, rss, local_out, _ = bench.batch(n, 16, one_turn)
        rows.append(row(f"{n} one-turn tasks", "batch --jobs 16", n, wall, rss, bench.cpu))
        ours_one = wall
        swall, srss, _, _ = bench.batch(n, 16, shell_turn, "-s", "workspace-write")
        rows.append(row(f"{n} tasks, one shell call each", "batch --jobs 16", n, swall, srss,
                        bench.cpu))  # fmt: skip
        if exe is None:
            reason = "--no-official" if args.no_official else "official binary not found"
            notes.append(f"official `codex exec`: skipped ({reason})")
        else:
            off = bench.official(exe, n, 4, one_turn)
            rows.append(row(f"{n} one-turn tasks", "official exec x n, 4 parallel", n, off, 0))
            notes.append(f"one-turn: ours / official tasks/s = **{off / ours_one:.1f}x**")
            off_sh = bench.official(exe, n, 4, shell_turn, "--sandbox", "workspace-write")
            rows.append(row(f"{n} tasks, one shell call each", "official exec x n, 4 parallel",
                            n, off_sh, 0))  # fmt: skip
            notes.append(f"shell call: ours / official tasks/s = **{off_sh / swall:.1f}x**")
        mwall, mrss, _, _ = bench.batch(n, 50, slow_turn)
        rows.append(row(f"{n} slow one-turn tasks (0.5 s)", "batch --jobs 50", n, mwall, mrss,
                        bench.cpu))  # fmt: skip
        notes.append(f"peak RSS with 50 tasks in flight: **{mrss / 1024:.0f} MiB**")
        scale(bench, args.scale, rows)
        if args.ray:
            notes += ray_rows(bench, n, ours_one, local_out, rows)
    print_table(notes, rows)


def scale(bench: Bench, sizes: str, rows: list[str]) -> None:
    for size in [int(s) for s in sizes.split(",") if s]:
        wall, rss, _, _ = bench.batch(size, 16, one_turn)
        rows.append(row(f"{size} one-turn tasks", "batch --jobs 16", size, wall, rss, bench.cpu))


def print_table(notes: list[str], rows: list[str]) -> None:
    for note in notes:
        print(f"- {note}")
    print()
    print("| work | run | wall | tasks/s | wall per task | CPU per task | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for line in rows:
        print(line)


def ray_rows(
    bench: Bench, n: int, local_wall: float, local_out: Path, rows: list[str]
) -> list[str]:
    from tests.batch.ray_cluster import LocalRayCluster, ray_available

    missing = ray_available()
    if missing is not None:
        return [f"Ray: skipped ({missing})"]
    # The driver must match the loopback cluster, which runs without token auth (its token
    # would live in ~/.ray/auth_token, shared machine-wide).
    os.environ["RAY_AUTH_MODE"] = "disabled"
    env = cli_env(bench.root, ours=True)
    started = time.perf_counter()
    with LocalRayCluster(env) as cluster:
        up = time.perf_counter() - started
        wall, rss, out, stderr = bench.batch(n, 8, one_turn, "--ray", cluster.address)
    ready = re.search(r"(\d+) Ray workers ready in ([\d.]+) s", stderr)
    if ready is None:
        raise SystemExit(f"bench: no 'workers ready' line from the Ray driver:\n{stderr}")
    workers, startup = int(ready.group(1)), float(ready.group(2))
    same = summary(out) == summary(local_out)
    after = wall - startup
    rows.append(row(f"{n} one-turn tasks", "batch --ray (2 nodes) --jobs 8, whole run", n,
                    wall, rss, bench.cpu))  # fmt: skip
    rows.append(row(f"{n} one-turn tasks", "batch --ray, after workers ready", n, after, rss))
    return [
        f"Ray: 2-node local cluster up in {up:.1f} s; {workers} workers ready in {startup:.1f} s "
        f"after the driver started; results identical to the local run: {same}",
        f"Ray per-task overhead vs the local runner (16 in flight each): "
        f"**{1000 * (after - local_wall) / n:.1f} ms** (after-ready wall {after:.1f} s vs "
        f"{local_wall:.1f} s local)",
    ]


if __name__ == "__main__":
    main()
