"""Memory across a 1,000-turn scripted session: does anything but the history itself grow?

Runs one Session against the mock model server (in a separate process, so its recorded requests
do not count) for N turns; every turn streams a 100-delta answer. At checkpoints it reports the
process RSS, the Python heap (tracemalloc, current) and the size of the history the model is
sent (the only thing that must grow: about 0.5 KB per turn here). "Flat" means heap growth per
turn stays near the history's own growth per turn, with no per-event or per-turn leak.

    .venv/bin/python bench/bench_session_memory.py [--turns 1000]
    .venv/bin/python bench/bench_session_memory.py --deltas 100000   # per-delta overhead

`--deltas N` instead times one N-delta answer through the bare codex.client and through a
Session (events consumed by the caller), side by side: the session's per-delta cost.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_server(scenario: str = "deltas:100") -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.mock_model_server",
            "--scenario",
            scenario,
            "--repeat-last",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    return proc, line.rsplit(" ", 1)[-1]


def write_config(home: Path, base_url: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nmodel_provider = "mock"\napproval_policy = "never"\n'
        'sandbox_mode = "read-only"\n[model_providers.mock]\nname = "mock"\n'
        f'base_url = "{base_url}"\nwire_api = "responses"\nenv_key = "PATH"\n'
    )


async def run(turns: int, base_url: str, tmp: Path) -> list[tuple[int, int, int, int, int]]:
    from codex.config import ConfigOverrides, load_config
    from codex.core import Session, is_turn_end
    from codex.protocol import ops

    home = tmp / "home"
    work = tmp / "work"
    work.mkdir()
    write_config(home, base_url)
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=work)
    checkpoints = {1, 10, 100, 250, 500, 750, turns}
    rows = []
    async with Session(config) as s:
        await s.next_event()
        for turn in range(1, turns + 1):
            sub = await s.submit(ops.UserInput([ops.InputText(f"turn {turn}")]))
            while True:
                ev = await s.next_event()
                if ev.id == sub and is_turn_end(ev):
                    break
            if turn in checkpoints:
                gc.collect()
                heap, _ = tracemalloc.get_traced_memory()
                history_bytes = sum(len(repr(i.to_dict())) for i in s.history)
                rows.append((turn, rss_kib(), heap // 1024, history_bytes // 1024, len(s.history)))
    return rows


async def time_deltas(base_url: str, tmp: Path, repeats: int = 3) -> tuple[float, float]:
    """(best seconds through the client alone, best seconds through a Session)."""
    from codex.client import ModelClient, Prompt, resolve_provider
    from codex.config import ConfigOverrides, load_config
    from codex.core import Session, is_turn_end
    from codex.protocol import ops
    from codex.protocol.items import user_message

    table = {"name": "mock", "base_url": base_url, "wire_api": "responses", "env_key": "PATH"}
    client = ModelClient(resolve_provider("mock", {"mock": table}), "gpt-5.5", conversation_id="b")
    bare = []
    for _ in range(repeats):
        started = time.perf_counter()
        async for _event in client.stream(Prompt(input=[user_message("x")])):
            pass
        bare.append(time.perf_counter() - started)
    home, work = tmp / "home", tmp / "work"
    work.mkdir()
    write_config(home, base_url)
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=work)
    through = []
    async with Session(config) as s:
        await s.next_event()
        for _ in range(repeats):
            started = time.perf_counter()
            sub = await s.submit(ops.UserInput([ops.InputText("x")]))
            while True:
                ev = await s.next_event()
                if ev.id == sub and is_turn_end(ev):
                    break
            through.append(time.perf_counter() - started)
    return min(bare), min(through)


def deltas_main(n: int) -> int:
    import uvloop

    proc, base_url = start_server(f"deltas:{n}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bare, session = uvloop.run(time_deltas(base_url, Path(tmp)))
    finally:
        proc.terminate()
        proc.wait()
    print(f"{n} deltas: client alone {bare:.3f} s | through Session {session:.3f} s")
    print(f"session overhead: {(session - bare) / n * 1e6:.2f} µs/delta ({session / bare:.2f}x)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--deltas", type=int, default=0, help="time an N-delta answer instead")
    args = parser.parse_args()
    if args.deltas:
        return deltas_main(args.deltas)
    proc, base_url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tracemalloc.start()
            started = time.perf_counter()
            rows = asyncio.run(run(args.turns, base_url, Path(tmp)))
            elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait()
    print(f"{args.turns} turns in {elapsed:.1f} s ({elapsed / args.turns * 1000:.1f} ms/turn)")
    print(f"{'turn':>6} {'RSS KiB':>9} {'heap KiB':>9} {'history KiB':>12} {'items':>6}")
    for turn, rss, heap, hist, items in rows:
        print(f"{turn:>6} {rss:>9} {heap:>9} {hist:>12} {items:>6}")
    if args.turns <= 100:  # the growth is measured from turn 100 (warm) to the end
        print("per-turn growth: needs --turns above 100")
        return 0
    (t0, r0, h0, s0, _), (t1, r1, h1, s1, _) = rows[2], rows[-1]
    turns = t1 - t0
    print(
        f"turn {t0}->{t1}: heap +{(h1 - h0) / turns * 1024:.0f} B/turn, "
        f"history +{(s1 - s0) / turns * 1024:.0f} B/turn, "
        f"RSS +{(r1 - r0) / turns * 1024:.0f} B/turn"
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CODEX_PY_NATIVE", "1")
    sys.exit(main())
