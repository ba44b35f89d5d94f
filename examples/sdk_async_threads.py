"""Many threads at once in one asyncio event loop (`AsyncCodex`): each thread is its own
session; their turns run concurrently in this process.

    python examples/sdk_async_threads.py 8
"""

from __future__ import annotations

import asyncio
import os
import sys

from codex import AsyncCodex, CodexConfig


async def main(n: int) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    async with AsyncCodex(config) as codex:
        threads = [await codex.thread_start(ephemeral=True) for _ in range(n)]
        results = await asyncio.gather(
            *(thread.run(f"Reply with the number {i}.") for i, thread in enumerate(threads))
        )
    for thread, result in zip(threads, results, strict=True):
        print(f"{thread.id}: {result.final_response}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)))
