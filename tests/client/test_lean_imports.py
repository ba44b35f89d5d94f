"""An in-process turn on the lean path never imports httpx (or httpcore, h11, anyio): their
import cost ~40 ms of the first turn. A fresh interpreter runs one `AsyncCodex` turn against the
loopback mock and lists which of them it holds afterwards; with a proxy configured the same turn
takes httpx's path (and so imports it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

CHILD = """
import asyncio, sys
from codex import AsyncCodex, CodexConfig

async def main():
    async with AsyncCodex(CodexConfig(cwd=sys.argv[1])) as codex:
        thread = await codex.thread_start()
        result = await thread.run("hi")
        assert result.final_response == "ok", result
    held = [m for m in ("httpx", "httpcore", "h11", "anyio") if m in sys.modules]
    print(",".join(held) or "none")

asyncio.run(main())
"""


def _turn(tmp_path: Path, **extra_env: str) -> str:
    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")]))
        home = write_mock_config(tmp_path / "home", mock.base_url)
        work = tmp_path / "work"
        work.mkdir(exist_ok=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CODEX_", "OPENAI_")) and not k.lower().endswith("_proxy")
        }
        env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock", **extra_env)
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(work)],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert len(mock.requests) >= 1
    return proc.stdout.strip().splitlines()[-1]


def test_a_lean_turn_imports_no_httpx(tmp_path: Path) -> None:
    assert _turn(tmp_path) == "none"


def test_a_proxy_keeps_the_httpx_path(tmp_path: Path) -> None:
    # The proxy is never used: 127.0.0.1 is exempt (NO_PROXY), as httpx reads it.
    held = _turn(tmp_path, HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="127.0.0.1")
    assert "httpx" in held.split(",")
