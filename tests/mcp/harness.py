"""Shared pieces of the MCP tests: config tables for the SDK-built peer servers."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stdio_table(name: str, mode: str = "normal", extra: str = "") -> str:
    return (
        f"[mcp_servers.{name}]\n"
        f'command = "{sys.executable}"\n'
        f'args = ["-m", "tests.mcp.peers.stdio_server", "--mode", "{mode}"]\n'
        f'cwd = "{ROOT}"\n'
        f"{extra}"
    )


def http_table(name: str, port: int, extra: str = "") -> str:
    return f'[mcp_servers.{name}]\nurl = "http://127.0.0.1:{port}/mcp"\n{extra}'
