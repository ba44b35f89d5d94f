"""What checkpoints and undo cost (issue 23): the shadow git store on a 10,000-file work tree.

Every figure is a median of `--rounds` runs, as wall time and as CPU time (this process's and
its git children's: on a shared machine CPU time moves less with load than wall time does):
- the first checkpoint of the tree (a one-off per work tree);
- a checkpoint after the first when 3 files changed, and one when nothing changed (what a turn
  pays before it starts and after it used a tool): target <= 50 ms;
- an undo of a 100-file turn (restore to the checkpoint before it): target <= 200 ms;
- how much the store grows for a 3-file change (it should grow by the changed content only);
- turns against the loopback mock model server with checkpoints on and off: a turn of talk and
  a turn that edits a file through `apply_patch` (two model requests). The mock answers at once,
  so the same turns are run again with the mock streaming each reply's events `--chunk-delay`
  seconds apart (a short reply then takes about as long as a fast real model's), and the
  checkpoints' share of that turn is reported (the `before` checkpoint overlaps the request).

    .venv/bin/python bench/bench_checkpoints.py [--files 10000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.harness import make_config, run_turn  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn, apply_patch_call  # noqa: E402

from codex.core import Session  # noqa: E402
from codex.core.checkpoints import CheckpointStore  # noqa: E402


def make_tree(root: Path, files: int) -> None:
    """`files` small files in 100 directories, committed to a real repository, plus an ignored
    build directory (which checkpoints must skip)."""
    for i in range(files):
        d = root / f"pkg{i % 100:03d}"
        d.mkdir(exist_ok=True)
        (d / f"mod{i:05d}.py").write_text(f"# module {i}\nVALUE = {i}\n" * 4)
    (root / ".gitignore").write_text("build/\n")
    (root / "build").mkdir()
    (root / "build" / "out.bin").write_bytes(os.urandom(1 << 16))
    # A real project's files are older than the session: files written in the same second as
    # an index are "racily clean" to git and re-read on every scan, which no real tree pays.
    past = time.time() - 3600
    for dirpath, dirnames, names in os.walk(root):
        for name in [*dirnames, *names]:
            os.utime(os.path.join(dirpath, name), (past, past), follow_symlinks=False)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@x",
        "GIT_COMMITTER_NAME": "b",
    }
    env["GIT_COMMITTER_EMAIL"] = "b@x"
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *cmd], cwd=root, env=env, check=True)


def store_bytes(store: CheckpointStore) -> int:
    total = 0
    for dirpath, _, names in os.walk(store.git_dir / "objects"):
        total += sum(os.lstat(os.path.join(dirpath, n)).st_size for n in names)
    return total


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def cpu_now() -> float:
    """CPU seconds of this process (all threads) and of its finished children (git)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


