"""Where an in-process one-turn thread spends its CPU: thread start vs turn, cold and warm.

python bench/profile/inprocess_phases.py [--threads N] [--rounds R] [--profile start|run|both]
                                         [--top K] [--uvloop]

One child process (bytecode cached, as an installed wheel has it) opens one `AsyncCodex` on a
fresh CODEX_HOME pointed at the loopback mock (threads of this process), then:

  cold   the first `thread_start()` (first-use imports, config load) and the first `run()`;
  warm   R rounds of N `thread_start()` all at once, then one `run()` on each, all at once.

It prints CPU ms (process time) and wall ms per thread start and per turn: the median over the
warm rounds, and each round. `--profile` runs cProfile around the warm start or run phases
(all rounds), or `cold` around the first start and run, and prints the top K functions by own
time and by cumulative time. The scratch
folder lives under the bench cache (file creation in this machine's /tmp is ~10× slower than in
the home file system, which would blur the thread-start figure).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _common import run_child  # noqa: E402

CHILD = r"""
import asyncio, cProfile, io, json, pstats, statistics, sys, time
n, rounds, profile, top, use_uvloop, cwd = sys.argv[1:7]
n, rounds, top = int(n), int(rounds), int(top)
t0 = time.perf_counter(); c0 = time.process_time()
from codex import AsyncCodex, CodexConfig

def clock():
    return time.perf_counter(), time.process_time()

async def main():
    out = {"import_ms": (time.perf_counter() - t0) * 1000}
    profilers = {"start": cProfile.Profile(), "run": cProfile.Profile(), "cold": cProfile.Profile()}
    async with AsyncCodex(CodexConfig(cwd=cwd)) as codex:
        w, c = clock()
        if profile == "cold": profilers["cold"].enable()
        first = await codex.thread_start()
        w1, c1 = clock()
        result = await first.run("cold")
        if profile == "cold": profilers["cold"].disable()
        w2, c2 = clock()
        assert result.final_response == "ok", result
        out["cold_start"] = [(w1 - w) * 1000, (c1 - c) * 1000]
        out["cold_run"] = [(w2 - w1) * 1000, (c2 - c1) * 1000]
        rows = []
        for _ in range(rounds):
            w, c = clock()
            if profile in ("start", "both"): profilers["start"].enable()
            threads = await asyncio.gather(*(codex.thread_start() for _ in range(n)))
            if profile in ("start", "both"): profilers["start"].disable()
            w1, c1 = clock()
            if profile in ("run", "both"): profilers["run"].enable()
            results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
            if profile in ("run", "both"): profilers["run"].disable()
            w2, c2 = clock()
            assert all(r.final_response == "ok" for r in results)
            rows.append([(w1 - w) * 1000 / n, (c1 - c) * 1000 / n,
                         (w2 - w1) * 1000 / n, (c2 - c1) * 1000 / n])
        out["rounds"] = rows
    for name, prof in profilers.items():
        if profile == name or (profile == "both" and name != "cold"):
            for order in ("tottime", "cumulative"):
                buf = io.StringIO()
                pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(top)
                out[f"profile_{name}_{order}"] = buf.getvalue()
    print(json.dumps(out))

if use_uvloop == "1":
    import uvloop
    uvloop.run(main())
else:
    asyncio.run(main())
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--profile", choices=("none", "start", "run", "both", "cold"), default="none"
    )
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--uvloop", action="store_true", help="uvloop.run instead of asyncio.run")
    args = parser.parse_args(argv)

    import json
    import statistics

    child_args = [
        str(args.threads),
        str(args.rounds),
        args.profile,
        str(args.top),
        "1" if args.uvloop else "0",
    ]
    proc = run_child(CHILD, lambda work: [*child_args, str(work)])
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    imported = out["import_ms"]
    print(f"threads {args.threads} × rounds {args.rounds}; load {load}; import {imported:.0f} ms")
    for label, key in (("first thread_start", "cold_start"), ("first run()       ", "cold_run")):
        wall, cpu = out[key]
        print(f"cold {label}: wall {wall:.1f} ms, CPU {cpu:.1f} ms")
    rows = out["rounds"]
    for i, row in enumerate(rows):
        print(
            f"round {i}: start wall {row[0]:.3f} CPU {row[1]:.3f} | "
            f"run wall {row[2]:.3f} CPU {row[3]:.3f}  (ms per thread)"
        )
    med = [statistics.median(r[k] for r in rows) for k in range(4)]
    print(
        f"MEDIAN   start wall {med[0]:.3f} CPU {med[1]:.3f} | run wall {med[2]:.3f} "
        f"CPU {med[3]:.3f} | start+run CPU {med[1] + med[3]:.3f} ms"
    )
    for key, text in out.items():
        if key.startswith("profile_"):
            print(f"\n===== {key}")
            print("\n".join(line for line in text.splitlines() if line.strip())[:20000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
