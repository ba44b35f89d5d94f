"""`codex mcp-server`: codex-py's MCP servers over stdio. `--shell [--root DIR]...` serves the
sandboxed `shell` tool (codex.mcp.shell_server); without it, codex itself as an MCP server
(the `codex` and `codex-reply` tools, codex.mcp.server)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from codex.cli.context import CliContext


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
        from codex.mcp.server import serve as serve_codex

        def load(cwd: Path | None, flags: dict[str, object], profile: str | None) -> object:
            # A per-call profile must not leak into later calls: load through a copy.
            call_ctx = dataclasses.replace(ctx, profile=profile) if profile else ctx
            return call_ctx.load_config(cwd=cwd or Path.cwd(), flag_overrides=flags)

        return serve_codex(load)
    from codex.mcp.shell_server import serve

    return serve([Path(r) for r in args.roots])
