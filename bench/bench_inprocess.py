"""The in-process Python API (`from codex import AsyncCodex`) against the other ways to run many
one-turn threads from Python, in one run, on the same loopback mock model server:

  in-process   100 threads × one turn through codex.sdk in this process, all in flight at once
  official     100 `codex exec` runs of the official 0.169 binary, 4 in parallel   [target ≥ 10×]
  app-server   100 threads × one turn through OUR `codex app-server`, driven by the official
               Python SDK (openai-codex 0.163, AsyncCodex, all in flight)      [target ≥ 2×]
  official-as  the same SDK driving the OFFICIAL app-server (context only)

python bench/bench_inprocess.py [--turns N] [--rounds R] [--skip-official] [--skip-app-server]

Each side gets its own fresh CODEX_HOME (rollouts written, as users have them) under the bench
cache (not /tmp: the official CLI warns there). A side whose binary or package is missing is
reported as skipped with the reason. turns/s = turns / wall seconds from the first thread start
to the last turn's end. Both SDK sides start their clock at the same point, right after the
user's `from codex import ...` / `from openai_codex import ...` line (the library import itself
is the user's program start-up, on both sides): the app-server side then includes spawning and
initialising its server, the in-process side every first-use import of core (config
validation, the model client, ...), measured in a fresh process. "warm" is as many turns again
through the same client (the official exec side has no warm run). The ratios are in-process ÷
side, for cold and warm turns/s and for CPU per turn (all of a side's processes, both batches).

The in-process side is what a user writes: `from codex import AsyncCodex, CodexConfig`,
`thread_start()` and `thread.run()` with the defaults, CODEX_HOME from the environment (as the
app-server side gets it).

The mock model server is the same for every side: tests/support/mock_model_server.py, real HTTP
with chunked SSE on 127.0.0.1, running in threads of this process. "mock CPU ms/req" is this
process's CPU time during a side divided by the requests the side made: it shows the mock is not
what bounds any side (it is well under a millisecond per request, on the other core). Its replies
leave in one write each: written in pieces, a hundred replies made at once (a thread per
connection, one GIL) all finished together at the end, so a side got every answer a whole batch
late (the in-process side idled ~0.5 ms per turn waiting for them; 519 -> 771 turns/s measured).
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

sys.path.insert(0, str(Path(__file__).parent))
from harness import PYCACHE, prepare_bytecode  # noqa: E402

REPLY = Turn([Message("ok")], usage=Usage(20, 0, 2))
MOCK_KEY = "sk-mock"


def create_cost_us(folder: Path, files: int = 200) -> float:
    """Median µs to create (and close) an empty file in a new subfolder of `folder`: the kernel
    cost every thread's rollout file pays. On this machine's ext4 it ranges from ~15 to ~800 µs
    with where a new folder lands, enough to move either side's rate by tens of percent, so the
    report prints it beside the figures."""
    import statistics

    probe = Path(tempfile.mkdtemp(dir=folder))
    times = []
    try:
        for i in range(files):
            t0 = time.perf_counter()
            os.close(os.open(probe / f"f{i}", os.O_CREAT | os.O_WRONLY, 0o600))
            times.append(time.perf_counter() - t0)
    finally:
        for i in range(files):
            (probe / f"f{i}").unlink(missing_ok=True)
        probe.rmdir()
    return statistics.median(times) * 1e6


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far, their own waited
    children included: the load-independent cost of a side (the machine may be shared)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_env(home: Path) -> dict[str, str]:
    """The sides' environment: their own CODEX_HOME, the mock's key, and our package run from
    compiled bytecode as an installed wheel has it (bench/harness.py compiles it once into the
    bench's pycache): never from source recompiled at each start, which this machine's
    PYTHONDONTWRITEBYTECODE would otherwise cause for every edited module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY=MOCK_KEY, NO_COLOR="1")
    env.update(PYTHONPYCACHEPREFIX=str(PYCACHE), PYTHONDONTWRITEBYTECODE="")
    return env


# ---- the sides ----------------------------------------------------------------------------------

