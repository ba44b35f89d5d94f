"""Profile `codex exec resume --last` of a ~30 MB rollout recorded by codex-py itself.

python bench/profile/resume_profile.py prepare DIR     # record the 10 x 1 MB session into DIR
python bench/profile/resume_profile.py wall DIR [N]    # median wall and peak RSS of the resume
python bench/profile/resume_profile.py pyinstrument DIR
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(Path(__file__).parent))
from _common import env_for as _env  # noqa: E402
from _common import make_home, pyinstrument_text, run_once  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn, Usage, repeated_deltas  # noqa: E402

from conftest import our_codex  # noqa: E402

RESUME = ["exec", "--json", "--skip-git-repo-check", "resume", "--last", "continue"]


def _home(root: Path, base_url: str) -> Path:
    return make_home(root, "home", base_url)


def _prepare(home: Path, repo: Path, server: MockModelServer) -> None:
    """Ten 1 MB answers recorded by codex-py itself (rust-anchor §5: a ~30 MB rollout)."""
    big = Turn([repeated_deltas(1, "x" * (1024 * 1024))], usage=Usage(100, 0, 10))
    server.repeat(big)
    for i in range(10):
        argv = [our_codex(), "exec", "--json", "--skip-git-repo-check"]
        argv += ["resume", "--last", f"turn {i}"] if i else [f"turn {i}"]
        if run_once(argv, _env(home), repo).rc != 0:
            raise SystemExit(f"preparing the session failed at turn {i}")
        server.requests.clear()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("prepare", "wall", "pyinstrument"))
    parser.add_argument("dir", type=Path, help="where the recorded session lives")
    parser.add_argument("runs", nargs="?", type=int, default=5, help="wall: resumes timed")
    args = parser.parse_args()
    mode, root = args.mode, args.dir
    with MockModelServer() as server:
        home = _home(root, server.base_url)
        repo = root / "repo"
        if mode == "prepare":
            repo.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "init", "-q", str(repo)], check=True)
            _prepare(home, repo, server)
            return
        server.repeat(Turn([Message("resumed")], usage=Usage(100, 0, 10)))
        # Resume appends to the rollout: work on a copy so every run reads the same file.
        sessions = home / "sessions"
        pristine = root / "sessions.orig"
        if not pristine.exists():
            subprocess.run(["cp", "-a", str(sessions), str(pristine)], check=True)

        def reset() -> None:
            subprocess.run(["rm", "-rf", str(sessions)], check=True)
            subprocess.run(["cp", "-a", str(pristine), str(sessions)], check=True)

        if mode == "wall":
            walls, rss = [], []
            for _ in range(args.runs):
                reset()
                s = run_once([our_codex(), *RESUME], _env(home), repo)
                server.requests.clear()
                walls.append(s.wall)
                rss.append(s.maxrss_kib / 1024)
            print(
                f"wall median {statistics.median(walls) * 1000:.0f} ms"
                f" (min {min(walls) * 1000:.0f})"
                f"  peak RSS median {statistics.median(rss):.1f} MiB"
            )
        elif mode == "pyinstrument":
            reset()
            # One run: a resume appends to the session the next run would read.
            print(pyinstrument_text([our_codex(), *RESUME], "0.0005", _env(home), repo, runs=1))


if __name__ == "__main__":
    main()
