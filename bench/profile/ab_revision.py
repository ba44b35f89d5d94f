"""The in-process API's cost now against an earlier revision's Python code, interleaved.

python bench/profile/ab_revision.py REV [--pairs N] [--threads N] [--rounds N]

Wall-clock rates on this shared 2-core machine drift by 10-20% over an evening, so two
benchmark runs an hour apart cannot tell a 5% change from the weather. This runs the same
measurement on both trees in alternation, A B A B ..., each run in a fresh process on a fresh
CODEX_HOME, and prints every run and the medians:

  cold   wall ms for `threads` one-turn threads through a fresh `AsyncCodex` (the bench's cold
         side: every first-use import of core included);
  warm   main-thread CPU ms per one-turn thread (start + run), `rounds` more batches of
         `threads` through the same client.

REV's `src/` is unpacked (`git archive`) into the bench cache, with this checkout's compiled C
engines linked in, and the child imports it instead of this checkout (`_common.OTHER_TREE`, as
turn_core.py's `--src` does), so only the Python code differs. A REV whose Python calls a C
function this build lacks fails loudly.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _common import OTHER_TREE, run_child  # noqa: E402

CHILD = (
    OTHER_TREE
    + r"""
import asyncio, json, sys, time
from codex import AsyncCodex, CodexConfig
t0 = time.perf_counter()
n, rounds, cwd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

async def batch(codex):
    threads = await asyncio.gather(*(codex.thread_start() for _ in range(n)))
    results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
    assert all(r.final_response == "ok" for r in results)

async def main():
    async with AsyncCodex(CodexConfig(cwd=cwd)) as codex:
        await batch(codex)
        cold = time.perf_counter() - t0
        c0 = time.thread_time()
        for _ in range(rounds):
            await batch(codex)
        warm = (time.thread_time() - c0) * 1000 / (n * rounds)
    import codex as package
    print(json.dumps({"cold_ms": cold * 1000, "warm_ms": warm, "package": package.__file__}))

asyncio.run(main())
"""
)


def unpack(rev: str, cache: Path) -> Path:
    """REV's src/ under `cache` with this build's C engines linked in: the tree a child runs
    in place of this checkout (`_common.OTHER_TREE`)."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = cache / f"ab-{commit[:12]}"
    src = tree / "src"
    if not src.is_dir():
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
    import codex._native._jsonl as built  # this checkout's compiled engines

    native = Path(built.__file__).parent
    for item in native.iterdir():
        if item.suffix == ".so" or item.name == "bin":
            link = src / "codex" / "_native" / item.name
            if not link.exists():
                link.symlink_to(item)
    return src


def measure(threads: int, rounds: int, src: str) -> dict[str, object]:
    """One run, of this checkout (`src` "") or of the unpacked tree."""
    proc = run_child(CHILD, lambda work: [str(threads), str(rounds), str(work), src])
    if proc.returncode != 0:
        raise SystemExit(f"a run failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier revision (any git revision name)")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10, help="warm batches per run")
    args = parser.parse_args(argv)

    from bench._paths import CACHE

    src = str(unpack(args.rev, CACHE))
    runs: dict[str, list[dict[str, object]]] = {args.rev: [], "this checkout": []}
    # One discarded run each first: it compiles the tree's bytecode into the bench's cache.
    measure(args.threads, 1, src)
    measure(args.threads, 1, "")
    for _ in range(args.pairs):
        runs[args.rev].append(measure(args.threads, args.rounds, src))
        runs["this checkout"].append(measure(args.threads, args.rounds, ""))
    old_package = str(runs[args.rev][0]["package"])
    if not old_package.startswith(src):
        raise SystemExit(f"the earlier tree was not the one imported ({old_package})")
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.threads} one-turn threads cold, then {args.rounds} warm batches; load {load}")
    medians = {}
    for name, rows in runs.items():
        cold = [float(str(r["cold_ms"])) for r in rows]
        warm = [float(str(r["warm_ms"])) for r in rows]
        medians[name] = (statistics.median(cold), statistics.median(warm))
        print(
            f"{name:>14}: cold ms {' '.join(f'{c:.1f}' for c in cold)} -> "
            f"{medians[name][0]:.1f} | warm main-thread CPU ms/thread "
            f"{' '.join(f'{w:.3f}' for w in warm)} -> {medians[name][1]:.3f}"
        )
    (old_cold, old_warm), (new_cold, new_warm) = medians[args.rev], medians["this checkout"]
    ratios = f"cold {new_cold / old_cold:.3f}, warm {new_warm / old_warm:.3f}"
    print(f"this checkout ÷ {args.rev}: {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
