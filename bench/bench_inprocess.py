"""The in-process Python API (`from codex import AsyncCodex`) against the other ways to run many
one-turn threads from Python, in one run, on the same loopback mock model server:

  in-process   100 threads × one turn through codex.sdk in this process, all in flight at once
  official     100 `codex exec` runs of the official 0.169 binary, 4 in parallel   [target ≥ 10×]
  app-server   100 threads × one turn through OUR `codex app-server`, driven by the official
               Python SDK (openai-codex 0.163, AsyncCodex, all in flight)      [target ≥ 2×]
  official-as  the same SDK driving the OFFICIAL app-server (context only)

python bench/bench_inprocess.py [--turns N] [--skip-official] [--skip-app-server]

Each side gets its own fresh CODEX_HOME (rollouts written, as users have them) under the bench
cache (not /tmp: the official CLI warns there). A side whose binary or package is missing is
reported as skipped with the reason. turns/s = turns / wall seconds from the first thread start
to the last turn's end (process start-up included for the spawning sides; the in-process side
includes its own first-use imports, measured in a fresh process).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._paths import CACHE  # noqa: E402
from tests.support.mock_config import write_mock_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn, Usage  # noqa: E402
from tests.support.official import official_binary  # noqa: E402

REPLY = Turn([Message("ok")], usage=Usage(20, 0, 2))
MOCK_KEY = "sk-mock"


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far, their own waited
    children included: the load-independent cost of a side (the machine may be shared)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY=MOCK_KEY, NO_COLOR="1")
    return env


# ---- the sides ----------------------------------------------------------------------------------

INPROCESS = """
import asyncio, sys, time
t0 = time.perf_counter()
from codex import AsyncCodex, CodexConfig

async def batch(codex, n):
    threads = await asyncio.gather(*(codex.thread_start() for _ in range(n)))
    results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
    assert [r.final_response for r in results] == ["ok"] * n, results[:1]

async def main(n, home, cwd):
    async with AsyncCodex(CodexConfig(codex_home=home, cwd=cwd)) as codex:
        await batch(codex, n)
        cold = time.perf_counter() - t0
        t1 = time.perf_counter()
        await batch(codex, n)
        print(cold, time.perf_counter() - t1)

asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
"""


def run_inprocess(turns: int, home: Path, work: Path) -> tuple[float, float, float]:
    """Wall seconds for `turns` one-turn threads in one fresh Python process (imports included,
    interpreter start-up excluded), then for `turns` more in the same, warm client; and the CPU
    seconds the process used in all."""
    cpu0 = children_cpu()
    proc = subprocess.run(
        [sys.executable, "-c", INPROCESS, str(turns), str(home), str(work)],
        env=clean_env(home),
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    cold, warm = proc.stdout.strip().splitlines()[-1].split()
    return float(cold), float(warm), children_cpu() - cpu0


def run_official_exec(
    turns: int, home: Path, work: Path, binary: Path, parallel: int
) -> tuple[float, float]:
    argv = [str(binary), "exec", "--skip-git-repo-check", "ping"]
    env = clean_env(home)

    def one(_: int) -> int:
        return subprocess.run(
            argv, env=env, cwd=work, capture_output=True, stdin=subprocess.DEVNULL, timeout=300
        ).returncode

    cpu0 = children_cpu()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        codes = list(pool.map(one, range(turns)))
    wall = time.perf_counter() - t0
    if any(codes):
        raise RuntimeError(f"official exec failed: exit codes {sorted(set(codes))}")
    return wall, children_cpu() - cpu0


SDK_SIDE = """
import asyncio, json, sys, time
from openai_codex import AsyncCodex, CodexConfig
turns, home, work, warm = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
argv, env = tuple(json.loads(sys.argv[5])), json.loads(sys.argv[6])

async def batch(codex):
    threads = await asyncio.gather(*(codex.thread_start() for _ in range(turns)))
    results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
    assert [r.final_response for r in results] == ["ok"] * turns

async def main():
    t0 = time.perf_counter()
    config = CodexConfig(launch_args_override=argv, cwd=work, env=env)
    async with AsyncCodex(config) as codex:
        server = codex._client._sync._proc
        await batch(codex)
        cold = time.perf_counter() - t0
        if not warm:
            return cold, -1.0, server
        t1 = time.perf_counter()
        await batch(codex)
        return cold, time.perf_counter() - t1, server

