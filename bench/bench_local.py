"""Embedded runtime figures with SmolLM2-135M: server start (model load + health), generation speed
(llama.cpp's own timings for a plain 128-token answer), and the wall time of the README's first
`codex exec --oss` turn, cold (server start included). Run: `python bench/bench_local.py`.

A script, not a test: it prints measurements, it asserts nothing about them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROMPT = "Say hello in one short sentence."


def _codex(home: Path, *argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env["CODEX_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=600,
        check=True,
    )


def main() -> int:
    from codex.local.runtime import EmbeddedServer

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        _codex(home, "models", "pull", "smollm2")
        model = home / "models" / "smollm2.gguf"

        starts, loads, tps, pps = [], [], [], []
        for _ in range(3):
            began = time.perf_counter()
            server = EmbeddedServer(model, alias="smollm2").start()
            starts.append(time.perf_counter() - began)
            loads.append(server.load_seconds or 0.0)
            body = {
                "messages": [{"role": "user", "content": "Tell me about the sea."}],
                "max_tokens": 128,
                "temperature": 0.8,
            }
            req = urllib.request.Request(
                f"{server.base_url}/chat/completions",
                data=json.dumps(body).encode(),
                headers={"content-type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=300) as resp:
                timings = json.loads(resp.read())["timings"]
            tps.append(timings["predicted_per_second"])
            pps.append(timings["prompt_per_second"])
            server.stop()

        turns = []
        for _ in range(3):
            began = time.perf_counter()
            res = _codex(home, "exec", "--skip-git-repo-check", "--oss", PROMPT, cwd=Path(tmp))
            turns.append(time.perf_counter() - began)
            answer = res.stdout.decode().strip()

    med = statistics.median
    print(f"model load (in the child)      {med(loads):6.2f} s   (median of 3)")
    print(f"server start to healthy         {med(starts):6.2f} s   (spawn + load + /health)")
    print(f"generation                      {med(tps):6.1f} tokens/s")
    print(f"prompt processing               {med(pps):6.1f} tokens/s")
    print(f"`codex exec --oss` first turn   {med(turns):6.2f} s   (cold: process + server + turn)")
    print(f"answer: {answer!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
