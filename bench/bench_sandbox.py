"""Sandbox launch overhead: `codex-linux-sandbox ... -- true` against a bare fork+exec of `true`
and against the official CLI's `codex sandbox -- true` (bubblewrap + seccomp), side by side.

pytest bench/bench_sandbox.py          # pytest-benchmark table
python bench/bench_sandbox.py [N]      # N interleaved rounds (default 60): medians, ratios

Every process is started with os.posix_spawn and reaped with waitpid, so the harness adds the
same small constant to each row; "overhead" is a row's median minus the bare `true` median.
The target for the launcher is within 2 ms of bare fork+exec.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import ANCHOR_HINT, CACHE, official_codex, our_codex

TRUE = "/usr/bin/true" if os.path.exists("/usr/bin/true") else "/bin/true"
# The official CLI refuses helper links under /tmp; give it a home outside (never the repo).
OFFICIAL_HOME = Path(os.environ.get("CODEX_BENCH_OFFICIAL_HOME") or CACHE / "sandbox-home")


def _workspace() -> Path:
    ws = Path(tempfile.mkdtemp(prefix="codex-bench-sandbox-"))
    (ws / ".git" / "hooks").mkdir(parents=True)
    (ws / "src").mkdir()
    return ws


def _launcher() -> str:
    from codex.sandbox.spawn import find_linux_launcher

    return os.fspath(find_linux_launcher())


def commands(ws: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """name -> (argv, env)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    launcher = _launcher()
    ro = '{"type":"read-only"}'
    ww = (
        '{"type":"workspace-write","network_access":false,'
        '"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false}'
    )
    base = [launcher, "--sandbox-policy-cwd", str(ws), "--sandbox-policy"]
    rows = {
        "bare true (fork+exec)": ([TRUE], env),
        "codex-linux-sandbox read-only -- true": ([*base, ro, "--", TRUE], env),
        "codex-linux-sandbox workspace-write -- true": ([*base, ww, "--", TRUE], env),
        "codex-py `codex sandbox -- true`": (
            [our_codex(), "--config-home", str(ws / ".codex-home"), "sandbox", "--", TRUE],
            env,
        ),
    }
    official = official_codex()
    if official:
        OFFICIAL_HOME.mkdir(parents=True, exist_ok=True)
        off_env = {**env, "CODEX_HOME": str(OFFICIAL_HOME)}
        rows["official `codex sandbox -- true`"] = ([official, "sandbox", "--", TRUE], off_env)
        rows["official `codex sandbox -P :workspace -- true`"] = (
            [official, "sandbox", "-P", ":workspace", "--", TRUE],
            off_env,
        )
    return rows


def _spawn_wait(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        old = os.getcwd()
        os.chdir(cwd)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(
                argv[0],
                argv,
                env,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0),
                    (os.POSIX_SPAWN_DUP2, devnull, 1),
                    (os.POSIX_SPAWN_DUP2, devnull, 2),
                ],
            )
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter() - start
        finally:
            os.chdir(old)
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed


@pytest.fixture(scope="module")
def bench_ws() -> Path:
    return _workspace()


@pytest.mark.parametrize(
    "name",
    [
        "bare true (fork+exec)",
        "codex-linux-sandbox read-only -- true",
        "codex-linux-sandbox workspace-write -- true",
    ],
)
def test_launch(benchmark, bench_ws: Path, name: str) -> None:
    argv, env = commands(bench_ws)[name]
    benchmark.pedantic(_spawn_wait, args=(argv, env, bench_ws), rounds=200, warmup_rounds=5)


def main(rounds: int) -> None:
    ws = _workspace()
    rows = commands(ws)
    for argv, env in rows.values():  # warm-up (page cache, first-run setup)
        for _ in range(3):
            _spawn_wait(argv, env, ws)
    samples: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(rounds):
        for name, (argv, env) in rows.items():  # interleaved: A B C ... A B C ...
            samples[name].append(_spawn_wait(argv, env, ws))
    bare = samples["bare true (fork+exec)"]
    bare_med = statistics.median(bare)
    launcher = samples["codex-linux-sandbox workspace-write -- true"]
    print(f"load average: {os.getloadavg()[0]:.2f}  rounds: {rounds} (interleaved)")
    print("| command | median ms | p10 ms | p90 ms | overhead vs bare ms | this / launcher (ww) |")
    print("|---|---|---|---|---|---|")
    for name, values in samples.items():
        q = statistics.quantiles(values, n=10)
        med = statistics.median(values)
        ratio = statistics.median(v / w for v, w in zip(values, launcher, strict=True))
        print(
            f"| {name} | {med * 1e3:.2f} | {q[0] * 1e3:.2f} | {q[-1] * 1e3:.2f} | "
            f"{(med - bare_med) * 1e3:+.2f} | {ratio:.2f}x |"
        )
    if official_codex() is None:
        print(f"\nofficial CLI not found ({ANCHOR_HINT})")


if __name__ == "__main__":
    import argparse

    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    cli.add_argument("rounds", type=int, nargs="?", default=60, help="launches per command")
    main(cli.parse_args().rounds)
