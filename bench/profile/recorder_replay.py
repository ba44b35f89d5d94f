"""CPU per one-turn thread spent recording its rollout: capture, then replay, the recorder calls.

python bench/profile/recorder_replay.py [--threads N] [--rounds R] [--no-file]
                                       [--fsync never|turn_end|every_flush] [--recorder-file PATH]

One in-process turn against the loopback mock is run with every RolloutRecorder call captured
(arguments copied); the calls are then replayed on N fresh recorders per round (file made under
the bench cache, as a real thread's), and the CPU ms per thread is printed per round and as the
median. `--no-file` replays without making files (the file, its writes, the redaction screen and
the fsync stay out): the Python side alone. `--fsync` sets the writer's policy (the default is
core's); `--recorder-file` replays on another copy of codex/rollout/recorder.py (e.g. the one
`git show HEAD:src/codex/rollout/recorder.py` prints, saved outside /tmp), for an A/B of a change
in one process setup. Close is the blocking `close()`, not core's `aclose()`.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import importlib
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _common import env_for, ok_mock_scratch  # noqa: E402

_CALLS = (
    "record_response_item",
    "record_event",
    "record_turn_context",
    "record_item",
    "flush",
    "turn_end",
)


def capture(scratch: Path) -> tuple[Any, list[tuple[str, tuple[Any, ...]]]]:
    """The recorder calls of one in-process turn (and the session_meta params it was made with)."""
    from codex.rollout import recorder as mod

    calls: list[tuple[str, tuple[Any, ...]]] = []
    metas: list[Any] = []
    orig_create = mod.RolloutRecorder.create.__func__  # type: ignore[attr-defined]

    def create(cls: Any, codex_home: Path, meta: Any, **kw: Any) -> Any:
        metas.append(meta)
        return orig_create(cls, codex_home, meta, **kw)

    def wrap(name: str) -> Any:
        orig = getattr(mod.RolloutRecorder, name)

        def call(self: Any, *args: Any) -> Any:
            calls.append((name, copy.deepcopy(args)))
            return orig(self, *args)

        return call

    mod.RolloutRecorder.create = classmethod(create)  # type: ignore[method-assign,assignment]
    for name in _CALLS:
        setattr(mod.RolloutRecorder, name, wrap(name))

    from codex import AsyncCodex, CodexConfig

    async def one_turn() -> None:
        async with AsyncCodex(CodexConfig(cwd=str(scratch))) as codex:
            thread = await codex.thread_start()
            await thread.run("warm up")
            calls.clear()
            metas.clear()
            thread = await codex.thread_start()
            result = await thread.run("ping")
            assert result.final_response == "ok"

    asyncio.run(one_turn())
    return metas[-1], calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-file", action="store_true")
    parser.add_argument(
        "--recorder-file", help="replay on the recorder module at this path (A/B of an old copy)"
    )
    parser.add_argument("--fsync", default="turn_end", help="the writer's fsync policy")
    args = parser.parse_args(argv)
    with ok_mock_scratch() as (home, work):
        os.environ.update(env_for(home))
        meta, calls = capture(work)
        from codex.rollout import recorder as mod

        mod = importlib.reload(mod)  # the unpatched class
        if args.recorder_file:
            spec = importlib.util.spec_from_file_location("_recorder_b", args.recorder_file)
            assert spec is not None and spec.loader is not None
            mod = importlib.util.module_from_spec(spec)
            sys.modules["_recorder_b"] = mod  # dataclasses look their module up
            spec.loader.exec_module(mod)
        kinds = sorted({name for name, _ in calls})
        print(f"{len(calls)} recorder calls per turn ({', '.join(kinds)})")
        rows = []
        for r in range(args.rounds):
            out = work.parent / f"r{r}"  # the scratch folder, beside work/
            c0 = time.process_time()
            for _ in range(args.threads):
                rec = mod.RolloutRecorder.create(out, meta, fsync=args.fsync)
                if args.no_file:
                    rec._pending = None  # nothing is made or written: the Python side only
                for name, call_args in calls:
                    getattr(rec, name)(*call_args)
                rec.close()
            rows.append((time.process_time() - c0) * 1000 / args.threads)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"threads {args.threads} × rounds {args.rounds}; load {load}")
    print("rounds: " + " ".join(f"{x:.4f}" for x in rows))
    print(f"MEDIAN recorder CPU per one-turn thread: {statistics.median(rows):.4f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
