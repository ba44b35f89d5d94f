"""End to end: a 100k-delta Responses stream from a loopback socket to typed events.

The mock model server runs in its own process (so it does not share our GIL) and serves
`deltas:100000` (~15.5 MB of SSE) for every request. Three consumers read it side by side:
  client       codex.client.ModelClient (C SSE parser → orjson → typed events), uvloop
  client-twin  the same client with the pure-Python SSE twin swapped in
  httpx-sse    a plain httpx + httpx-sse + orjson loop yielding the parsed JSON dicts
Target: `client` under 0.5 s for the 100k deltas.

    .venv/bin/python bench/bench_client.py            # table with ratios
    .venv/bin/pytest bench/bench_client.py --benchmark-only
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
import pytest

from codex.client import (
    Completed,
    ModelClient,
    ModelProvider,
    OutputTextDelta,
    Prompt,
    aclose_shared,
    run,
)
from codex.client import model_client as model_client_module
from codex.client.runtime import uvloop_available

DELTAS = 100_000
ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def mock_server_process(deltas: int = DELTAS) -> Iterator[str]:
    """`python -m tests.support.mock_model_server` in a subprocess; yields its base URL."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.mock_model_server",
            "--scenario",
            f"deltas:{deltas}",
            "--repeat-last",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        proc.terminate()
        proc.wait()


def _client(base_url: str) -> ModelClient:
    provider = ModelProvider.from_mapping(
        "mock", {"name": "mock", "base_url": base_url, "wire_api": "responses", "env_key": "K"}
    )
    return ModelClient(provider, "gpt-5.5", conversation_id="bench", env={"K": "k"})


async def consume_client(base_url: str) -> int:
    deltas = 0
    completed = False
    async for event in _client(base_url).stream(Prompt(input=[])):
        if type(event) is OutputTextDelta:
            deltas += 1
        elif type(event) is Completed:
            completed = True
    await aclose_shared()
    assert completed
    return deltas


async def consume_client_twin(base_url: str) -> int:
    from codex._native._py.sse import SSEParser as Twin

    native = model_client_module.SSEParser
    model_client_module.SSEParser = Twin
    try:
        return await consume_client(base_url)
    finally:
        model_client_module.SSEParser = native


async def consume_httpx_sse(base_url: str) -> int:
    from httpx_sse import aconnect_sse

    deltas = 0
    async with (
        httpx.AsyncClient() as http,
        aconnect_sse(http, "POST", f"{base_url}/responses", json={"input": []}) as source,
    ):
        async for sse in source.aiter_sse():
            event = orjson.loads(sse.data)
            if event.get("type") == "response.output_text.delta":
                deltas += 1
    return deltas


CONSUMERS: dict[str, Callable[[str], Awaitable[int]]] = {
    "client": consume_client,
    "client-twin": consume_client_twin,
    "httpx-sse": consume_httpx_sse,
}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with mock_server_process() as url:
        yield url


@pytest.mark.parametrize("consumer", list(CONSUMERS))
def test_100k_deltas_end_to_end(benchmark, base_url: str, consumer: str) -> None:
    benchmark.group = "client-100k-deltas"
    fn = CONSUMERS[consumer]
    n = benchmark.pedantic(lambda: run(fn(base_url)), rounds=5, iterations=1, warmup_rounds=1)
    assert n == DELTAS


def main() -> int:
    with mock_server_process() as url:
        times: dict[str, float] = {}
        for name, fn in CONSUMERS.items():
            assert run(fn(url)) == DELTAS  # warm-up (and the server renders its cache)
            best = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                run(fn(url))
                best = min(best, time.perf_counter() - start)
            times[name] = best
    loop = "uvloop" if uvloop_available() else "asyncio"
    print(f"{DELTAS} deltas (~15.5 MB SSE) over loopback, best of 5, loop={loop} (all three)")
    for name, t in times.items():
        print(
            f"  {name:12} {t:7.3f} s  {DELTAS / t / 1e3:7.0f} k events/s"
            f"  {times['client-twin'] / t:5.2f}x vs client-twin"
            f"  {times['httpx-sse'] / t:5.2f}x vs httpx-sse"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