cold, warm_wall, server = asyncio.run(main())
# The official client gives a server 2 s to stop, then kills it WITHOUT reaping it: reap it here,
# or its CPU never reaches this process's children total (the side would look cheaper than it is).
server.wait()
print(cold, warm_wall)
"""


def run_sdk(
    turns: int, home: Path, work: Path, argv: tuple[str, ...], *, warm: bool
) -> tuple[float, float | None, float]:
    """The official Python SDK (AsyncCodex) driving an app-server, in a child process of its
    own (so its CPU and the server's are counted together): all threads in flight at once, timed
    from the client's start (the server's spawn included); then as many more through the same,
    warm server. Returns (cold s, warm s or None, CPU s of client and server together)."""
    import json

    args = [str(turns), str(home), str(work), "1" if warm else "0", json.dumps(argv)]
    cpu0 = children_cpu()
    proc = subprocess.run(
        [sys.executable, "-c", SDK_SIDE, *args, json.dumps(clean_env(home))],
        env=clean_env(home),
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr.strip().splitlines() or ["no output"])[-1])
    cold, warm_wall = (float(x) for x in proc.stdout.split())
    return cold, (warm_wall if warm else None), children_cpu() - cpu0


# ---- the run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=4, help="official exec runs at once")
    parser.add_argument("--skip-official", action="store_true")
    parser.add_argument("--skip-app-server", action="store_true")
    args = parser.parse_args(argv)

    (CACHE / "work").mkdir(parents=True, exist_ok=True)
    # (side, cold wall s, warm wall s, CPU ms per turn, note): cold = a fresh process or server,
    # first-use imports included; warm = as many turns again through the same client; CPU = all
    # the side's processes, both batches, divided by the turns run (independent of other load).
    Row = tuple[str, float | None, float | None, float | None, str]
    rows: list[Row] = []
    n = args.turns
    with MockModelServer() as mock, tempfile.TemporaryDirectory(dir=CACHE / "work") as scratch:
        mock.repeat(REPLY)
        root = Path(scratch)

        def fresh(name: str) -> tuple[Path, Path]:
            home = write_mock_config(root / f"home-{name}", mock.base_url)
            work = root / f"work-{name}"
            work.mkdir()
            return home, work

        home, work = fresh("inprocess")
        cold, warm_wall, cpu = run_inprocess(n, home, work)
        rows.append(("in-process (codex.sdk)", cold, warm_wall, cpu * 1000 / (2 * n), ""))

        binary = official_binary()
        exec_name = f"official 0.169 `codex exec` ×{args.parallel} in parallel"
        if args.skip_official:
            rows.append((exec_name, None, None, None, "skipped (--skip-official)"))
        elif binary is None:
            rows.append((exec_name, None, None, None, "skipped: official binary not found"))
        else:
            home, work = fresh("official")
            wall, cpu = run_official_exec(n, home, work, binary, args.parallel)
            rows.append((exec_name, wall, None, cpu * 1000 / n, "a new process per run"))

        sides = [("our app-server + official SDK", (sys.executable, "-m", "codex"), True)]
        if binary is not None and not args.skip_official:
            sides.append(("official app-server + official SDK", (str(binary),), False))
        for name, launcher, warm in sides:
            if args.skip_app_server:
                rows.append((name, None, None, None, "skipped (--skip-app-server)"))
                continue
            try:
                import openai_codex  # noqa: F401
            except ImportError:
                rows.append((name, None, None, None, "skipped: openai-codex not installed"))
                continue
            home, work = fresh(name.split()[0] + "-app-server")
            server = (*launcher, "app-server", "--listen", "stdio://")
            try:
                cold, warm_wall, cpu = run_sdk(n, home, work, server, warm=warm)
                per_turn = cpu * 1000 / (2 * n if warm else n)
                rows.append((name, cold, warm_wall, per_turn, "" if warm else "context only"))
            except Exception as exc:  # a front end still being built: report it, go on
                msg = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
                rows.append((name, None, None, None, f"failed: {msg}"))

    _, ours_cold, ours_warm, ours_cpu, _ = rows[0]
    assert ours_cold is not None and ours_warm is not None and ours_cpu is not None

    def num(value: float | None, fmt: str) -> str:
        return "–" if value is None else format(value, fmt)

    def ratio(ours: float, theirs: float | None) -> str:
        return "–" if theirs is None else f"{theirs / ours:.1f}×"

    print(f"{n} one-turn threads, all in flight, loopback mock (cpus: {os.cpu_count()})\n")
    print(
        "| side | cold s | cold turns/s | in-process ÷ side, cold | warm turns/s "
        "| CPU ms/turn | in-process ÷ side, CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, cold, warm_wall, cpu_ms, note in rows:
        cells = [
            num(cold, ".2f"),
            "–" if cold is None else f"{n / cold:.1f}",
            ratio(ours_cold, cold),
            "–" if warm_wall is None else f"{n / warm_wall:.1f}",
            num(cpu_ms, ".1f"),
            ratio(ours_cpu, cpu_ms),
        ]
        suffix = f" ({note})" if note else ""
        print(f"| {name}{suffix} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
