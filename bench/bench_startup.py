"""Startup: `codex --version` against the interpreter floor and the official CLI.

pytest bench/bench_startup.py            # pytest-benchmark table
python bench/bench_startup.py [N]        # interleaved A/B runs, medians, ratios, import-time top 5
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import official_codex, our_codex


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _commands() -> dict[str, list[str]]:
    commands = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "codex-py --version": [our_codex(), "--version"],
    }
    official = official_codex()
    if official:
        commands["official --version"] = [official, "--version"]
    return commands


@pytest.mark.parametrize("name", list(_commands()))
def test_startup(benchmark, name: str) -> None:
    argv = _commands()[name]
    benchmark.pedantic(_run, args=(argv,), rounds=40, warmup_rounds=3)


def import_time_top(n: int = 5) -> list[tuple[int, str]]:
    """The n slowest modules (cumulative microseconds) imported by `codex --version`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", our_codex(), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:n]


def main(rounds: int) -> None:
    commands = _commands()
    for argv in commands.values():  # warm-up
        _run(argv)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():  # interleaved: A B C A B C ...
            start = time.perf_counter()
            _run(argv)
            samples[name].append(time.perf_counter() - start)
    ours = samples["codex-py --version"]
    print(f"| command | median ms | ours/this (median of pairwise ratios) |  rounds={rounds}")
    print("|---|---|---|")
    for name, values in samples.items():
        ratio = statistics.median(a / b for a, b in zip(ours, values, strict=True))
        print(f"| {name} | {statistics.median(values) * 1000:.1f} | {ratio:.2f} |")
    print("\nimport-time top 5 of `codex --version` (cumulative us):")
    for cumulative, name in import_time_top():
        print(f"  {cumulative:>7}  {name}")


if __name__ == "__main__":
    import argparse

    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    cli.add_argument("rounds", type=int, nargs="?", default=30, help="runs per command")
    main(cli.parse_args().rounds)
