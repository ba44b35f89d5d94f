"""Child of test_flat_batches.py: push `total` one-turn threads through ONE client (async or
sync), in waves of `wave` threads the caller drops after their turn, with the soft limit on open
files lowered to `nofile` (resource.setrlimit), as a user's long batch job would. Prints JSON:
the open fd count and resident memory after the first half and after all threads, and the
sessions the client still holds open."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import sys
import time


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def snapshot() -> dict[str, int]:
    gc.collect()
    return {"fds": fds(), "rss_kib": rss_kib()}


async def run_async(total: int, wave: int, cwd: str, out: dict[str, object]) -> None:
    from codex import AsyncCodex, CodexConfig

    async with AsyncCodex(CodexConfig(cwd=cwd)) as client:
        done = 0
        while done < total:
            threads = await asyncio.gather(*(client.thread_start() for _ in range(wave)))
            results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
            assert all(r.final_response == "ok" for r in results), results[0]
            del threads, results
            done += wave
            await asyncio.sleep(0)  # let the dropped threads' sessions be retired
            if done == total // 2:
                out["half"] = snapshot()
        out["end"] = snapshot()
        out["open_sessions"] = len(getattr(client, "_pool", getattr(client, "_threads", ())))


def run_sync(total: int, cwd: str, out: dict[str, object]) -> None:
    from codex import Codex, CodexConfig

    with Codex(CodexConfig(cwd=cwd)) as client:
        for done in range(1, total + 1):
            result = client.thread_start().run("ping")
            assert result.final_response == "ok", result
            if done == total // 2:
                out["half"] = snapshot()
        out["end"] = snapshot()
        out["open_sessions"] = len(
            getattr(client._async, "_pool", getattr(client._async, "_threads", ()))
        )


def main() -> None:
    mode, total, wave, nofile, cwd = sys.argv[1:6]
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (int(nofile), hard))
    out: dict[str, object] = {"start": {"fds": fds()}}
    if mode == "async":
        asyncio.run(run_async(int(total), int(wave), cwd, out))
    else:
        run_sync(int(total), cwd, out)
    out["cpu_s"] = round(time.process_time(), 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
