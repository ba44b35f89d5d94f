"""`codex mcp-server`: codex-py's MCP servers over stdio. `--shell [--root DIR]...` serves the
sandboxed `shell` tool (codex.mcp.shell_server). Codex itself as an MCP server (`codex` and
`codex-reply` tools) is not implemented yet and says so in one line."""

from __future__ import annotations

import argparse
from pathlib import Path

from codex.cli.context import CliContext
from codex.errors import CodexError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shell", action="store_true", help="Serve the sandboxed `shell` tool (stdio MCP)"
    )
    parser.add_argument(
        "--root",
        dest="roots",
        action="append",
        default=[],
        metavar="DIR",
        help="A writable root for --shell (repeatable; default: the current directory)",
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.shell:
        raise CodexError(
            "codex mcp-server (the codex/codex-reply tools) is not implemented in codex-py yet; "
            "`codex mcp-server --shell` serves the sandboxed shell tool"
        )
    from codex.mcp.shell_server import serve

    return serve([Path(r) for r in args.roots])
