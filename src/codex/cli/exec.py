"""`codex exec` (alias `e`): run the agent non-interactively. Only argument wiring lives here; the
work is in `codex.exec` (imported when the command runs, not when `--help` is built)."""

from __future__ import annotations

# `typing` costs ~2 ms that `codex exec --help` would otherwise not pay (as in cli/main.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from codex.cli.context import CliContext
    from codex.exec.request import ExecRequest


# Sub-subcommands exec's own grammar takes from its PROMPT remainder (argparse cannot hold a
# subparser beside a free positional): the CLI help walker (tests/cli) asks each for --help.
NESTED_WORDS = ("resume", "review")
_HELP_FLAGS = ("-h", "--help")


def configure(parser: argparse.ArgumentParser) -> None:
    from codex.exec.args import add_options, add_positional

    add_options(parser)
    add_positional(parser)
    parser.codex_words = NESTED_WORDS  # type: ignore[attr-defined]


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.exec.args import parse_rest

    rest = list(args.rest or [])
    if rest[:1] == ["resume"] and _asks_help(rest[1:]):
        resume_parser().print_help()
        return 0
    review = None
    if rest[:1] == ["review"] and _asks_help(rest[1:]):
        from codex.cli.review import review_parser

        review_parser("codex exec review").print_help()
        return 0
    if rest[:1] == ["review"]:
        from codex.exec.review import split_review_flags

        review, args.rest = split_review_flags(rest[1:])
    request = parse_rest(args)
    if review is not None:
        from codex.cli.review import check_flags

        check_flags(review, request.prompt)
    request.review = review
    return run_request(request, ctx)


def run_request(request: ExecRequest, ctx: CliContext) -> int:
    """Apply the request's config flags to the context, then run it (also `codex review`)."""
    from codex.exec.run import run_exec

    if request.extra_config:
        ctx.cli_overrides.extend(request.extra_config)
    if request.profile is not None:
        from codex.config.profiles import check_profile_flag

        check_profile_flag(request.profile)  # a usage error (exit 2), as before the prompt
        ctx.profile = request.profile
    ctx.feature_toggles.extend(request.feature_toggles)
    ctx.strict_config = ctx.strict_config or request.strict_config
    ctx.ignore_user_config = request.ignore_user_config
    return run_exec(request, ctx)


def _asks_help(words: list[str]) -> bool:
    """-h/--help among the options (before a `--`), as argparse would have taken it."""
    for word in words:
        if word == "--":
            return False
        if word in _HELP_FLAGS:
            return True
    return False


def resume_parser() -> argparse.ArgumentParser:
    """`codex exec resume`'s help: the words `codex.exec.args.parse_rest` accepts after it."""
    import argparse

    from codex.cli.main import add_global_options
    from codex.exec.args import add_options

    parser = argparse.ArgumentParser(
        prog="codex exec resume",
        description="Resume a previous session by id or pick the most recent with --last",
    )
    add_global_options(parser)
    parser.add_argument(
        "--last",
        action="store_true",
        help="Resume the most recent recorded session (newest) without specifying an id",
    )
    parser.add_argument(
        "--all", action="store_true", help="Show all sessions (disables cwd filtering)"
    )
    add_options(parser)
    parser.add_argument(
        "session_id",
        nargs="?",
        metavar="SESSION_ID",
        help="Session id (UUID) to continue; omit it and pass --last for the most recent",
    )
    parser.add_argument(
        "prompt",
        nargs="?",
        metavar="PROMPT",
        help="Prompt to send after resuming the session; `-` reads it from stdin",
    )
    return parser
