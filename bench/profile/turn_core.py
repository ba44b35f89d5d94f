"""CPU of a warm in-process turn outside the HTTP request: everything core does for a turn.

python bench/profile/turn_core.py [--threads N] [--rounds R] [--profile] [--top K]

Like inprocess_phases.py (one child, `AsyncCodex` on a fresh CODEX_HOME pointed at the loopback
mock, bytecode cached), but each warm thread's model client is swapped, after `thread_start()`,
for a replay of the events the real client yielded on the cold turn. The HTTP request (another
part's job) then costs nothing, and what is measured is the rest of the turn: the actor, the
turn loop, events and their readers, the rollout lines and their write(2)s, the SDK's result.
Every thread stays referenced to the end, so no session is closed inside a measured round (an
SDK that closes dropped threads' sessions would otherwise bill a close to the next round).
Same process, same files, same events as a real turn; only the model's bytes are not fetched.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _common import OTHER_TREE, run_child  # noqa: E402

CHILD = (
    OTHER_TREE
    + r"""
import asyncio, cProfile, io, json, pstats, sys, time
n, rounds, profile, top, cwd, src = sys.argv[1:7]
n, rounds, top = int(n), int(rounds), int(top)
from codex import AsyncCodex, CodexConfig

class Recording:
    def __init__(self, inner, sink):
        self.model, self._inner, self._sink = inner.model, inner, sink
    async def stream(self, prompt):
        async for event in self._inner.stream(prompt):
            self._sink.append(event)
            yield event

class Replay:
    def __init__(self, model, events):
        self.model, self._events = model, events
    async def stream(self, prompt):
        for event in self._events:
            yield event

def clients(thread):
    return thread._session.state._clients

async def main():
    out = {}
    prof = cProfile.Profile()
    async with AsyncCodex(CodexConfig(cwd=cwd)) as codex:
        first = await codex.thread_start()
        model = first._session._settings.model
        events = []
        client = first._session.state.client_for(model)
        clients(first)[model] = Recording(client, events)
        assert (await first.run("cold")).final_response == "ok"
        rows, loop_rows = [], []
        keep = []  # every thread stays referenced: no session closes inside a measured round
        for _ in range(rounds):
            threads = await asyncio.gather(*(codex.thread_start() for _ in range(n)))
            keep.extend(threads)
            for t in threads:
                clients(t)[model] = Replay(model, events)
            c0 = time.process_time(); t0 = time.thread_time()
            if profile == "1": prof.enable()
            results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
            if profile == "1": prof.disable()
            c1 = time.process_time(); t1 = time.thread_time()
            assert all(r.final_response == "ok" for r in results)
            rows.append((c1 - c0) * 1000 / n)
            loop_rows.append((t1 - t0) * 1000 / n)
        out["rounds"] = rows
        out["loop_rounds"] = loop_rows
    if profile == "1":
        for order in ("tottime", "cumulative"):
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(top)
            out[f"profile_{order}"] = buf.getvalue()
    print(json.dumps(out))

asyncio.run(main())
"""
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--src", default="", help="run this source tree instead (a copy with its .so files)"
    )
    args = parser.parse_args(argv)

    child_args = [str(args.threads), str(args.rounds), "1" if args.profile else "0", str(args.top)]
    proc = run_child(CHILD, lambda work: [*child_args, str(work), args.src])
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    rows = out["rounds"]
    print(f"threads {args.threads} × rounds {args.rounds}; load {load}")
    print("rounds (CPU ms per turn, no HTTP): " + " ".join(f"{r:.3f}" for r in rows))
    loop = out["loop_rounds"]
    print(
        f"MEDIAN turn CPU without HTTP: {statistics.median(rows):.3f} ms (min {min(rows):.3f}); "
        f"event-loop thread alone {statistics.median(loop):.3f} ms (min {min(loop):.3f})"
    )
    for key in ("profile_tottime", "profile_cumulative"):
        if key in out:
            print(f"\n===== {key}")
            print("\n".join(line for line in out[key].splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
