"""SSE framing throughput: the C parser vs its Python twin vs httpx-sse, on the same bytes.

Two workloads, each fed in 64 KiB chunks (what httpcore reads from a loopback socket):
  small: 20 000 `response.output_text.delta` events (~160 bytes each, the streaming hot path)
  large: 16 events of 1 MiB of data each

Run side by side (pytest-benchmark prints each group with ratios to the fastest):
    .venv/bin/pytest bench/bench_sse.py --benchmark-only --benchmark-group-by=group
or as a script, which prints ns/event, GB/s and the ratios in one table:
    .venv/bin/python bench/bench_sse.py

`c.feed` builds full SSEEvent tuples; `c.feed_data` returns only the data strings (what the
model client consumes); `c.raw` is the C engine alone (events framed into packed buffers, no
Python objects), the lower bound the bindings add to. httpx-sse is measured without a socket:
the incremental UTF-8 decoding httpx's `aiter_text` does, then httpx-sse's line and event
decoders.
"""

from __future__ import annotations

import codecs
import sys
import time
from collections.abc import Callable

import orjson
import pytest

from codex._native import sse
from codex._native._py.sse import SSEParser as TwinParser

CHUNK = 64 * 1024


def small_stream(n: int = 20_000) -> bytes:
    event = {
        "type": "response.output_text.delta",
        "item_id": "msg_01a20f50dcbe70e1",
        "output_index": 0,
        "content_index": 0,
        "delta": "tok ",
    }
    frame = b"event: response.output_text.delta\ndata: " + orjson.dumps(event) + b"\n\n"
    return frame * n


def large_stream(n: int = 16, size: int = 1 << 20) -> bytes:
    return (b"event: big\ndata: " + b"x" * size + b"\n\n") * n


def chunked(stream: bytes) -> list[bytes]:
    return [stream[i : i + CHUNK] for i in range(0, len(stream), CHUNK)]


def run_c_raw(chunks: list[bytes]) -> int:
    """The C engine alone: events framed and packed, no Python objects made (a lower bound)."""
    ext = sse._ext
    assert ext is not None
    ffi, lib = ext.ffi, ext.lib
    parser = ffi.gc(lib.codex_sse_new(0), lib.codex_sse_free)
    batch = ffi.new("codex_sse_batch *")
    n = 0
    for chunk in chunks:
        lib.codex_sse_feed(parser, chunk, len(chunk), batch)
        n += batch.count
    return n


def run_c(chunks: list[bytes]) -> int:
    feed = sse.SSEParser().feed
    return sum(len(feed(c)) for c in chunks)


def run_c_data(chunks: list[bytes]) -> int:
    feed = sse.SSEParser().feed_data
    return sum(len(feed(c)) for c in chunks)


def run_twin(chunks: list[bytes]) -> int:
    feed = TwinParser().feed
    return sum(len(feed(c)) for c in chunks)


def run_twin_data(chunks: list[bytes]) -> int:
    feed = TwinParser().feed_data
    return sum(len(feed(c)) for c in chunks)


def run_httpx_sse(chunks: list[bytes]) -> int:
    from httpx_sse._decoders import SSEDecoder, SSELineDecoder

    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines = SSELineDecoder()
    events = SSEDecoder()
    n = 0
    for chunk in chunks:
        for line in lines.decode(text.decode(chunk)):
            if events.decode(line) is not None:
                n += 1
    for line in lines.flush():
        if events.decode(line) is not None:
            n += 1
    return n


IMPLEMENTATIONS: dict[str, Callable[[list[bytes]], int]] = {
    "c.raw": run_c_raw,
    "c.feed": run_c,
    "c.feed_data": run_c_data,
    "twin.feed": run_twin,
    "twin.feed_data": run_twin_data,
    "httpx-sse": run_httpx_sse,
}
WORKLOADS = {"small": (small_stream, 20_000), "large": (large_stream, 16)}


@pytest.mark.skipif(not sse.native_loaded(), reason="C engine not built")
@pytest.mark.parametrize("impl", list(IMPLEMENTATIONS))
@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_sse_framing(benchmark, workload: str, impl: str) -> None:
    make, expected = WORKLOADS[workload]
    chunks = chunked(make())
    benchmark.group = f"sse-{workload}"
    benchmark.extra_info["bytes"] = sum(map(len, chunks))
    n = benchmark(IMPLEMENTATIONS[impl], chunks)
    assert n == expected


def _best(fn: Callable[[list[bytes]], int], chunks: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(chunks)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    print(f"C engine loaded: {sse.native_loaded()}; best of N runs, 64 KiB chunks")
    for workload, (make, count) in WORKLOADS.items():
        chunks = chunked(make())
        total = sum(map(len, chunks))
        repeat = 15 if workload == "small" else 7
        times = {name: _best(fn, chunks, repeat) for name, fn in IMPLEMENTATIONS.items()}
        print(f"\n{workload}: {count} events, {total / 1e6:.1f} MB")
        for name, t in times.items():
            print(
                f"  {name:15} {t * 1e3:8.2f} ms  {t / count * 1e9:9.0f} ns/event"
                f"  {total / t / 1e9:6.2f} GB/s"
                f"  twin.feed/this = {times['twin.feed'] / t:6.1f}x"
                f"  httpx-sse/this = {times['httpx-sse'] / t:6.1f}x"
            )
        data_ratio = times["twin.feed_data"] / times["c.feed_data"]
        print(f"  c.feed_data vs twin.feed_data: {data_ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