INPROCESS = """
import asyncio, sys, time
from codex import AsyncCodex, CodexConfig
t0 = time.perf_counter()

async def batch(codex, n):
    threads = await asyncio.gather(*(codex.thread_start() for _ in range(n)))
    results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
    assert [r.final_response for r in results] == ["ok"] * n, results[:1]

async def main(n, cwd):
    async with AsyncCodex(CodexConfig(cwd=cwd)) as codex:
        await batch(codex, n)
        cold = time.perf_counter() - t0
        c1, t1 = time.process_time(), time.perf_counter()
        await batch(codex, n)
        print(cold, time.perf_counter() - t1, time.process_time() - c1)

asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
"""


def run_inprocess(turns: int, home: Path, work: Path) -> tuple[float, float, float, float]:
    """Wall seconds for `turns` one-turn threads in one fresh Python process (imports included,
    interpreter start-up excluded), then for `turns` more in the same, warm client; the CPU
    seconds the process used in all, and in the warm batch."""
    cpu0 = children_cpu()
    proc = subprocess.run(
        [sys.executable, "-c", INPROCESS, str(turns), str(work)],
        env=clean_env(home),
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    cold, warm, warm_cpu = proc.stdout.strip().splitlines()[-1].split()
    return float(cold), float(warm), children_cpu() - cpu0, float(warm_cpu)


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

def cpu_of(server):
    # The server's CPU so far (all its threads), from /proc: it is not waited for until the end.
    import os
    with open(f"/proc/{server.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

async def main():
    t0 = time.perf_counter()
    config = CodexConfig(launch_args_override=argv, cwd=work, env=env)
    async with AsyncCodex(config) as codex:
        server = codex._client._sync._proc
        await batch(codex)
        cold = time.perf_counter() - t0
        if not warm:
            return cold, -1.0, -1.0, server
        c1, t1 = time.process_time() + cpu_of(server), time.perf_counter()
        await batch(codex)
        warm_wall = time.perf_counter() - t1
        return cold, warm_wall, time.process_time() + cpu_of(server) - c1, server

cold, warm_wall, warm_cpu, server = asyncio.run(main())
# The official client gives a server 2 s to stop, then kills it WITHOUT reaping it: reap it here,
# or its CPU never reaches this process's children total (the side would look cheaper than it is).
server.wait()
print(cold, warm_wall, warm_cpu)
"""


def run_sdk(
    turns: int, home: Path, work: Path, argv: tuple[str, ...], *, warm: bool
) -> tuple[float, float | None, float, float | None]:
    """The official Python SDK (AsyncCodex) driving an app-server, in a child process of its
    own (so its CPU and the server's are counted together): all threads in flight at once, timed
    from the client's start (the server's spawn included); then as many more through the same,
    warm server. Returns (cold s, warm s or None, CPU s of client and server together, and in
    the warm batch or None)."""
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
    cold, warm_wall, warm_cpu = (float(x) for x in proc.stdout.split())
    cpu = children_cpu() - cpu0
    return cold, (warm_wall if warm else None), cpu, (warm_cpu if warm else None)


# ---- the run ----------------------------------------------------------------------------------


class Row:
    """One side's figures: cold/warm wall seconds (None: not run), CPU ms per turn (both
    batches; the warm batch alone), the mock's CPU ms per request while the side ran, a note."""

    def __init__(
        self,
        name: str,
        cold: float | None = None,
        warm: float | None = None,
        cpu_ms: float | None = None,
        mock_ms: float | None = None,
        note: str = "",
        warm_cpu_ms: float | None = None,
    ) -> None:
        self.name, self.cold, self.warm, self.cpu_ms = name, cold, warm, cpu_ms
        self.mock_ms, self.note, self.warm_cpu_ms = mock_ms, note, warm_cpu_ms


class MockMeter:
    """This process's CPU (the mock's threads; the main thread only waits) per request made."""

    def __init__(self, mock: MockModelServer) -> None:
        self.mock = mock
        self.cpu0 = time.process_time()
        self.requests0 = len(mock.requests)

    def ms_per_request(self) -> float | None:
        made = len(self.mock.requests) - self.requests0
        return (time.process_time() - self.cpu0) * 1000 / made if made else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=4, help="official exec runs at once")
    parser.add_argument("--skip-official", action="store_true")
    parser.add_argument("--skip-app-server", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of our two sides (alternating; medians)"
    )
    args = parser.parse_args(argv)

    (CACHE / "work").mkdir(parents=True, exist_ok=True)
    prepare_bytecode()
    load_before = os.getloadavg()
    rows: list[Row] = []
    n = args.turns
    with MockModelServer() as mock, tempfile.TemporaryDirectory(dir=CACHE / "work") as scratch:
        mock.repeat(REPLY)
        root = Path(scratch)
        create_us = create_cost_us(root)

        def fresh(name: str) -> tuple[Path, Path]:
            home = write_mock_config(root / f"home-{name}", mock.base_url)
            work = root / f"work-{name}"
            work.mkdir()
            return home, work

        # Our two sides run `--rounds` times, alternating, each round in fresh homes; each
        # figure is the median over the rounds. Why: a side's rate moves by tens of percent with
        # where its fresh CODEX_HOME lands on this file system (creating a rollout costs from
        # 0.01 to 0.4 ms of kernel time depending on the folder), so one run per side could
        # decide the ratio by placement alone.
        ours: list[tuple[float, float, float, float, float | None]] = []
        ours_as: list[tuple[float, float, float, float, float | None]] = []
        as_error = as_skip = ""
        for i in range(args.rounds):
            home, work = fresh(f"inprocess-{i}")
            meter = MockMeter(mock)
            cold, warm_wall, cpu, warm_cpu = run_inprocess(n, home, work)
            ours.append((cold, warm_wall, cpu, warm_cpu, meter.ms_per_request()))
            if args.skip_app_server or as_error or as_skip:
                continue
            try:
                import openai_codex
            except ImportError:
                as_skip = "skipped: openai-codex not installed"
                continue
            home, work = fresh(f"ours-app-server-{i}")
            server = (sys.executable, "-m", "codex", "app-server", "--listen", "stdio://")
            meter = MockMeter(mock)
            try:
                cold, as_warm, cpu, as_warm_cpu = run_sdk(n, home, work, server, warm=True)
            except Exception as exc:  # a front end still being built: report it, go on
                msg = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
                as_error = f"failed: {msg}"
                continue
            assert as_warm is not None and as_warm_cpu is not None
            ours_as.append((cold, as_warm, cpu, as_warm_cpu, meter.ms_per_request()))
        cold, warm_wall, cpu, warm_cpu, mock_ms = _medians(ours)
        per_turn, warm_per_turn = cpu * 1000 / (2 * n), warm_cpu * 1000 / n
        name = "in-process (codex.sdk)"
        rows.append(Row(name, cold, warm_wall, per_turn, mock_ms, "", warm_per_turn))

        binary = official_binary()
        exec_name = f"official 0.169 `codex exec` ×{args.parallel} in parallel"
        if args.skip_official:
            rows.append(Row(exec_name, note="skipped (--skip-official)"))
        elif binary is None:
            rows.append(Row(exec_name, note="skipped: official binary not found"))
        else:
            home, work = fresh("official")
            meter = MockMeter(mock)
            wall, cpu = run_official_exec(n, home, work, binary, args.parallel)
            per_turn = cpu * 1000 / n
            rows.append(
                Row(exec_name, wall, None, per_turn, meter.ms_per_request(), "a process each")
            )

        name = "our app-server + official SDK"
        if args.skip_app_server:
            rows.append(Row(name, note="skipped (--skip-app-server)"))
        elif as_skip or as_error:
            rows.append(Row(name, note=as_skip or as_error))
        else:
            cold, warm_wall, cpu, warm_cpu, mock_ms = _medians(ours_as)
            per_turn, warm_ms = cpu * 1000 / (2 * n), warm_cpu * 1000 / n
            rows.append(Row(name, cold, warm_wall, per_turn, mock_ms, "", warm_ms))
        name = "official app-server + official SDK"
        if binary is not None and not args.skip_official and not args.skip_app_server:
            try:
                import openai_codex  # noqa: F401
            except ImportError:
                rows.append(Row(name, note="skipped: openai-codex not installed"))
            else:
                home, work = fresh("official-app-server")
                meter = MockMeter(mock)
                server = (str(binary), "app-server", "--listen", "stdio://")
                try:
                    cold, _warm, cpu, _warm_cpu = run_sdk(n, home, work, server, warm=False)
                    rows.append(
                        Row(name, cold, None, cpu * 1000 / n, meter.ms_per_request(),
                            "context only")
                    )  # fmt: skip
                except Exception as exc:
                    msg = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
                    rows.append(Row(name, note=f"failed: {msg}"))
    load_after = os.getloadavg()
    print(report(rows, n, load_before, load_after, create_us))
    return 0


