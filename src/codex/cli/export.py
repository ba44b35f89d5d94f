"""`codex export SESSION --format md|json|html [-o FILE]`: a recorded session as Markdown, clean
JSON items, or one self-contained HTML page (core.export does the work; the TUI's `/export`
calls the same code). SESSION is a session UUID or a rollout file path."""

from __future__ import annotations

import argparse
import sys

from codex.cli.context import CliContext
from codex.errors import CodexError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION_ID", help="A session UUID or a rollout path")
    parser.add_argument(
        "--format", "-f", choices=("md", "json", "html"), default="md", help="Output format"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="Write here instead of stdout")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.core.export import resolve_rollout, write_export

    home = ctx.load_config().codex_home
    path = resolve_rollout(home, args.session)
    if args.output in (None, "-"):
        write_export(path, args.format, sys.stdout)
        sys.stdout.flush()
        return 0
    import os

    # Written beside the target and renamed over it: a failed export leaves no half file.
    tmp = f"{args.output}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            write_export(path, args.format, out)
        os.replace(tmp, args.output)
    except OSError as err:
        raise CodexError(f"cannot write {args.output}: {err.strerror or err}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return 0
