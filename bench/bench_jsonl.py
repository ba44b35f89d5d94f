"""Rollout writing: the native JSONL writer vs `orjson.dumps` + `file.write`, side by side.

python bench/bench_jsonl.py [--lines N] [--turn-every K]

Writes N rollout-like records (a realistic mix of sizes: short events, ~1 KB items, some 64 KB
tool outputs), calling the turn boundary every K records. Variants:
  native      codex._native.jsonl.JsonlWriter (C), flush at turn end, fsync never
  twin        the same writer in pure Python (CODEX fallback)
  file.write  open(path, "ab") + orjson.dumps + write, flush at turn end
  per-line    open(path, "ab") + write + flush after every line (what upstream's writer does)
Serialization (orjson) is included in every variant. One run each, after one warm-up; ratios are
against `file.write`. Then the same with fsync at every turn end (native vs file.write+fsync).

pytest bench/bench_jsonl.py runs a small smoke so the script keeps working.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def records(n: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        if i % 50 == 49:
            payload: dict[str, object] = {
                "type": "function_call_output",
                "call_id": f"call_{i}",
                "output": "x" * 65536,
            }
            kind = "response_item"
        elif i % 3 == 0:
            payload = {"type": "token_count", "info": {"total_token_usage": {"input_tokens": i}}}
            kind = "event_msg"
        else:
            payload = {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "lorem ipsum " * 80}],
            }
            kind = "response_item"
        out.append({"timestamp": "2026-11-24T20:48:07.291Z", "type": kind, "payload": payload})
    return out


def run_writer(path: Path, recs: list[dict[str, object]], every: int, *, fsync: str) -> None:
    from codex._native.jsonl import JsonlWriter

    with JsonlWriter(path, fsync=fsync) as w:  # type: ignore[arg-type]
        for i, rec in enumerate(recs):
            w.append(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
            if i % every == every - 1:
                w.turn_end()


def run_file(path: Path, recs: list[dict[str, object]], every: int, *, fsync: bool) -> None:
    with open(path, "ab") as f:
        for i, rec in enumerate(recs):
            f.write(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
            if i % every == every - 1:
                f.flush()
                if fsync:
                    os.fsync(f.fileno())


def run_per_line(path: Path, recs: list[dict[str, object]], every: int) -> None:
    with open(path, "ab") as f:
        for rec in recs:
            f.write(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
            f.flush()


def timed(fn: Callable[[Path], None], tmp: Path, name: str) -> float:
    fn(tmp / f"warm-{name}.jsonl")
    path = tmp / f"{name}.jsonl"
    t0 = time.perf_counter()
    fn(path)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--turn-every", type=int, default=50)
    args = ap.parse_args(argv)
    recs = records(args.lines)
    every = args.turn_every
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        results["native"] = timed(lambda p: run_writer(p, recs, every, fsync="never"), tmp, "n")
        os.environ["CODEX_PY_NATIVE"] = "0"
        results["twin"] = timed(lambda p: run_writer(p, recs, every, fsync="never"), tmp, "t")
        del os.environ["CODEX_PY_NATIVE"]
        results["file.write"] = timed(lambda p: run_file(p, recs, every, fsync=False), tmp, "f")
        results["per-line"] = timed(lambda p: run_per_line(p, recs, every), tmp, "l")
        size = (tmp / "n.jsonl").stat().st_size
        assert (tmp / "f.jsonl").read_bytes() == (tmp / "n.jsonl").read_bytes()
        fsync_recs = recs[: max(every * 40, 1)]
        results["native+fsync"] = timed(
            lambda p: run_writer(p, fsync_recs, every, fsync="turn_end"), tmp, "nf"
        )
        results["file.write+fsync"] = timed(
            lambda p: run_file(p, fsync_recs, every, fsync=True), tmp, "ff"
        )
    base = results["file.write"]
    print(f"{args.lines} records, {size / 1e6:.1f} MB, turn boundary every {every}")
    for name in ("native", "twin", "file.write", "per-line"):
        print(f"  {name:12s} {results[name] * 1000:9.1f} ms   ratio {results[name] / base:5.2f}")
    n_fs = len(fsync_recs)
    f_base = results["file.write+fsync"]
    print(f"{n_fs} records with fsync at every turn end ({n_fs // every} fsyncs)")
    for name in ("native+fsync", "file.write+fsync"):
        print(f"  {name:17s} {results[name] * 1000:9.1f} ms   ratio {results[name] / f_base:5.2f}")
    return results


def test_smoke() -> None:
    res = main(["--lines", "500", "--turn-every", "10"])
    assert set(res) >= {"native", "twin", "file.write", "per-line"}


if __name__ == "__main__":
    main()