class Timer:
    """Collects (wall, CPU) pairs; `with timer:` times one run."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), cpu_now()
        return self

    def __exit__(self, *exc: object) -> None:
        self.walls.append(time.perf_counter() - self._wall)
        self.cpus.append(cpu_now() - self._cpu)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def both(self) -> str:
        return f"{self.wall * 1000:.1f} / {ms(self.cpu)}"


def store_figures(files: int, rounds: int) -> dict[str, Timer | float]:
    with tempfile.TemporaryDirectory() as tmp:
        work, home = Path(tmp, "work"), Path(tmp, "home")
        work.mkdir()
        make_tree(work, files)
        store = CheckpointStore(home, work)
        first = Timer()
        with first:
            store.checkpoint("first")
        small, same = Timer(), Timer()
        growth: list[int] = []
        for r in range(rounds):
            for k in range(3):
                (work / f"pkg{k:03d}" / f"mod{k:05d}.py").write_text(f"round {r} {k}\n")
            size = store_bytes(store)
            with small:
                store.checkpoint(f"small {r}")
            growth.append(store_bytes(store) - size)
            with same:
                store.checkpoint(f"unchanged {r}")
        undo = Timer()
        for r in range(rounds):
            before = store.checkpoint(f"before turn {r}")
            for k in range(100):  # the turn: 90 edits, 5 new files, 5 deletions
                path = work / f"pkg{k:03d}" / f"mod{k:05d}.py"
                if k < 90:
                    path.write_text(f"turn {r} edit {k}\n")
                elif k < 95:
                    (work / f"new{r}_{k}.txt").write_text("new\n")
                else:
                    path.unlink(missing_ok=True)
            after = store.checkpoint(f"after turn {r}")
            with undo:
                result = store.restore(before, expected=after)
            assert result.applied and not result.conflicts, result
        return {
            "first": first,
            "small": small,
            "same": same,
            "undo": undo,
            "growth": statistics.median(growth),
        }


def _patch(i: int) -> str:
    return f"*** Begin Patch\n*** Add File: edits/r{i}.txt\n+edit {i}\n*** End Patch"


def turn_figures(files: int, rounds: int, kind: str, delay: float = 0.0) -> dict[str, Timer]:
    """Mock turns of `kind` ("talk": one reply; "edit": an apply_patch call, then a reply)
    with checkpoints on and off; `delay` seconds between the streamed events of every reply
    (0: the mock answers at once)."""
    out: dict[str, Timer] = {}
    for mode in ("1", "0"):
        with tempfile.TemporaryDirectory() as tmp, MockModelServer() as server:
            work = Path(tmp, "work")
            work.mkdir()
            make_tree(work, files)
            server.enqueue(Turn([Message("ok")]))
            for i in range(rounds):
                if kind == "edit":
                    call = apply_patch_call(f"p{i}", _patch(i))
                    server.enqueue(Turn([call], chunk_delay=delay))
                server.enqueue(Turn([Message("ok")], chunk_delay=delay))
            config = make_config(Path(tmp), server, cwd=work)
            os.environ["CODEX_PY_CHECKPOINTS"] = mode
            timer = Timer()

            async def main(config: object = config, timer: Timer = timer) -> None:
                async with Session(config) as s:
                    await s.next_event()
                    await run_turn(s, "warm")  # the first checkpoint of the tree
                    for i in range(rounds):
                        with timer:
                            await run_turn(s, f"turn {i}")

            asyncio.run(main())
            if kind == "edit":
                assert (work / "edits" / f"r{rounds - 1}.txt").exists()
            out["on" if mode == "1" else "off"] = timer
    os.environ.pop("CODEX_PY_CHECKPOINTS", None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--chunk-delay",
        type=float,
        default=0.1,
        metavar="SECONDS",
        help="seconds between a reply's streamed events in the realistic turns (0: skip them)",
    )
    parser.add_argument("--turn-rounds", type=int, default=5, help="rounds of realistic turns")
    parser.add_argument("--no-turns", action="store_true", help="skip the mock-turn figures")
    args = parser.parse_args()
    load = os.getloadavg()
    s = store_figures(args.files, args.rounds)
    first, small, same, undo = s["first"], s["small"], s["same"], s["undo"]
    assert isinstance(first, Timer) and isinstance(small, Timer)
    assert isinstance(same, Timer) and isinstance(undo, Timer)
    print(f"| checkpoints, {args.files} files, median of {args.rounds} | wall / CPU | target |")
    print("|---|---|---|")
    print(f"| first checkpoint | {first.both()} | (once per work tree) |")
    print(f"| checkpoint after the first, 3 files changed | {small.both()} | <= 50 ms |")
    print(f"| checkpoint after the first, nothing changed | {same.both()} | <= 50 ms |")
    print(f"| undo of a 100-file turn | {undo.both()} | <= 200 ms |")
    print(f"| store growth for a 3-file change | {s['growth']:.0f} bytes | changed content |")
    if not args.no_turns:
        for kind in ("talk", "edit"):
            t = turn_figures(args.files, args.rounds, kind)
            on, off = t["on"], t["off"]
            print(
                f"| mock turn ({kind}, instant model), checkpoints off; on | "
                f"{off.both()}; {on.both()} | |"
            )
            print(
                f"| added per {kind} turn, instant model | "
                f"{ms(on.wall - off.wall)} / {ms(on.cpu - off.cpu)} | |"
            )
            if args.chunk_delay > 0:
                t = turn_figures(args.files, args.turn_rounds, kind, args.chunk_delay)
                on, off = t["on"], t["off"]
                added = on.wall - off.wall
                print(
                    f"| {kind} turn, model streaming ({args.chunk_delay:g} s between events), "
                    f"checkpoints off; on | {off.both()}; {on.both()} | |"
                )
                print(
                    f"| added per {kind} turn, streaming model | {ms(added)} / "
                    f"{ms(on.cpu - off.cpu)} = {added / off.wall:.1%} of the turn | <= 5% |"
                )
    print(
        f"\nload average before / after: {load[0]:.2f} / {os.getloadavg()[0]:.2f} "
        f"({os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
