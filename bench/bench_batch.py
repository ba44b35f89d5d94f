"""`codex batch` throughput against the official `codex exec` run many times (issue 20).

python bench/bench_batch.py [--tasks 200] [--scale 1000[,10000]] [--no-official]

Against one in-process loopback mock model server (every request answered with one short
message; the official CLI's first-turn title request too):
  * ours: `codex batch TASKS --jobs 16`, one process, wall time around the child, peak RSS its
    `ru_maxrss` (bench/_spawn.py);
  * official: its native `codex exec` run once per task, 4 at a time (a rolling pool), wall time
    of the whole run; skipped with the reason when the binary is absent;
  * memory: `codex batch --jobs 50` over the same tasks (up to 50 sessions in flight), peak RSS;
  * scaling: `--jobs 16` over 1k (and more with --scale) tasks: wall, tasks/s, RSS, ms per task.
Every CLI gets its own fresh CODEX_HOME and runs in a scratch git repository.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
from tests.support.model_stream import Message, Turn  # noqa: E402

from conftest import official_codex, our_codex  # noqa: E402
from harness import (  # noqa: E402
    Job,
    ScriptedServer,
    Spawner,
    cli_env,
    make_home,
    make_repo,
    prepare_bytecode,
    work_root,
)


def write_tasks(path: Path, n: int) -> Path:
    with open(path, "wb") as f:
        for i in range(n):
            f.write(orjson.dumps({"id": f"t{i}", "prompt": f"task {i}: say ok"}) + b"\n")
    return path


def run_batch(
    spawner: Spawner, root: Path, url: str, n: int, jobs: int, tag: str
) -> tuple[float, int]:
    """(wall seconds, peak RSS KiB) of one `codex batch` over n tasks; checks every result."""
    home = make_home(root, f"batch-{tag}", url)
    repo = make_repo(root, f"repo-{tag}")
    tasks = write_tasks(root / f"tasks-{tag}.jsonl", n)
    out = root / f"results-{tag}.jsonl"
    argv = [our_codex(), "batch", str(tasks), "-o", str(out), "--jobs", str(jobs)]
    sample = spawner.run(Job(argv, cli_env(home, ours=True), repo), timeout=3600)
    results = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    completed = sum(r["status"] == "completed" for r in results)
    if sample.rc != 0 or completed != n:
        raise SystemExit(f"bench: batch {tag}: rc={sample.rc}, {completed}/{n} completed")
    return sample.wall, sample.maxrss_kib


def run_official(exe: str, root: Path, url: str, n: int, parallel: int) -> float:
    """Wall seconds of n `codex exec` runs of the official binary, `parallel` at a time."""
    home = make_home(root, "official", url)
    repo = make_repo(root, "repo-official")
    env = cli_env(home, ours=False)

    def one(i: int) -> int:
        argv = [exe, "exec", f"task {i}: say ok"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--scale", default="1000", help="comma-separated batch sizes to scale to")
    parser.add_argument("--no-official", action="store_true")
    args = parser.parse_args()
    prepare_bytecode()
    n = args.tasks
    rows: list[str] = []
    with work_root("batch-") as tmp, ScriptedServer() as server, Spawner() as spawner:
        server.repeat(Turn([Message("ok")]))
        root = Path(tmp)
        ours_wall, ours_rss = run_batch(spawner, root, server.base_url, n, 16, "j16")
        ours_tps = n / ours_wall
        exe = None if args.no_official else official_codex()
        if exe is None:
            reason = "--no-official" if args.no_official else "official binary not found"
            official = f"skipped ({reason})"
            ratio = "n/a"
        else:
            off_wall = run_official(exe, root, server.base_url, n, 4)
            official = f"{off_wall:.1f} s, {n / off_wall:.1f} tasks/s"
            ratio = f"{ours_tps / (n / off_wall):.1f}×"
        mem_wall, mem_rss = run_batch(spawner, root, server.base_url, n, 50, "j50")
        rows.append(f"| {n} one-turn tasks | batch --jobs 16 | {ours_wall:.1f} s | "
                    f"{ours_tps:.1f} | {ours_rss / 1024:.0f} MiB |")  # fmt: skip
        rows.append(f"| {n} one-turn tasks | batch --jobs 50 | {mem_wall:.1f} s | "
                    f"{n / mem_wall:.1f} | {mem_rss / 1024:.0f} MiB |")  # fmt: skip
        for size in [int(s) for s in args.scale.split(",") if s]:
            wall, rss = run_batch(spawner, root, server.base_url, size, 16, f"s{size}")
            rows.append(f"| {size} one-turn tasks | batch --jobs 16 | {wall:.1f} s | "
                        f"{size / wall:.1f} | {rss / 1024:.0f} MiB |")  # fmt: skip
    print(f"official `codex exec` ×{n}, 4 in parallel: {official}")
    print(f"ours / official tasks/s: {ratio}")
    print("| work | run | wall | tasks/s | peak RSS |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