def _medians(
    runs: list[tuple[float, float, float, float, float | None]],
) -> tuple[float, float, float, float, float | None]:
    """Each column's median over the rounds (the mock's CPU column may be None)."""
    import statistics

    cols = list(zip(*runs, strict=True))
    mock = [x for x in cols[4] if x is not None]
    return (
        statistics.median(cols[0]),
        statistics.median(cols[1]),
        statistics.median(cols[2]),
        statistics.median(cols[3]),
        statistics.median(mock) if mock else None,
    )


def report(
    rows: list[Row],
    n: int,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    create_us: float,
) -> str:
    """The table (markdown) and the issue's two targets, as measured in this run."""
    ours = rows[0]
    assert ours.cold is not None and ours.warm is not None and ours.cpu_ms is not None

    def num(value: float | None, fmt: str) -> str:
        return "–" if value is None else format(value, fmt)

    def rate(wall: float | None) -> float | None:
        return None if wall is None else n / wall

    def ratio(mine: float | None, theirs: float | None) -> str:
        return "–" if mine is None or theirs is None else f"{mine / theirs:.1f}×"

    loads = "/".join(f"{x:.1f}" for x in load_before)
    loads_after = "/".join(f"{x:.1f}" for x in load_after)
    lines = [
        f"{n} one-turn threads, all in flight, loopback mock; cpus: {os.cpu_count()}; "
        f"load average (1/5/15 min) {loads} before, {loads_after} after; creating a file in "
        f"the scratch folder: {create_us:.0f} µs (median)",
        "",
        "| side | cold s | cold turns/s | in-process ÷ side, cold | warm turns/s "
        "| in-process ÷ side, warm | CPU ms/turn | side ÷ in-process, CPU "
        "| warm CPU ms/turn | side ÷ in-process, warm CPU | mock CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [
            num(row.cold, ".2f"),
            num(rate(row.cold), ".1f"),
            ratio(rate(ours.cold), rate(row.cold)),
            num(rate(row.warm), ".1f"),
            ratio(rate(ours.warm), rate(row.warm)),
            num(row.cpu_ms, ".1f"),
            ratio(row.cpu_ms, ours.cpu_ms),
            num(row.warm_cpu_ms, ".1f"),
            ratio(row.warm_cpu_ms, ours.warm_cpu_ms),
            num(row.mock_ms, ".2f"),
        ]
        suffix = f" ({row.note})" if row.note else ""
        lines.append(f"| {row.name}{suffix} | " + " | ".join(cells) + " |")
    lines.append("")
    official, app_server = rows[1], rows[2]
    if official.cold is not None:
        x = n / ours.cold / (n / official.cold)
        lines.append(f"target ≥ 10× official exec ×4 (cold turns/s): {x:.1f}× " + _mark(x, 10))
    if app_server.cold is not None and app_server.warm is not None:
        cold_x = app_server.cold / ours.cold
        warm_x = app_server.warm / ours.warm
        lines.append(
            f"target ≥ 2× our app-server + official SDK (turns/s): cold {cold_x:.1f}× "
            f"{_mark(cold_x, 2)}, warm {warm_x:.1f}× {_mark(warm_x, 2)}"
        )
    return "\n".join(lines)


def _mark(value: float, target: float) -> str:
    return "(met)" if value >= target else "(not met)"


if __name__ == "__main__":
    sys.exit(main())
