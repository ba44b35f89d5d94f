"""What an `AsyncCodex` costs a program before its first turn: creating one keeps httpx's
command-line client (click, rich, pygments: ~50 ms) from being imported with httpx, yet a
program that imported httpx itself keeps it whole. Each case runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("rich", reason="httpx imports its CLI only when rich is installed")


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return proc.stdout.strip()


def test_a_client_keeps_httpx_cli_out_of_the_process() -> None:
    out = _run(
        "import sys\n"
        "from codex import AsyncCodex\n"
        "AsyncCodex()\n"
        "import httpx\n"
        "httpx.AsyncClient()\n"
        "print('rich' in sys.modules, 'click' in sys.modules)\n"
    )
    assert out == "False False"


def test_httpx_imported_first_is_left_whole() -> None:
    out = _run(
        "import sys, httpx\n"
        "from codex import AsyncCodex\n"
        "AsyncCodex()\n"
        "print(hasattr(sys.modules['httpx._main'], 'main'), 'rich' in sys.modules)\n"
    )
    assert out == "True True"
