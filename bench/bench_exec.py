"""`codex exec` side by side with the official CLI on the same loopback mock model server.

python bench/bench_exec.py [--rounds N] [--only one_turn,deltas_100k,resume_30mb]

Each scenario runs both binaries interleaved (A B, then B A, ...) against one in-process
MockModelServer, each with its own fresh CODEX_HOME (config from rust-anchor §2: a `mock`
responses provider with `env_key`), in a scratch git repo, stdin from /dev/null. Wall time is
measured around the child process; peak RSS is the child's `ru_maxrss` from `os.wait4`.
Medians are reported with ratios ours / official (< 1 means we are faster / leaner).

pytest bench/bench_exec.py runs a 3-round smoke of the one-turn scenario (skipped when the
official binary is absent) so the script itself stays working.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn, Usage, repeated_deltas  # noqa: E402

from conftest import ANCHOR_HINT, official_codex, our_codex  # noqa: E402
from harness import Job, Sample, Spawner, cli_env, make_home, make_repo, prepare_bytecode  # noqa: E402


@dataclass(slots=True)
class Runner:
    name: str
    exe: str
    home: Path
    samples: dict[str, list[Sample]] = field(default_factory=dict)


NOTES: list[str] = []
_SPAWNER: Spawner | None = None


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> Sample:
    """One run of a CLI, its rusage taken by bench/_spawn.py: a child forked from this process
    (which holds the mock server and 10 MB request bodies) would report our size as its peak."""
    global _SPAWNER
    if _SPAWNER is None:
        _SPAWNER = Spawner()
    return _SPAWNER.run(Job(argv, env, cwd))


def _env(home: Path) -> dict[str, str]:
    return cli_env(home, ours=True)


def _make_home(root: Path, name: str, base_url: str) -> Path:
    return make_home(root, name, base_url)


def _make_repo(root: Path) -> Path:
    return make_repo(root)


@dataclass(slots=True)
class Scenario:
    name: str
    reply: Turn
    argv: Callable[[Runner], list[str]]


def _exec_argv(prompt: str) -> Callable[[Runner], list[str]]:
    return lambda r: [r.exe, "exec", "--json", "--skip-git-repo-check", prompt]


def _resume_argv(r: Runner) -> list[str]:
    return [r.exe, "exec", "--json", "--skip-git-repo-check", "resume", "--last", "continue"]


def _prepare_big_session(runner: Runner, repo: Path, server: MockModelServer) -> None:
    """Ten 1 MB answers recorded by the runner itself, as in rust-anchor §5 vi'' (the official
    CLI stores each answer three times: a ~30 MB rollout)."""
    big = Turn([repeated_deltas(1, "x" * (1024 * 1024))], usage=Usage(100, 0, 10))
    server.repeat(big)
    for i in range(10):
        argv = [runner.exe, "exec", "--json", "--skip-git-repo-check"]
        argv += ["resume", "--last", f"turn {i}"] if i else [f"turn {i}"]
        sample = run_once(argv, _env(runner.home), repo)
        server.requests.clear()
        if sample.rc != 0:
            raise RuntimeError(f"{runner.name}: preparing the 30 MB session failed (turn {i})")
    files = list((runner.home / "sessions").rglob("rollout-*.jsonl"))
    NOTES.append(
        f"resume_30mb: {runner.name} rollout {sum(f.stat().st_size for f in files) / 2**20:.1f} MiB"
    )


def scenarios() -> dict[str, Scenario]:
    return {
        "one_turn": Scenario(
            "one_turn", Turn([Message("hello")], usage=Usage(100, 0, 10)), _exec_argv("hello")
        ),
        "one_turn_ephemeral": Scenario(
            "one_turn_ephemeral",
            Turn([Message("hello")], usage=Usage(100, 0, 10)),
            lambda r: [r.exe, "exec", "--json", "--skip-git-repo-check", "--ephemeral", "hello"],
        ),
        "deltas_100k": Scenario(
            "deltas_100k",
            Turn([repeated_deltas(100_000)], usage=Usage(100, 0, 10)),
            _exec_argv("stream"),
        ),
        "resume_30mb": Scenario(
            "resume_30mb", Turn([Message("resumed")], usage=Usage(100, 0, 10)), _resume_argv
        ),
    }


def measure(names: list[str], rounds: int, warmup: int = 1) -> dict[str, dict[str, list[Sample]]]:
    official = official_codex()
    if official is None:
        raise RuntimeError(f"official codex binary not found ({ANCHOR_HINT})")
    results: dict[str, dict[str, list[Sample]]] = {}
    prepare_bytecode()
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as tmp, MockModelServer() as server:
        root = Path(tmp)
        repo = _make_repo(root)
        chosen = [scenarios()[n] for n in names]
        for sc in chosen:
            runners = [
                Runner("codex-py", our_codex(), _make_home(root, f"py-{sc.name}", server.base_url)),
                Runner("official", official, _make_home(root, f"rs-{sc.name}", server.base_url)),
            ]
            if sc.name == "resume_30mb":
                for r in runners:
                    _prepare_big_session(r, repo, server)
            server.repeat(sc.reply)
            for _ in range(warmup):
                for r in runners:
                    run_once(sc.argv(r), _env(r.home), repo)
            per: dict[str, list[Sample]] = {r.name: [] for r in runners}
            for i in range(rounds):
                order = runners if i % 2 == 0 else runners[::-1]
                for r in order:
                    per[r.name].append(run_once(sc.argv(r), _env(r.home), repo))
                    server.requests.clear()  # keep this process small
            results[sc.name] = per
    return results


def report(results: dict[str, dict[str, list[Sample]]]) -> str:
    lines = [
        f"{'scenario':<20} {'impl':<9} {'wall med s':>10} {'min':>7} {'max':>7} "
        f"{'RSS med MiB':>11} {'fails':>5}"
    ]
    ratios = []
    for name, per in results.items():
        med: dict[str, tuple[float, float]] = {}
        for impl, samples in per.items():
            walls = [s.wall for s in samples]
            rss = statistics.median(s.maxrss_kib for s in samples) / 1024
            fails = sum(1 for s in samples if s.rc != 0)
            med[impl] = (statistics.median(walls), rss)
            lines.append(
                f"{name:<20} {impl:<9} {med[impl][0]:>10.3f} {min(walls):>7.3f} "
                f"{max(walls):>7.3f} {rss:>11.1f} {fails:>5}"
            )
        py, rs = med["codex-py"], med["official"]
        ratios.append(
            f"{name}: wall ratio {py[0] / rs[0]:.2f}x, peak RSS ratio {py[1] / rs[1]:.2f}x "
            f"(codex-py / official)"
        )
    return "\n".join([*lines, "", *ratios, *NOTES])


@pytest.mark.skipif(official_codex() is None, reason="official codex binary not installed")
def test_exec_one_turn_side_by_side() -> None:
    results = measure(["one_turn"], rounds=3, warmup=0)
    for samples in results["one_turn"].values():
        assert all(s.rc == 0 for s in samples)
    print(report(results))


def import_top(n: int = 8) -> list[tuple[int, str]]:
    """The n slowest top-level imports (cumulative µs) of one `codex exec --json` turn."""
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as tmp, MockModelServer() as server:
        root = Path(tmp)
        repo = _make_repo(root)
        home = _make_home(root, "imports", server.base_url)
        server.repeat(Turn([Message("hello")], usage=Usage(100, 0, 10)))
        argv = [sys.executable, "-X", "importtime", "-m", "codex", "exec", "--json", "hello"]
        rows: list[tuple[int, str]] = []
        for _ in range(2):  # the first run fills the bytecode cache
            proc = subprocess.run(
                argv,
                cwd=repo,
                env=_env(home),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=True,
            )
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            _self, cumulative, name = line.removeprefix("import time:").split("|")
            if not name.startswith("  "):  # top level only: children are inside it
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--only", default="one_turn,one_turn_ephemeral,deltas_100k,resume_30mb")
    parser.add_argument("--imports", action="store_true", help="print exec's top imports too")
    args = parser.parse_args()
    if args.imports:
        for us, name in import_top():
            print(f"import {us / 1000:7.1f} ms  {name}")
    results = measure(args.only.split(","), args.rounds, args.warmup)
    print(report(results))


if __name__ == "__main__":
    main()
