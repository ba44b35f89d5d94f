"""bench/bench_abi3.py, the evidence for building the C engines against the stable ABI (issue 18
item 2), must keep building what the wheel builds: it compiles each engine from the sources
CMakeLists.txt lists for it. It once compiled `csrc/jsonl.c` alone after the engine gained
`jsonl_bg.c`, and every run died loading the half-built module. Here it runs at a tiny size
(no figure is judged: benchmarks are not timed in tests), both builds loaded and measured."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform != "linux", reason="the bench builds Linux .so files")
def test_the_bench_builds_and_loads_both_kinds_of_every_engine_it_times() -> None:
    cc = (sysconfig.get_config_var("CC") or "").split()
    if not cc or shutil.which(cc[0]) is None:
        pytest.skip("no C compiler (sysconfig CC) on this machine")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_abi3.py"), "--mb", "0.05", "--rounds", "1",
         "--pairs", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [
        line for line in proc.stdout.splitlines() if line.startswith("| ") and "MB/s" not in line
    ]
    assert [row.split("|")[1].strip() for row in rows] == ["abi3 (limited API)", "full API"]
    for row in rows:
        sse, lines = (float(cell.replace(",", "")) for cell in row.split("|")[2:4])
        assert sse > 0 and lines > 0


def test_the_engine_sources_are_the_build_lists() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_abi3
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert bench_abi3.engine_sources("jsonl") == [ROOT / "csrc/jsonl.c", ROOT / "csrc/jsonl_bg.c"]
    assert bench_abi3.engine_sources("sse") == [ROOT / "csrc/sse.c"]
    for name in ("jsonl", "sse"):
        assert all(path.is_file() for path in bench_abi3.engine_sources(name))
