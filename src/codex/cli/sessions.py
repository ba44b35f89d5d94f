"""`codex archive`, `codex unarchive` and `codex delete`: manage a saved session by its UUID.
Delete asks first on a terminal; without one it needs `--force`, as upstream."""

from __future__ import annotations

import argparse
import sys

from codex.cli.context import CliContext
from codex.errors import CodexError

NO_TTY = (
    "cannot confirm session deletion without an interactive terminal; "
    "rerun with --force and a session UUID"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="The session's id (UUID)")
    if parser.prog.endswith(" delete"):
        parser.add_argument(
            "--force", action="store_true", help="Delete without prompting. SESSION must be a UUID"
        )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.api import saved_sessions as sessions

    # The whole config is validated, as on every entry point (0.169 refuses a bad one here too).
    home = ctx.load_config().codex_home
    if args.command == "archive":
        path = sessions.archive(home, args.session)
        sys.stdout.write(f"Archived session {_id(path)}.\n")
    elif args.command == "unarchive":
        path = sessions.unarchive(home, args.session)
        sys.stdout.write(f"Unarchived session {_id(path)}.\n")
    else:
        session_id, paths = sessions.find_all(home, args.session)
        if not args.force and not _confirmed(session_id):
            sys.stdout.write("Delete cancelled.\n")
            return 0
        sessions.delete(home, paths)
        sys.stdout.write(f"Deleted session {session_id}.\n")
    return 0


def _id(path: object) -> str:
    name = str(getattr(path, "name", path))
    return name.removesuffix(".jsonl")[-36:]


def _confirmed(session_id: str) -> bool:
    """Ask on the terminal, in 0.169's words; anything but y/yes keeps the session."""
    if not (sys.stdin is not None and sys.stdin.isatty()):
        raise CodexError(NO_TTY)
    sys.stdout.write(
        f"Permanently delete session {session_id}?\nThis cannot be undone.\nContinue? [y/N]: "
    )
    sys.stdout.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
