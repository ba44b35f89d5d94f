"""CPU time of one `thread/list` over a `$CODEX_HOME` holding one thread and N forks of it.

Why: a fork is previewed by its lineage's first message, so listing a fork looks up the
thread it was forked from. Done with a scan of every rollout per fork, a listing costs
N x N; this shows the cost for a few N (it should grow about linearly).

Each listing runs in-process through the app-server's own code (codex.app_server.listing
over a fresh codex.app_server.thread_index.ThreadIndex, as a newly started server or the
early start-up listing has it), with a search term that matches nothing (so every rollout is
summarized and none is returned), and once sorted by updated_at. Reports CPU seconds
(time.process_time), the best of --rounds; report `uptime` with any figure (shared machine).

    .venv/bin/python bench/bench_thread_list_forks.py [--forks 500 2000 6000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.support.rollout_heads import write_head  # noqa: E402

from codex.app_server.listing import list_threads  # noqa: E402
from codex.app_server.thread_index import ThreadIndex  # noqa: E402


def build_home(home: Path, forks: int) -> None:
    """One root thread and `forks` forks of it (without a message of their own), spread over
    days so that no directory is huge."""
    root = str(uuid.uuid4())
    first = home / "sessions" / "2026" / "01" / "01"
    write_head(first, "2026-01-01T00-00-00", root, "the root's first message")
    for n in range(forks):
        day = home / "sessions" / "2026" / "02" / f"{1 + n // 1000:02d}"
        stamp = f"2026-02-{1 + n // 1000:02d}T{n // 3600 % 24:02d}-{n // 60 % 60:02d}-{n % 60:02d}"
        write_head(day, stamp, str(uuid.uuid4()), None, root)


def cpu_of_listing(home: Path, params: dict[str, object], rounds: int) -> float:
    """Best CPU seconds of one listing by a fresh index (the heads cache warmed first)."""
    ThreadIndex(str(home)).save()  # nothing parsed yet: the first listing below parses heads
    warm = ThreadIndex(str(home))
    list_threads(warm, {}, lambda _id: None, dict(params))
    warm.save()  # later indexes open with every head cached, as a server started again does
    best = float("inf")
    for _ in range(rounds):
        index = ThreadIndex(str(home))
        start = time.process_time()
        list_threads(index, {}, lambda _id: None, dict(params))
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forks", type=int, nargs="+", default=[500, 2000, 6000])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"{'forks':>6} {'search (s CPU)':>15} {'updated_at (s CPU)':>19}")
    for forks in args.forks:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            build_home(home, forks)
            search = cpu_of_listing(home, {"searchTerm": "matches nothing"}, args.rounds)
            by_update = cpu_of_listing(home, {"sortKey": "updated_at", "limit": 5}, args.rounds)
        print(f"{forks:>6} {search:>15.3f} {by_update:>19.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
