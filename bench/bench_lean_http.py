"""Per-request CPU of the model request's HTTP layer: the lean client vs httpx, side by side.

One streamed POST + its small SSE reply (the one-message turn the in-process benchmarks use),
against the loopback mock (a server thread of this process), N at once, R rounds; CPU µs per
request of the event loop's thread alone (`time.thread_time`, so the mock's threads do not count).
Both paths run in the same process, in turns, so machine load affects both alike.

    .venv/bin/python bench/bench_lean_http.py [--concurrency 100] [--rounds 5] [--uvloop]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn  # noqa: E402

BODY = b'{"model":"gpt-5.5","input":[],"stream":true}'
HEADERS = {
    "originator": "codex_exec",
    "user-agent": "codex_exec/0.169.0",
    "accept": "text/event-stream",
    "content-type": "application/json",
    "session-id": "s",
}


async def _lean_one(lean, url: str) -> int:  # type: ignore[no-untyped-def]
    from codex.client.lean_request import lean_post

    response = await lean_post(lean, url, BODY, HEADERS, connect=30.0, timeout=300.0)
    assert response is not None and response.status_code == 200
    n = 0
    async for chunk in response.aiter_bytes():
        n += len(chunk)
    return n


async def _httpx_one(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from codex.client.lean_send import send_stream

    response = await send_stream(client, url, BODY, HEADERS, idle=300.0, connect=30.0)
    assert response.status_code == 200
    n = 0
    try:
        async for chunk in response.aiter_bytes():
            n += len(chunk)
    finally:
        await response.aclose()
    return n


async def _rounds(one, target, url: str, n: int, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    await asyncio.gather(*(one(target, url) for _ in range(n)))  # warm the pool
    out = []
    for _ in range(rounds):
        c = time.thread_time()
        await asyncio.gather(*(one(target, url) for _ in range(n)))
        out.append((time.thread_time() - c) * 1e6 / n)
    return out


async def main_async(n: int, rounds: int, url: str) -> None:
    from codex.client.lean_http import LeanHTTP
    from codex.client.transport import LazyTrustContext, new_client

    lean = LeanHTTP(LazyTrustContext)
    client = new_client()
    lean_us, httpx_us = [], []
    for _ in range(2):  # interleave, so drift in load hits both
        lean_us += await _rounds(_lean_one, lean, url, n, rounds)
        httpx_us += await _rounds(_httpx_one, client, url, n, rounds)
    await lean.aclose()
    await client.aclose()
    lm, hm = statistics.median(lean_us), statistics.median(httpx_us)
    print(f"lean  CPU per request: median {lm:.0f} us  ({' '.join(f'{x:.0f}' for x in lean_us)})")
    print(f"httpx CPU per request: median {hm:.0f} us  ({' '.join(f'{x:.0f}' for x in httpx_us)})")
    print(f"saved {hm - lm:.0f} us per request ({hm / lm:.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--uvloop", action="store_true")
    args = parser.parse_args()
    import os

    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")]))
        url = mock.base_url + "/responses"
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{args.concurrency} at once × {args.rounds} rounds × 2; load {load}")
        coro = main_async(args.concurrency, args.rounds, url)
        if args.uvloop:
            import uvloop

            uvloop.run(coro)
        else:
            asyncio.run(coro)
    return 0


if __name__ == "__main__":
    sys.exit(main())
