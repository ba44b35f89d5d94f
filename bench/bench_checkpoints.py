"""What checkpoints and undo cost (issue 23): the shadow git store on a 10,000-file work tree.

Measures, each as the median of `--rounds` runs:
- the first checkpoint of the tree (a one-off per work tree);
- a checkpoint after the first when 3 files changed (what every turn pays): target <= 50 ms;
- an undo of a 100-file turn (restore to the checkpoint before it): target <= 200 ms;
- how much the store grows for a 3-file change (it should grow by the changed content only);
- a turn against the loopback mock model server with checkpoints on and off (the share of a
  turn they add; the mock answers instantly, so this is an upper bound of the real share).

    .venv/bin/python bench/bench_checkpoints.py [--files 10000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from tests.support.model_stream import Message, Turn  # noqa: E402

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


def store_figures(files: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        work, home = Path(tmp, "work"), Path(tmp, "home")
        work.mkdir()
        make_tree(work, files)
        store = CheckpointStore(home, work)
        t = time.perf_counter()
        store.checkpoint("first")
        first = time.perf_counter() - t
        small: list[float] = []
        growth: list[int] = []
        for r in range(rounds):
            for k in range(3):
                (work / f"pkg{k:03d}" / f"mod{k:05d}.py").write_text(f"round {r} {k}\n")
            size = store_bytes(store)
            t = time.perf_counter()
            store.checkpoint(f"small {r}")
            small.append(time.perf_counter() - t)
            growth.append(store_bytes(store) - size)
        undo: list[float] = []
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
            t = time.perf_counter()
            result = store.restore(before, expected=after)
            undo.append(time.perf_counter() - t)
            assert result.applied and not result.conflicts, result
        return {
            "first": first,
            "small": statistics.median(small),
            "undo": statistics.median(undo),
            "growth": statistics.median(growth),
        }


def turn_figures(files: int, rounds: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for mode in ("1", "0"):
        with tempfile.TemporaryDirectory() as tmp, MockModelServer() as server:
            work = Path(tmp, "work")
            work.mkdir()
            make_tree(work, files)
            for _ in range(rounds + 1):
                server.enqueue(Turn([Message("ok")]))
            config = make_config(Path(tmp), server, cwd=work)
            os.environ["CODEX_PY_CHECKPOINTS"] = mode
            times: list[float] = []

            async def main(config: object = config, times: list[float] = times) -> None:
                async with Session(config) as s:
                    await s.next_event()
                    await run_turn(s, "warm")  # the first checkpoint of the tree
                    for i in range(rounds):
                        t = time.perf_counter()
                        await run_turn(s, f"turn {i}")
                        times.append(time.perf_counter() - t)

            asyncio.run(main())
            out["on" if mode == "1" else "off"] = statistics.median(times)
    os.environ.pop("CODEX_PY_CHECKPOINTS", None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-turns", action="store_true", help="skip the mock-turn figures")
    args = parser.parse_args()
    s = store_figures(args.files, args.rounds)
    print(f"| checkpoints, {args.files} files | median | target |")
    print("|---|---|---|")
    print(f"| first checkpoint | {ms(s['first'])} | (once per work tree) |")
    print(f"| checkpoint after the first, 3 files changed | {ms(s['small'])} | <= 50 ms |")
    print(f"| undo of a 100-file turn | {ms(s['undo'])} | <= 200 ms |")
    print(f"| store growth for a 3-file change | {s['growth']:.0f} bytes | changed content |")
    if not args.no_turns:
        t = turn_figures(args.files, args.rounds)
        added = t["on"] - t["off"]
        print(f"| mock turn, checkpoints off / on | {ms(t['off'])} / {ms(t['on'])} | |")
        print(f"| added per turn | {ms(added)} | <= 5% of a real turn |")


if __name__ == "__main__":
    main()
