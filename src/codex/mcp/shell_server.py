"""`codex mcp-server --shell`: a small stdio MCP server with one tool, `shell`, that runs a
command under codex-py's sandbox (the seed's shell MCP tool), for any MCP client.

Each call becomes `codex sandbox -s workspace-write --add-dir ROOT... -- bash -lc CMD` in a child
process: the real launcher (Landlock + seccomp on Linux, Seatbelt on macOS) with the roots as the
only writable places (`/tmp` and `$TMPDIR` are excluded) and no network. The working directory
must be inside a root. The server never runs anything itself outside that launcher.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_MS = 60_000
OUTPUT_LIMIT = 64 * 1024


def sandbox_argv(command: str, roots: list[Path]) -> list[str]:
    """The child that runs `command` under workspace-write with `roots` writable."""
    argv = [
        sys.executable,
        "-m",
        "codex",
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "-c",
        "sandbox_workspace_write.exclude_tmpdir_env_var=true",
        "-c",
        "sandbox_workspace_write.network_access=false",
        "sandbox",
        "-s",
        "workspace-write",
    ]
    for root in roots[1:]:
        argv += ["--add-dir", str(root)]
    return [*argv, "--", "bash", "-lc", command]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


async def run_shell(
    command: str, workdir: str | None, timeout_ms: int | None, roots: list[Path]
) -> dict[str, Any]:
    """Run one command; the answer the client reads (exit code, output, or why not)."""
    cwd = Path(workdir).resolve() if workdir else roots[0]
    if not _inside(cwd, roots):
        return {"error": f"workdir {cwd} is outside the server's roots"}
    proc = await asyncio.create_subprocess_exec(
        *sandbox_argv(command, [cwd, *[r for r in roots if r != cwd]]),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    timeout = (timeout_ms or DEFAULT_TIMEOUT_MS) / 1000
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        os.killpg(proc.pid, 9)
        await proc.wait()
        return {"error": f"command timed out after {timeout:g}s", "timed_out": True}
    return {
        "exit_code": proc.returncode,
        "stdout": out[:OUTPUT_LIMIT].decode("utf-8", "replace"),
        "stderr": err[:OUTPUT_LIMIT].decode("utf-8", "replace"),
    }


def serve(roots: list[Path]) -> int:
    """Serve over stdio until the client goes away."""
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("codex-shell")
    resolved = [r.resolve() for r in roots] or [Path.cwd().resolve()]

    @server.tool(
        description=(
            "Runs a bash command under the codex sandbox: only the server's roots are writable "
            f"({', '.join(map(str, resolved))}), no network."
        )
    )
    async def shell(
        command: str, workdir: str | None = None, timeout_ms: int | None = None
    ) -> dict[str, Any]:
        return await run_shell(command, workdir, timeout_ms, resolved)

    server.run("stdio")
    return 0
