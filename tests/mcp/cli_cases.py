"""The `codex mcp …` scenario both CLIs run in the same order against a fresh home: every step's
argv, stdout, the error line and exit code. `capture.py` records the official binary's answers
into tests/fixtures/mcp/cli.json; test_cli_mcp.py runs ours and compares."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (argv after `codex`, or a ("config", text) step that rewrites config.toml)
STEPS: list[Any] = [
    ["mcp", "list"],
    ["mcp", "list", "--json"],
    [
        "mcp",
        "add",
        "docs",
        "--env",
        "API_KEY=secret",
        "--env",
        "B=2",
        "--",
        "python3",
        "-m",
        "srv",
        "--flag",
    ],
    ["mcp", "add", "web", "--url", "http://127.0.0.1:9/mcp", "--bearer-token-env-var", "TOK"],
    ("read-config",),
    ["mcp", "list"],
    ["mcp", "list", "--json"],
    ["mcp", "get", "docs"],
    ["mcp", "get", "docs", "--json"],
    ["mcp", "get", "web"],
    ["mcp", "get", "web", "--json"],
    ["mcp", "get", "nope"],
    ["mcp", "add", "bad name", "--", "x"],
    ["mcp", "add", "solo", "--", "srv"],
    ["mcp", "remove", "docs"],
    ["mcp", "remove", "docs"],
    ["mcp", "list"],
    ("append-config", '\n[mcp_servers.off]\ncommand = "srv"\nenabled = false\n'),
    ["mcp", "list"],
    ["mcp", "get", "off"],
    ["mcp", "list", "--json"],
    ("read-config",),
    (
        "append-config",
        '\n[mcp_servers.tuned]\ncommand = "srv"\ndefault_tools_approval_mode = "approve"\n'
        'enabled_tools = ["a", "b"]\ndisabled_tools = ["b"]\nstartup_timeout_sec = 5\n'
        'tool_timeout_sec = 7.5\n[mcp_servers.tuned.tools.a]\napproval_mode = "prompt"\n',
    ),
    ["mcp", "get", "tuned"],
    ["mcp", "get", "tuned", "--json"],
    ["mcp", "list", "--json"],
]


def error_line(stderr: str) -> str:
    """The one line that says what went wrong (the official adds warnings and a backtrace)."""
    for line in stderr.splitlines():
        if line.startswith("Error: "):
            return line[len("Error: ") :]
        if line.startswith("codex: "):
            return line[len("codex: ") :]
    return ""


def run_scenario(
    run: Callable[[list[str], dict[str, str]], subprocess.CompletedProcess[str]], home: Path
) -> list[dict[str, Any]]:
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CODEX_HOME": str(home)}
    config = home / "config.toml"
    out: list[dict[str, Any]] = []
    for step in STEPS:
        if isinstance(step, tuple):
            if step[0] == "read-config":
                out.append({"config": config.read_text() if config.exists() else ""})
            else:
                with config.open("a") as f:
                    f.write(step[1])
            continue
        proc = run(step, env)
        out.append(
            {
                "argv": step,
                "rc": proc.returncode,
                "stdout": proc.stdout,
                "error": error_line(proc.stderr),
            }
        )
    return out
